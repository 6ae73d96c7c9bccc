package subject

import (
	"math/rand/v2"
	"strings"
)

// cache maps literal subjects to their match results. Entries also sit in a
// slice, so that eviction scans a dense array instead of iterating the map.
// It is not locked: the Index that owns it does that.
type cache[T comparable] struct {
	m     map[string]*cacheEntry[T]
	slots []*cacheEntry[T]
}

// cacheEntry is one cached result and its position in cache.slots.
type cacheEntry[T comparable] struct {
	key  string
	r    *Result[T]
	slot int
}

func newCache[T comparable]() cache[T] {
	return cache[T]{
		m:     make(map[string]*cacheEntry[T], CacheMaxEntries),
		slots: make([]*cacheEntry[T], 0, CacheMaxEntries),
	}
}

// get returns the cached result for key, or nil.
func (c *cache[T]) get(key string) *Result[T] {
	if e := c.m[key]; e != nil {
		return e.r
	}
	return nil
}

// getBytes is get for a byte-slice key; it does not allocate.
func (c *cache[T]) getBytes(key []byte) *Result[T] {
	if e := c.m[string(key)]; e != nil {
		return e.r
	}
	return nil
}

// len returns the number of entries.
func (c *cache[T]) len() int { return len(c.slots) }

// put stores r for key, first dropping CacheSweepEntries random entries if
// the cache is full.
func (c *cache[T]) put(key string, r *Result[T]) {
	if e := c.m[key]; e != nil {
		e.r = r
		return
	}
	if len(c.slots) >= CacheMaxEntries {
		for range len(c.slots) - CacheMaxEntries + CacheSweepEntries {
			c.removeSlot(rand.IntN(len(c.slots)))
		}
	}
	e := &cacheEntry[T]{key: key, r: r, slot: len(c.slots)}
	c.slots = append(c.slots, e)
	c.m[key] = e
}

// remove drops the entry for key, if any.
func (c *cache[T]) remove(key string) {
	if e := c.m[key]; e != nil {
		c.removeSlot(e.slot)
	}
}

// removeSlot drops the entry at slots[i], moving the last entry into its
// place.
func (c *cache[T]) removeSlot(i int) {
	e := c.slots[i]
	delete(c.m, e.key)
	last := len(c.slots) - 1
	if i != last {
		moved := c.slots[last]
		moved.slot = i
		c.slots[i] = moved
	}
	c.slots[last] = nil
	c.slots = c.slots[:last]
}

// invalidate drops the entries whose result a subscription on subject
// (just inserted or removed) changes: the subject itself if it is literal,
// else every key the pattern matches.
func (c *cache[T]) invalidate(subject string) {
	if len(c.slots) == 0 {
		return
	}
	if IsLiteral(subject) {
		c.remove(subject)
		return
	}
	// Every subject the pattern matches starts with its literal prefix
	// (the bytes before the first wildcard token): a cheap first filter.
	prefix := subject[:literalPrefixLen(subject)]
	// Walk down so that the entry moved into a freed slot was already seen.
	for i := len(c.slots) - 1; i >= 0; i-- {
		k := c.slots[i].key
		if strings.HasPrefix(k, prefix) && Match(subject, k) {
			c.removeSlot(i)
		}
	}
}

// literalPrefixLen returns the length of the part of subject before its
// first wildcard token ("foo.bar." for "foo.bar.*.baz"); len(subject) if it
// has none.
func literalPrefixLen(subject string) int {
	for i := 0; ; {
		e := tokenEnd(subject, i)
		if wildcard(subject[i:e]) != 0 {
			return i
		}
		if e == len(subject) {
			return len(subject)
		}
		i = e + 1
	}
}
