package monitor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/natsys/natsys/client/sysapi"
)

// listerOf adds ConnLister to a Source, built on its Conns.
type listerOf struct {
	Source
	snapshots int // ConnSnapshotOf calls
}

func (l *listerOf) ConnSortInfos(account string, by sysapi.SortOpt, dst []ConnSortInfo) []ConnSortInfo {
	conns := l.Conns(account)
	dst = slices.Grow(dst, len(conns))
	for i := range conns {
		c := &conns[i]
		// Only the fields of the order, as the contract allows.
		full := sortInfoOf(c)
		in := ConnSortInfo{CID: c.CID, Ref: c}
		switch by {
		case sysapi.ByUptime:
			in.Start, in.Stop = full.Start, full.Stop
		case sysapi.ByStop:
			in.Stop = full.Stop
		default:
			var only ConnSnapshot
			setSortField(&only, &full, by)
			o := sortInfoOf(&only)
			in.LastActivity, in.RTT, in.PendingBytes, in.NumSubs = o.LastActivity, o.RTT, o.PendingBytes, o.NumSubs
			in.InMsgs, in.OutMsgs, in.InBytes, in.OutBytes = o.InMsgs, o.OutMsgs, o.InBytes, o.OutBytes
		}
		dst = append(dst, in)
	}
	return dst
}

func (l *listerOf) ConnSnapshotOf(ref any) ConnSnapshot {
	l.snapshots++
	return *ref.(*ConnSnapshot)
}

// TestConnzListerMatches checks that the ConnLister path of Connz returns
// what the snapshot-everything path returns, for every order, state,
// filter and page.
func TestConnzListerMatches(t *testing.T) {
	sorts := []sysapi.SortOpt{"", sysapi.ByCid, sysapi.ByStart, sysapi.BySubs, sysapi.ByPending,
		sysapi.ByOutMsgs, sysapi.ByInMsgs, sysapi.ByOutBytes, sysapi.ByInBytes, sysapi.ByLast,
		sysapi.ByIdle, sysapi.ByUptime, sysapi.ByRTT, sysapi.ByStop, sysapi.ByReason}
	states := []sysapi.ConnState{sysapi.ConnOpen, sysapi.ConnClosed, sysapi.ConnAll}
	pages := [][2]int{{0, 0}, {0, 2}, {1, 3}, {3, 100}, {6, 1}, {50, 10}}
	sources := map[string]Source{"fake": newFake(), "bench": newBenchSource(500)}
	for name, src := range sources {
		lister := &listerOf{Source: src}
		for _, sort := range sorts {
			for _, state := range states {
				for _, pg := range pages {
					for _, extra := range []sysapi.ConnzOptions{{}, {CID: 2}, {Account: "USERS"}, {Auth: true, Subscriptions: true}, {User: "a"}} {
						o := extra
						o.Sort, o.State, o.Offset, o.Limit = sort, state, pg[0], pg[1]
						want, werr := Connz(src, &o)
						got, gerr := Connz(lister, &o)
						if (werr == nil) != (gerr == nil) {
							t.Fatalf("%s %+v: errors %v / %v", name, o, werr, gerr)
						}
						wb, _ := json.Marshal(want)
						gb, _ := json.Marshal(got)
						if !bytes.Equal(wb, gb) {
							t.Fatalf("%s %+v:\nfull   %.600s\nlister %.600s", name, o, wb, gb)
						}
					}
				}
			}
		}
	}
	lister := &listerOf{Source: newBenchSource(10000)}
	if _, err := Connz(lister, &sysapi.ConnzOptions{Sort: sysapi.ByInBytes, Limit: 100}); err != nil {
		t.Fatal(err)
	}
	if lister.snapshots != 100 {
		t.Errorf("%d connections snapshotted for a page of 100", lister.snapshots)
	}
}

// fillRandom sets v (addressable) to a random value; zero with probability
// pZero for each field or element. Strings include ones encoding/json
// escapes.
func fillRandom(rng *rand.Rand, v reflect.Value, pZero float64) {
	if rng.Float64() < pZero {
		v.SetZero()
		return
	}
	strs := []string{"a", "client-1", "10.1.2.3", "<script>&\"'", "tab\there", "é ü", "\xff\xfe", "\u2028x", "\x00\x1f\x7f", `back\slash`}
	if v.Type() == reflect.TypeOf(time.Time{}) {
		zones := []*time.Location{time.UTC, time.FixedZone("x", 5*3600+1800), time.FixedZone("y", -7*3600)}
		t := time.Unix(rng.Int64N(4e9), rng.Int64N(1e9)*int64(rng.IntN(2))).In(zones[rng.IntN(len(zones))])
		v.Set(reflect.ValueOf(t))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(strs[rng.IntN(len(strs))])
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(rng.Int64N(1<<40) - 1<<20)
	case reflect.Uint64, reflect.Uint32:
		v.SetUint(rng.Uint64N(1 << 31))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		n := rng.IntN(3)
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			fillRandom(rng, s.Index(i), pZero)
		}
		v.Set(s)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fillRandom(rng, p.Elem(), pZero)
		v.Set(p)
	case reflect.Struct:
		for i := range v.NumField() {
			fillRandom(rng, v.Field(i), pZero)
		}
	default:
		panic(fmt.Sprintf("fillRandom: kind %v of %v", v.Kind(), v.Type()))
	}
}

// TestConnzJSONMatches checks the one-pass CONNZ encoder against
// json.MarshalIndent: every field set (a field added to sysapi.ConnInfo
// and not to the encoder fails here), every field unset, and random
// mixes, with strings that need escaping.
func TestConnzJSONMatches(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var cases []*sysapi.Connz
	cases = append(cases, &sysapi.Connz{}, &sysapi.Connz{Conns: []*sysapi.ConnInfo{}}, &sysapi.Connz{Conns: []*sysapi.ConnInfo{nil, {}}})
	for _, pZero := range []float64{0, 0, 1, 0.3, 0.5, 0.8} {
		for range 50 {
			cz := &sysapi.Connz{}
			fillRandom(rng, reflect.ValueOf(cz).Elem(), 0)
			cz.Conns = make([]*sysapi.ConnInfo, 1+rng.IntN(4))
			for i := range cz.Conns {
				cz.Conns[i] = &sysapi.ConnInfo{}
				fillRandom(rng, reflect.ValueOf(cz.Conns[i]).Elem(), pZero)
				if pZero == 0 {
					// Every field non-zero (fillRandom may pick 0-length slices).
					ci := cz.Conns[i]
					ci.TLSPeerCerts = append(ci.TLSPeerCerts, sysapi.TLSPeerCert{Subject: "CN=x"})
					ci.Subs = append(ci.Subs, "foo.>")
					ci.SubsDetail = append(ci.SubsDetail, sysapi.SubDetail{Subject: "foo", SID: "1", CID: 3})
					ci.Tags = append(ci.Tags, "t")
				}
			}
			cases = append(cases, cz)
		}
	}
	for i, cz := range cases {
		want, werr := json.MarshalIndent(cz, "", jsonIndent)
		got, gerr := marshalConnzIndent(cz)
		if werr != nil || gerr != nil {
			t.Fatalf("case %d: errors %v / %v", i, werr, gerr)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("case %d differs:\nwant %s\ngot  %s", i, want, got)
		}
	}
	// A time encoding/json refuses: the same error path as before.
	bad := &sysapi.Connz{Conns: []*sysapi.ConnInfo{{Start: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}}}
	if _, err := marshalConnzIndent(bad); err == nil {
		t.Error("year 10000 encoded")
	}
}

// TestSelectKeys checks the selection against a full sort, for inputs that
// are random, sorted, reversed and full of equal keys.
func TestSelectKeys(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	gens := map[string]func(i, n int) int64{
		"random":   func(int, int) int64 { return rng.Int64N(1000) },
		"sorted":   func(i, _ int) int64 { return int64(i) },
		"reversed": func(i, n int) int64 { return int64(n - i) },
		"equal":    func(int, int) int64 { return 7 },
	}
	for name, gen := range gens {
		for _, n := range []int{0, 1, 5, 13, 100, 2000} {
			for _, k := range []int{0, 1, n / 3, n / 2, n - 1, n} {
				if k < 0 || k > n {
					continue
				}
				keys := make([]connKey, n)
				for i := range keys {
					keys[i] = connKey{key: gen(i, n), cid: uint64(rng.IntN(n) + n*i)}
				}
				want := slices.Clone(keys)
				slices.SortFunc(want, compareKeys)
				selectKeys(keys, k)
				got := keys[:k]
				slices.SortFunc(got, compareKeys)
				if !slices.Equal(got, want[:k]) {
					t.Fatalf("%s n=%d k=%d: selected %v, want %v", name, n, k, got, want[:k])
				}
			}
		}
	}
}

// BenchmarkConnz10kPage is the HTTP CONNZ of the bench scenario (sort by
// bytes_from, limit 1,024, 10,000 open connections) through the ConnLister
// path, with the indented JSON of the page by the one-pass encoder and, for
// comparison, by encoding/json.
func BenchmarkConnz10kPage(b *testing.B) {
	src := &listerOf{Source: newBenchSource(10000)}
	opts := &sysapi.ConnzOptions{Sort: sysapi.ByInBytes, Limit: 1024}
	for name, enc := range map[string]func(*sysapi.Connz) ([]byte, error){
		"onepass":       marshalConnzIndent,
		"encoding-json": func(cz *sysapi.Connz) ([]byte, error) { return json.MarshalIndent(cz, "", jsonIndent) },
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				cz, err := Connz(src, opts)
				if err != nil || cz.NumConns != 1024 {
					b.Fatalf("%v %d", err, cz.NumConns)
				}
				if _, err := enc(cz); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
