package natsconn

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/natsys/natsys/cli/internal/connflags"
	"github.com/natsys/natsys/cli/internal/iostreams"
	"github.com/natsys/natsys/cli/internal/record"
)

// fakeConn records nothing and delivers one message per subscription.
type fakeConn struct{}

type fakeSub struct{}

func (fakeSub) Unsubscribe() error        { return nil }
func (fakeSub) AutoUnsubscribe(int) error { return nil }
func (fakeSub) Dropped() int              { return 0 }

func (fakeConn) Publish(*record.Message) error { return nil }
func (fakeConn) Subscribe(subj, _ string, h func(*record.Message)) (Subscription, error) {
	h(&record.Message{Subject: subj, Reply: "r", Data: []byte("in\x00bin"), Headers: map[string][]string{"B": {"2"}, "A": {"1"}}})
	return fakeSub{}, nil
}
func (fakeConn) NewInbox() string            { return "_INBOX.x" }
func (fakeConn) Flush(context.Context) error { return nil }
func (fakeConn) LastError() error            { return nil }
func (fakeConn) Drain(context.Context) error { return nil }
func (fakeConn) Close()                      {}

func TestTraced(t *testing.T) {
	_, _, _, w := iostreams.Test()
	s := &connflags.Settings{Servers: []string{"nats://h:4222"}, Token: "tok-S3cret"}
	redact := s.Redact
	d := Traced(func(context.Context, *connflags.Settings, Events) (Conn, error) { return fakeConn{}, nil }, w, redact)
	c, err := d(context.Background(), s, Events{})
	if err != nil {
		t.Fatal(err)
	}
	sub, _ := c.Subscribe("in.>", "q", func(*record.Message) {})
	_ = c.Publish(&record.Message{Subject: "out", Data: []byte(strings.Repeat("x", TraceBodyMax+10) + "tok-S3cret")})
	_ = c.Flush(context.Background())
	_ = sub.AutoUnsubscribe(3)
	_ = sub.Unsubscribe()
	want := []string{
		`--- connecting to nats://h:4222 \(token \*\*\*\*\)`,
		`--- connected`,
		`>>> SUB in\.> q`,
		`<<< HMSG in\.> r 6`, `     A: 1\n.*     B: 2\n.*     "in\\x00bin"`,
		`>>> PUB out 276\n.*     "x{256}" \.\.\. \(20 more bytes\)`,
		`>>> PING\n.*<<< PONG \(`,
		`>>> UNSUB in\.> 3\n.*>>> UNSUB in\.>\n`,
	}
	out := w.String()
	for _, re := range want {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("trace lacks %s:\n%s", re, out)
		}
	}
	if strings.Contains(out, "tok-S3cret") {
		t.Errorf("secret in trace:\n%s", out)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if !regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d{6} `).MatchString(line) {
			t.Errorf("line without time stamp: %q", line)
		}
	}
	failing := Traced(func(context.Context, *connflags.Settings, Events) (Conn, error) {
		return nil, errors.New("dial nats://u:pw-S3cret@h:4222: refused")
	}, w, redact)
	if _, err := failing(context.Background(), s, Events{}); err == nil || strings.Contains(w.String(), "pw-S3cret") ||
		!strings.Contains(w.String(), "--- connect failed: dial nats://u:****@h:4222: refused") {
		t.Errorf("failed connect: %v\n%s", err, w.String())
	}
}
