package server

import (
	"errors"
	"net"
	"os"
	"sync"
	"time"
)

// Outbound chunk size classes. A connection's queued output is a list of
// chunks taken from per-server pools and returned after each write, so an idle
// connection holds no output memory and the delivery path does not allocate.
const (
	chunkSmall  = 512
	chunkMedium = 4 * 1024
	chunkLarge  = 64 * 1024
)

// chunkPools recycles outbound chunks by size class.
type chunkPools struct {
	small, medium, large sync.Pool
}

func newChunkPools() *chunkPools {
	mk := func(n int) func() any {
		return func() any {
			b := make([]byte, 0, n)
			return &b
		}
	}
	p := &chunkPools{}
	p.small.New = mk(chunkSmall)
	p.medium.New = mk(chunkMedium)
	p.large.New = mk(chunkLarge)
	return p
}

// get returns an empty chunk of at least n bytes, growing with prev (the
// capacity of the chunk before it: 512 → 4K → 64K). Needs above 64K get an
// exact, unpooled allocation.
func (p *chunkPools) get(n, prev int) *[]byte {
	switch {
	case n <= chunkSmall && prev < chunkSmall:
		return p.small.Get().(*[]byte)
	case n <= chunkMedium && prev < chunkMedium:
		return p.medium.Get().(*[]byte)
	case n <= chunkLarge:
		return p.large.Get().(*[]byte)
	}
	b := make([]byte, 0, n)
	return &b
}

// put returns a chunk to its pool; odd-sized chunks are left to the GC.
func (p *chunkPools) put(b *[]byte) {
	*b = (*b)[:0]
	switch cap(*b) {
	case chunkSmall:
		p.small.Put(b)
	case chunkMedium:
		p.medium.Put(b)
	case chunkLarge:
		p.large.Put(b)
	}
}

// outbound is a connection's queued output, guarded by client.mu.
type outbound struct {
	chunks   []*[]byte // oldest first; only the last may have room
	pending  int64     // bytes in chunks
	inflight int64     // bytes the writer is writing right now
}

// room returns a chunk with at least n free bytes at the end of the queue,
// taking a new one from the pools when the last one is too full.
func (o *outbound) room(p *chunkPools, n int) *[]byte {
	prev := 0
	if k := len(o.chunks); k > 0 {
		last := o.chunks[k-1]
		if cap(*last)-len(*last) >= n {
			return last
		}
		prev = cap(*last)
	}
	b := p.get(n, prev)
	o.chunks = append(o.chunks, b)
	return b
}

// appendBytes queues b, splitting it over chunks as needed.
func (o *outbound) appendBytes(p *chunkPools, b []byte) {
	o.pending += int64(len(b))
	for len(b) > 0 {
		want := len(b)
		if want > chunkLarge {
			want = chunkLarge
		}
		c := o.room(p, min(want, chunkSmall))
		buf := *c
		n := copy(buf[len(buf):cap(buf)], b)
		*c = buf[:len(buf)+n]
		b = b[n:]
	}
}

// enqueueLocked queues raw protocol bytes; c.mu must be held.
func (c *client) enqueueLocked(b []byte) {
	if c.closed {
		return
	}
	c.out.appendBytes(c.srv.pools, b)
}

// signalFlush wakes the writer goroutine (at most one pending wake-up).
func (c *client) signalFlush() {
	select {
	case c.flushCh <- struct{}{}:
	default:
	}
}

// writeLoop is the connection's writer goroutine: woken by signalFlush, it
// takes all queued chunks under the lock and writes them with one writev.
func (c *client) writeLoop() {
	defer c.srv.wg.Done()
	for range c.flushCh {
		c.mu.Lock()
		if c.closed && (!c.flushOnClose || len(c.out.chunks) == 0) {
			c.mu.Unlock()
			break
		}
		if len(c.out.chunks) == 0 {
			c.mu.Unlock()
			continue
		}
		c.wchunks = append(c.wchunks[:0], c.out.chunks...)
		clear(c.out.chunks)
		c.out.chunks = c.out.chunks[:0]
		c.out.inflight = c.out.pending
		c.out.pending = 0
		deadline := c.writeDeadline
		closing := c.closed
		attempted := c.out.inflight
		c.mu.Unlock()

		chunks := len(c.wchunks)
		err := c.writeChunks(deadline)

		c.mu.Lock()
		c.out.inflight = 0
		if c.stallCh != nil && c.out.pending <= c.maxPending/4*3 {
			c.releaseStallLocked()
		}
		c.mu.Unlock()
		if err != nil {
			c.writeFailed(err, deadline, chunks, attempted)
			break
		}
		if closing {
			// Loop once more: the close path signals again, and anything
			// queued before closed was set is flushed.
			c.signalFlush()
		}
	}
	_ = c.nc.Close()
	close(c.writerDone)
}

// writeChunks writes c.wchunks with one vectored write and recycles them.
func (c *client) writeChunks(deadline time.Duration) error {
	c.wbufs = c.wbufs[:0]
	for _, b := range c.wchunks {
		c.wbufs = append(c.wbufs, *b)
	}
	c.wv = c.wbufs
	if deadline > 0 {
		_ = c.nc.SetWriteDeadline(time.Now().Add(deadline))
	}
	_, err := c.wv.WriteTo(c.nc)
	for i, b := range c.wchunks {
		c.srv.pools.put(b)
		c.wchunks[i] = nil
	}
	clear(c.wbufs)
	c.wv = nil
	return err
}

// writeFailed closes the connection after a failed write: a timeout is a slow
// consumer (write deadline), anything else a write error.
func (c *client) writeFailed(err error, deadline time.Duration, chunks int, attempted int64) {
	var ne net.Error
	if errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		if c.isClosed() {
			return // closed meanwhile (the deadline was forced to unblock the write)
		}
		c.srv.slowConsumers.Add(1)
		c.Noticef("Slow Consumer Detected: WriteDeadline of %v exceeded with %d chunks of %d total bytes.",
			deadline, chunks, attempted)
		c.closeConnection(reasonSlowConsumerWriteDeadline, false)
		return
	}
	c.closeConnection(reasonWriteError, false)
}
