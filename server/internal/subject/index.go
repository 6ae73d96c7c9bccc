package subject

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
)

// Errors returned by Index.Insert and Index.Remove (wrapped with context).
var (
	// ErrInvalidSubject: the subject fails ValidSubscribeSubject; a SUB
	// gets -ERR 'Invalid Subject'.
	ErrInvalidSubject = errors.New("subject: invalid subject")
	// ErrExists: the same (subject, queue, value) is already in the index.
	ErrExists = errors.New("subject: subscription already in index")
	// ErrNotFound: Remove of a (subject, queue, value) that is not there.
	ErrNotFound = errors.New("subject: subscription not in index")
)

// Result is what an Index match returns: the plain subscriptions matching a
// subject, and the queue subscriptions grouped by queue name (one slice per
// distinct queue name; the server delivers to one member of each). Order is
// unspecified. A *Result returned by Match or MatchBytes is shared (cached):
// treat it and its slices as read-only.
type Result[T comparable] struct {
	Plain  []T   // plain subscriptions matching
	Queues [][]T // one slice per queue group name matching
}

// Index is the per-account subscription index ("sublist"): a token trie with
// separate '*' and '>' children per level, plus a cache of match results
// keyed by literal subject. Insert and Remove evict exactly the cached
// entries whose subject the changed subscription matches. It is safe for
// concurrent use; create it with NewIndex.
type Index[T comparable] struct {
	mu    sync.RWMutex
	root  level[T]
	count int
	gen   atomic.Uint64 // changes on every Insert/Remove (under mu); guards cache fills
	cache cache[T]
	empty *Result[T] // the shared result for "no subscription"

	inserts uint64 // guarded by mu
	removes uint64 // guarded by mu
	hits    atomic.Uint64
	misses  atomic.Uint64
}

// level is one token position of the trie.
type level[T comparable] struct {
	lits map[string]*node[T] // literal tokens
	pwc  *node[T]            // the '*' token
	fwc  *node[T]            // the '>' token
}

// node holds the subscriptions whose subject ends at it, and the next level.
type node[T comparable] struct {
	next   *level[T]
	plain  set[T]
	groups []*group[T]
	gpos   map[string]int // index in groups by name; nil while small
}

// group is one queue group of a node.
type group[T comparable] struct {
	name string
	subs set[T]
}

// NewIndex returns an empty index.
func NewIndex[T comparable]() *Index[T] {
	return &Index[T]{
		cache: newCache[T](),
		empty: &Result[T]{},
	}
}

// Insert adds v as a subscription on subject, in queue group queue ("" for
// a plain subscription). Queue names are not validated. It returns an error
// wrapping ErrInvalidSubject if subject fails ValidSubscribeSubject, or
// ErrExists if the same (subject, queue, v) is already present.
func (ix *Index[T]) Insert(subject, queue string, v T) error {
	if !ValidSubscribeSubject(subject) {
		return fmt.Errorf("insert %q: %w", subject, ErrInvalidSubject)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	n := ix.root.nodeFor(subject)
	if !n.add(queue, v) {
		return fmt.Errorf("insert %q queue %q: %w", subject, queue, ErrExists)
	}
	ix.count++
	ix.inserts++
	ix.gen.Add(1)
	ix.cache.invalidate(subject)
	return nil
}

// step is one node on the path of Remove, kept for pruning.
type step[T comparable] struct {
	l   *level[T]
	tok string
	n   *node[T]
}

// Remove deletes the subscription v on subject in queue group queue. It
// returns an error wrapping ErrNotFound if it is not present.
func (ix *Index[T]) Remove(subject, queue string, v T) error {
	if !ValidSubscribeSubject(subject) {
		return fmt.Errorf("remove %q: %w", subject, ErrNotFound)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	var buf [16]step[T]
	path := buf[:0]
	l := &ix.root
	for i := 0; ; {
		e := tokenEnd(subject, i)
		tok := subject[i:e]
		n := l.child(tok)
		if n == nil {
			return fmt.Errorf("remove %q queue %q: %w", subject, queue, ErrNotFound)
		}
		path = append(path, step[T]{l, tok, n})
		if e == len(subject) {
			break
		}
		if n.next == nil {
			return fmt.Errorf("remove %q queue %q: %w", subject, queue, ErrNotFound)
		}
		l, i = n.next, e+1
	}
	if !path[len(path)-1].n.remove(queue, v) {
		return fmt.Errorf("remove %q queue %q: %w", subject, queue, ErrNotFound)
	}
	ix.count--
	ix.removes++
	ix.gen.Add(1)
	ix.cache.invalidate(subject)
	// Prune nodes left without subscriptions or children, deepest first.
	for i := len(path) - 1; i >= 0; i-- {
		s := path[i]
		if !s.n.isEmpty() {
			break
		}
		s.l.drop(s.tok)
		if i > 0 && s.l.isEmpty() {
			path[i-1].n.next = nil
		}
	}
	return nil
}

// Match returns the subscriptions matching the literal subject (every token
// taken as plain text, see Match). The result is shared: do not modify it.
// A subject with an empty token matches nothing.
func (ix *Index[T]) Match(subject string) *Result[T] {
	ix.mu.RLock()
	r := ix.cache.get(subject)
	ix.mu.RUnlock()
	if r != nil {
		ix.hits.Add(1)
		return r
	}
	return ix.miss(subject, false)
}

// MatchBytes is Match for a subject in a byte slice. It does not allocate
// when the result is cached. The slice is not retained.
func (ix *Index[T]) MatchBytes(subject []byte) *Result[T] {
	ix.mu.RLock()
	r := ix.cache.getBytes(subject)
	ix.mu.RUnlock()
	if r != nil {
		ix.hits.Add(1)
		return r
	}
	return ix.miss(string(subject), true)
}

// miss computes the result for subject under the read lock, then caches it
// unless the index changed meanwhile. owned tells whether subject is a fresh
// copy that may become a cache key; otherwise it is cloned first, so that
// the cache neither pins nor aliases the caller's memory.
func (ix *Index[T]) miss(subject string, owned bool) *Result[T] {
	ix.misses.Add(1)
	ix.mu.RLock()
	if r := ix.cache.get(subject); r != nil { // filled by another goroutine
		ix.mu.RUnlock()
		return r
	}
	r := ix.lookup(subject)
	gen := ix.gen.Load()
	ix.mu.RUnlock()

	if !owned {
		subject = strings.Clone(subject)
	}
	ix.mu.Lock()
	if ix.gen.Load() == gen {
		ix.cache.put(subject, r)
	}
	ix.mu.Unlock()
	return r
}

// lookup walks the trie for subject. The caller holds ix.mu (either mode).
func (ix *Index[T]) lookup(subject string) *Result[T] {
	if hasEmptyToken(subject) {
		return ix.empty
	}
	var c collector[T]
	collect(&ix.root, subject, 0, &c)
	if len(c.plain) == 0 && len(c.groups) == 0 {
		return ix.empty
	}
	r := &Result[T]{Plain: c.plain}
	if len(c.groups) > 0 {
		r.Queues = make([][]T, len(c.groups))
		for i, g := range c.groups {
			r.Queues[i] = g.subs.items
		}
	}
	return r
}

// Gen returns the generation of the index, which changes on every Insert
// and Remove. A result that Match or MatchBytes returned after Gen returned
// g stays the current result for its subject as long as Gen returns g, so
// a caller may keep it and skip the lookup (then it reports those lookups
// with CountHits).
func (ix *Index[T]) Gen() uint64 { return ix.gen.Load() }

// CountHits adds n to the matches answered from a cache (Stats.Matches,
// CacheHitRate), for lookups a caller answered from a result it kept.
func (ix *Index[T]) CountHits(n uint64) { ix.hits.Add(n) }

// HasInterest reports whether any subscription matches the literal subject.
func (ix *Index[T]) HasInterest(subject string) bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if r := ix.cache.get(subject); r != nil {
		return len(r.Plain) > 0 || len(r.Queues) > 0
	}
	if hasEmptyToken(subject) {
		return false
	}
	return interest(&ix.root, subject, 0)
}

// Count returns the number of subscriptions in the index.
func (ix *Index[T]) Count() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.count
}

// CacheLen returns the number of cached match results.
func (ix *Index[T]) CacheLen() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.cache.len()
}

// CacheHitRate returns the fraction of Match/MatchBytes calls answered from
// the cache since the index was created (0 before the first call).
func (ix *Index[T]) CacheHitRate() float64 {
	h, m := ix.hits.Load(), ix.misses.Load()
	if h+m == 0 {
		return 0
	}
	return float64(h) / float64(h+m)
}

// Stats is a snapshot of an index's counters, the numbers SUBSZ reports
// (num_subscriptions, num_cache, num_inserts, num_removes, num_matches,
// cache_hit_rate, max_fanout, avg_fanout).
type Stats struct {
	Subscriptions int     // subscriptions in the index
	Cache         int     // cached match results
	Inserts       uint64  // successful Insert calls
	Removes       uint64  // successful Remove calls
	Matches       uint64  // Match and MatchBytes calls
	CacheHitRate  float64 // fraction of Matches answered from the cache
	MaxFanout     int     // largest cached result (plain subscriptions + queue groups)
	AvgFanout     float64 // mean over cached results
}

// Stats returns the index's counters; fanout is computed over the cached
// results.
func (ix *Index[T]) Stats() Stats {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	st := Stats{
		Subscriptions: ix.count,
		Cache:         ix.cache.len(),
		Inserts:       ix.inserts,
		Removes:       ix.removes,
		Matches:       ix.hits.Load() + ix.misses.Load(),
		CacheHitRate:  ix.CacheHitRate(),
	}
	total := 0
	for _, e := range ix.cache.slots {
		n := len(e.r.Plain) + len(e.r.Queues)
		total += n
		st.MaxFanout = max(st.MaxFanout, n)
	}
	if st.Cache > 0 {
		st.AvgFanout = float64(total) / float64(st.Cache)
	}
	return st
}

// collector accumulates a match result while walking the trie.
type collector[T comparable] struct {
	plain  []T
	groups []group[T] // subs.items only; one per queue name
	gpos   map[string]int
}

// addNode appends the subscriptions of n.
func (c *collector[T]) addNode(n *node[T]) {
	c.plain = append(c.plain, n.plain.items...)
	for _, g := range n.groups {
		i := c.groupIndex(g.name)
		c.groups[i].subs.items = append(c.groups[i].subs.items, g.subs.items...)
	}
}

// groupIndex returns the index in c.groups of queue name, adding it.
func (c *collector[T]) groupIndex(name string) int {
	if c.gpos != nil {
		if i, ok := c.gpos[name]; ok {
			return i
		}
	} else {
		for i := range c.groups {
			if c.groups[i].name == name {
				return i
			}
		}
	}
	c.groups = append(c.groups, group[T]{name: name})
	i := len(c.groups) - 1
	switch {
	case c.gpos != nil:
		c.gpos[name] = i
	case len(c.groups) > smallGroupsMax:
		c.gpos = make(map[string]int, len(c.groups))
		for j := range c.groups {
			c.gpos[c.groups[j].name] = j
		}
	}
	return i
}

// collect adds to c every subscription of level l and below that matches
// subject from byte i on. subject has no empty token.
func collect[T comparable](l *level[T], subject string, i int, c *collector[T]) {
	for {
		e := tokenEnd(subject, i)
		last := e == len(subject)
		if l.fwc != nil {
			c.addNode(l.fwc)
		}
		if n := l.pwc; n != nil {
			if last {
				c.addNode(n)
			} else if n.next != nil {
				collect(n.next, subject, e+1, c)
			}
		}
		n := l.lits[subject[i:e]]
		switch {
		case n == nil:
			return
		case last:
			c.addNode(n)
			return
		case n.next == nil:
			return
		}
		l, i = n.next, e+1
	}
}

// interest reports whether some subscription at level l or below matches
// subject from byte i on. subject has no empty token.
func interest[T comparable](l *level[T], subject string, i int) bool {
	for {
		e := tokenEnd(subject, i)
		last := e == len(subject)
		if l.fwc != nil && l.fwc.hasSubs() {
			return true
		}
		if n := l.pwc; n != nil {
			if last && n.hasSubs() {
				return true
			}
			if !last && n.next != nil && interest(n.next, subject, e+1) {
				return true
			}
		}
		n := l.lits[subject[i:e]]
		switch {
		case n == nil:
			return false
		case last:
			return n.hasSubs()
		case n.next == nil:
			return false
		}
		l, i = n.next, e+1
	}
}

// nodeFor returns the node for a valid subject, creating missing nodes.
func (l *level[T]) nodeFor(subject string) *node[T] {
	for i := 0; ; {
		e := tokenEnd(subject, i)
		tok := subject[i:e]
		var n *node[T]
		switch wildcard(tok) {
		case '*':
			if l.pwc == nil {
				l.pwc = &node[T]{}
			}
			n = l.pwc
		case '>':
			if l.fwc == nil {
				l.fwc = &node[T]{}
			}
			n = l.fwc
		default:
			if n = l.lits[tok]; n == nil {
				if l.lits == nil {
					l.lits = make(map[string]*node[T])
				}
				n = &node[T]{}
				// Clone: do not pin the caller's (possibly large) string.
				l.lits[strings.Clone(tok)] = n
			}
		}
		if e == len(subject) {
			return n
		}
		if n.next == nil {
			n.next = &level[T]{}
		}
		l, i = n.next, e+1
	}
}

// child returns the node for token tok, or nil.
func (l *level[T]) child(tok string) *node[T] {
	switch wildcard(tok) {
	case '*':
		return l.pwc
	case '>':
		return l.fwc
	}
	return l.lits[tok]
}

// drop removes the node for token tok.
func (l *level[T]) drop(tok string) {
	switch wildcard(tok) {
	case '*':
		l.pwc = nil
	case '>':
		l.fwc = nil
	default:
		delete(l.lits, tok)
		if len(l.lits) == 0 {
			l.lits = nil
		}
	}
}

// isEmpty reports whether l has no node.
func (l *level[T]) isEmpty() bool {
	return len(l.lits) == 0 && l.pwc == nil && l.fwc == nil
}

// hasSubs reports whether subscriptions end at n.
func (n *node[T]) hasSubs() bool {
	return n.plain.len() > 0 || len(n.groups) > 0
}

// isEmpty reports whether n has no subscription and no child.
func (n *node[T]) isEmpty() bool {
	return !n.hasSubs() && (n.next == nil || n.next.isEmpty())
}

// add inserts v (queue "" = plain) and reports whether it was absent.
func (n *node[T]) add(queue string, v T) bool {
	if queue == "" {
		return n.plain.add(v)
	}
	i := n.groupIndex(queue)
	if i < 0 {
		n.groups = append(n.groups, &group[T]{name: strings.Clone(queue)})
		i = len(n.groups) - 1
		if n.gpos != nil {
			n.gpos[queue] = i
		} else if len(n.groups) > smallSetMax {
			n.gpos = make(map[string]int, len(n.groups))
			for j, g := range n.groups {
				n.gpos[g.name] = j
			}
		}
	}
	return n.groups[i].subs.add(v)
}

// remove deletes v (queue "" = plain) and reports whether it was present.
// An emptied queue group is removed from n.
func (n *node[T]) remove(queue string, v T) bool {
	if queue == "" {
		return n.plain.remove(v)
	}
	i := n.groupIndex(queue)
	if i < 0 || !n.groups[i].subs.remove(v) {
		return false
	}
	if n.groups[i].subs.len() > 0 {
		return true
	}
	last := len(n.groups) - 1
	n.groups[i] = n.groups[last]
	n.groups[last] = nil
	n.groups = n.groups[:last]
	if n.gpos != nil {
		delete(n.gpos, queue)
		if i != last {
			n.gpos[n.groups[i].name] = i
		}
		if len(n.groups) <= smallSetMax/2 {
			n.gpos = nil
		}
	}
	if len(n.groups) == 0 {
		n.groups = nil
	}
	return true
}

// groupIndex returns the index of queue group name in n.groups, or -1.
func (n *node[T]) groupIndex(name string) int {
	if n.gpos != nil {
		if i, ok := n.gpos[name]; ok {
			return i
		}
		return -1
	}
	for i, g := range n.groups {
		if g.name == name {
			return i
		}
	}
	return -1
}
