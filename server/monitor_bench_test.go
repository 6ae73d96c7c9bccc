package server

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// connzRig is a server with n client connections attached through pipes,
// each of which sent CONNECT and published 0-96 bytes (like the connz
// scenario of cmd/natsys-bench).
type connzRig struct {
	s *Server
}

func newConnzRig(tb testing.TB, n int) *connzRig {
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
	payload := strings.Repeat("x", 96)
	for i := range n {
		srvSide, cliSide := net.Pipe()
		tb.Cleanup(func() { _ = cliSide.Close() })
		s.createClient(srvSide)
		br := bufio.NewReader(cliSide)
		if _, err := br.ReadString('\n'); err != nil {
			tb.Fatal(err)
		}
		msg := fmt.Sprintf("CONNECT {\"verbose\":false,\"name\":\"c%d\"}\r\nPUB bench.connz %d\r\n%s\r\nPING\r\n", i, i%97, payload[:i%97])
		go func() { _, _ = io.WriteString(cliSide, msg) }()
		if line, err := br.ReadString('\n'); err != nil || line != "PONG\r\n" {
			tb.Fatalf("conn %d: %q %v", i, line, err)
		}
		go func() { _, _ = io.Copy(io.Discard, br) }()
	}
	deadline := time.Now().Add(5 * time.Second)
	for s.NumClients() < n && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if got := s.NumClients(); got < n {
		tb.Fatalf("%d clients, want %d", got, n)
	}
	return &connzRig{s: s}
}

// BenchmarkConnzHTTP10k serves GET /connz?sort=bytes_from&limit=1024 over
// 10,000 connections through the monitoring handler: the snapshot of every
// connection, the sort and the JSON of the page.
func BenchmarkConnzHTTP10k(b *testing.B) {
	r := newConnzRig(b, 10000)
	h := r.s.mon.handler
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/connz?sort=bytes_from&limit=1024", nil))
		if w.Code != 200 || !strings.Contains(w.Body.String(), "\"num_connections\": 1024") {
			b.Fatalf("%d %.200s", w.Code, w.Body.String())
		}
	}
}
