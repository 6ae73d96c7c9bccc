package monitor

import "sync"

// ClosedRing remembers the most recent closed client and leafnode
// connections for CONNZ with state closed or all. It holds at most its
// capacity; appending to a full ring drops the oldest entry. It is safe for
// concurrent use. Snapshots are shared, never copied: an appended
// *ConnSnapshot must not be modified afterwards.
type ClosedRing struct {
	mu   sync.Mutex
	buf  []*ConnSnapshot // grows up to size, then used as a ring
	next int             // slot of the next append once buf is full
	size int
}

// NewClosedRing returns a ring for size connections (max_closed_clients).
// Size 0 means DefaultMaxClosedClients; a negative size keeps nothing.
func NewClosedRing(size int) *ClosedRing {
	if size == 0 {
		size = DefaultMaxClosedClients
	}
	return &ClosedRing{size: max(size, 0)}
}

// Append records a closed connection, dropping the oldest one when full.
func (r *ClosedRing) Append(c *ConnSnapshot) {
	if c == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.size == 0:
	case len(r.buf) < r.size:
		r.buf = append(r.buf, c)
	default:
		r.buf[r.next] = c
		r.next = (r.next + 1) % r.size
	}
}

// Snapshot returns the remembered connections, oldest first, in a new slice.
func (r *ClosedRing) Snapshot() []*ConnSnapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*ConnSnapshot, 0, len(r.buf))
	out = append(out, r.buf[r.next:]...)
	return append(out, r.buf[:r.next]...)
}

// Len returns the number of remembered connections.
func (r *ClosedRing) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.buf)
}

// Cap returns the most connections the ring remembers.
func (r *ClosedRing) Cap() int { return r.size }
