package client

import "sync"

// eventQueue runs user callbacks one at a time, in order, on a goroutine
// that exists only while callbacks are queued. Pushing never blocks, so the
// read loop and the reconnect logic never wait for user code.
type eventQueue struct {
	mu      sync.Mutex
	q       []func()
	running bool
}

func (e *eventQueue) push(f func()) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.q = append(e.q, f)
	if !e.running {
		e.running = true
		go e.run()
	}
}

func (e *eventQueue) run() {
	for {
		e.mu.Lock()
		if len(e.q) == 0 {
			e.running = false
			e.mu.Unlock()
			return
		}
		f := e.q[0]
		e.q[0] = nil
		e.q = e.q[1:]
		e.mu.Unlock()
		f()
	}
}
