package events

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/s2"

	"github.com/natsys/natsys/client/sysapi"
)

func TestQueueBoundedAndOrdered(t *testing.T) {
	q := NewQueue[int](3)
	for i := range 5 {
		ok := q.Push(i)
		if want := i < 3; ok != want {
			t.Fatalf("Push(%d) = %v, want %v", i, ok, want)
		}
	}
	if q.Drops() != 2 || q.Pushed() != 3 || q.Len() != 3 {
		t.Fatalf("drops %d pushed %d len %d", q.Drops(), q.Pushed(), q.Len())
	}
	select {
	case <-q.Ready():
	default:
		t.Fatal("Ready not signalled")
	}
	got := q.PopAll(nil)
	if len(got) != 3 || got[0] != 0 || got[2] != 2 || q.Len() != 0 {
		t.Fatalf("PopAll = %v, len %d", got, q.Len())
	}
	if !q.Push(9) {
		t.Fatal("Push after PopAll refused")
	}
}

func TestQueueConcurrentProducers(t *testing.T) {
	q := NewQueue[int](100000)
	var wg sync.WaitGroup
	for p := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				q.Push(p*1000 + i)
			}
		}()
	}
	got := 0
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for got < 8000 {
		select {
		case <-q.Ready():
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("consumer stuck at %d", got)
		}
		got += len(q.PopAll(nil))
	}
	if q.Drops() != 0 {
		t.Fatalf("drops = %d", q.Drops())
	}
}

func TestMatch(t *testing.T) {
	id := &Identity{Name: "ref-tags", Host: "127.0.0.1", Tags: []string{"az:1", "region:east"}}
	tests := []struct {
		f    sysapi.EventFilterOptions
		want bool
	}{
		{sysapi.EventFilterOptions{}, true},
		{sysapi.EventFilterOptions{Tags: []string{"az:1"}}, true},
		{sysapi.EventFilterOptions{Tags: []string{" REGION:East "}}, true},
		{sysapi.EventFilterOptions{Tags: []string{"az:1", "zz"}}, false},
		{sysapi.EventFilterOptions{Host: "127"}, true},
		{sysapi.EventFilterOptions{Host: "127", ExactMatch: true}, false},
		{sysapi.EventFilterOptions{Cluster: "x"}, false},
		{sysapi.EventFilterOptions{Name: "ref"}, true},
		{sysapi.EventFilterOptions{Name: "ref", ExactMatch: true}, false},
		{sysapi.EventFilterOptions{Name: "ref-tags", ExactMatch: true}, true},
		{sysapi.EventFilterOptions{Domain: "x"}, false},
	}
	for _, tt := range tests {
		if got := Match(&tt.f, id); got != tt.want {
			t.Errorf("Match(%+v) = %v, want %v", tt.f, got, tt.want)
		}
	}
	if !Match(nil, id) {
		t.Error("Match(nil) = false")
	}
	if !Match(&sysapi.EventFilterOptions{Cluster: "c1", ExactMatch: true}, &Identity{Cluster: "c1"}) {
		t.Error("cluster exact match failed")
	}
}

func TestParseRequest(t *testing.T) {
	id := strings.Repeat("N", 56)
	tests := []struct {
		subj string
		want Request
		ok   bool
	}{
		{"$SYS.REQ.SERVER.PING", Request{Kind: KindServerPing, Endpoint: "STATSZ"}, true},
		{"$SYS.REQ.SERVER.PING.VARZ", Request{Kind: KindServerPing, Endpoint: "VARZ"}, true},
		{"$SYS.REQ.SERVER." + id + ".KICK", Request{Kind: KindServerDirect, Target: id, Endpoint: "KICK"}, true},
		{"$SYS.REQ.ACCOUNT.USERS.CONNZ", Request{Kind: KindAccount, Target: "USERS", Endpoint: "CONNZ"}, true},
		{"$SYS.REQ.ACCOUNT.PING.STATZ", Request{Kind: KindAccountPing, Endpoint: "STATZ"}, true},
		{"$SYS.REQ.ACCOUNT.PING.CONNZ", Request{Kind: KindAccount, Target: "PING", Endpoint: "CONNZ"}, true},
		{"$SYS.REQ.USER.USERS.INFO", Request{Kind: KindUser, Target: "USERS", Endpoint: "INFO"}, true},
		{"$SYS.REQ.USER.INFO", Request{}, false},
		{"$SYS.REQ.SERVER.a.b.c", Request{}, false},
		{"$SYS.REQ.SERVER..VARZ", Request{}, false},
		{"$SYS.REQ.ACCOUNT.X", Request{}, false},
		{"foo", Request{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseRequest(tt.subj)
		if ok != tt.ok || got != tt.want {
			t.Errorf("ParseRequest(%q) = %+v, %v; want %+v, %v", tt.subj, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNegotiateEncoding(t *testing.T) {
	tests := []struct {
		hdr  string
		want Encoding
	}{
		{"", EncodingNone},
		{"NATS/1.0\r\nFoo: bar\r\n\r\n", EncodingNone},
		{"NATS/1.0\r\nAccept-Encoding: snappy\r\n\r\n", EncodingSnappy},
		{"NATS/1.0\r\naccept-encoding: S2\r\n\r\n", EncodingSnappy},
		{"NATS/1.0\r\nAccept-Encoding: GZIP\r\n\r\n", EncodingGzip},
		{"NATS/1.0\r\nAccept-Encoding: gzip, snappy\r\n\r\n", EncodingSnappy},
		{"NATS/1.0\r\nAccept-Encoding: br\r\n\r\n", EncodingIdentity},
		{"garbage\r\nAccept-Encoding: gzip\r\n\r\n", EncodingNone},
		{"NATS/1.0\r\n:\r\nAccept-Encoding\r\n\r\n", EncodingNone},
	}
	for _, tt := range tests {
		if got := NegotiateEncoding([]byte(tt.hdr)); got != tt.want {
			t.Errorf("NegotiateEncoding(%q) = %v, want %v", tt.hdr, got, tt.want)
		}
	}
	if got := string(HeaderBlock(EncodingSnappy)); got != "NATS/1.0\r\nContent-Encoding: snappy\r\n\r\n" {
		t.Errorf("HeaderBlock = %q", got)
	}
	if HeaderBlock(EncodingNone) != nil {
		t.Error("HeaderBlock(None) != nil")
	}
}

func TestCompressRoundTrip(t *testing.T) {
	body := []byte(strings.Repeat(`{"server":{"name":"x"},"data":{}}`, 50))
	sn, err := Compress(EncodingSnappy, body)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(sn, []byte("\xff\x06\x00\x00sNaPpY")) {
		t.Fatalf("snappy stream starts with %q", sn[:10])
	}
	got, err := io.ReadAll(s2.NewReader(bytes.NewReader(sn)))
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("snappy round trip: %v", err)
	}
	gz, err := Compress(EncodingGzip, body)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	got, err = io.ReadAll(zr)
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("gzip round trip: %v", err)
	}
	id, _ := Compress(EncodingIdentity, body)
	if !bytes.Equal(id, body) {
		t.Fatal("identity changed the body")
	}
}

func TestIDGen(t *testing.T) {
	g := NewIDGen()
	seen := map[string]bool{}
	for range 10000 {
		id := g.Next()
		if len(id) != EventIDLen || strings.Trim(id, base62) != "" {
			t.Fatalf("bad id %q", id)
		}
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
	}
}

func TestServerHash(t *testing.T) {
	// Observed on the reference: server "ref-a" subscribes $SYS._INBOX.UyUuIR56.*.
	if got := ServerHash("ref-a"); got != "UyUuIR56" {
		t.Fatalf("ServerHash(ref-a) = %q, want UyUuIR56", got)
	}
}

func TestStatszSchedule(t *testing.T) {
	var s StatszSchedule
	var at time.Duration
	var got []time.Duration
	for range 8 {
		at += s.Next()
		got = append(got, at)
	}
	want := []time.Duration{250, 1250, 3250, 7250, 15250, 25250, 35250, 45250}
	for i := range want {
		if got[i] != want[i]*time.Millisecond {
			t.Fatalf("schedule = %v", got)
		}
	}
	now := time.Now()
	if s.Allow(now, false) != 0 {
		t.Fatal("first broadcast refused")
	}
	if w := s.Allow(now.Add(300*time.Millisecond), false); w != 700*time.Millisecond {
		t.Fatalf("wait = %v", w)
	}
	if s.Allow(now.Add(300*time.Millisecond), true) != 0 {
		t.Fatal("forced broadcast refused")
	}
}
