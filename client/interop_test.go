package client

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// These tests run our client against nats.go v1.55.0 on the same server.

func natsConnect(t testing.TB, url string) *nats.Conn {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatalf("nats.go connect: %v", err)
	}
	t.Cleanup(nc.Close)
	return nc
}

func TestInteropNatsGoSubscriber(t *testing.T) {
	url, _ := startServer(t, "")
	nc := natsConnect(t, url)
	nsub, err := nc.SubscribeSync("interop.>")
	if err != nil {
		t.Fatal(err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	c := connect(t, url)
	if err := c.Publish("interop.plain", []byte("hello")); err != nil {
		t.Fatal(err)
	}
	m := NewMsg("interop.hdr")
	m.Reply = "interop.reply"
	m.Header.Add("X-A", "1")
	m.Header.Add("X-A", "2")
	m.Header.Set("Single", "v")
	m.Data = []byte("with headers")
	if err := c.PublishMsg(m); err != nil {
		t.Fatal(err)
	}
	flush(t, c)

	got, err := nsub.NextMsg(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if got.Subject != "interop.plain" || string(got.Data) != "hello" || len(got.Header) != 0 {
		t.Fatalf("plain: %q %q %v", got.Subject, got.Data, got.Header)
	}
	got, err = nsub.NextMsg(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Data) != "with headers" || got.Reply != "interop.reply" {
		t.Fatalf("hdr msg: %q reply %q", got.Data, got.Reply)
	}
	if v := got.Header.Values("X-A"); !slices.Equal(v, []string{"1", "2"}) || got.Header.Get("Single") != "v" {
		t.Fatalf("headers seen by nats.go: %v", got.Header)
	}
}

func TestInteropNatsGoPublisher(t *testing.T) {
	url, _ := startServer(t, "")
	c := connect(t, url)
	sub, err := c.SubscribeSync("interop.>")
	if err != nil {
		t.Fatal(err)
	}
	flush(t, c)
	nc := natsConnect(t, url)
	if err := nc.Publish("interop.plain", []byte("hi")); err != nil {
		t.Fatal(err)
	}
	nm := nats.NewMsg("interop.hdr")
	nm.Header.Add("Trace-Id", "abc")
	nm.Header.Add("Multi", "x")
	nm.Header.Add("Multi", "y")
	nm.Data = []byte("payload")
	if err := nc.PublishMsg(nm); err != nil {
		t.Fatal(err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	m := nextMsg(t, sub)
	if m.Subject != "interop.plain" || string(m.Data) != "hi" {
		t.Fatalf("plain: %q %q", m.Subject, m.Data)
	}
	m = nextMsg(t, sub)
	if string(m.Data) != "payload" || m.Header.Get("Trace-Id") != "abc" ||
		!slices.Equal(m.Header.Values("Multi"), []string{"x", "y"}) {
		t.Fatalf("hdr: %q %v", m.Data, m.Header)
	}
}

func TestInteropRequests(t *testing.T) {
	url, _ := startServer(t, "")
	nc := natsConnect(t, url)
	if _, err := nc.Subscribe("natsgo.svc", func(m *nats.Msg) {
		r := nats.NewMsg(m.Reply)
		r.Header.Set("Answered-By", "nats.go")
		r.Data = append([]byte("ng:"), m.Data...)
		_ = m.RespondMsg(r)
	}); err != nil {
		t.Fatal(err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	c := connect(t, url)
	if _, err := c.Subscribe("natsys.svc", func(m *Msg) { _ = m.Respond(append([]byte("ns:"), m.Data...)) }); err != nil {
		t.Fatal(err)
	}
	flush(t, c)

	r, err := c.Request(ctxT(t, 5*time.Second), "natsgo.svc", []byte("q"))
	if err != nil {
		t.Fatal(err)
	}
	if string(r.Data) != "ng:q" || r.Header.Get("Answered-By") != "nats.go" {
		t.Fatalf("our request, nats.go reply: %q %v", r.Data, r.Header)
	}
	nr, err := nc.Request("natsys.svc", []byte("q"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if string(nr.Data) != "ns:q" {
		t.Fatalf("nats.go request, our reply: %q", nr.Data)
	}
	// Both clients see the same no-responders condition.
	if _, err := nc.Request("none.here", nil, 5*time.Second); !errors.Is(err, nats.ErrNoResponders) {
		t.Fatalf("nats.go: %v", err)
	}
	if _, err := c.Request(ctxT(t, 5*time.Second), "none.here", nil); !errors.Is(err, ErrNoResponders) {
		t.Fatalf("natsys: %v", err)
	}
}
