package server_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/natsys/natsys/server"
	"github.com/natsys/natsys/server/natstest"
)

// connect opens a nats.go connection and closes it in t.Cleanup.
func connect(t *testing.T, url string, opts ...nats.Option) *nats.Conn {
	t.Helper()
	opts = append([]nats.Option{nats.MaxReconnects(0), nats.Timeout(2 * time.Second)}, opts...)
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// asyncErrs collects errors from nats.go's async error handler.
type asyncErrs struct {
	ch chan error
}

func newAsyncErrs() *asyncErrs { return &asyncErrs{ch: make(chan error, 16)} }

func (a *asyncErrs) option() nats.Option {
	return nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { a.ch <- err })
}

func (a *asyncErrs) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-a.ch:
		return err
	case <-time.After(3 * time.Second):
		t.Fatal("no async error")
		return nil
	}
}

func nextMsg(t *testing.T, sub *nats.Subscription) *nats.Msg {
	t.Helper()
	m, err := sub.NextMsg(2 * time.Second)
	if err != nil {
		t.Fatalf("NextMsg on %q: %v", sub.Subject, err)
	}
	return m
}

func expectNoMsg(t *testing.T, sub *nats.Subscription) {
	t.Helper()
	if m, err := sub.NextMsg(100 * time.Millisecond); err == nil {
		t.Fatalf("unexpected message %q on %q", m.Data, m.Subject)
	}
}

func TestNatsGoPubSubWildcards(t *testing.T) {
	s := natstest.RunServerOpts(t, nil)
	nc := connect(t, s.ClientURL())
	exact, _ := nc.SubscribeSync("foo.bar")
	star, _ := nc.SubscribeSync("foo.*")
	full, _ := nc.SubscribeSync("foo.>")
	all, _ := nc.SubscribeSync(">")
	other := connect(t, s.ClientURL())
	for _, subj := range []string{"foo.bar", "foo.bar.baz", "foo"} {
		if err := other.Publish(subj, []byte(subj)); err != nil {
			t.Fatal(err)
		}
	}
	if err := other.Flush(); err != nil {
		t.Fatal(err)
	}
	want := map[*nats.Subscription][]string{
		exact: {"foo.bar"}, star: {"foo.bar"}, full: {"foo.bar", "foo.bar.baz"}, all: {"foo.bar", "foo.bar.baz", "foo"},
	}
	for sub, subjects := range want {
		for _, w := range subjects {
			if m := nextMsg(t, sub); m.Subject != w || string(m.Data) != w {
				t.Fatalf("sub %q got %q/%q, want %q", sub.Subject, m.Subject, m.Data, w)
			}
		}
		expectNoMsg(t, sub)
	}
}

func TestNatsGoQueueSpread(t *testing.T) {
	s := natstest.RunServerOpts(t, nil)
	const n = 1000
	var counts [3]atomic.Int64
	var wg sync.WaitGroup
	wg.Add(n)
	for i := range counts {
		nc := connect(t, s.ClientURL())
		if _, err := nc.QueueSubscribe("work", "q", func(*nats.Msg) { counts[i].Add(1); wg.Done() }); err != nil {
			t.Fatal(err)
		}
		if err := nc.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	plainNC := connect(t, s.ClientURL())
	plain, _ := plainNC.SubscribeSync("work")
	_ = plainNC.Flush()
	pub := connect(t, s.ClientURL())
	for range n {
		if err := pub.Publish("work", []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	_ = pub.Flush()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatalf("queue members got %d+%d+%d of %d", counts[0].Load(), counts[1].Load(), counts[2].Load(), n)
	}
	time.Sleep(50 * time.Millisecond)
	total := int64(0)
	for i := range counts {
		c := counts[i].Load()
		total += c
		if c < 200 || c > 470 {
			t.Errorf("member %d got %d of %d: not spread", i, c, n)
		}
	}
	if total != n {
		t.Fatalf("queue group got %d messages, want exactly %d", total, n)
	}
	if got, _, _ := plain.Pending(); got != n {
		t.Fatalf("plain subscriber got %d, want %d", got, n)
	}
}

func TestNatsGoRequestReplyHeaders(t *testing.T) {
	s := natstest.RunServerOpts(t, nil)
	srv := connect(t, s.ClientURL())
	_, err := srv.Subscribe("svc.echo", func(m *nats.Msg) {
		r := nats.NewMsg(m.Reply)
		r.Header.Set("X-Echo", m.Header.Get("X-In"))
		r.Data = append([]byte("re:"), m.Data...)
		_ = m.RespondMsg(r)
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = srv.Flush()
	cli := connect(t, s.ClientURL())
	req := nats.NewMsg("svc.echo")
	req.Header.Set("X-In", "v1")
	req.Data = []byte("ping")
	resp, err := cli.RequestMsg(req, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Data) != "re:ping" || resp.Header.Get("X-Echo") != "v1" {
		t.Fatalf("reply %q headers %v", resp.Data, resp.Header)
	}
	if _, err := cli.Request("svc.nobody", nil, time.Second); !errors.Is(err, nats.ErrNoResponders) {
		t.Fatalf("request without responders: %v, want ErrNoResponders", err)
	}
}

func TestNatsGoAutoUnsubscribeAndEcho(t *testing.T) {
	s := natstest.RunServerOpts(t, nil)
	nc := connect(t, s.ClientURL())
	sub, _ := nc.SubscribeSync("foo")
	if err := sub.AutoUnsubscribe(2); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		_ = nc.Publish("foo", []byte{byte('0' + i)})
	}
	_ = nc.Flush()
	time.Sleep(50 * time.Millisecond)
	if n, _, _ := sub.Pending(); n != 2 {
		t.Fatalf("auto-unsubscribed sub got %d messages, want 2", n)
	}

	quiet := connect(t, s.ClientURL(), nats.NoEcho())
	own, _ := quiet.SubscribeSync("bar")
	otherNC := connect(t, s.ClientURL())
	other, _ := otherNC.SubscribeSync("bar")
	_ = otherNC.Flush()
	_ = quiet.Publish("bar", []byte("x"))
	_ = quiet.Flush()
	nextMsg(t, other)
	expectNoMsg(t, own)
}

func TestNatsGoVerbose(t *testing.T) {
	s := natstest.RunServerOpts(t, nil)
	verbose := func(o *nats.Options) error { o.Verbose = true; o.Pedantic = true; return nil }
	nc := connect(t, s.ClientURL(), verbose)
	sub, _ := nc.SubscribeSync("v")
	_ = nc.Publish("v", []byte("1"))
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	nextMsg(t, sub)
}

func TestNatsGoErrorsSurface(t *testing.T) {
	o := server.DefaultOptions()
	o.MaxSubs = 1
	o.Users = []*server.User{
		{Username: "alice", Password: "secret", Permissions: &server.Permissions{
			Publish:   &server.SubjectPermission{Allow: []string{"ok.>", "_INBOX.>"}},
			Subscribe: &server.SubjectPermission{Deny: []string{"nosub"}},
		}},
	}
	s := natstest.RunServerOpts(t, o)

	if _, err := nats.Connect(s.ClientURL(), nats.UserInfo("alice", "bad"), nats.MaxReconnects(0)); !errors.Is(err, nats.ErrAuthorization) {
		t.Fatalf("bad password: %v, want ErrAuthorization", err)
	}

	errs := newAsyncErrs()
	nc := connect(t, s.ClientURL(), nats.UserInfo("alice", "secret"), errs.option())
	_ = nc.Publish("denied", nil)
	if err := errs.wait(t); !errors.Is(err, nats.ErrPermissionViolation) || !strings.Contains(err.Error(), `Publish to "denied"`) {
		t.Fatalf("publish violation: %v", err)
	}
	_, _ = nc.SubscribeSync("nosub")
	if err := errs.wait(t); !errors.Is(err, nats.ErrPermissionViolation) || !strings.Contains(err.Error(), `Subscription to "nosub"`) {
		t.Fatalf("subscribe violation: %v", err)
	}
	_, _ = nc.SubscribeSync("a")
	_, _ = nc.SubscribeSync("b")
	if err := errs.wait(t); !errors.Is(err, nats.ErrMaxSubscriptionsExceeded) {
		t.Fatalf("max subscriptions: %v", err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatalf("connection unusable after transient errors: %v", err)
	}
	if err := nc.Publish("ok.x", make([]byte, 2*1024*1024)); !errors.Is(err, nats.ErrMaxPayload) {
		t.Fatalf("oversized publish: %v, want ErrMaxPayload", err)
	}
}

// TestNatsGoMaxConnections: nats.go sees either the -ERR or a broken pipe
// (the server closes right after INFO + -ERR); the reference behaves alike.
func TestNatsGoMaxConnections(t *testing.T) {
	o := server.DefaultOptions()
	o.MaxConn = 1
	s := natstest.RunServerOpts(t, o)
	connect(t, s.ClientURL())
	if _, err := nats.Connect(s.ClientURL(), nats.MaxReconnects(0)); err == nil {
		t.Fatal("second connection succeeded")
	}
}

func TestNatsGoAccountsIsolation(t *testing.T) {
	o := server.DefaultOptions()
	o.Accounts = []*server.AccountConfig{{Name: "A"}, {Name: "B"}}
	o.Users = []*server.User{
		{Username: "a", Password: "a", Account: "A"},
		{Username: "a2", Password: "a", Account: "A"},
		{Username: "b", Password: "b", Account: "B"},
	}
	s := natstest.RunServerOpts(t, o)
	a := connect(t, s.ClientURL(), nats.UserInfo("a", "a"))
	a2 := connect(t, s.ClientURL(), nats.UserInfo("a2", "a"))
	b := connect(t, s.ClientURL(), nats.UserInfo("b", "b"))
	bs, _ := b.SubscribeSync("foo")
	as, _ := a2.SubscribeSync("foo")
	_ = b.Flush()
	_ = a2.Flush()
	_ = a.Publish("foo", []byte("for A"))
	_ = a.Flush()
	if m := nextMsg(t, as); string(m.Data) != "for A" {
		t.Fatalf("got %q", m.Data)
	}
	expectNoMsg(t, bs)
	if got := s.LookupAccount("A").NumClients(); got != 2 {
		t.Fatalf("account A has %d clients, want 2", got)
	}
}

func TestNatsGoManyMessagesInOrder(t *testing.T) {
	s := natstest.RunServerOpts(t, nil)
	subNC := connect(t, s.ClientURL())
	sub, _ := subNC.SubscribeSync("seq")
	_ = sub.SetPendingLimits(-1, -1)
	_ = subNC.Flush()
	pub := connect(t, s.ClientURL())
	const n = 10000
	for i := range n {
		_ = pub.Publish("seq", []byte(fmt.Sprint(i)))
	}
	_ = pub.Flush()
	for i := range n {
		m := nextMsg(t, sub)
		if string(m.Data) != fmt.Sprint(i) {
			t.Fatalf("message %d is %q", i, m.Data)
		}
	}
}
