package server_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/natsys/natsys/server/natstest"
)

// The isolation property (config.md §2.10): a message crosses accounts only
// through an import that an export authorises, under the import's subject
// mapping, and every such import delivers it. isoWorld is one random set of
// accounts, exports and imports together with the model of what each
// publish must deliver.
type isoWorld struct {
	n       int
	exports [][]isoExport // per account
	streams []isoStream
	svcs    []isoService
}

type isoExport struct {
	stream  bool
	subject string // "s.<i>.<k>", "s.<i>.*", "q.<i>.>", ...
	allowed []int  // nil = public
}

// isoStream: account to imports subject (from account from) under local.
type isoStream struct {
	to, from int
	subject  string
	prefix   string // local = prefix + "." + subject, or
	mapped   string // local = mapped (same tail as subject), when prefix is ""
}

// isoService: account from (the requester) imports subject of account to
// under local.
type isoService struct {
	from, to int
	subject  string
	local    string
}

// tailOf returns what follows "s.<i>." or "q.<i>." in a subject.
func tailOf(s string) string {
	parts := strings.SplitN(s, ".", 3)
	return parts[2]
}

// newIsoWorld generates a valid configuration from rng.
func newIsoWorld(rng *rand.Rand) *isoWorld {
	w := &isoWorld{n: 3 + rng.IntN(3)}
	w.exports = make([][]isoExport, w.n)
	tails := []string{"a", "b", "*", ">"}
	for i := range w.n {
		for _, kind := range []string{"s", "q"} {
			// One restriction for all the exports of a kind: when
			// overlapping exports disagree, the reference picks one at
			// random [IMPL].
			var allowed []int
			if rng.IntN(3) == 0 {
				allowed = []int{}
				for j := range w.n {
					if j != i && rng.IntN(2) == 0 {
						allowed = append(allowed, j)
					}
				}
			}
			for _, tail := range tails {
				if rng.IntN(2) == 0 {
					continue
				}
				ex := isoExport{stream: kind == "s", subject: fmt.Sprintf("%s.%d.%s", kind, i, tail), allowed: allowed}
				w.exports[i] = append(w.exports[i], ex)
			}
		}
	}
	for j := range w.n {
		usedStream := map[string]bool{}
		usedLocal := map[string]bool{}
		for i := range w.n {
			if i == j {
				continue
			}
			for _, ex := range w.exports[i] {
				if rng.IntN(3) == 0 || (ex.allowed != nil && !slices.Contains(ex.allowed, j)) {
					continue
				}
				subj := ex.subject
				if strings.HasSuffix(subj, ".*") || strings.HasSuffix(subj, ".>") {
					if rng.IntN(2) == 0 {
						subj = strings.TrimSuffix(strings.TrimSuffix(subj, "*"), ">") + "c"
					}
				}
				if ex.stream {
					key := fmt.Sprintf("%d/%s", i, subj)
					if usedStream[key] {
						continue
					}
					usedStream[key] = true
					st := isoStream{to: j, from: i, subject: subj}
					if rng.IntN(2) == 0 {
						st.prefix = fmt.Sprintf("p%d", j)
					} else {
						st.mapped = fmt.Sprintf("m%d.%d.%s", j, i, tailOf(subj))
					}
					w.streams = append(w.streams, st)
					continue
				}
				local := subj
				if rng.IntN(2) == 0 {
					local = fmt.Sprintf("l%d.%d.%s", j, i, tailOf(subj))
				}
				if usedLocal[local] {
					continue
				}
				usedLocal[local] = true
				w.svcs = append(w.svcs, isoService{from: j, to: i, subject: subj, local: local})
			}
		}
	}
	return w
}

// config renders the world as a configuration file.
func (w *isoWorld) config() string {
	var b strings.Builder
	b.WriteString("accounts {\n")
	for i := range w.n {
		fmt.Fprintf(&b, "  A%d: {\n    users: [{user: u%d, password: u%d}]\n    exports: [\n", i, i, i)
		for _, ex := range w.exports[i] {
			kind := "service"
			if ex.stream {
				kind = "stream"
			}
			fmt.Fprintf(&b, "      {%s: %q", kind, ex.subject)
			if len(ex.allowed) > 0 {
				names := make([]string, len(ex.allowed))
				for k, a := range ex.allowed {
					names[k] = "A" + strconv.Itoa(a)
				}
				fmt.Fprintf(&b, ", accounts: [%s]", strings.Join(names, ", "))
			}
			b.WriteString("}\n")
		}
		b.WriteString("    ]\n    imports: [\n")
		for _, st := range w.streams {
			if st.to != i {
				continue
			}
			fmt.Fprintf(&b, "      {stream: {account: A%d, subject: %q}", st.from, st.subject)
			if st.prefix != "" {
				fmt.Fprintf(&b, ", prefix: %q}\n", st.prefix)
			} else {
				fmt.Fprintf(&b, ", to: %q}\n", st.mapped)
			}
		}
		for _, sv := range w.svcs {
			if sv.from == i {
				fmt.Fprintf(&b, "      {service: {account: A%d, subject: %q}, to: %q}\n", sv.to, sv.subject, sv.local)
			}
		}
		b.WriteString("    ]\n  }\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// publishSubjects are the literal subjects worth publishing: every export,
// import and local subject with its wildcards filled in, and some others.
func (w *isoWorld) publishSubjects() []string {
	fill := func(s string) []string {
		switch {
		case strings.HasSuffix(s, ".*"):
			return []string{strings.TrimSuffix(s, "*") + "c", strings.TrimSuffix(s, "*") + "d"}
		case strings.HasSuffix(s, ".>"):
			return []string{strings.TrimSuffix(s, ">") + "c", strings.TrimSuffix(s, ">") + "d.e"}
		}
		return []string{s}
	}
	var out []string
	for i := range w.n {
		for _, ex := range w.exports[i] {
			out = append(out, fill(ex.subject)...)
		}
		out = append(out, fmt.Sprintf("s.%d.zz", i), fmt.Sprintf("q.%d.zz", i))
	}
	for _, st := range w.streams {
		if st.prefix != "" {
			out = append(out, fill(st.prefix+"."+st.subject)...)
		} else {
			out = append(out, fill(st.mapped)...)
		}
	}
	for _, sv := range w.svcs {
		out = append(out, fill(sv.local)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// matchLit reports whether literal subject s matches pattern p.
func matchLit(p, s string) bool {
	pt, st := strings.Split(p, "."), strings.Split(s, ".")
	for i, tok := range pt {
		if tok == ">" {
			return len(st) > i
		}
		if i >= len(st) || (tok != "*" && tok != st[i]) {
			return false
		}
	}
	return len(pt) == len(st)
}

// expect returns the deliveries of one publish, as "A<acc> <subject>
// <reply> <data>" lines for the ">" subscriber of each account.
func (w *isoWorld) expect(acc int, subj, reply, data string) []string {
	out := []string{fmt.Sprintf("A%d %s %s %s", acc, subj, reply, data)}
	for _, st := range w.streams {
		if st.from != acc || !matchLit(st.subject, subj) {
			continue
		}
		local := st.prefix + "." + subj
		if st.prefix == "" {
			local = fmt.Sprintf("m%d.%d.%s", st.to, st.from, tailOf(subj))
		}
		out = append(out, fmt.Sprintf("A%d %s %s %s", st.to, local, reply, data))
	}
	for _, sv := range w.svcs {
		if sv.from != acc || !matchLit(sv.local, subj) {
			continue
		}
		remote := subj
		if sv.local != sv.subject {
			remote = fmt.Sprintf("q.%d.%s", sv.to, tailOf(subj))
			if !strings.Contains(sv.subject, "*") && !strings.Contains(sv.subject, ">") {
				remote = sv.subject
			}
		}
		r := ""
		if reply != "" {
			r = "_R_.*"
		}
		out = append(out, fmt.Sprintf("A%d %s %s %s", sv.to, remote, r, data))
	}
	return out
}

// isoRun publishes every subject from every account (with and without a
// reply) on url and returns the deliveries seen by each account's ">"
// subscriber, sorted.
func isoRun(t *testing.T, w *isoWorld, url string, subjects []string) []string {
	t.Helper()
	subs := make([]*natstest.Conn, w.n)
	pubs := make([]*natstest.Conn, w.n)
	for i := range w.n {
		u := "u" + strconv.Itoa(i)
		subs[i] = impLogin(t, url, u, "")
		subs[i].Send("SUB > 1\r\n")
		impExpect(t, impDrain(t, subs[i]))
		pubs[i] = impLogin(t, url, u, "")
	}
	n := 0
	for i := range w.n {
		var b strings.Builder
		for _, s := range subjects {
			for _, reply := range []string{"", "rep"} {
				n++
				data := "m" + strconv.Itoa(n)
				if reply == "" {
					fmt.Fprintf(&b, "PUB %s %d\r\n%s\r\n", s, len(data), data)
				} else {
					fmt.Fprintf(&b, "PUB %s %s %d\r\n%s\r\n", s, reply, len(data), data)
				}
			}
		}
		pubs[i].Send(b.String())
		impExpect(t, impDrain(t, pubs[i]))
	}
	var got []string
	for i, c := range subs {
		for _, line := range impDrain(t, c) {
			f := strings.Fields(line) // MSG subject sid [reply] data
			reply := ""
			if len(f) == 5 {
				reply = f[3]
			}
			got = append(got, fmt.Sprintf("A%d %s %s %s", i, f[1], reply, f[len(f)-1]))
		}
	}
	slices.Sort(got)
	return got
}

// TestIsolationProperty runs random account graphs: the deliveries must be
// exactly those the model derives from the configuration, on natsys and on
// the reference.
func TestIsolationProperty(t *testing.T) {
	seeds := 12
	if testing.Short() {
		seeds = 3
	}
	for seed := range seeds {
		t.Run("seed"+strconv.Itoa(seed), func(t *testing.T) {
			w := newIsoWorld(rand.New(rand.NewPCG(uint64(seed), 7)))
			conf := w.config()
			subjects := w.publishSubjects()
			var want []string
			n := 0
			for i := range w.n {
				for _, s := range subjects {
					for _, reply := range []string{"", "rep"} {
						n++
						want = append(want, w.expect(i, s, reply, "m"+strconv.Itoa(n))...)
					}
				}
			}
			slices.Sort(want)
			impBoth(t, conf, func(t *testing.T, url string) {
				got := isoRun(t, w, url, subjects)
				if !slices.Equal(got, want) {
					t.Fatalf("config:\n%s\n%s", conf, diffLines(got, want))
				}
			})
		})
	}
}

// diffLines describes the lines only in got and only in want.
func diffLines(got, want []string) string {
	count := map[string]int{}
	for _, g := range got {
		count[g]++
	}
	for _, w := range want {
		count[w]--
	}
	var extra, missing []string
	for k, v := range count {
		for ; v > 0; v-- {
			extra = append(extra, k)
		}
		for ; v < 0; v++ {
			missing = append(missing, k)
		}
	}
	slices.Sort(extra)
	slices.Sort(missing)
	return fmt.Sprintf("delivered but not allowed (%d):\n  %s\nallowed but not delivered (%d):\n  %s",
		len(extra), strings.Join(extra, "\n  "), len(missing), strings.Join(missing, "\n  "))
}
