package client

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// reconnectLoop walks the server pool until a server accepts the
// connection, the pool runs out or Close is called.
func (c *Conn) reconnectLoop() {
	defer c.wg.Done()
	passes, tried := 0, 0
	for {
		c.mu.Lock()
		if c.status == StatusClosed {
			c.mu.Unlock()
			return
		}
		srv := c.pool.next()
		if srv == nil {
			c.mu.Unlock()
			c.close(fmt.Errorf("%w: every server failed %d times", ErrNoServers, c.opts.maxReconnect), false)
			return
		}
		wait := c.reconnectDelay(srv, passes, tried)
		c.mu.Unlock()
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-c.closed:
				t.Stop()
				return
			}
		}
		c.mu.Lock()
		srv.lastAttempt = time.Now()
		c.mu.Unlock()

		s, info, err := c.dial(srv)

		c.mu.Lock()
		if c.status == StatusClosed {
			c.mu.Unlock()
			if s != nil {
				s.conn.Close()
			}
			return
		}
		if err != nil {
			c.lastErr = err
			srv.failed++
			if c.opts.maxReconnect >= 0 && srv.failed >= c.opts.maxReconnect {
				c.pool.remove(srv)
			}
			if tried++; tried >= len(c.pool.servers) {
				passes, tried = passes+1, 0
			}
			c.mu.Unlock()
			continue
		}
		c.reconnects++
		c.install(s, info)
		c.mu.Unlock()
		if cb := c.opts.reconnectCB; cb != nil {
			c.events.push(func() { cb(c) })
		}
		return
	}
}

// reconnectDelay is the pause before trying srv. With CustomReconnectDelay
// it is the callback's answer at the start of each pass after the first.
// Otherwise a server tried less than its wait ago waits for the rest of it
// plus a random jitter; the wait is ReconnectWait, doubled per consecutive
// failure up to ReconnectBackoff's cap when that is set. c.mu is held.
func (c *Conn) reconnectDelay(srv *server, passes, tried int) time.Duration {
	o := &c.opts
	if o.reconnDelay != nil {
		if passes > 0 && tried == 0 {
			return o.reconnDelay(passes)
		}
		return 0
	}
	base := o.reconnWait
	if o.backoffMax > base {
		for i := 1; i < srv.failed && base < o.backoffMax; i++ {
			base *= 2
		}
		base = min(base, o.backoffMax)
	}
	since := time.Since(srv.lastAttempt)
	if since >= base {
		return 0
	}
	jitter := o.jitter
	if o.secure || srv.url.Scheme == "tls" {
		jitter = o.jitterTLS
	}
	wait := base - since
	if jitter > 0 {
		wait += rand.N(jitter)
	}
	return wait
}
