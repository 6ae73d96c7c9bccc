package subject

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// instance returns a literal subject matched by the valid pattern p: each
// '*' becomes "x" and '>' becomes "x.y".
func instance(p string) string {
	toks := strings.Split(p, ".")
	for i, tok := range toks {
		switch tok {
		case "*":
			toks[i] = "x"
		case ">":
			toks[i] = "x.y"
		}
	}
	return strings.Join(toks, ".")
}

// FuzzValidSubject: validation never panics, the variants agree with each
// other, and a valid subject round-trips through Insert/Match/Remove.
func FuzzValidSubject(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		b := []byte(s)
		valid, sub, lit := ValidSubject(s), ValidSubscribeSubject(s), ValidLiteralSubject(s)
		if valid != ValidSubjectBytes(b) || sub != ValidSubscribeSubjectBytes(b) ||
			lit != ValidLiteralSubjectBytes(b) || IsLiteral(s) != IsLiteralBytes(b) {
			t.Fatalf("string and []byte variants disagree on %q", s)
		}
		if valid && !sub {
			t.Fatalf("%q valid but not valid for SUB", s)
		}
		if lit != (sub && IsLiteral(s)) {
			t.Fatalf("ValidLiteralSubject(%q) = %v, ValidSubscribeSubject %v, IsLiteral %v", s, lit, sub, IsLiteral(s))
		}
		if ValidQueue(s) != valid {
			t.Fatalf("ValidQueue(%q) != ValidSubject", s)
		}
		if want := !hasEmptyToken(s) && !slices.Contains(strings.Split(s, ".")[:strings.Count(s, ".")], ">"); sub != want {
			t.Fatalf("ValidSubscribeSubject(%q) = %v, model %v", s, sub, want)
		}
		ix := NewIndex[int]()
		err := ix.Insert(s, "", 1)
		if !sub {
			if !errors.Is(err, ErrInvalidSubject) {
				t.Fatalf("Insert(%q) = %v, want ErrInvalidSubject", s, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("Insert(%q): %v", s, err)
		}
		in := instance(s)
		if !Match(s, in) || !naiveMatch(s, in) || !SubsetMatch(in, s) || !Overlaps(s, in) {
			t.Fatalf("pattern %q does not match its instance %q", s, in)
		}
		for range 2 { // miss, then hit
			if r := ix.MatchBytes([]byte(in)); !slices.Equal(r.Plain, []int{1}) || len(r.Queues) != 0 {
				t.Fatalf("Index.Match(%q) after Insert(%q) = %+v", in, s, r)
			}
		}
		if err := ix.Remove(s, "", 1); err != nil {
			t.Fatalf("Remove(%q): %v", s, err)
		}
		if r := ix.Match(in); len(r.Plain) != 0 || ix.Count() != 0 || !ix.root.isEmpty() {
			t.Fatalf("after Remove(%q): Match(%q) = %+v, Count %d", s, in, r, ix.Count())
		}
	})
}

// fuzzLines splits s on '\n' and keeps at most max lines.
func fuzzLines(s string, max int) []string {
	lines := strings.Split(s, "\n")
	if len(lines) > max {
		lines = lines[:max]
	}
	return lines
}

// FuzzMatch: the Index (with its cache) and the Match helper agree with the
// naive matcher. subs holds one subscription per line ("subject" or
// "subject<TAB>queue"), pubs one subject per line.
func FuzzMatch(f *testing.F) {
	f.Fuzz(func(t *testing.T, subs, pubs string) {
		ix := NewIndex[int]()
		var m model
		for i, line := range fuzzLines(subs, 48) {
			subj, queue, _ := strings.Cut(line, "\t")
			err := ix.Insert(subj, queue, i)
			if ValidSubscribeSubject(subj) != (err == nil) {
				t.Fatalf("Insert(%q) = %v", subj, err)
			}
			if err == nil {
				m = append(m, entry{subj, queue, i})
			}
		}
		subjects := fuzzLines(pubs, 48)
		check := func(when string) {
			for _, p := range subjects {
				for range 2 { // miss, then hit
					if got, want := render(ix.Match(p)), m.match(p); got != want {
						t.Fatalf("%s: Index.Match(%q) = %s, model %s", when, p, got, want)
					}
				}
			}
		}
		check("inserted")
		for _, e := range m {
			for _, p := range subjects {
				if got, want := Match(e.subject, p), naiveMatch(e.subject, p); got != want {
					t.Fatalf("Match(%q, %q) = %v, model %v", e.subject, p, got, want)
				}
			}
			for _, o := range m {
				in := instance(e.subject)
				if SubsetMatch(e.subject, o.subject) && !Match(o.subject, in) {
					t.Fatalf("SubsetMatch(%q, %q) but %q does not match %q", e.subject, o.subject, o.subject, in)
				}
				if Match(o.subject, in) && !Overlaps(e.subject, o.subject) {
					t.Fatalf("%q and %q both match %q but Overlaps is false", e.subject, o.subject, in)
				}
				if Overlaps(e.subject, o.subject) != Overlaps(o.subject, e.subject) {
					t.Fatalf("Overlaps(%q, %q) not symmetric", e.subject, o.subject)
				}
			}
		}
		// Remove every other subscription, with cached results in place.
		kept := m[:0:0]
		for i, e := range m {
			if i%2 == 0 {
				kept = append(kept, e)
				continue
			}
			if err := ix.Remove(e.subject, e.queue, e.v); err != nil {
				t.Fatalf("Remove(%q): %v", e.subject, err)
			}
		}
		m = kept
		check("after removals")
	})
}
