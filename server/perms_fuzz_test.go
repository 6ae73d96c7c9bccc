package server

import (
	"strings"
	"testing"

	"github.com/natsys/natsys/server/internal/subject"
)

// naiveMatch matches subj against pattern token by token: "*" matches one
// token, ">" one or more, anything else itself (wildcards in subj are
// plain tokens).
func naiveMatch(pattern, subj string) bool {
	pt := strings.Split(pattern, ".")
	st := strings.Split(subj, ".")
	for i, tok := range pt {
		if tok == ">" && i == len(pt)-1 {
			return len(st) > i
		}
		if i >= len(st) || (tok != "*" && tok != st[i]) {
			return false
		}
	}
	return len(pt) == len(st)
}

// naivePerms is the reference semantics of config.md §2.9, written out
// without the compiled form.
type naivePerms struct {
	pubAllow, pubDeny []string
	subAllow, subDeny []string // "<subject>" or "<subject> <queue>"
	hasPubAllow       bool
	hasSubAllow       bool
}

func (p *naivePerms) canPublish(subj string) bool {
	if p.hasPubAllow {
		ok := false
		for _, a := range p.pubAllow {
			ok = ok || naiveMatch(a, subj)
		}
		if !ok {
			return false
		}
	}
	for _, d := range p.pubDeny {
		if naiveMatch(d, subj) {
			return false
		}
	}
	return true
}

// scan reports whether a plain entry of list matches subj, whether a queue
// entry does, and whether one of those names queue.
func naiveScan(list []string, subj, queue string) (plain, qmatch, qok bool) {
	for _, e := range list {
		f := strings.Fields(e)
		if len(f) == 0 || !naiveMatch(f[0], subj) {
			continue
		}
		if len(f) == 1 {
			plain = true
			continue
		}
		qmatch = true
		if naiveMatch(f[1], queue) {
			qok = true
		}
	}
	return plain, qmatch, qok
}

func (p *naivePerms) canSubscribe(subj, queue string) bool {
	allowed := true
	if p.hasSubAllow {
		plain, qmatch, qok := naiveScan(p.subAllow, subj, queue)
		allowed = plain
		if queue != "" && qmatch {
			allowed = qok
		}
	}
	if allowed && len(p.subDeny) > 0 {
		plain, qmatch, qok := naiveScan(p.subDeny, subj, queue)
		allowed = !plain
		if allowed && queue != "" && qmatch {
			allowed = !qok
		}
	}
	return allowed
}

// splitList splits a comma-separated fuzz argument; ok is false when an
// entry is not a valid permission subject (the config refuses those).
func splitList(s string, queues bool) ([]string, bool) {
	if s == "" {
		return nil, true
	}
	var out []string
	for _, e := range strings.Split(s, ",") {
		f := strings.Fields(e)
		switch {
		case len(f) == 1 && subject.ValidSubject(f[0]):
		case queues && len(f) == 2 && subject.ValidSubject(f[0]) && subject.ValidQueue(f[1]):
		default:
			return nil, false
		}
		out = append(out, strings.Join(f, " "))
	}
	return out, true
}

// FuzzPermissions compares the compiled permission checks with the naive
// ones on random allow/deny lists, subjects and queues.
func FuzzPermissions(f *testing.F) {
	f.Add("foo.>", "foo.bar", "", "", "foo.baz", "")
	f.Add("", "", "foo.>,jobs v1", "foo.bar,tasks.x q1", "foo.*", "")
	f.Add("", "", "foo.>,jobs v1", "foo.bar,tasks.x q1", "jobs", "v1")
	f.Add("", "", "jobs v*,tasks.*", "tasks.x q1", "tasks.x", "q1")
	f.Add("*.b", "a.*", "*.>", "a.b.>", "a.b.c", "q")
	f.Fuzz(func(t *testing.T, pubAllow, pubDeny, subAllow, subDeny, subj, queue string) {
		pa, ok1 := splitList(pubAllow, false)
		pd, ok2 := splitList(pubDeny, false)
		sa, ok3 := splitList(subAllow, true)
		sd, ok4 := splitList(subDeny, true)
		if !ok1 || !ok2 || !ok3 || !ok4 || !subject.ValidSubject(subj) {
			return
		}
		if queue != "" && (!subject.ValidQueue(queue) || !subject.IsLiteral(queue)) {
			return
		}
		cfg := &Permissions{}
		if pa != nil || pd != nil {
			cfg.Publish = &SubjectPermission{Allow: pa, Deny: pd}
		}
		if sa != nil || sd != nil {
			cfg.Subscribe = &SubjectPermission{Allow: sa, Deny: sd}
		}
		p := compilePermissions(cfg)
		n := &naivePerms{pubAllow: pa, pubDeny: pd, subAllow: sa, subDeny: sd,
			hasPubAllow: len(pa) > 0, hasSubAllow: len(sa) > 0}
		if subject.IsLiteral(subj) {
			if got, want := p.canPublish(subj), n.canPublish(subj); got != want {
				t.Fatalf("canPublish(%q) = %v, naive %v (allow %q deny %q)", subj, got, want, pa, pd)
			}
		}
		if got, want := p.canSubscribe(subj, queue), n.canSubscribe(subj, queue); got != want {
			t.Fatalf("canSubscribe(%q, %q) = %v, naive %v (allow %q deny %q)", subj, queue, got, want, sa, sd)
		}
	})
}
