package server

import (
	"bufio"
	"io"
	"net"
	"testing"
	"time"
)

// importRig is a server whose account A exports a stream and a service that
// account B imports, a raw TCP subscriber in B on ">" that drains its
// socket, and a publisher in A driven directly (as in deliveryRig).
type importRig struct {
	s   *Server
	pub *client
}

func newImportRig(tb testing.TB) *importRig {
	tb.Helper()
	o := DefaultOptions()
	o.Host, o.Port = "127.0.0.1", RandomPort
	o.Accounts = []*AccountConfig{
		{Name: "A", Exports: []*ExportConfig{{Stream: "ev.>"}, {Service: "svc", ResponseType: responseSingleton}}},
		{Name: "B", Imports: []*ImportConfig{{Account: "A", Stream: "ev.>", Prefix: "a"}, {Account: "A", Service: "svc"}}},
	}
	o.Users = []*User{{Username: "a", Password: "a", Account: "A"}, {Username: "b", Password: "b", Account: "B"}}
	s, err := New(o)
	if err != nil {
		tb.Fatal(err)
	}
	s.Logger().SetOutput(io.Discard)
	if err := s.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Shutdown)
	nc, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = nc.Close() })
	br := bufio.NewReader(nc)
	if _, err := br.ReadString('\n'); err != nil {
		tb.Fatal(err)
	}
	if _, err := io.WriteString(nc, "CONNECT {\"verbose\":false,\"user\":\"b\",\"pass\":\"b\"}\r\nSUB > 1\r\nPING\r\n"); err != nil {
		tb.Fatal(err)
	}
	if line, err := br.ReadString('\n'); err != nil || line != "PONG\r\n" {
		tb.Fatalf("subscriber: %q %v", line, err)
	}
	go func() { _, _ = io.Copy(io.Discard, br) }()

	srvSide, cliSide := net.Pipe()
	tb.Cleanup(func() { _ = cliSide.Close() })
	go func() { _, _ = io.Copy(io.Discard, cliSide) }()
	before := s.NumClients()
	s.createClient(srvSide)
	deadline := time.Now().Add(2 * time.Second)
	for s.NumClients() == before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	r := &importRig{s: s}
	for _, c := range s.clientList() {
		if c.nc == srvSide {
			r.pub = c
		}
	}
	if r.pub == nil {
		tb.Fatal("publisher not registered")
	}
	r.pub.copts.Verbose, r.pub.copts.Pedantic = false, false
	r.pub.connected = true
	if !r.pub.bindUser(s.auth.Load().users["a"]) {
		tb.Fatal("bind a")
	}
	return r
}

func (r *importRig) publish(subj []byte) {
	_ = r.pub.ProcessPub(subj, nil, benchPayload)
	r.pub.flushPending()
}

// TestImportDeliveryAllocs: in an account with exports, a message that
// touches no import, and one carried by a stream import, are delivered
// without allocating.
func TestImportDeliveryAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation measurement")
	}
	r := newImportRig(t)
	var sub *client
	for _, c := range r.s.clientList() {
		if c.acc.Load().Name == "B" {
			sub = c
		}
	}
	for _, tc := range []struct {
		name     string
		subj     []byte
		received int64 // messages B's subscriber gets per publish
	}{{"no import", []byte("other.subject"), 0}, {"stream import", []byte("ev.x"), 1}} {
		for range 100 {
			r.publish(tc.subj)
		}
		before := sub.outMsgs.Load()
		if allocs := testing.AllocsPerRun(1000, func() { r.publish(tc.subj) }); allocs != 0 {
			t.Errorf("%s: %v allocs per publish, want 0", tc.name, allocs)
		}
		if got := sub.outMsgs.Load() - before; got != 1001*tc.received {
			t.Errorf("%s: B received %d messages, want %d", tc.name, got, 1001*tc.received)
		}
	}
}

// BenchmarkStreamImport publishes in A a message B receives through a
// stream import.
func BenchmarkStreamImport(b *testing.B) {
	r := newImportRig(b)
	subj := []byte("ev.x")
	b.ReportAllocs()
	for b.Loop() {
		r.publish(subj)
	}
}
