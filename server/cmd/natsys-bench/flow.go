package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// stallTimeout ends a wait for deliveries when no message arrived for this
// long (a dropped subscriber or lost messages would otherwise wait for the
// whole scenario timeout).
const stallTimeout = 5 * time.Second

// receiver is a subscribing connection whose readLoop counts messages.
type receiver struct {
	c    *conn
	n    atomic.Int64
	done chan error
}

// startReceiver starts counting the messages c receives.
func startReceiver(c *conn) *receiver {
	r := &receiver{c: c, done: make(chan error, 1)}
	go func() {
		r.done <- c.readLoop(func(msgLine) { r.n.Add(1) })
	}()
	return r
}

// publisher writes a pre-built chunk of PUB operations a number of times.
type publisher struct {
	c      *conn
	chunk  []byte
	chunks int
	msgs   int // messages in all chunks
}

// newPublisher builds a publisher of at least msgs messages cycling through
// subjects (rounded up to whole chunks).
func newPublisher(c *conn, subjects []string, payload []byte, msgs int) *publisher {
	chunk, per := pubChunkFor(subjects, payload)
	n := (msgs + per - 1) / per
	if n < 1 {
		n = 1
	}
	return &publisher{c: c, chunk: chunk, chunks: n, msgs: n * per}
}

// run writes every chunk, then waits for the PONG of a PING.
func (p *publisher) run(ctx context.Context) error {
	for i := 0; i < p.chunks; i++ {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := p.c.writeRaw(p.chunk); err != nil {
			return fmt.Errorf("publish: %w", err)
		}
	}
	return p.c.syncDirect(syncTimeout)
}

// flowResult is the outcome of one flow: how many messages arrived at each
// receiver, how many were expected, and over what time.
type flowResult struct {
	counts   []int64
	got      int64
	expected int64
	elapsed  time.Duration
	err      error // first receiver or publisher failure, if any
}

// rate is the delivered messages per second.
func (r flowResult) rate() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.got) / r.elapsed.Seconds()
}

// delivered is the fraction of expected messages that arrived.
func (r flowResult) delivered() float64 {
	if r.expected == 0 {
		return 0
	}
	return float64(r.got) / float64(r.expected)
}

// runFlow starts every publisher at once and waits until the receivers
// counted expected messages in total, a receiver fails, deliveries stall, or
// ctx ends. The clock runs from the first publish to the last delivery.
func runFlow(ctx context.Context, recv []*receiver, pubs []*publisher, expected int64) flowResult {
	base := make([]int64, len(recv))
	for i, r := range recv {
		base[i] = r.n.Load()
	}
	total := func() int64 {
		var t int64
		for i, r := range recv {
			t += r.n.Load() - base[i]
		}
		return t
	}
	pubErr := make(chan error, len(pubs))
	var wg sync.WaitGroup
	start := time.Now()
	for _, p := range pubs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.run(ctx); err != nil {
				pubErr <- err
			}
		}()
	}
	res := flowResult{expected: expected}
	last, lastN := time.Now(), int64(-1)
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
wait:
	for {
		n := total()
		now := time.Now()
		if n != lastN {
			last, lastN = now, n
		}
		if n >= expected || now.Sub(last) > stallTimeout {
			break
		}
		select {
		case <-ctx.Done():
			res.err = ctx.Err()
			break wait
		case err := <-pubErr:
			res.err = err
			break wait
		case <-tick.C:
		}
		for _, r := range recv {
			select {
			case err := <-r.done:
				res.err = fmt.Errorf("receiver stopped: %v", err)
				r.done <- err
				break wait
			default:
			}
		}
	}
	res.got = total()
	res.elapsed = last.Sub(start)
	for i, r := range recv {
		res.counts = append(res.counts, r.n.Load()-base[i])
	}
	if res.err == nil && res.got < expected {
		res.err = fmt.Errorf("deliveries stalled at %d of %d", res.got, expected)
	}
	if res.err != nil { // unblock publishers stuck writing to the server
		for _, p := range pubs {
			p.c.Close()
		}
	}
	wg.Wait()
	return res
}
