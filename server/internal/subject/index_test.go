package subject

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
)

// entry is one subscription of the naive model.
type entry struct {
	subject, queue string
	v              int
}

// model is a naive linear-scan subscription index.
type model []entry

// match returns the model's answer for subject in canonical form.
func (m model) match(subject string) string {
	var plain []int
	groups := map[string][]int{}
	for _, e := range m {
		if !naiveMatch(e.subject, subject) {
			continue
		}
		if e.queue == "" {
			plain = append(plain, e.v)
		} else {
			groups[e.queue] = append(groups[e.queue], e.v)
		}
	}
	var queues [][]int
	for _, g := range groups {
		queues = append(queues, g)
	}
	return canonical(plain, queues)
}

// canonical renders a match result independent of order: sorted plain
// values, then each queue group's sorted values, groups sorted.
func canonical(plain []int, queues [][]int) string {
	p := slices.Clone(plain)
	slices.Sort(p)
	gs := make([]string, 0, len(queues))
	for _, q := range queues {
		q = slices.Clone(q)
		slices.Sort(q)
		gs = append(gs, fmt.Sprint(q))
	}
	slices.Sort(gs)
	return fmt.Sprintf("plain=%v queues=%v", p, gs)
}

// render canonicalises an Index result.
func render(r *Result[int]) string { return canonical(r.Plain, r.Queues) }

func TestIndexCapturedDelivery(t *testing.T) {
	// Captured (non-pedantic): SUB foo.* 1, foo.bar 2, > 3, foo.> 4.
	ix := NewIndex[int]()
	for v, s := range map[int]string{1: "foo.*", 2: "foo.bar", 3: ">", 4: "foo.>"} {
		if err := ix.Insert(s, "", v); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		subject string
		want    []int
	}{
		{"foo.*", []int{1, 3, 4}},
		{"foo.>", []int{1, 3, 4}},
		{"foo.bar", []int{1, 2, 3, 4}},
		{"foo.>.bar", []int{3, 4}},
		{"*", []int{3}},
		{">", []int{3}},
		{"foo", []int{3}},
		{"foo..bar", nil},
		{".foo", nil},
		{"foo.", nil},
		{"", nil},
	}
	for _, c := range cases {
		for range 2 { // miss, then cache hit
			if got, want := render(ix.Match(c.subject)), canonical(c.want, nil); got != want {
				t.Errorf("Match(%q) = %s, want %s", c.subject, got, want)
			}
			if got, want := render(ix.MatchBytes([]byte(c.subject))), canonical(c.want, nil); got != want {
				t.Errorf("MatchBytes(%q) = %s, want %s", c.subject, got, want)
			}
			if got := ix.HasInterest(c.subject); got != (len(c.want) > 0) {
				t.Errorf("HasInterest(%q) = %v", c.subject, got)
			}
		}
	}
}

func TestIndexQueues(t *testing.T) {
	ix := NewIndex[int]()
	subs := []entry{
		{"foo", "q", 1}, {"foo", "q", 2}, {"foo", "", 3}, // captured T26 shape
		{"*", "q", 4}, {"foo", "r", 5}, {">", "", 6}, {"bar", "q", 7},
	}
	for _, e := range subs {
		if err := ix.Insert(e.subject, e.queue, e.v); err != nil {
			t.Fatal(err)
		}
	}
	r := ix.Match("foo")
	if got, want := render(r), canonical([]int{3, 6}, [][]int{{1, 2, 4}, {5}}); got != want {
		t.Fatalf("Match(foo) = %s, want %s", got, want)
	}
	if err := ix.Remove("foo", "r", 5); err != nil {
		t.Fatal(err)
	}
	if got, want := render(ix.Match("foo")), canonical([]int{3, 6}, [][]int{{1, 2, 4}}); got != want {
		t.Fatalf("after remove: Match(foo) = %s, want %s", got, want)
	}
	// The earlier result is a snapshot and did not change.
	if got, want := render(r), canonical([]int{3, 6}, [][]int{{1, 2, 4}, {5}}); got != want {
		t.Fatalf("shared result changed: %s", got)
	}
	if ix.Count() != len(subs)-1 {
		t.Fatalf("Count = %d", ix.Count())
	}
}

func TestIndexErrors(t *testing.T) {
	ix := NewIndex[int]()
	for _, s := range []string{"", "foo..bar", ".foo", "foo.", "foo.>.bar", ">.a"} {
		if err := ix.Insert(s, "", 1); !errors.Is(err, ErrInvalidSubject) {
			t.Errorf("Insert(%q) = %v, want ErrInvalidSubject", s, err)
		}
	}
	// The reference accepts these in a SUB.
	for _, s := range []string{"f\x0co", "foo*", "a.>>", "\xff"} {
		if err := ix.Insert(s, "", 1); err != nil {
			t.Errorf("Insert(%q) = %v", s, err)
		}
	}
	if err := ix.Insert("foo*", "", 1); !errors.Is(err, ErrExists) {
		t.Errorf("duplicate Insert = %v, want ErrExists", err)
	}
	if err := ix.Insert("foo*", "q", 1); err != nil {
		t.Errorf("same value in a queue: %v", err)
	}
	for _, e := range []entry{{"foo*", "", 2}, {"foo*", "r", 1}, {"foo", "", 1}, {"foo*.x", "", 1}, {"a.*", "", 1}, {"a..b", "", 1}} {
		if err := ix.Remove(e.subject, e.queue, e.v); !errors.Is(err, ErrNotFound) {
			t.Errorf("Remove(%q, %q, %d) = %v, want ErrNotFound", e.subject, e.queue, e.v, err)
		}
	}
	if ix.Count() != 5 {
		t.Errorf("Count = %d, want 5", ix.Count())
	}
	for _, e := range []entry{{"f\x0co", "", 1}, {"foo*", "", 1}, {"foo*", "q", 1}, {"a.>>", "", 1}, {"\xff", "", 1}} {
		if err := ix.Remove(e.subject, e.queue, e.v); err != nil {
			t.Errorf("Remove(%q, %q) = %v", e.subject, e.queue, err)
		}
	}
	if ix.Count() != 0 || !ix.root.isEmpty() {
		t.Errorf("index not empty after removing everything: count %d", ix.Count())
	}
}

func TestIndexCacheInvalidation(t *testing.T) {
	ix := NewIndex[int]()
	mustInsert(t, ix, "a.b", "", 1)
	for _, s := range []string{"a.b", "a.c", "x.y", "a.*"} {
		ix.Match(s)
	}
	if ix.CacheLen() != 4 {
		t.Fatalf("CacheLen = %d, want 4", ix.CacheLen())
	}
	mustInsert(t, ix, "x.z", "", 2) // literal: evicts only x.z (not cached)
	if ix.CacheLen() != 4 {
		t.Fatalf("literal insert evicted unrelated entries: CacheLen = %d", ix.CacheLen())
	}
	mustInsert(t, ix, "a.*", "", 3) // evicts a.b, a.c, a.* but not x.y
	if ix.CacheLen() != 1 {
		t.Fatalf("wildcard insert: CacheLen = %d, want 1", ix.CacheLen())
	}
	if got, want := render(ix.Match("a.*")), canonical([]int{3}, nil); got != want {
		t.Fatalf("Match(a.*) = %s, want %s", got, want)
	}
	if got, want := render(ix.Match("a.b")), canonical([]int{1, 3}, nil); got != want {
		t.Fatalf("Match(a.b) = %s, want %s", got, want)
	}
	if err := ix.Remove("a.*", "", 3); err != nil {
		t.Fatal(err)
	}
	if got, want := render(ix.Match("a.b")), canonical([]int{1}, nil); got != want {
		t.Fatalf("after remove Match(a.b) = %s, want %s", got, want)
	}
	ix.Match("x.y") // still cached: a hit
	if r := ix.CacheHitRate(); r <= 0 || r >= 1 {
		t.Fatalf("CacheHitRate = %v", r)
	}
}

func TestIndexCacheBounded(t *testing.T) {
	ix := NewIndex[int]()
	mustInsert(t, ix, "s.>", "", 1)
	for i := range 5 * CacheMaxEntries {
		s := fmt.Sprintf("s.%d", i)
		if got := ix.Match(s); len(got.Plain) != 1 {
			t.Fatalf("Match(%q) = %v", s, got.Plain)
		}
		if n := ix.CacheLen(); n > CacheMaxEntries {
			t.Fatalf("cache grew to %d entries", n)
		}
		if i%100 == 0 {
			checkCache(t, ix)
		}
	}
	if n := ix.CacheLen(); n < CacheMaxEntries-CacheSweepEntries {
		t.Fatalf("cache holds only %d entries", n)
	}
}

func TestIndexStats(t *testing.T) {
	ix := NewIndex[int]()
	mustInsert(t, ix, "a.b", "", 1)
	mustInsert(t, ix, "a.*", "", 2)
	mustInsert(t, ix, "a.*", "q", 3)
	mustInsert(t, ix, "a.*", "r", 4)
	if err := ix.Remove("a.*", "r", 4); err != nil {
		t.Fatal(err)
	}
	ix.Match("a.b") // fanout 3: two plain, one queue group
	ix.Match("a.c") // fanout 2
	ix.Match("a.c")
	want := Stats{Subscriptions: 3, Cache: 2, Inserts: 4, Removes: 1, Matches: 3,
		CacheHitRate: 1.0 / 3, MaxFanout: 3, AvgFanout: 2.5}
	if got := ix.Stats(); got != want {
		t.Fatalf("Stats = %+v, want %+v", got, want)
	}
}

// A subject passed to Match may alias memory the caller reuses: the cache
// must keep its own copy.
func TestIndexMatchDoesNotKeepCallerMemory(t *testing.T) {
	ix := NewIndex[int]()
	mustInsert(t, ix, "foo.bar", "", 1)
	buf := []byte("foo.bar")
	ix.Match(bytesView(buf)) // miss: cached under a copy
	copy(buf, "zzz.zzz")
	checkCache(t, ix)
	if r := ix.Match("foo.bar"); len(r.Plain) != 1 {
		t.Fatalf("Match(foo.bar) = %v after the caller reused its buffer", r.Plain)
	}
	if r := ix.Match("zzz.zzz"); len(r.Plain) != 0 {
		t.Fatalf("Match(zzz.zzz) = %v", r.Plain)
	}
}

// checkCache verifies that the cache's map and slot array agree.
func checkCache(t *testing.T, ix *Index[int]) {
	t.Helper()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	c := &ix.cache
	if len(c.m) != len(c.slots) {
		t.Fatalf("cache map has %d entries, slots %d", len(c.m), len(c.slots))
	}
	for i, e := range c.slots {
		if e.slot != i || c.m[e.key] != e {
			t.Fatalf("cache slot %d (key %q) is not reachable through the map", i, e.key)
		}
	}
}

func TestLiteralPrefixLen(t *testing.T) {
	for s, want := range map[string]string{
		"foo.bar.*.baz": "foo.bar.", "*.a": "", ">": "", "a.>": "a.", "a.b": "a.b", "a*.b>.*": "a*.b>.",
	} {
		if got := s[:literalPrefixLen(s)]; got != want {
			t.Errorf("literal prefix of %q = %q, want %q", s, got, want)
		}
	}
}

// TestMatchBytesCachedNoAlloc guards the hot path: a cached MatchBytes must
// not allocate.
func TestMatchBytesCachedNoAlloc(t *testing.T) {
	ix := NewIndex[int]()
	mustInsert(t, ix, "foo.bar", "", 1)
	mustInsert(t, ix, "foo.*", "q", 2)
	mustInsert(t, ix, ">", "", 3)
	subj := []byte("foo.bar")
	ix.MatchBytes(subj)
	var r *Result[int]
	allocs := testing.AllocsPerRun(1000, func() { r = ix.MatchBytes(subj) })
	if allocs != 0 {
		t.Fatalf("cached MatchBytes allocates %v times per call", allocs)
	}
	if len(r.Plain) != 2 || len(r.Queues) != 1 {
		t.Fatalf("unexpected result %v", render(r))
	}
}

// TestIndexVsModel applies random inserts and removes and, after each,
// compares Match for a set of subjects (so that many answers come from the
// cache) against a linear scan.
func TestIndexVsModel(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 7))
			alphabet := []string{"a", "b", "c"}
			queues := []string{"", "", "q", "r"}
			probe := append(literals(alphabet, 3), "a.*", "a.>", "*", ">", "a..b", "a.", "d")
			ix := NewIndex[int]()
			var m model
			for op := range 1000 {
				if len(m) > 0 && r.IntN(5) < 2 {
					i := r.IntN(len(m))
					e := m[i]
					if err := ix.Remove(e.subject, e.queue, e.v); err != nil {
						t.Fatalf("op %d: %v", op, err)
					}
					m = slices.Delete(m, i, i+1)
				} else {
					e := entry{randPattern(r, alphabet, 3), queues[r.IntN(len(queues))], r.IntN(40)}
					err := ix.Insert(e.subject, e.queue, e.v)
					dup := slices.Contains(m, e)
					if dup != errors.Is(err, ErrExists) || (!dup && err != nil) {
						t.Fatalf("op %d: Insert(%v) = %v, duplicate %v", op, e, err, dup)
					}
					if !dup {
						m = append(m, e)
					}
				}
				if ix.Count() != len(m) {
					t.Fatalf("op %d: Count = %d, model %d", op, ix.Count(), len(m))
				}
				checkCache(t, ix)
				for k := 0; k < 4; k++ {
					s := probe[r.IntN(len(probe))]
					var got string
					if k%2 == 0 {
						got = render(ix.Match(s))
					} else {
						got = render(ix.MatchBytes([]byte(s)))
					}
					want := m.match(s)
					if got != want {
						t.Fatalf("op %d: Match(%q) = %s, model %s", op, s, got, want)
					}
					if ix.HasInterest(s) != (want != canonical(nil, nil)) {
						t.Fatalf("op %d: HasInterest(%q) disagrees", op, s)
					}
				}
			}
			for _, e := range m {
				if err := ix.Remove(e.subject, e.queue, e.v); err != nil {
					t.Fatal(err)
				}
			}
			if !ix.root.isEmpty() || ix.Count() != 0 {
				t.Fatal("trie not pruned after removing everything")
			}
		})
	}
}

// TestIndexConcurrent runs matchers against inserters/removers (run it with
// -race). Subscriptions that are never removed must always be matched, and
// once writers stop every answer must agree with the model.
func TestIndexConcurrent(t *testing.T) {
	ix := NewIndex[int]()
	stable := []entry{{"s.>", "", 1000}, {"s.*.x", "g", 1001}}
	for _, e := range stable {
		mustInsert(t, ix, e.subject, e.queue, e.v)
	}
	subjects := []string{"s.a.x", "s.b.x", "s.a", "s.c.x"}
	var writers, readers sync.WaitGroup
	stop := make(chan struct{})
	errc := make(chan error, 8)
	for w := range 2 {
		writers.Add(1)
		go func() {
			defer writers.Done()
			r := rand.New(rand.NewPCG(uint64(w), 3))
			for i := range 2000 {
				s := []string{"s.a.x", "s.*.x", "s.b.*", "s.>", "s.a"}[r.IntN(5)]
				v := w*10000 + i
				q := []string{"", "g", "h"}[r.IntN(3)]
				if err := ix.Insert(s, q, v); err != nil {
					errc <- err
					return
				}
				_ = ix.Match(s)
				if i%3 == 0 { // churn: remove what was just added
					if err := ix.Remove(s, q, v); err != nil {
						errc <- err
						return
					}
				}
			}
		}()
	}
	for w := range 2 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				s := subjects[(i+w)%len(subjects)]
				res := ix.MatchBytes([]byte(s))
				if !slices.Contains(res.Plain, 1000) {
					errc <- fmt.Errorf("Match(%q) lost a stable subscription: %v", s, res.Plain)
					return
				}
			}
		}()
	}
	writers.Wait()
	close(stop)
	readers.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	// Rebuild the model from scratch by matching everything: compare with a
	// fresh index holding the same subscriptions.
	fresh := NewIndex[int]()
	ix.mu.RLock()
	var all []entry
	walkAll(&ix.root, "", &all)
	ix.mu.RUnlock()
	for _, e := range all {
		mustInsert(t, fresh, e.subject, e.queue, e.v)
	}
	if len(all) != ix.Count() {
		t.Fatalf("walked %d subscriptions, Count %d", len(all), ix.Count())
	}
	for _, s := range append(subjects, "s.b.y", "s.b.x") {
		if got, want := render(ix.Match(s)), render(fresh.Match(s)); got != want {
			t.Fatalf("after concurrency Match(%q) = %s, fresh index %s", s, short(got), short(want))
		}
		if got, want := render(ix.Match(s)), model(all).match(s); got != want {
			t.Fatalf("after concurrency Match(%q) = %s, model %s", s, short(got), short(want))
		}
	}
}

// short truncates a long rendered result for failure messages.
func short(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}

// walkAll lists every subscription below l (test helper; caller locks).
func walkAll(l *level[int], prefix string, out *[]entry) {
	visit := func(tok string, n *node[int]) {
		s := tok
		if prefix != "" {
			s = prefix + "." + tok
		}
		for _, v := range n.plain.items {
			*out = append(*out, entry{s, "", v})
		}
		for _, g := range n.groups {
			for _, v := range g.subs.items {
				*out = append(*out, entry{s, g.name, v})
			}
		}
		if n.next != nil {
			walkAll(n.next, s, out)
		}
	}
	for tok, n := range l.lits {
		visit(tok, n)
	}
	if l.pwc != nil {
		visit("*", l.pwc)
	}
	if l.fwc != nil {
		visit(">", l.fwc)
	}
}

func mustInsert(t testing.TB, ix *Index[int], subject, queue string, v int) {
	t.Helper()
	if err := ix.Insert(subject, queue, v); err != nil {
		t.Fatal(err)
	}
}

// TestIndexManyMembers crosses the small-set thresholds (map indexes in
// sets and queue group lists) in both directions.
func TestIndexManyMembers(t *testing.T) {
	ix := NewIndex[int]()
	var m model
	for i := range 40 {
		for _, q := range []string{"", fmt.Sprintf("g%d", i%20)} {
			e := entry{"m.x", q, i}
			mustInsert(t, ix, e.subject, e.queue, e.v)
			m = append(m, e)
		}
		e := entry{"m.*", fmt.Sprintf("g%d", i%20), i}
		mustInsert(t, ix, e.subject, e.queue, e.v)
		m = append(m, e)
	}
	check := func(when string) {
		if got, want := render(ix.Match("m.x")), m.match("m.x"); got != want {
			t.Fatalf("%s: Match = %s, model %s", when, got, want)
		}
	}
	check("full")
	r := rand.New(rand.NewPCG(9, 9))
	for len(m) > 0 {
		i := r.IntN(len(m))
		if err := ix.Remove(m[i].subject, m[i].queue, m[i].v); err != nil {
			t.Fatal(err)
		}
		m = slices.Delete(m, i, i+1)
		check(fmt.Sprintf("%d left", len(m)))
	}
	if !ix.root.isEmpty() {
		t.Fatal("trie not pruned")
	}
}
