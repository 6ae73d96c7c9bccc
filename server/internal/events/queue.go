package events

import (
	"sync"
	"sync/atomic"
)

// Queue is a bounded multi-producer, single-consumer FIFO. Push never
// blocks: when the queue holds its capacity, the item is dropped and
// counted. The consumer waits on Ready and takes everything queued with
// PopAll. The zero value is not usable; use NewQueue.
type Queue[T any] struct {
	mu    sync.Mutex
	items []T
	limit int
	ready chan struct{}
	drops atomic.Uint64
	total atomic.Uint64
}

// NewQueue returns a queue that holds at most limit items (limit <= 0 means
// DefaultSendQueueLen).
func NewQueue[T any](limit int) *Queue[T] {
	if limit <= 0 {
		limit = DefaultSendQueueLen
	}
	return &Queue[T]{limit: limit, ready: make(chan struct{}, 1)}
}

// Push appends v; it reports false (and counts a drop) when the queue is
// full.
func (q *Queue[T]) Push(v T) bool {
	q.mu.Lock()
	if len(q.items) >= q.limit {
		q.mu.Unlock()
		q.drops.Add(1)
		return false
	}
	q.items = append(q.items, v)
	first := len(q.items) == 1
	q.mu.Unlock()
	q.total.Add(1)
	if first {
		select {
		case q.ready <- struct{}{}:
		default:
		}
	}
	return true
}

// Ready is signalled when the queue went from empty to non-empty.
func (q *Queue[T]) Ready() <-chan struct{} { return q.ready }

// PopAll moves every queued item to the end of dst (which may be nil) and
// returns it; the queue is empty afterwards.
func (q *Queue[T]) PopAll(dst []T) []T {
	q.mu.Lock()
	dst = append(dst, q.items...)
	clear(q.items)
	q.items = q.items[:0]
	q.mu.Unlock()
	return dst
}

// Len returns the number of queued items.
func (q *Queue[T]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

// Drops returns how many items Push refused because the queue was full.
func (q *Queue[T]) Drops() uint64 { return q.drops.Load() }

// Pushed returns how many items Push accepted.
func (q *Queue[T]) Pushed() uint64 { return q.total.Load() }
