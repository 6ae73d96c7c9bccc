package server

import (
	"bufio"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// deliveryRig is a server with n raw TCP subscribers on "foo" that drain
// their sockets, and a publisher connection attached through a pipe whose
// reader goroutine stays blocked, so a test may drive the publisher's
// handler directly.
type deliveryRig struct {
	s        *Server
	pub      *client
	received atomic.Int64
}

func newDeliveryRig(tb testing.TB, subs int) *deliveryRig {
	tb.Helper()
	o := DefaultOptions()
	o.Host, o.Port = "127.0.0.1", RandomPort
	s, err := New(o)
	if err != nil {
		tb.Fatal(err)
	}
	s.Logger().SetOutput(io.Discard)
	if err := s.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Shutdown)
	r := &deliveryRig{s: s}
	for i := range subs {
		nc, err := net.Dial("tcp", s.Addr().String())
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { _ = nc.Close() })
		br := bufio.NewReader(nc)
		if _, err := br.ReadString('\n'); err != nil {
			tb.Fatal(err)
		}
		if _, err := io.WriteString(nc, "CONNECT {\"verbose\":false}\r\nSUB foo "+string(rune('1'+i))+"\r\nPING\r\n"); err != nil {
			tb.Fatal(err)
		}
		if line, err := br.ReadString('\n'); err != nil || line != "PONG\r\n" {
			tb.Fatalf("subscriber %d: %q %v", i, line, err)
		}
		go func() {
			var buf [64 * 1024]byte
			for {
				n, err := br.Read(buf[:])
				r.received.Add(int64(n))
				if err != nil {
					return
				}
			}
		}()
	}
	srvSide, cliSide := net.Pipe()
	tb.Cleanup(func() { _ = cliSide.Close() })
	go func() { _, _ = io.Copy(io.Discard, cliSide) }()
	before := s.NumClients()
	s.createClient(srvSide)
	deadline := time.Now().Add(2 * time.Second)
	for s.NumClients() == before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	for _, c := range s.clientList() {
		if c.nc == srvSide {
			r.pub = c
		}
	}
	if r.pub == nil {
		tb.Fatal("publisher not registered")
	}
	// The pipe's reader goroutine is blocked in Read: nothing else touches the
	// publisher's reader-owned state.
	r.pub.copts.Verbose = false
	r.pub.copts.Pedantic = false
	return r
}

var (
	benchSubject = []byte("foo")
	benchPayload = []byte(strings.Repeat("x", 128))
)

func (r *deliveryRig) publish() {
	_ = r.pub.ProcessPub(benchSubject, nil, benchPayload)
	r.pub.flushPending()
}

// TestDeliveryZeroAlloc asserts the PUB → MSG path (index lookup, queueing to
// each receiver, waking and running its writer) does not allocate.
func TestDeliveryZeroAlloc(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation measurement")
	}
	for _, n := range []int{1, 4} {
		r := newDeliveryRig(t, n)
		for range 100 {
			r.publish()
		}
		allocs := testing.AllocsPerRun(2000, r.publish)
		if allocs != 0 {
			t.Fatalf("%d subscribers: %v allocs per publish, want 0", n, allocs)
		}
	}
}

func benchmarkDelivery(b *testing.B, subs int) {
	r := newDeliveryRig(b, subs)
	msgLen := int64(len("MSG foo 1 128\r\n") + len(benchPayload) + 2)
	b.ReportAllocs()
	b.SetBytes(int64(len(benchPayload)))
	b.ResetTimer()
	for b.Loop() {
		r.publish()
	}
	want := int64(b.N) * int64(subs) * msgLen
	deadline := time.Now().Add(10 * time.Second)
	for r.received.Load() < want && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
}

// BenchmarkDeliver1 publishes to one subscriber over loopback.
func BenchmarkDeliver1(b *testing.B) { benchmarkDelivery(b, 1) }

// BenchmarkDeliver4 publishes to four subscribers over loopback.
func BenchmarkDeliver4(b *testing.B) { benchmarkDelivery(b, 4) }

// BenchmarkPubSubTCP measures end-to-end throughput: a raw TCP publisher
// writes batches of 128-byte PUBs, a raw TCP subscriber drains the MSGs.
func BenchmarkPubSubTCP(b *testing.B) {
	r := newDeliveryRig(b, 1)
	nc, err := net.Dial("tcp", r.s.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer nc.Close()
	go func() { _, _ = io.Copy(io.Discard, nc) }()
	if _, err := io.WriteString(nc, "CONNECT {\"verbose\":false,\"pedantic\":false}\r\n"); err != nil {
		b.Fatal(err)
	}
	const batch = 100
	one := "PUB foo 128\r\n" + string(benchPayload) + "\r\n"
	buf := []byte(strings.Repeat(one, batch))
	msgLen := int64(len("MSG foo 1 128\r\n") + len(benchPayload) + 2)
	b.ReportAllocs()
	b.SetBytes(int64(len(benchPayload)) * batch)
	start := r.received.Load()
	b.ResetTimer()
	for b.Loop() {
		if _, err := nc.Write(buf); err != nil {
			b.Fatal(err)
		}
	}
	want := start + int64(b.N)*batch*msgLen
	deadline := time.Now().Add(20 * time.Second)
	for r.received.Load() < want && time.Now().Before(deadline) {
		time.Sleep(100 * time.Microsecond)
	}
	b.StopTimer()
	if got := r.received.Load(); got < want {
		b.Fatalf("subscriber got %d bytes, want %d", got, want)
	}
}
