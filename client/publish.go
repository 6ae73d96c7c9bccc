package client

import (
	"context"
	"fmt"
	"strconv"
)

// Publish sends data to subject. It returns once the message is queued; use
// Flush to know the server has processed it (and LastError to learn whether
// it refused it).
func (c *Conn) Publish(subject string, data []byte) error {
	return c.publish(subject, "", nil, data)
}

// PublishRequest publishes data to subject with reply as its reply subject.
func (c *Conn) PublishRequest(subject, reply string, data []byte) error {
	return c.publish(subject, reply, nil, data)
}

// PublishMsg publishes m: subject, reply, headers (HPUB when m has headers
// or a status) and data.
func (c *Conn) PublishMsg(m *Msg) error {
	hdr, err := msgHeader(m)
	if err != nil {
		return err
	}
	return c.publish(m.Subject, m.Reply, hdr, m.Data)
}

// msgHeader encodes m's header block, or returns nil when m has none.
func msgHeader(m *Msg) ([]byte, error) {
	if len(m.Header) == 0 && m.Status == 0 {
		return nil, nil
	}
	return AppendHeader(nil, m.Header, m.Status, m.Description)
}

// publish queues one PUB or HPUB (hdr != nil).
func (c *Conn) publish(subject, reply string, hdr, data []byte) error {
	if !validPublishSubject(subject) {
		return fmt.Errorf("%w: %q", ErrBadSubject, subject)
	}
	if reply != "" && !validPublishSubject(reply) {
		return fmt.Errorf("%w: reply %q", ErrBadSubject, reply)
	}
	size := len(hdr) + len(data)
	c.mu.Lock()
	if err := c.publishCheckLocked(hdr != nil, size+len(subject)+len(reply)); err != nil {
		c.mu.Unlock()
		return err
	}
	wasEmpty := len(c.out) == 0
	out := c.out
	if hdr == nil {
		out = append(out, "PUB "...)
	} else {
		out = append(out, "HPUB "...)
	}
	out = append(out, subject...)
	out = append(out, ' ')
	if reply != "" {
		out = append(out, reply...)
		out = append(out, ' ')
	}
	if hdr != nil {
		out = strconv.AppendInt(out, int64(len(hdr)), 10)
		out = append(out, ' ')
	}
	out = strconv.AppendInt(out, int64(size), 10)
	out = append(out, '\r', '\n')
	out = append(out, hdr...)
	out = append(out, data...)
	out = append(out, '\r', '\n')
	c.out = out
	c.outMsgs.Add(1)
	c.outBytes.Add(uint64(size))
	if s := c.sock; s != nil {
		if wasEmpty {
			s.kickFlusher()
		}
		if len(c.out) >= maxOutBuf {
			c.waitForFlusherLocked()
		}
	}
	c.mu.Unlock()
	return nil
}

// publishCheckLocked refuses a publish of size bytes (headers included)
// that cannot be queued. c.mu is held.
func (c *Conn) publishCheckLocked(headers bool, size int) error {
	if c.status == StatusClosed {
		return ErrConnectionClosed
	}
	if mp := c.info.MaxPayload; mp > 0 && int64(size) > mp {
		return fmt.Errorf("%w: %d bytes, server allows %d", ErrMaxPayload, size, mp)
	}
	if headers && !c.info.Headers {
		return ErrHeadersNotSupported
	}
	if c.sock == nil {
		limit := c.opts.reconnBufSize
		if limit < 0 || len(c.out)+size > limit {
			return ErrReconnectBufExceeded
		}
	}
	return nil
}

// waitForFlusherLocked blocks a publisher while more than maxOutBuf bytes
// wait for the socket. c.mu is held (and released while waiting).
func (c *Conn) waitForFlusherLocked() {
	s := c.sock
	s.kickFlusher()
	for len(c.out) >= maxOutBuf && c.sock == s && c.status != StatusClosed {
		c.outCond.Wait()
	}
}

// Flush sends a PING and waits for the server's PONG, which proves that
// everything published before it was processed. While reconnecting it
// waits for the reconnect (or ctx).
func (c *Conn) Flush(ctx context.Context) error {
	ch := make(chan error, 1)
	c.mu.Lock()
	if c.status == StatusClosed {
		c.mu.Unlock()
		return ErrConnectionClosed
	}
	c.pongs = append(c.pongs, ch)
	c.pingsInOut++
	c.queueLocked("PING\r\n")
	c.mu.Unlock()
	select {
	case err := <-ch:
		return err
	case <-ctx.Done():
		return fmt.Errorf("client: flush: %w", ctx.Err())
	}
}

// validPublishSubject accepts any non-empty subject without whitespace or
// control characters (the server decides the rest).
func validPublishSubject(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] == 0x7f {
			return false
		}
	}
	return true
}

// validSubject checks a subscription subject: non-empty tokens without
// whitespace and, if wildcards is true, ">" only as the last token.
func validSubject(s string, wildcards bool) bool {
	if !validPublishSubject(s) {
		return false
	}
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '.' {
			continue
		}
		tok := s[start:i]
		if tok == "" {
			return false
		}
		if tok == ">" && i != len(s) && wildcards {
			return false
		}
		start = i + 1
	}
	return true
}

// validQueue accepts a non-empty queue name without whitespace.
func validQueue(q string) bool { return validPublishSubject(q) }
