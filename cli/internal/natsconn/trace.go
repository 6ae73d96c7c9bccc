package natsconn

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/natsys/natsys/cli/internal/connflags"
	"github.com/natsys/natsys/cli/internal/record"
)

// TraceBodyMax is how many payload bytes a trace line shows.
const TraceBodyMax = 256

// Traced wraps a dialer so that every protocol-level operation of the
// connection is logged on w (--trace): the connect attempt (servers and the
// kind of authentication, never a secret), each SUB/UNSUB/PUB sent, each
// MSG received, PING/PONG round trips of Flush, and asynchronous errors.
// Lines look like
//
//	19:08:21.123456 >>> PUB orders.new _INBOX.x 5
//	19:08:21.123460     "hello"
//	19:08:21.124001 <<< MSG _INBOX.x 2
//
// Every line goes through redact (when not nil) before it is written.
func Traced(d Dialer, w io.Writer, redact func(string) string) Dialer {
	return func(ctx context.Context, s *connflags.Settings, ev Events) (Conn, error) {
		t := &tracer{w: w, redact: redact}
		t.line("--- connecting to %s (%s)", s.ServerList(), authKind(s))
		ev = t.events(ev)
		c, err := d(ctx, s, ev)
		if err != nil {
			t.line("--- connect failed: %v", err)
			return nil, err
		}
		t.line("--- connected")
		return &tracedConn{c: c, t: t}, nil
	}
}

// authKind describes the authentication method without its secret.
func authKind(s *connflags.Settings) string {
	switch {
	case s.User != "":
		return "user " + s.User + " with password " + connflags.Mask
	case s.Token != "":
		return "token " + connflags.Mask
	case s.CredsFile != "":
		return "credentials file " + s.CredsFile
	case s.NKeyFile != "":
		return "nkey seed file " + s.NKeyFile
	case s.JWT != "":
		return "user JWT with seed " + connflags.Mask
	}
	return "no authentication"
}

// tracer writes trace lines, one Write per operation.
type tracer struct {
	mu     sync.Mutex
	w      io.Writer
	redact func(string) string
}

// line writes one formatted line.
func (t *tracer) line(format string, args ...any) {
	t.write(fmt.Sprintf(format, args...), nil)
}

// write writes head, then the headers and body of m (if not nil).
func (t *tracer) write(head string, m *record.Message) {
	var b bytes.Buffer
	ts := time.Now().Format("15:04:05.000000")
	b.WriteString(ts + " " + head + "\n")
	if m != nil {
		keys := make([]string, 0, len(m.Headers))
		for k := range m.Headers {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			for _, v := range m.Headers[k] {
				b.WriteString(ts + "     " + k + ": " + v + "\n")
			}
		}
		if len(m.Data) > 0 {
			b.WriteString(ts + "     " + quoteBody(m.Data) + "\n")
		}
	}
	out := b.String()
	if t.redact != nil {
		out = t.redact(out)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	_, _ = io.WriteString(t.w, out)
}

// quoteBody quotes at most TraceBodyMax bytes of a payload.
func quoteBody(data []byte) string {
	if len(data) <= TraceBodyMax {
		return strconv.Quote(string(data))
	}
	return strconv.Quote(string(data[:TraceBodyMax])) + fmt.Sprintf(" ... (%d more bytes)", len(data)-TraceBodyMax)
}

// msgLine is the protocol line of a message: "PUB subj [reply] size".
func msgLine(op string, m *record.Message) string {
	s := op + " " + m.Subject
	if m.Reply != "" {
		s += " " + m.Reply
	}
	s += " " + strconv.Itoa(len(m.Data))
	if m.Status != 0 {
		s += " (status " + strconv.Itoa(m.Status) + ")"
	}
	return s
}

// events logs connection events before passing them on.
func (t *tracer) events(ev Events) Events {
	out := ev
	out.AsyncError = func(err error) {
		t.line("<<< async error: %v", err)
		if ev.AsyncError != nil {
			ev.AsyncError(err)
		}
	}
	out.Disconnected = func(err error) {
		t.line("--- disconnected: %v", err)
		if ev.Disconnected != nil {
			ev.Disconnected(err)
		}
	}
	out.Reconnected = func(url string) {
		t.line("--- reconnected to %s", url)
		if ev.Reconnected != nil {
			ev.Reconnected(url)
		}
	}
	out.Closed = func() {
		t.line("--- connection closed")
		if ev.Closed != nil {
			ev.Closed()
		}
	}
	return out
}

// tracedConn logs each operation of c.
type tracedConn struct {
	c Conn
	t *tracer
}

func (c *tracedConn) Publish(m *record.Message) error {
	op := "PUB"
	if len(m.Headers) > 0 {
		op = "HPUB"
	}
	c.t.write(">>> "+msgLine(op, m), m)
	err := c.c.Publish(m)
	if err != nil {
		c.t.line("--- publish failed: %v", err)
	}
	return err
}

func (c *tracedConn) Subscribe(subject, queue string, handler func(*record.Message)) (Subscription, error) {
	line := ">>> SUB " + subject
	if queue != "" {
		line += " " + queue
	}
	c.t.line("%s", line)
	s, err := c.c.Subscribe(subject, queue, func(m *record.Message) {
		op := "MSG"
		if len(m.Headers) > 0 || m.Status != 0 {
			op = "HMSG"
		}
		c.t.write("<<< "+msgLine(op, m), m)
		handler(m)
	})
	if err != nil {
		c.t.line("--- subscribe failed: %v", err)
		return nil, err
	}
	return &tracedSub{s: s, t: c.t, subject: subject}, nil
}

func (c *tracedConn) NewInbox() string { return c.c.NewInbox() }

func (c *tracedConn) Flush(ctx context.Context) error {
	c.t.line(">>> PING")
	start := time.Now()
	err := c.c.Flush(ctx)
	if err != nil {
		c.t.line("--- flush failed: %v", err)
		return err
	}
	c.t.line("<<< PONG (%s)", time.Since(start).Round(time.Microsecond))
	return nil
}

func (c *tracedConn) LastError() error { return c.c.LastError() }

func (c *tracedConn) Drain(ctx context.Context) error {
	c.t.line("--- draining")
	return c.c.Drain(ctx)
}

func (c *tracedConn) Close() { c.c.Close() }

// tracedSub logs UNSUB.
type tracedSub struct {
	s       Subscription
	t       *tracer
	subject string
}

func (s *tracedSub) Unsubscribe() error {
	s.t.line(">>> UNSUB %s", s.subject)
	return s.s.Unsubscribe()
}

func (s *tracedSub) AutoUnsubscribe(n int) error {
	s.t.line(">>> UNSUB %s %d", s.subject, n)
	return s.s.AutoUnsubscribe(n)
}

func (s *tracedSub) Dropped() int { return s.s.Dropped() }
