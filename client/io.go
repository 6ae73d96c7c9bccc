package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/natsys/natsys/client/internal/proto"
)

// readLoop reads from s into one reusable buffer and feeds the parser until
// the socket fails.
func (c *Conn) readLoop(s *socket) {
	defer c.wg.Done()
	buf := make([]byte, readBufSize)
	var p proto.Parser
	h := &reader{c: c, s: s}
	for {
		n, err := s.br.Read(buf)
		if n > 0 {
			if perr := p.Parse(buf[:n], h); perr != nil {
				err = fmt.Errorf("%w: %w", ErrProtocol, perr)
			}
		}
		if err != nil {
			c.disconnected(s, err)
			return
		}
	}
}

// flusher writes what publishers queue in c.out, one write per wake-up, so
// that many small publishes coalesce into few syscalls.
func (c *Conn) flusher(s *socket) {
	defer c.wg.Done()
	defer close(s.flusherDone)
	for {
		closing := false
		select {
		case <-s.kick:
		case <-s.done:
			closing = true
		}
		c.mu.Lock()
		if s.dead {
			c.mu.Unlock()
			return
		}
		buf := c.out
		if len(buf) == 0 {
			c.mu.Unlock()
			if closing {
				return
			}
			continue
		}
		c.out, c.spare = c.spare[:0], nil
		c.pingsInOut = 0
		c.mu.Unlock()

		_ = s.conn.SetWriteDeadline(time.Now().Add(c.opts.writeTimeout))
		_, err := s.conn.Write(buf)

		c.mu.Lock()
		if c.spare == nil && cap(buf) <= keepOutBuf {
			c.spare = buf[:0]
		}
		c.outCond.Broadcast()
		c.mu.Unlock()
		if err != nil {
			c.disconnected(s, fmt.Errorf("client: write: %w", err))
			return
		}
	}
}

// reader is the parser's handler for one socket; it runs on the read loop.
type reader struct {
	c *Conn
	s *socket
}

func (r *reader) OnMsg(m *proto.Msg) {
	c := r.c
	c.inMsgs.Add(1)
	c.inBytes.Add(uint64(len(m.Data)))
	c.subsMu.RLock()
	sub := c.subs[m.Sid]
	c.subsMu.RUnlock()
	if sub != nil {
		sub.receive(m)
	}
}

func (r *reader) OnInfo(b []byte) {
	var info ServerInfo
	if err := json.Unmarshal(b, &info); err != nil {
		return // a bad async INFO changes nothing
	}
	c := r.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sock != r.s {
		return
	}
	c.info = info
	if len(info.ConnectURLs) > 0 &&
		c.pool.addDiscovered(info.ConnectURLs, r.s.srv, c.tlsName(r.s.srv)) {
		if cb := c.opts.discoveredCB; cb != nil {
			c.events.push(func() { cb(c) })
		}
	}
}

func (r *reader) OnPing() {
	c := r.c
	c.mu.Lock()
	if c.sock == r.s {
		c.queueLocked("PONG\r\n")
	}
	c.mu.Unlock()
}

func (r *reader) OnPong() {
	c := r.c
	c.mu.Lock()
	c.pingsOut = 0
	if len(c.pongs) > 0 {
		ch := c.pongs[0]
		c.pongs[0] = nil
		c.pongs = c.pongs[1:]
		if ch != nil {
			ch <- nil
		}
	}
	c.mu.Unlock()
}

func (r *reader) OnOK() {}

func (r *reader) OnErr(text []byte) {
	c := r.c
	e := &ServerError{Text: string(text)}
	c.mu.Lock()
	c.lastErr = e
	if e.fatal() && c.sock == r.s {
		r.s.fatal = e // the server closes next; this becomes the reason
	}
	c.mu.Unlock()
	if !e.fatal() {
		c.errorEvent(nil, e)
	}
}

// queueLocked appends a protocol line to the outbound buffer and wakes the
// flusher. c.mu is held.
func (c *Conn) queueLocked(line string) {
	wasEmpty := len(c.out) == 0
	c.out = append(c.out, line...)
	c.queuedLocked(wasEmpty)
}

// queuedLocked wakes the flusher after bytes were appended to a buffer that
// was empty before. c.mu is held.
func (c *Conn) queuedLocked(wasEmpty bool) {
	if wasEmpty && c.sock != nil {
		c.sock.kickFlusher()
	}
}

// armPingTimer (re)starts the keepalive timer. c.mu is held.
func (c *Conn) armPingTimer() {
	if c.pingTimer == nil {
		c.pingTimer = time.AfterFunc(c.opts.pingInterval, c.pingTimerFired)
		return
	}
	c.pingTimer.Reset(c.opts.pingInterval)
}

func (c *Conn) pingTimerFired() {
	c.mu.Lock()
	s := c.sock
	if s == nil || c.status != StatusConnected {
		c.mu.Unlock()
		return
	}
	if c.pingsOut+1 > c.opts.maxPingsOut {
		c.mu.Unlock()
		c.disconnected(s, ErrStaleConnection)
		return
	}
	c.pingsOut++
	c.pongs = append(c.pongs, nil)
	c.pingsInOut++
	c.queueLocked("PING\r\n")
	c.armPingTimer()
	c.mu.Unlock()
}

// disconnected handles the loss of socket s (a read or write error, a stale
// connection). It is a no-op if s is no longer the live socket.
func (c *Conn) disconnected(s *socket, err error) {
	c.mu.Lock()
	if c.sock != s || c.status == StatusClosed {
		c.mu.Unlock()
		return
	}
	if s.fatal != nil {
		err = s.fatal
	} else if errors.Is(err, io.EOF) {
		err = fmt.Errorf("client: server closed the connection: %w", err)
	}
	c.lastErr = err
	c.sock = nil
	s.dead = true
	close(s.done)
	_ = s.conn.Close()
	if c.pingTimer != nil {
		c.pingTimer.Stop()
	}
	// PINGs already handed to the dead socket will never be answered; those
	// still queued in c.out go out after the reconnect.
	sent := len(c.pongs) - c.pingsInOut
	for _, ch := range c.pongs[:sent] {
		if ch != nil {
			ch <- fmt.Errorf("client: disconnected before PONG: %w", err)
		}
	}
	c.pongs = c.pongs[sent:]
	c.pingsOut = 0
	c.outCond.Broadcast()
	reconnect := c.opts.allowReconn && !c.draining
	if reconnect {
		c.status = StatusReconnecting
		c.wg.Add(1)
		go c.reconnectLoop()
	}
	c.mu.Unlock()

	if cb := c.opts.disconnectCB; cb != nil {
		c.events.push(func() { cb(c, err) })
	}
	if !reconnect {
		c.close(err, false)
	}
}
