package server

import (
	"math/rand/v2"
	"time"

	"github.com/natsys/natsys/server/internal/wire"
)

// setPingTimer (re)arms the server PING timer to fire after d; c.mu held.
func (c *client) setPingTimerLocked(d time.Duration) {
	if c.closed {
		return
	}
	if c.pingTimer == nil {
		c.pingTimer = time.AfterFunc(d, c.processPingTimer)
		return
	}
	c.pingTimer.Reset(d)
}

// firstPingDelay is min(ping_interval, 2s) plus 0-20% (protocol.md §7.1).
func firstPingDelay(interval time.Duration) time.Duration {
	d := min(interval, FirstPingInterval)
	return d + time.Duration(rand.Int64N(int64(d)/5+1))
}

// processPingTimer sends a PING, or closes a connection that left ping_max
// PINGs unanswered with -ERR 'Stale Connection'.
func (c *client) processPingTimer() {
	o := c.srv.getOpts()
	c.Debugf("Client Ping Timer")
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	if c.pingsOut+1 > o.MaxPingsOut {
		c.enqueueLocked(wire.AppendErr(nil, wire.ErrStaleConnection))
		c.mu.Unlock()
		c.Debugf("Stale Client Connection - Closing")
		c.closeConnection(reasonStaleConnection, true)
		return
	}
	c.pingsOut++
	if c.pingSent.IsZero() || c.rtt == 0 {
		c.pingSent = time.Now()
	}
	c.enqueueLocked(wire.Ping)
	c.setPingTimerLocked(o.PingInterval)
	c.mu.Unlock()
	c.signalFlush()
}

// processAuthTimeout closes a connection that did not authenticate in time.
func (c *client) processAuthTimeout() {
	c.mu.Lock()
	done := c.closed || c.authed
	c.mu.Unlock()
	if done {
		return
	}
	c.Errorf("Authentication Timeout")
	c.sendErrAndClose(wire.ErrAuthenticationTimeout, reasonAuthTimeout)
}
