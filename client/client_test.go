package client

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// connect connects to url and closes the connection at cleanup.
func connect(t testing.TB, url string, opts ...Option) *Conn {
	t.Helper()
	c, err := Connect(url, opts...)
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	t.Cleanup(c.Close)
	return c
}

func ctxT(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func flush(t testing.TB, c *Conn) {
	t.Helper()
	if err := c.Flush(ctxT(t, 5*time.Second)); err != nil {
		t.Fatalf("flush: %v", err)
	}
}

// nextMsg reads one message or fails the test.
func nextMsg(t testing.TB, s *Subscription) *Msg {
	t.Helper()
	m, err := s.NextMsg(ctxT(t, 5*time.Second))
	if err != nil {
		t.Fatalf("next message on %s: %v", s.Subject(), err)
	}
	return m
}

// expectNoMsg checks that nothing is pending after a round trip.
func expectNoMsg(t testing.TB, c *Conn, s *Subscription) {
	t.Helper()
	flush(t, c)
	if n, _ := s.Pending(); n != 0 {
		m, _ := s.NextMsg(ctxT(t, time.Second))
		t.Fatalf("%s: unexpected message %q on %q", s.Subject(), m.Data, m.Subject)
	}
}

func TestPubSub(t *testing.T) {
	url, _ := startServer(t, "")
	c := connect(t, url, Name("pubsub"))
	if st := c.Status(); st != StatusConnected {
		t.Fatalf("status %v", st)
	}
	got := make(chan *Msg, 100)
	sub, err := c.Subscribe("foo", func(m *Msg) { got <- m })
	if err != nil {
		t.Fatal(err)
	}
	pub := connect(t, url)
	for i := range 50 {
		if err := pub.Publish("foo", []byte(strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
	flush(t, pub)
	for i := range 50 {
		select {
		case m := <-got:
			if string(m.Data) != strconv.Itoa(i) || m.Subject != "foo" || m.Sub != sub {
				t.Fatalf("message %d: %q on %q", i, m.Data, m.Subject)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("timed out waiting for message %d", i)
		}
	}
	st := c.Stats()
	if st.InMsgs != 50 || pub.Stats().OutMsgs != 50 {
		t.Fatalf("stats: %+v / %+v", st, pub.Stats())
	}
}

func TestPublishReplyAndEmptyPayload(t *testing.T) {
	url, _ := startServer(t, "")
	c := connect(t, url)
	sub, err := c.SubscribeSync("foo")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.PublishRequest("foo", "reply.1", nil); err != nil {
		t.Fatal(err)
	}
	m := nextMsg(t, sub)
	if m.Reply != "reply.1" || len(m.Data) != 0 || m.Data == nil {
		t.Fatalf("got reply %q data %v", m.Reply, m.Data)
	}
}

func TestWildcards(t *testing.T) {
	url, _ := startServer(t, "")
	c := connect(t, url)
	subjects := []string{"foo.*", "foo.>", ">", "foo.bar", "*.bar.*"}
	subs := map[string]*Subscription{}
	for _, s := range subjects {
		sub, err := c.SubscribeSync(s)
		if err != nil {
			t.Fatal(err)
		}
		subs[s] = sub
	}
	tests := []struct {
		publish string
		want    []string
	}{
		{"foo.bar", []string{"foo.*", "foo.>", ">", "foo.bar"}},
		{"foo.bar.baz", []string{"foo.>", ">", "*.bar.*"}},
		{"foo", []string{">"}},
		{"x.bar.y", []string{">", "*.bar.*"}},
	}
	for _, tc := range tests {
		if err := c.Publish(tc.publish, []byte(tc.publish)); err != nil {
			t.Fatal(err)
		}
		flush(t, c)
		for _, s := range subjects {
			want := slices.Contains(tc.want, s)
			n, _ := subs[s].Pending()
			if (n == 1) != want || n > 1 {
				t.Fatalf("publish %s: sub %s has %d pending, want match=%v", tc.publish, s, n, want)
			}
			if n == 1 {
				if m := nextMsg(t, subs[s]); m.Subject != tc.publish {
					t.Fatalf("sub %s got subject %q", s, m.Subject)
				}
			}
		}
	}
}

func TestBadSubjects(t *testing.T) {
	url, _ := startServer(t, "")
	c := connect(t, url)
	for _, s := range []string{"", "foo..bar", ".foo", "foo.", "foo.>.bar", "a b", "a\tb"} {
		if _, err := c.SubscribeSync(s); !errors.Is(err, ErrBadSubject) {
			t.Errorf("subscribe %q: %v, want ErrBadSubject", s, err)
		}
	}
	for _, s := range []string{"", "a b", "a\r\nPUB x 1"} {
		if err := c.Publish(s, nil); !errors.Is(err, ErrBadSubject) {
			t.Errorf("publish %q: %v, want ErrBadSubject", s, err)
		}
	}
	if _, err := c.QueueSubscribeSync("foo", "q 1"); !errors.Is(err, ErrBadQueueName) {
		t.Errorf("queue with space: %v", err)
	}
}

func TestQueueGroups(t *testing.T) {
	url, _ := startServer(t, "")
	const n = 300
	var members [3]atomic.Int64
	var wg sync.WaitGroup
	wg.Add(n)
	for i := range members {
		c := connect(t, url)
		if _, err := c.QueueSubscribe("work", "q", func(*Msg) { members[i].Add(1); wg.Done() }); err != nil {
			t.Fatal(err)
		}
		flush(t, c)
	}
	plainConn := connect(t, url)
	plain, err := plainConn.SubscribeSync("work")
	if err != nil {
		t.Fatal(err)
	}
	flush(t, plainConn)
	pub := connect(t, url)
	for range n {
		if err := pub.Publish("work", []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	flush(t, pub)
	waitGroup(t, &wg)
	var total int64
	for i := range members {
		got := members[i].Load()
		if got == 0 {
			t.Errorf("member %d got nothing", i)
		}
		total += got
	}
	if total != n {
		t.Fatalf("queue members got %d in total, want %d", total, n)
	}
	flush(t, plainConn)
	if p, _ := plain.Pending(); p != n {
		t.Fatalf("plain subscriber has %d, want %d", p, n)
	}
}

func waitGroup(t testing.TB, wg *sync.WaitGroup) {
	t.Helper()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("timed out waiting")
	}
}

func TestRequestReply(t *testing.T) {
	url, _ := startServer(t, "")
	srv := connect(t, url)
	if _, err := srv.Subscribe("svc.echo", func(m *Msg) { _ = m.Respond(append([]byte("re:"), m.Data...)) }); err != nil {
		t.Fatal(err)
	}
	flush(t, srv)
	c := connect(t, url)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			want := "re:" + strconv.Itoa(i)
			m, err := c.Request(ctxT(t, 5*time.Second), "svc.echo", []byte(strconv.Itoa(i)))
			if err != nil {
				errs <- err
				return
			}
			if string(m.Data) != want {
				errs <- fmt.Errorf("got %q want %q", m.Data, want)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// A request that is never answered ends with its context.
	if _, err := c.Subscribe("svc.silent", func(*Msg) {}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := c.Request(ctx, "svc.silent", nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("unanswered request: %v", err)
	}
}

func TestNoResponders(t *testing.T) {
	url, _ := startServer(t, "")
	c := connect(t, url)
	start := time.Now()
	_, err := c.Request(ctxT(t, 10*time.Second), "nobody.home", []byte("hi"))
	if !errors.Is(err, ErrNoResponders) {
		t.Fatalf("err = %v, want ErrNoResponders", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("no responders took %v", d)
	}
	_, err = c.RequestMany(ctxT(t, 10*time.Second), "nobody.home", nil)
	if !errors.Is(err, ErrNoResponders) {
		t.Fatalf("RequestMany err = %v, want ErrNoResponders", err)
	}
}

func TestRequestMany(t *testing.T) {
	url, _ := startServer(t, "")
	for i := range 3 {
		r := connect(t, url)
		if _, err := r.Subscribe("svc.ping", func(m *Msg) { _ = m.Respond([]byte(strconv.Itoa(i))) }); err != nil {
			t.Fatal(err)
		}
		flush(t, r)
	}
	c := connect(t, url)
	tests := []struct {
		name    string
		opts    []RequestManyOption
		timeout time.Duration
		want    int
		maxTime time.Duration
	}{
		{"max replies", []RequestManyOption{MaxReplies(2)}, 10 * time.Second, 2, 5 * time.Second},
		{"gap", []RequestManyOption{ReplyGap(300 * time.Millisecond)}, 10 * time.Second, 3, 5 * time.Second},
		{"context", nil, 500 * time.Millisecond, 3, 3 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			msgs, err := c.RequestMany(ctxT(t, tc.timeout), "svc.ping", nil, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if len(msgs) != tc.want {
				t.Fatalf("got %d replies, want %d", len(msgs), tc.want)
			}
			if d := time.Since(start); d > tc.maxTime {
				t.Fatalf("took %v", d)
			}
		})
	}
	// Nobody answers within the context: the context's error.
	if _, err := c.Subscribe("svc.quiet", func(*Msg) {}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RequestMany(ctxT(t, 200*time.Millisecond), "svc.quiet", nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("quiet: %v", err)
	}
}

func TestHeadersRoundTrip(t *testing.T) {
	url, _ := startServer(t, "")
	c := connect(t, url)
	sub, err := c.SubscribeSync("hdr")
	if err != nil {
		t.Fatal(err)
	}
	m := NewMsg("hdr")
	m.Reply = "rep"
	m.Header.Add("X-Multi", "one")
	m.Header.Add("X-Multi", "two")
	m.Header.Set("lower-case-key", "  spaced value ")
	m.Data = []byte("body")
	if err := c.PublishMsg(m); err != nil {
		t.Fatal(err)
	}
	got := nextMsg(t, sub)
	if string(got.Data) != "body" || got.Reply != "rep" {
		t.Fatalf("got %q reply %q", got.Data, got.Reply)
	}
	if v := got.Header.Values("X-Multi"); !slices.Equal(v, []string{"one", "two"}) {
		t.Fatalf("X-Multi = %q", v)
	}
	if v := got.Header.Get("lower-case-key"); v != "spaced value" {
		t.Fatalf("lower-case-key = %q", v)
	}
	if got.Header.Get("Lower-Case-Key") != "" {
		t.Fatal("keys must be case-sensitive")
	}
	// A status line travels too.
	st := &Msg{Subject: "hdr", Status: 408, Description: "Request Timeout"}
	if err := c.PublishMsg(st); err != nil {
		t.Fatal(err)
	}
	got = nextMsg(t, sub)
	if got.Status != 408 || got.Description != "Request Timeout" || len(got.Header) != 0 {
		t.Fatalf("status %d %q header %v", got.Status, got.Description, got.Header)
	}
	// A message without headers is a plain PUB.
	if err := c.PublishMsg(&Msg{Subject: "hdr", Data: []byte("plain")}); err != nil {
		t.Fatal(err)
	}
	if got = nextMsg(t, sub); got.Header != nil || string(got.Data) != "plain" {
		t.Fatalf("plain: %v %q", got.Header, got.Data)
	}
}

func TestAutoUnsubscribe(t *testing.T) {
	url, _ := startServer(t, "")
	c := connect(t, url)
	sub, err := c.SubscribeSync("auto")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Publish("auto", []byte("0")); err != nil {
		t.Fatal(err)
	}
	flush(t, c)
	if err := sub.AutoUnsubscribe(3); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < 6; i++ {
		if err := c.Publish("auto", []byte(strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
	flush(t, c)
	for i := range 3 {
		if m := nextMsg(t, sub); string(m.Data) != strconv.Itoa(i) {
			t.Fatalf("message %d: %q", i, m.Data)
		}
	}
	if _, err := sub.NextMsg(ctxT(t, time.Second)); !errors.Is(err, ErrMaxMessages) {
		t.Fatalf("after max: %v", err)
	}
	if sub.IsValid() || sub.Delivered() != 3 {
		t.Fatalf("valid %v delivered %d", sub.IsValid(), sub.Delivered())
	}
	// The limit already reached removes the subscription at once.
	sub2, _ := c.SubscribeSync("auto2")
	_ = c.Publish("auto2", nil)
	flush(t, c)
	if err := sub2.AutoUnsubscribe(1); err != nil {
		t.Fatal(err)
	}
	_ = c.Publish("auto2", nil)
	flush(t, c)
	if sub2.Delivered() != 1 {
		t.Fatalf("delivered %d", sub2.Delivered())
	}
}

func TestUnsubscribe(t *testing.T) {
	url, _ := startServer(t, "")
	c := connect(t, url)
	sub, _ := c.SubscribeSync("u")
	if err := sub.Unsubscribe(); err != nil {
		t.Fatal(err)
	}
	if err := sub.Unsubscribe(); !errors.Is(err, ErrBadSubscription) {
		t.Fatalf("second unsubscribe: %v", err)
	}
	_ = c.Publish("u", nil)
	flush(t, c)
	if _, err := sub.NextMsg(ctxT(t, time.Second)); !errors.Is(err, ErrSubscriptionClosed) {
		t.Fatalf("NextMsg after unsubscribe: %v", err)
	}
	if sub.Delivered() != 0 {
		t.Fatal("message delivered after unsubscribe")
	}
}

func TestFlushAndClose(t *testing.T) {
	url, _ := startServer(t, "")
	c := connect(t, url)
	rtt, err := c.RTT(ctxT(t, 5*time.Second))
	if err != nil || rtt <= 0 {
		t.Fatalf("rtt %v err %v", rtt, err)
	}
	// Publish then Close: the queued message still goes out.
	sub := connect(t, url)
	s, _ := sub.SubscribeSync("last")
	flush(t, sub)
	p := connect(t, url)
	_ = p.Publish("last", []byte("words"))
	p.Close()
	if m := nextMsg(t, s); string(m.Data) != "words" {
		t.Fatalf("got %q", m.Data)
	}
	if err := p.Publish("x", nil); !errors.Is(err, ErrConnectionClosed) {
		t.Fatalf("publish after close: %v", err)
	}
	if err := p.Flush(ctxT(t, time.Second)); !errors.Is(err, ErrConnectionClosed) {
		t.Fatalf("flush after close: %v", err)
	}
	if _, err := p.SubscribeSync("x"); !errors.Is(err, ErrConnectionClosed) {
		t.Fatalf("subscribe after close: %v", err)
	}
	if _, err := p.Request(ctxT(t, time.Second), "x", nil); !errors.Is(err, ErrConnectionClosed) {
		t.Fatalf("request after close: %v", err)
	}
	if p.Status() != StatusClosed {
		t.Fatalf("status %v", p.Status())
	}
	p.Close() // idempotent
}

func TestDrain(t *testing.T) {
	url, _ := startServer(t, "")
	closed := make(chan struct{})
	c := connect(t, url, ClosedHandler(func(*Conn) { close(closed) }))
	var handled atomic.Int64
	if _, err := c.Subscribe("d", func(*Msg) {
		time.Sleep(2 * time.Millisecond)
		handled.Add(1)
	}); err != nil {
		t.Fatal(err)
	}
	flush(t, c)
	p := connect(t, url)
	for range 100 {
		_ = p.Publish("d", nil)
	}
	flush(t, p)
	if err := c.Drain(ctxT(t, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	if h := handled.Load(); h != 100 {
		t.Fatalf("handled %d of 100", h)
	}
	if c.Status() != StatusClosed {
		t.Fatalf("status after drain: %v", c.Status())
	}
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("closed handler not called")
	}
}

func TestSubscriptionDrain(t *testing.T) {
	url, _ := startServer(t, "")
	c := connect(t, url)
	var handled atomic.Int64
	sub, _ := c.Subscribe("sd", func(*Msg) { time.Sleep(time.Millisecond); handled.Add(1) })
	flush(t, c)
	for range 50 {
		_ = c.Publish("sd", nil)
	}
	if err := sub.Drain(ctxT(t, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	if handled.Load() != 50 {
		t.Fatalf("handled %d", handled.Load())
	}
	_ = c.Publish("sd", nil)
	flush(t, c)
	if handled.Load() != 50 || sub.IsValid() {
		t.Fatal("message after drain")
	}
	if c.Status() != StatusConnected {
		t.Fatalf("status %v", c.Status())
	}
}

func TestSlowConsumer(t *testing.T) {
	url, _ := startServer(t, "")
	errs := make(chan error, 10)
	c := connect(t, url, ErrorHandler(func(_ *Conn, _ *Subscription, err error) { errs <- err }))
	release := make(chan struct{})
	busy := make(chan struct{}, 1)
	sub, _ := c.Subscribe("slow", func(*Msg) {
		select {
		case busy <- struct{}{}:
		default:
		}
		<-release
	})
	if err := sub.SetPendingLimits(10, -1); err != nil {
		t.Fatal(err)
	}
	_ = c.Publish("slow", []byte("x"))
	<-busy // the callback now holds the first message
	for range 99 {
		_ = c.Publish("slow", []byte("x"))
	}
	flush(t, c)
	// The callback holds one message, ten wait; the rest were dropped.
	if d := sub.Dropped(); d != 89 {
		t.Fatalf("dropped %d, want 89", d)
	}
	if n, _ := sub.Pending(); n != 10 {
		t.Fatalf("pending %d", n)
	}
	select {
	case err := <-errs:
		if !errors.Is(err, ErrSlowConsumer) {
			t.Fatalf("error callback got %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no slow consumer error")
	}
	close(release)
}

func TestChanSubscribe(t *testing.T) {
	url, _ := startServer(t, "")
	c := connect(t, url)
	ch := make(chan *Msg, 5)
	sub, err := c.ChanSubscribe("ch", ch)
	if err != nil {
		t.Fatal(err)
	}
	for range 8 {
		_ = c.Publish("ch", nil)
	}
	flush(t, c)
	if len(ch) != 5 || sub.Dropped() != 3 {
		t.Fatalf("channel has %d, dropped %d", len(ch), sub.Dropped())
	}
}

func TestNoEcho(t *testing.T) {
	url, _ := startServer(t, "")
	c := connect(t, url, NoEcho())
	other := connect(t, url)
	mine, _ := c.SubscribeSync("e")
	theirs, _ := other.SubscribeSync("e")
	flush(t, other)
	_ = c.Publish("e", nil)
	flush(t, c)
	nextMsg(t, theirs)
	expectNoMsg(t, c, mine)
}

func TestMaxPayload(t *testing.T) {
	url, _ := startServer(t, "max_payload: 1024\n")
	c := connect(t, url)
	if c.MaxPayload() != 1024 {
		t.Fatalf("max payload %d", c.MaxPayload())
	}
	if err := c.Publish("p", make([]byte, 1025)); !errors.Is(err, ErrMaxPayload) {
		t.Fatalf("err %v", err)
	}
	if err := c.Publish("p", make([]byte, 1000)); err != nil {
		t.Fatal(err)
	}
	flush(t, c)
}

func TestConnectErrors(t *testing.T) {
	port := freePort(t)
	_, err := Connect(fmt.Sprintf("nats://127.0.0.1:%d", port), Timeout(500*time.Millisecond))
	if !errors.Is(err, ErrNoServers) {
		t.Fatalf("nothing listening: %v", err)
	}
	if _, err := Connect("http://127.0.0.1:4222"); !errors.Is(err, ErrInvalidOption) {
		t.Fatalf("bad scheme: %v", err)
	}
	if _, err := Connect("nats://127.0.0.1:1", Timeout(0)); !errors.Is(err, ErrInvalidOption) {
		t.Fatalf("bad timeout: %v", err)
	}
}

func TestServerInfo(t *testing.T) {
	url, _ := startServer(t, "server_name: infotest\n")
	c := connect(t, url)
	info := c.ServerInfo()
	if info.ServerName != "infotest" || !info.Headers || info.MaxPayload != 1<<20 || len(info.ServerID) != 56 {
		t.Fatalf("info %+v", info)
	}
	if c.ConnectedURL() != url {
		t.Fatalf("connected url %q, want %q", c.ConnectedURL(), url)
	}
	if !slices.Equal(c.Servers(), []string{url}) {
		t.Fatalf("servers %v", c.Servers())
	}
}

func TestNoHeaderSupport(t *testing.T) {
	url, _ := startServer(t, "no_header_support: true\n")
	c := connect(t, url)
	if c.ServerInfo().Headers {
		t.Fatal("server says headers")
	}
	m := NewMsg("h")
	m.Header.Set("A", "b")
	if err := c.PublishMsg(m); !errors.Is(err, ErrHeadersNotSupported) {
		t.Fatalf("PublishMsg: %v", err)
	}
	sub, _ := c.SubscribeSync("h")
	if err := c.Publish("h", []byte("plain")); err != nil {
		t.Fatal(err)
	}
	if got := nextMsg(t, sub); string(got.Data) != "plain" {
		t.Fatalf("got %q", got.Data)
	}
}

func TestInboxPrefix(t *testing.T) {
	url, _ := startServer(t, "")
	c := connect(t, url, InboxPrefix("_MY.app"))
	replies := make(chan string, 1)
	if _, err := c.Subscribe("svc", func(m *Msg) { replies <- m.Reply; _ = m.Respond(nil) }); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Request(ctxT(t, 5*time.Second), "svc", nil); err != nil {
		t.Fatal(err)
	}
	if r := <-replies; !strings.HasPrefix(r, "_MY.app.") || strings.Count(r, ".") != 3 {
		t.Fatalf("reply subject %q", r)
	}
	in := c.NewInbox()
	if !strings.HasPrefix(in, "_MY.app.") || len(in) != len("_MY.app.")+inboxTokenLen || in == c.NewInbox() {
		t.Fatalf("inbox %q", in)
	}
	if g := NewInbox(); !strings.HasPrefix(g, "_INBOX.") || !validSubject(g, false) {
		t.Fatalf("NewInbox %q", g)
	}
	if _, err := Connect(url, InboxPrefix("bad prefix")); !errors.Is(err, ErrInvalidOption) {
		t.Fatalf("bad prefix: %v", err)
	}
}

// TestConcurrentUse hammers one connection from many goroutines and closes
// it while they run; the race detector does the checking.
func TestConcurrentUse(t *testing.T) {
	url, _ := startServer(t, "")
	srv := connect(t, url)
	if _, err := srv.Subscribe("cc.svc", func(m *Msg) { _ = m.Respond(m.Data) }); err != nil {
		t.Fatal(err)
	}
	flush(t, srv)
	c := connect(t, url)
	stopAt := time.Now().Add(300 * time.Millisecond)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			subj := "cc." + strconv.Itoa(g)
			for time.Now().Before(stopAt) {
				sub, err := c.Subscribe(subj, func(*Msg) {})
				if err != nil {
					return // closed
				}
				_ = c.Publish(subj, []byte("x"))
				_, _ = c.Request(ctxT(t, 2*time.Second), "cc.svc", []byte("y"))
				_ = sub.Unsubscribe()
				_ = c.Flush(ctxT(t, 2*time.Second))
				_ = c.Status()
				_ = c.Stats()
			}
		}()
	}
	time.Sleep(150 * time.Millisecond)
	c.Close()
	wg.Wait()
}

// TestAnswersServerPings: the server PINGs every 50ms and drops clients
// that miss two; the client must answer and stay connected.
func TestAnswersServerPings(t *testing.T) {
	url, _ := startServer(t, "ping_interval: \"50ms\"\nping_max: 2\n")
	disconnected := make(chan error, 1)
	c := connect(t, url, DisconnectHandler(func(_ *Conn, err error) { disconnected <- err }))
	select {
	case err := <-disconnected:
		t.Fatalf("disconnected: %v", err)
	case <-time.After(600 * time.Millisecond):
	}
	flush(t, c)
	if c.Stats().Reconnects != 0 || c.Status() != StatusConnected {
		t.Fatalf("status %v stats %+v", c.Status(), c.Stats())
	}
}

func TestRequestMsgHeaders(t *testing.T) {
	url, _ := startServer(t, "")
	c := connect(t, url)
	if _, err := c.QueueSubscribe("svc.hdr", "workers", func(m *Msg) {
		r := NewMsg("")
		r.Header.Set("Echo", m.Header.Get("Ask"))
		r.Data = m.Data
		if err := m.RespondMsg(r); err != nil {
			t.Error(err)
		}
	}); err != nil {
		t.Fatal(err)
	}
	req := NewMsg("svc.hdr")
	req.Header.Set("Ask", "what")
	req.Data = []byte("body")
	r, err := c.RequestMsg(ctxT(t, 5*time.Second), req)
	if err != nil {
		t.Fatal(err)
	}
	if r.Header.Get("Echo") != "what" || string(r.Data) != "body" {
		t.Fatalf("reply %v %q", r.Header, r.Data)
	}
	msgs, err := c.RequestManyMsg(ctxT(t, 5*time.Second), req, MaxReplies(1))
	if err != nil || len(msgs) != 1 || msgs[0].Header.Get("Echo") != "what" {
		t.Fatalf("RequestManyMsg: %v %v", msgs, err)
	}
	// Respond without a reply subject or subscription fails cleanly.
	if err := (&Msg{Subject: "x"}).Respond(nil); !errors.Is(err, ErrBadSubject) {
		t.Fatalf("respond without reply: %v", err)
	}
	if err := (&Msg{Subject: "x", Reply: "r"}).RespondMsg(NewMsg("")); !errors.Is(err, ErrBadSubscription) {
		t.Fatalf("respond without subscription: %v", err)
	}
}

func TestChanQueueSubscribe(t *testing.T) {
	url, _ := startServer(t, "")
	c := connect(t, url)
	ch := make(chan *Msg, 10)
	a, err := c.ChanQueueSubscribe("cq", "g", ch)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := c.ChanQueueSubscribe("cq", "g", ch)
	if a.Queue() != "g" || a.Subject() != "cq" {
		t.Fatalf("subject %q queue %q", a.Subject(), a.Queue())
	}
	for range 6 {
		_ = c.Publish("cq", nil)
	}
	flush(t, c)
	if len(ch) != 6 || a.Delivered()+b.Delivered() != 6 {
		t.Fatalf("got %d, delivered %d+%d", len(ch), a.Delivered(), b.Delivered())
	}
	if _, err := a.NextMsg(ctxT(t, time.Second)); !errors.Is(err, ErrBadSubscription) {
		t.Fatalf("NextMsg on a channel subscription: %v", err)
	}
}
