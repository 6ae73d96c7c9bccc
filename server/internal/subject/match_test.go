package subject

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// naiveMatch is an obviously-correct model of Match, built on strings.Split.
func naiveMatch(pattern, subject string) bool {
	pt, st := strings.Split(pattern, "."), strings.Split(subject, ".")
	for _, tok := range append(append([]string{}, pt...), st...) {
		if tok == "" {
			return false
		}
	}
	for i, p := range pt {
		if p == ">" {
			return i < len(st)
		}
		if i >= len(st) || (p != "*" && p != st[i]) {
			return false
		}
	}
	return len(pt) == len(st)
}

func TestMatch(t *testing.T) {
	cases := []struct {
		pattern, subject string
		want             bool
	}{
		{"foo", "foo", true},
		{"foo", "bar", false},
		{"foo", "foo.bar", false},
		{"foo.bar", "foo", false},
		{"foo.*", "foo.bar", true},
		{"foo.*", "foo", false},
		{"foo.*", "foo.bar.baz", false},
		{"foo.>", "foo.bar", true},
		{"foo.>", "foo.bar.baz", true},
		{"foo.>", "foo", false},
		{">", "foo", true},
		{">", "a.b.c", true},
		{"*", "foo", true},
		{"*", "a.b", false},
		{"*.*", "a.b", true},
		{"*.>", "a", false},
		{"*.>", "a.b", true},
		{"foo.*.baz", "foo.bar.baz", true},
		{"foo.*.baz", "foo.bar.bax", false},
		{"foo*", "foo*", true},
		{"foo*", "foox", false},
		{"foo.>x", "foo.>x", true},
		{"foo.>x", "foo.a", false},
		// Published subjects are literal: "*" and ">" tokens are plain text
		// (captured: PUB foo.* reaches SUB foo.*, >, foo.> but not foo.bar;
		// PUB foo.> reaches foo.* as well; PUB foo.>.bar reaches > and foo.>).
		{"foo.*", "foo.*", true},
		{"foo.>", "foo.*", true},
		{"foo.bar", "foo.*", false},
		{"foo.*", "foo.>", true},
		{"foo.*", "foo.>.bar", false},
		{"foo.>", "foo.>.bar", true},
		{">", "foo.>.bar", true},
		{"*", "*", true},
		{">", ">", true},
		// Empty tokens match nothing (captured: PUB foo..bar, .foo, foo. reach nobody).
		{">", "foo..bar", false},
		{">", ".foo", false},
		{">", "foo.", false},
		{">", "", false},
		{"foo.>", "foo.a..b", false},
		{"foo.*", "foo.", false},
		{"", "", false},
		{"a..b", "a..b", false},
		// Subscribe permission checks use Match(entry, subscribeSubject)
		// (captured, config.md §2.9): allow "foo.*" admits SUB foo.> and
		// foo.bar but not > or *.*; deny "foo.*" refuses SUB foo.> and foo.*
		// but not > or *.bar; deny foo.bar does not refuse foo.* or foo.>;
		// allow "*.bar" refuses *.* and *.> but admits foo.bar.
		{"foo.*", "foo.>", true},
		{"foo.*", ">", false},
		{"foo.*", "*.*", false},
		{"foo.*", "*.bar", false},
		{"foo.bar", "foo.*", false},
		{"foo.bar", "foo.>", false},
		{"foo.>", "*.bar", false},
		{"foo.>", ">", false},
		{"*.bar", "*.*", false},
		{"*.bar", "*.>", false},
		{"*.bar", "foo.bar", true},
		{"*.bar", "*.bar", true},
	}
	for _, c := range cases {
		if got := Match(c.pattern, c.subject); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pattern, c.subject, got, c.want)
		}
		if got := MatchBytes(c.pattern, []byte(c.subject)); got != c.want {
			t.Errorf("MatchBytes(%q, %q) = %v, want %v", c.pattern, c.subject, got, c.want)
		}
		if got := naiveMatch(c.pattern, c.subject); got != c.want {
			t.Errorf("naiveMatch(%q, %q) = %v, want %v (test model is wrong)", c.pattern, c.subject, got, c.want)
		}
	}
}

func TestSubsetMatch(t *testing.T) {
	cases := []struct {
		subject, pattern string
		want             bool
	}{
		{"foo.bar", "foo.bar", true},
		{"foo.bar", "foo.*", true},
		{"foo.bar", "foo.>", true},
		{"foo.*", "foo.*", true},
		{"foo.*", "foo.>", true},
		{"foo.*", ">", true},
		{"foo.>", "foo.>", true},
		{"foo.>", ">", true},
		{"foo.*.baz", "foo.>", true},
		{"foo.*", "foo.bar", false},
		{"foo.>", "foo.*", false},
		{"foo.>", "foo.bar", false},
		{">", "foo.>", false},
		{"*", "foo", false},
		{"foo", "foo.>", false},
		{"foo.bar.baz", "foo.*", false},
		{"foo", "*", true},
		{"*.*", "*.>", true},
		{"*.>", "*.*", false},
		{"foo..bar", ">", false},
		{"", ">", false},
		{"foo", "", false},
	}
	for _, c := range cases {
		if got := SubsetMatch(c.subject, c.pattern); got != c.want {
			t.Errorf("SubsetMatch(%q, %q) = %v, want %v", c.subject, c.pattern, got, c.want)
		}
	}
}

func TestOverlaps(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{"foo", "foo", true},
		{"foo", "bar", false},
		{"foo.*", "*.bar", true},
		{"foo.*", "foo.bar.>", false},
		{"foo.>", "foo.bar.baz", true},
		{"foo.>", "foo", false},
		{">", "a.b.c", true},
		{"*", "a.b", false},
		{"*.>", ">", true},
		{"*", ">", true},
		{"foo.*.baz", "foo.bar.*", true},
		{"foo.*.baz", "foo.bar.qux", false},
		{"a.*", "a.*", true},
		{"a.>", "b.>", false},
		{"foo..bar", ">", false},
		{"", ">", false},
		// The config.md §2.9 case: SUB foo.* overlaps deny foo.bar (and is
		// still accepted by the server; Overlaps lets it filter deliveries).
		{"foo.*", "foo.bar", true},
		{"foo.>", "foo.bar", true},
	}
	for _, c := range cases {
		if got := Overlaps(c.a, c.b); got != c.want {
			t.Errorf("Overlaps(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
		if got := Overlaps(c.b, c.a); got != c.want {
			t.Errorf("Overlaps(%q, %q) = %v, want %v (not symmetric)", c.b, c.a, got, c.want)
		}
	}
}

// randPattern returns a valid subject of 1..maxTok tokens from alphabet,
// with '*' and (last) '>' wildcards.
func randPattern(r *rand.Rand, alphabet []string, maxTok int) string {
	n := 1 + r.IntN(maxTok)
	toks := make([]string, n)
	for i := range toks {
		switch x := r.IntN(10); {
		case x < 2:
			toks[i] = "*"
		case x < 3 && i == n-1:
			toks[i] = ">"
		default:
			toks[i] = alphabet[r.IntN(len(alphabet))]
		}
	}
	return strings.Join(toks, ".")
}

// literals returns every literal subject of 1..maxTok tokens over alphabet.
func literals(alphabet []string, maxTok int) []string {
	out := []string{}
	prev := []string{""}
	for n := 1; n <= maxTok; n++ {
		next := []string{}
		for _, p := range prev {
			for _, a := range alphabet {
				s := a
				if p != "" {
					s = p + "." + a
				}
				next = append(next, s)
			}
		}
		out = append(out, next...)
		prev = next
	}
	return out
}

// TestMatchHelpersVsBruteForce checks Match against the model, and
// SubsetMatch and Overlaps against their definitions over every literal
// subject of up to 5 tokens ("c" is a token no pattern uses).
func TestMatchHelpersVsBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b"}
	universe := literals([]string{"a", "b", "c"}, 5)
	for range 600 {
		p, q := randPattern(r, alphabet, 4), randPattern(r, alphabet, 4)
		subset, overlap := true, false
		for _, s := range universe {
			mp, mq := naiveMatch(p, s), naiveMatch(q, s)
			if got := Match(p, s); got != mp {
				t.Fatalf("Match(%q, %q) = %v, model %v", p, s, got, mp)
			}
			if mp && !mq {
				subset = false
			}
			if mp && mq {
				overlap = true
			}
		}
		if got := SubsetMatch(p, q); got != subset {
			t.Errorf("SubsetMatch(%q, %q) = %v, brute force %v", p, q, got, subset)
		}
		if got := Overlaps(p, q); got != overlap {
			t.Errorf("Overlaps(%q, %q) = %v, brute force %v", p, q, got, overlap)
		}
	}
}
