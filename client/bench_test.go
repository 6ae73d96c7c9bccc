package client

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// Side-by-side benchmarks: each pair runs the same scenario with this client
// and with nats.go v1.55.0 against a fresh server under test. Compare the
// ns/op of _natsys and _natsgo (ratio = natsgo/natsys; > 1 means faster).

const benchPayload = 128

func BenchmarkPublish_natsys(b *testing.B) {
	url, _ := startServer(b, "")
	c := connect(b, url)
	data := make([]byte, benchPayload)
	b.SetBytes(benchPayload)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := c.Publish("bench.pub", data); err != nil {
			b.Fatal(err)
		}
	}
	if err := c.Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
}

func BenchmarkPublish_natsgo(b *testing.B) {
	url, _ := startServer(b, "")
	nc := natsConnect(b, url)
	data := make([]byte, benchPayload)
	b.SetBytes(benchPayload)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := nc.Publish("bench.pub", data); err != nil {
			b.Fatal(err)
		}
	}
	if err := nc.Flush(); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
}

// benchWait waits until n messages were counted.
func benchWait(b *testing.B, got *atomic.Int64, n int64) {
	deadline := time.Now().Add(time.Minute)
	for got.Load() < n {
		if time.Now().After(deadline) {
			b.Fatalf("received %d of %d", got.Load(), n)
		}
		time.Sleep(100 * time.Microsecond)
	}
}

func BenchmarkPubSub_natsys(b *testing.B) {
	url, _ := startServer(b, "")
	sc := connect(b, url, PendingLimits(-1, -1))
	var got atomic.Int64
	if _, err := sc.Subscribe("bench.ps", func(*Msg) { got.Add(1) }); err != nil {
		b.Fatal(err)
	}
	flush(b, sc)
	pc := connect(b, url)
	data := make([]byte, benchPayload)
	b.SetBytes(benchPayload)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := pc.Publish("bench.ps", data); err != nil {
			b.Fatal(err)
		}
	}
	benchWait(b, &got, int64(b.N))
	b.StopTimer()
}

func BenchmarkPubSub_natsgo(b *testing.B) {
	url, _ := startServer(b, "")
	sc := natsConnect(b, url)
	var got atomic.Int64
	sub, err := sc.Subscribe("bench.ps", func(*nats.Msg) { got.Add(1) })
	if err != nil {
		b.Fatal(err)
	}
	_ = sub.SetPendingLimits(-1, -1)
	if err := sc.Flush(); err != nil {
		b.Fatal(err)
	}
	pc := natsConnect(b, url)
	data := make([]byte, benchPayload)
	b.SetBytes(benchPayload)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := pc.Publish("bench.ps", data); err != nil {
			b.Fatal(err)
		}
	}
	benchWait(b, &got, int64(b.N))
	b.StopTimer()
}

func BenchmarkRequest_natsys(b *testing.B) {
	url, _ := startServer(b, "")
	rc := connect(b, url)
	if _, err := rc.Subscribe("bench.req", func(m *Msg) { _ = m.Respond(m.Data) }); err != nil {
		b.Fatal(err)
	}
	flush(b, rc)
	c := connect(b, url)
	data := make([]byte, benchPayload)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := c.Request(ctx, "bench.req", data); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
}

func BenchmarkRequest_natsgo(b *testing.B) {
	url, _ := startServer(b, "")
	rc := natsConnect(b, url)
	if _, err := rc.Subscribe("bench.req", func(m *nats.Msg) { _ = m.Respond(m.Data) }); err != nil {
		b.Fatal(err)
	}
	if err := rc.Flush(); err != nil {
		b.Fatal(err)
	}
	nc := natsConnect(b, url)
	data := make([]byte, benchPayload)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := nc.Request("bench.req", data, 5*time.Second); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
}
