// Package natstest is the test harness for natsys: it starts in-process
// servers and the reference nats-server, and talks to them over raw TCP with
// send/expect helpers.
package natstest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// DefaultTimeout bounds every Expect and ReadLine.
const DefaultTimeout = 3 * time.Second

// Conn is a raw protocol connection to a server under test.
type Conn struct {
	t   testing.TB
	nc  net.Conn
	buf []byte // received, not yet consumed
	eof error  // read error seen (io.EOF when the server closed)
	// InfoLine is the greeting INFO line (with its "\r\n"), when Dial read it.
	InfoLine string
	// Info is the decoded JSON of InfoLine.
	Info map[string]any
	// Timeout bounds Expect, ReadLine and ExpectClosed (DefaultTimeout).
	Timeout time.Duration
}

// HostPort turns "nats://host:port" or "host:port" into "host:port".
func HostPort(url string) string {
	url = strings.TrimPrefix(url, "nats://")
	return strings.TrimSuffix(url, "/")
}

// Dial connects to addr ("host:port" or "nats://host:port"), reads the INFO
// greeting and registers the close with t.Cleanup.
func Dial(t testing.TB, addr string) *Conn {
	t.Helper()
	c := DialRaw(t, addr)
	c.InfoLine = c.ReadLine()
	if !strings.HasPrefix(c.InfoLine, "INFO ") {
		t.Fatalf("natstest: expected INFO, got %q", c.InfoLine)
	}
	c.Info = ParseInfo(t, c.InfoLine)
	return c
}

// DialRaw connects without reading anything.
func DialRaw(t testing.TB, addr string) *Conn {
	t.Helper()
	nc, err := net.DialTimeout("tcp", HostPort(addr), DefaultTimeout)
	if err != nil {
		t.Fatalf("natstest: dial %s: %v", addr, err)
	}
	c := &Conn{t: t, nc: nc, Timeout: DefaultTimeout}
	t.Cleanup(func() { _ = nc.Close() })
	return c
}

// ParseInfo decodes the JSON of an "INFO {...} \r\n" line.
func ParseInfo(t testing.TB, line string) map[string]any {
	t.Helper()
	js := strings.TrimSpace(strings.TrimPrefix(line, "INFO "))
	var m map[string]any
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		t.Fatalf("natstest: bad INFO %q: %v", line, err)
	}
	return m
}

// NetConn returns the underlying connection.
func (c *Conn) NetConn() net.Conn { return c.nc }

// Close closes the connection.
func (c *Conn) Close() { _ = c.nc.Close() }

// Send writes s.
func (c *Conn) Send(s string) {
	c.t.Helper()
	if err := c.nc.SetWriteDeadline(time.Now().Add(c.Timeout)); err != nil {
		c.t.Fatalf("natstest: %v", err)
	}
	if _, err := io.WriteString(c.nc, s); err != nil {
		c.t.Fatalf("natstest: send %q: %v", s, err)
	}
}

// SendBytewise writes s one byte per write.
func (c *Conn) SendBytewise(s string) {
	c.t.Helper()
	for i := 0; i < len(s); i++ {
		c.Send(s[i : i+1])
	}
}

// fill reads once, waiting until deadline; it reports whether bytes arrived.
func (c *Conn) fill(deadline time.Time) bool {
	if c.eof != nil {
		return false
	}
	_ = c.nc.SetReadDeadline(deadline)
	var tmp [32 * 1024]byte
	n, err := c.nc.Read(tmp[:])
	c.buf = append(c.buf, tmp[:n]...)
	if err != nil {
		var ne net.Error
		if !(errors.As(err, &ne) && ne.Timeout()) {
			c.eof = err
		}
	}
	return n > 0
}

// Expect reads until the received bytes start with want (a string) or until
// want (a *regexp.Regexp) matches at the start of them, consumes and returns
// the matched bytes; it fails the test on a mismatch or timeout.
func (c *Conn) Expect(want any) string {
	c.t.Helper()
	deadline := time.Now().Add(c.Timeout)
	switch w := want.(type) {
	case string:
		for len(c.buf) < len(w) && time.Now().Before(deadline) && c.eof == nil {
			c.fill(deadline)
		}
		if len(c.buf) < len(w) || string(c.buf[:len(w)]) != w {
			c.t.Fatalf("natstest: expected %q, got %q (err %v)", w, c.buf, c.eof)
		}
		c.buf = c.buf[len(w):]
		return w
	case *regexp.Regexp:
		for {
			if loc := w.FindIndex(c.buf); loc != nil && loc[0] == 0 {
				got := string(c.buf[:loc[1]])
				c.buf = c.buf[loc[1]:]
				return got
			}
			if !time.Now().Before(deadline) || c.eof != nil {
				c.t.Fatalf("natstest: expected match of %q, got %q (err %v)", w, c.buf, c.eof)
			}
			c.fill(deadline)
		}
	}
	c.t.Fatalf("natstest: Expect wants a string or *regexp.Regexp, got %T", want)
	return ""
}

// ReadLine returns the next line including its "\r\n" (or "\n").
func (c *Conn) ReadLine() string {
	c.t.Helper()
	deadline := time.Now().Add(c.Timeout)
	for {
		if i := bytes.IndexByte(c.buf, '\n'); i >= 0 {
			line := string(c.buf[:i+1])
			c.buf = c.buf[i+1:]
			return line
		}
		if !time.Now().Before(deadline) || c.eof != nil {
			c.t.Fatalf("natstest: no line within %v, got %q (err %v)", c.Timeout, c.buf, c.eof)
		}
		c.fill(deadline)
	}
}

// ReadFor returns everything received within d (consumed).
func (c *Conn) ReadFor(d time.Duration) string {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) && c.eof == nil {
		c.fill(deadline)
	}
	out := string(c.buf)
	c.buf = c.buf[:0]
	return out
}

// ExpectNothing fails the test if any byte arrives within d.
func (c *Conn) ExpectNothing(d time.Duration) {
	c.t.Helper()
	if got := c.ReadFor(d); got != "" {
		c.t.Fatalf("natstest: expected nothing, got %q", got)
	}
}

// ExpectClosed fails unless the server closes the connection (EOF or reset)
// within the timeout with no more bytes than already consumed.
func (c *Conn) ExpectClosed() {
	c.t.Helper()
	deadline := time.Now().Add(c.Timeout)
	for c.eof == nil && time.Now().Before(deadline) {
		c.fill(deadline)
	}
	if len(c.buf) > 0 {
		c.t.Fatalf("natstest: expected close, got %q", c.buf)
	}
	if c.eof == nil {
		c.t.Fatalf("natstest: connection still open after %v", c.Timeout)
	}
}

// Closed reports whether the server closed the connection (without waiting).
func (c *Conn) Closed() bool { return c.eof != nil }

// Msg is a MSG or HMSG received by ReadMsg.
type Msg struct {
	Subject string
	Sid     string
	Reply   string
	Header  string // header block, HMSG only
	Data    string
}

// msgLine matches a MSG or HMSG control line.
var msgLine = regexp.MustCompile(`^(MSG|HMSG) (\S+) (\S+)(?: (\S+))? (\d+)(?: (\d+))?\r\n`)

// ReadMsg reads one MSG or HMSG.
func (c *Conn) ReadMsg() Msg {
	c.t.Helper()
	line := c.ReadLine()
	m := msgLine.FindStringSubmatch(line)
	if m == nil {
		c.t.Fatalf("natstest: expected MSG/HMSG, got %q", line)
	}
	msg := Msg{Subject: m[2], Sid: m[3]}
	var hdr, total int
	if m[1] == "HMSG" {
		if m[6] == "" { // no reply: fields shift
			hdr, total = atoi(m[4]), atoi(m[5])
		} else {
			msg.Reply = m[4]
			hdr, total = atoi(m[5]), atoi(m[6])
		}
	} else {
		if m[6] != "" {
			c.t.Fatalf("natstest: bad MSG line %q", line)
		}
		msg.Reply = m[4]
		total = atoi(m[5])
	}
	body := c.ReadN(total + 2)
	if !strings.HasSuffix(body, "\r\n") {
		c.t.Fatalf("natstest: payload of %q not terminated by CRLF: %q", line, body)
	}
	msg.Header = body[:hdr]
	msg.Data = body[hdr:total]
	return msg
}

// ReadN reads exactly n bytes.
func (c *Conn) ReadN(n int) string {
	c.t.Helper()
	deadline := time.Now().Add(c.Timeout)
	for len(c.buf) < n && time.Now().Before(deadline) && c.eof == nil {
		c.fill(deadline)
	}
	if len(c.buf) < n {
		c.t.Fatalf("natstest: expected %d bytes, got %q (err %v)", n, c.buf, c.eof)
	}
	out := string(c.buf[:n])
	c.buf = c.buf[n:]
	return out
}

func atoi(s string) int {
	n := 0
	for _, ch := range s {
		n = n*10 + int(ch-'0')
	}
	return n
}

// logOutput is where in-process servers log: stderr when NATSYS_TEST_LOG is
// set, otherwise nowhere.
func logOutput() io.Writer {
	if os.Getenv("NATSYS_TEST_LOG") != "" {
		return os.Stderr
	}
	return io.Discard
}
