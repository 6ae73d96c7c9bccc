package client

import (
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/natsys/natsys/client/internal/servertest"
)

func TestReconnect(t *testing.T) {
	conf := fmt.Sprintf("listen: 127.0.0.1:%d\n", freePort(t))
	url, stop := startServer(t, conf)
	disconnected := make(chan error, 5)
	reconnected := make(chan struct{}, 5)
	c := connect(t, url, ReconnectWait(50*time.Millisecond), ReconnectJitter(0, 0), MaxReconnects(-1),
		DisconnectHandler(func(_ *Conn, err error) { disconnected <- err }),
		ReconnectHandler(func(*Conn) { reconnected <- struct{}{} }))
	sub, _ := c.SubscribeSync("r.plain")
	auto, _ := c.SubscribeSync("r.auto")
	if err := auto.AutoUnsubscribe(5); err != nil {
		t.Fatal(err)
	}
	_ = c.Publish("r.auto", []byte("before-0"))
	_ = c.Publish("r.auto", []byte("before-1"))
	flush(t, c)

	stop()
	select {
	case <-disconnected:
	case <-time.After(5 * time.Second):
		t.Fatal("no disconnect callback")
	}
	if st := c.Status(); st != StatusReconnecting {
		t.Fatalf("status %v", st)
	}
	for i := range 10 {
		if err := c.Publish("r.plain", []byte(strconv.Itoa(i))); err != nil {
			t.Fatalf("buffered publish: %v", err)
		}
	}
	for i := range 6 {
		_ = c.Publish("r.auto", []byte("after-"+strconv.Itoa(i)))
	}
	// Flush waits for the reconnect.
	flushed := make(chan error, 1)
	go func() { flushed <- c.Flush(ctxT(t, 10*time.Second)) }()

	startServer(t, conf)
	select {
	case <-reconnected:
	case <-time.After(10 * time.Second):
		t.Fatal("no reconnect")
	}
	if err := <-flushed; err != nil {
		t.Fatalf("flush across reconnect: %v", err)
	}
	for i := range 10 {
		if m := nextMsg(t, sub); string(m.Data) != strconv.Itoa(i) {
			t.Fatalf("buffered message %d: %q", i, m.Data)
		}
	}
	// Five in total: two before, three after the reconnect.
	var got []string
	for range 5 {
		got = append(got, string(nextMsg(t, auto).Data))
	}
	if want := "before-0 before-1 after-0 after-1 after-2"; strings.Join(got, " ") != want {
		t.Fatalf("auto-unsubscribe got %q", got)
	}
	if _, err := auto.NextMsg(ctxT(t, time.Second)); !errors.Is(err, ErrMaxMessages) {
		t.Fatalf("auto after max: %v", err)
	}
	// Another client reaches the restored subscription.
	p := connect(t, url)
	_ = p.Publish("r.plain", []byte("fresh"))
	if m := nextMsg(t, sub); string(m.Data) != "fresh" {
		t.Fatalf("got %q", m.Data)
	}
	if st := c.Stats(); st.Reconnects != 1 {
		t.Fatalf("reconnects %d", st.Reconnects)
	}
	if c.Status() != StatusConnected {
		t.Fatalf("status %v", c.Status())
	}
}

func TestReconnectBufferLimit(t *testing.T) {
	url, stop := startServer(t, "")
	disconnected := make(chan struct{}, 1)
	c := connect(t, url, ReconnectBufSize(100), ReconnectWait(time.Hour),
		DisconnectHandler(func(*Conn, error) { disconnected <- struct{}{} }))
	stop()
	<-disconnected
	if err := c.Publish("x", make([]byte, 50)); err != nil {
		t.Fatal(err)
	}
	if err := c.Publish("x", make([]byte, 80)); !errors.Is(err, ErrReconnectBufExceeded) {
		t.Fatalf("over the limit: %v", err)
	}
}

func TestNoReconnectCloses(t *testing.T) {
	url, stop := startServer(t, "")
	closed := make(chan struct{})
	c := connect(t, url, NoReconnect(), ClosedHandler(func(*Conn) { close(closed) }))
	stop()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("not closed")
	}
	if c.Status() != StatusClosed || c.LastError() == nil {
		t.Fatalf("status %v last error %v", c.Status(), c.LastError())
	}
}

func TestMaxReconnectsGivesUp(t *testing.T) {
	url, stop := startServer(t, "")
	closed := make(chan struct{})
	c := connect(t, url, MaxReconnects(2), ReconnectWait(10*time.Millisecond),
		ClosedHandler(func(*Conn) { close(closed) }))
	stop()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("not closed after the pool ran out")
	}
	if !errors.Is(c.LastError(), ErrNoServers) {
		t.Fatalf("last error %v", c.LastError())
	}
}

// TestNoGoroutineLeak opens and closes connections in every state and checks
// that the goroutine count returns to where it was.
func TestNoGoroutineLeak(t *testing.T) {
	url, _ := startServer(t, "")
	url2, stop2 := startServer(t, "")
	// Stopping the second server ends its watcher goroutine: one fewer.
	want := runtime.NumGoroutine() - 1
	for range 3 {
		c, err := Connect(url, PingInterval(20*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Subscribe("leak", func(m *Msg) { _ = m.Respond(m.Data) }); err != nil {
			t.Fatal(err)
		}
		s, _ := c.SubscribeSync("leak")
		ch := make(chan *Msg, 10)
		_, _ = c.ChanSubscribe("leak", ch)
		if _, err := c.Request(ctxT(t, 5*time.Second), "leak", []byte("x")); err != nil {
			t.Fatal(err)
		}
		nextMsg(t, s)
		time.Sleep(50 * time.Millisecond) // let keepalive PINGs run
		c.Close()
	}
	// Drained, and closed while reconnecting.
	d := connect(t, url)
	_, _ = d.Subscribe("x", func(*Msg) {})
	if err := d.Drain(ctxT(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	r, err := Connect(url2, ReconnectWait(10*time.Millisecond), MaxReconnects(-1))
	if err != nil {
		t.Fatal(err)
	}
	stop2()
	for r.Status() != StatusReconnecting {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	r.Close()

	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > want {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			n := runtime.Stack(buf, true)
			t.Fatalf("want %d goroutines, have %d:\n%s", want, runtime.NumGoroutine(), buf[:n])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestStaleConnection(t *testing.T) {
	// A server that accepts, sends INFO, answers the handshake PING and
	// then goes silent: the client's PINGs go unanswered.
	l := newSilentServer(t)
	disconnected := make(chan error, 1)
	c := connect(t, "nats://"+l, PingInterval(30*time.Millisecond), MaxPingsOutstanding(2), NoReconnect(),
		DisconnectHandler(func(_ *Conn, err error) { disconnected <- err }))
	select {
	case err := <-disconnected:
		if !errors.Is(err, ErrStaleConnection) {
			t.Fatalf("disconnect reason %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("stale connection not detected")
	}
	if c.Status() != StatusClosed {
		t.Fatalf("status %v", c.Status())
	}
}

// TestReconnectToDiscoveredServer connects to server A, sees server B join
// A's cluster (async INFO with connect_urls) and fails over to B when A
// stops.
func TestReconnectToDiscoveredServer(t *testing.T) {
	requireFeature(t, servertest.Cluster)
	routeA := freePort(t)
	urlA, stopA := startServer(t, fmt.Sprintf("cluster { name: c1, listen: 127.0.0.1:%d }\n", routeA))
	discovered := make(chan struct{}, 5)
	reconnected := make(chan struct{}, 5)
	c := connect(t, urlA, ReconnectWait(20*time.Millisecond), MaxReconnects(-1),
		DiscoveredServersHandler(func(*Conn) { discovered <- struct{}{} }),
		ReconnectHandler(func(*Conn) { reconnected <- struct{}{} }))
	if got := c.DiscoveredServers(); len(got) != 0 {
		t.Fatalf("discovered %v before B exists", got)
	}
	urlB, _ := startServer(t, fmt.Sprintf("cluster { name: c1, listen: 127.0.0.1:%d, routes: [\"nats://127.0.0.1:%d\"] }\n",
		freePort(t), routeA))
	select {
	case <-discovered:
	case <-time.After(10 * time.Second):
		t.Fatalf("server B not discovered; pool %v", c.Servers())
	}
	if got := c.DiscoveredServers(); len(got) != 1 || got[0] != urlB {
		t.Fatalf("discovered %v, want [%s]", got, urlB)
	}
	sub, _ := c.SubscribeSync("cl")
	flush(t, c)
	stopA()
	select {
	case <-reconnected:
	case <-time.After(10 * time.Second):
		t.Fatal("no failover")
	}
	if c.ConnectedURL() != urlB {
		t.Fatalf("connected to %s, want %s", c.ConnectedURL(), urlB)
	}
	p := connect(t, urlB)
	_ = p.Publish("cl", []byte("via B"))
	if m := nextMsg(t, sub); string(m.Data) != "via B" {
		t.Fatalf("got %q", m.Data)
	}
}
