package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"syscall"
	"time"
)

// errServer reports an -ERR line received from the server.
var errServer = errors.New("natsys-bench: server error")

// auth holds the credentials sent in CONNECT ("" for none).
type auth struct {
	user, pass string
}

// conn is one raw NATS client connection: the driver speaks the protocol
// itself so that both servers are measured without a client library's own
// costs in the way.
type conn struct {
	nc net.Conn
	r  *bufio.Reader

	wmu sync.Mutex
	w   *bufio.Writer

	pongs chan struct{}
}

// dial connects to addr, reads INFO, sends CONNECT and waits for the PONG of
// a PING, so that the server has registered the connection on return.
// recvBuf, when positive, sets SO_RCVBUF before connecting.
func dial(ctx context.Context, addr string, a auth, recvBuf int) (*conn, error) {
	d := net.Dialer{Timeout: dialTimeout}
	if recvBuf > 0 {
		d.Control = func(_, _ string, rc syscall.RawConn) error {
			var serr error
			err := rc.Control(func(fd uintptr) {
				serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, recvBuf)
			})
			if err != nil {
				return err
			}
			return serr
		}
	}
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	c := &conn{
		nc:    nc,
		r:     bufio.NewReaderSize(nc, readBuf),
		w:     bufio.NewWriterSize(nc, writeBuf),
		pongs: make(chan struct{}, 1),
	}
	if err := c.handshake(a); err != nil {
		nc.Close()
		return nil, fmt.Errorf("handshake with %s: %w", addr, err)
	}
	return c, nil
}

// handshake runs the INFO / CONNECT / PING / PONG exchange.
func (c *conn) handshake(a auth) error {
	if err := c.nc.SetDeadline(time.Now().Add(dialTimeout)); err != nil {
		return fmt.Errorf("set deadline: %w", err)
	}
	line, err := c.readLine()
	if err != nil {
		return fmt.Errorf("read INFO: %w", err)
	}
	if !hasOp(line, "INFO") {
		return fmt.Errorf("expected INFO, got %q", trimCRLF(line))
	}
	connect := map[string]any{
		"verbose": false, "pedantic": false, "echo": true,
		"protocol": 1, "headers": false, "name": "natsys-bench", "lang": "go",
	}
	if a.user != "" {
		connect["user"], connect["pass"] = a.user, a.pass
	}
	js, err := json.Marshal(connect)
	if err != nil {
		return fmt.Errorf("encode CONNECT: %w", err)
	}
	if _, err := fmt.Fprintf(c.w, "CONNECT %s\r\nPING\r\n", js); err != nil {
		return fmt.Errorf("write CONNECT: %w", err)
	}
	if err := c.w.Flush(); err != nil {
		return fmt.Errorf("write CONNECT: %w", err)
	}
	for {
		line, err := c.readLine()
		if err != nil {
			return fmt.Errorf("wait for PONG: %w", err)
		}
		switch {
		case hasOp(line, "PONG"):
			return c.nc.SetDeadline(time.Time{})
		case hasOp(line, "-ERR"):
			return fmt.Errorf("%w: %s", errServer, trimCRLF(line))
		}
	}
}

// readLine returns the next protocol line, valid until the next read.
func (c *conn) readLine() ([]byte, error) {
	line, err := c.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("protocol line longer than %d bytes", readBuf)
	}
	return line, err
}

// write appends b to the write buffer.
func (c *conn) write(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, err := c.w.Write(b)
	return err
}

// writeFlush appends b to the write buffer and flushes it.
func (c *conn) writeFlush(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if _, err := c.w.Write(b); err != nil {
		return err
	}
	return c.w.Flush()
}

// writeRaw writes b straight to the socket, after whatever is buffered.
func (c *conn) writeRaw(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.w.Flush(); err != nil {
		return err
	}
	_, err := c.nc.Write(b)
	return err
}

// msgFunc is called by readLoop for each MSG; m's slices are valid only
// during the call.
type msgFunc func(m msgLine)

// readLoop reads until the connection fails or closes, calling onMsg for
// every MSG, answering server PINGs and signalling PONGs to sync. It returns
// nil when the connection was closed by Close.
func (c *conn) readLoop(onMsg msgFunc) error {
	for {
		err := c.readOne(onMsg)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
	}
}

// readOne reads and handles one protocol operation.
func (c *conn) readOne(onMsg msgFunc) error {
	line, err := c.readLine()
	if err != nil {
		return err
	}
	switch {
	case hasOp(line, "MSG"):
		m, err := parseMsgLine(trimCRLF(line[3:]))
		if err != nil {
			return err
		}
		if onMsg != nil {
			onMsg(m)
		}
		if _, err := c.r.Discard(m.size + 2); err != nil {
			return fmt.Errorf("read payload: %w", err)
		}
	case hasOp(line, "PING"):
		if err := c.writeFlush([]byte("PONG\r\n")); err != nil {
			return fmt.Errorf("answer PING: %w", err)
		}
	case hasOp(line, "PONG"):
		select {
		case c.pongs <- struct{}{}:
		default:
		}
	case hasOp(line, "-ERR"):
		return fmt.Errorf("%w: %s", errServer, trimCRLF(line))
	}
	return nil
}

// sync sends PING and waits until readLoop (which must be running) sees
// the PONG: every operation sent before it has been processed.
func (c *conn) sync(timeout time.Duration) error {
	select { // drop a stale PONG
	case <-c.pongs:
	default:
	}
	if err := c.writeFlush([]byte("PING\r\n")); err != nil {
		return fmt.Errorf("send PING: %w", err)
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-c.pongs:
		return nil
	case <-t.C:
		return fmt.Errorf("no PONG within %v", timeout)
	}
}

// syncDirect is sync for a connection without a readLoop: it reads (and
// discards messages) until the PONG arrives.
func (c *conn) syncDirect(timeout time.Duration) error {
	if err := c.writeFlush([]byte("PING\r\n")); err != nil {
		return fmt.Errorf("send PING: %w", err)
	}
	if err := c.nc.SetReadDeadline(time.Now().Add(timeout)); err != nil {
		return fmt.Errorf("set deadline: %w", err)
	}
	defer c.nc.SetReadDeadline(time.Time{})
	for {
		line, err := c.readLine()
		if err != nil {
			return fmt.Errorf("wait for PONG: %w", err)
		}
		switch {
		case hasOp(line, "PONG"):
			return nil
		case hasOp(line, "-ERR"):
			return fmt.Errorf("%w: %s", errServer, trimCRLF(line))
		case hasOp(line, "MSG"):
			m, err := parseMsgLine(trimCRLF(line[3:]))
			if err != nil {
				return err
			}
			if _, err := c.r.Discard(m.size + 2); err != nil {
				return fmt.Errorf("read payload: %w", err)
			}
		}
	}
}

// readMsg reads until the next MSG, answering PINGs, and returns it; its
// slices are valid until the next read. Used by the request/reply loop,
// which reads in its own goroutine to keep the round trip short.
func (c *conn) readMsg() (msgLine, error) {
	for {
		line, err := c.readLine()
		if err != nil {
			return msgLine{}, err
		}
		switch {
		case hasOp(line, "MSG"):
			m, err := parseMsgLine(trimCRLF(line[3:]))
			if err != nil {
				return msgLine{}, err
			}
			if _, err := c.r.Discard(m.size + 2); err != nil {
				return msgLine{}, fmt.Errorf("read payload: %w", err)
			}
			return m, nil
		case hasOp(line, "PING"):
			if err := c.writeFlush([]byte("PONG\r\n")); err != nil {
				return msgLine{}, fmt.Errorf("answer PING: %w", err)
			}
		case hasOp(line, "-ERR"):
			return msgLine{}, fmt.Errorf("%w: %s", errServer, trimCRLF(line))
		}
	}
}

// waitClosed reads and discards until the server closes the connection or
// d passes, and reports whether it was closed.
func (c *conn) waitClosed(d time.Duration) bool {
	if err := c.nc.SetReadDeadline(time.Now().Add(d)); err != nil {
		return false
	}
	_, err := io.Copy(io.Discard, c.nc)
	var ne net.Error
	return err == nil || !(errors.As(err, &ne) && ne.Timeout())
}

// Close closes the connection.
func (c *conn) Close() error { return c.nc.Close() }

// closeAll closes every connection in cs.
func closeAll(cs []*conn) {
	for _, c := range cs {
		if c != nil {
			c.Close()
		}
	}
}

// subLine formats "SUB subject [queue] sid\r\n".
func subLine(dst []byte, subject, queue string, sid int) []byte {
	dst = append(dst, "SUB "...)
	dst = append(dst, subject...)
	if queue != "" {
		dst = append(dst, ' ')
		dst = append(dst, queue...)
	}
	return fmt.Appendf(dst, " %d\r\n", sid)
}

// isClosedErr reports whether err only says that the connection was closed.
func isClosedErr(err error) bool {
	return err == nil || errors.Is(err, net.ErrClosed) || errors.Is(err, io.EOF) ||
		bytes.Contains([]byte(err.Error()), []byte("connection reset"))
}
