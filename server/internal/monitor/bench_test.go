package monitor

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/natsys/natsys/client/sysapi"
)

// benchSource is a Source with n open connections whose snapshots are built
// once, so that the benchmarks measure the builders only.
type benchSource struct {
	fakeSource
	open []ConnSnapshot
}

func (b *benchSource) Conns(string) []ConnSnapshot { return b.open }

// newBenchSource returns a source with n open connections with random
// counters and n/10 closed ones.
func newBenchSource(n int) *benchSource {
	rng := rand.New(rand.NewPCG(1, 2))
	b := &benchSource{fakeSource: *newFake()}
	b.closed = NewClosedRing(n / 10)
	mk := func(cid uint64) ConnSnapshot {
		return ConnSnapshot{
			CID: cid, Kind: sysapi.KindClient, Type: sysapi.ClientTypeNATS, IP: "10.1.2.3", Port: 40000 + int(cid%20000),
			Start: at(rng.Float64() * 80), LastActivity: at(rng.Float64() * 90), RTT: time.Duration(rng.IntN(5e6)),
			InMsgs: rng.Int64N(1e6), OutMsgs: rng.Int64N(1e6), InBytes: rng.Int64N(1e9), OutBytes: rng.Int64N(1e9),
			PendingBytes: rng.IntN(1 << 16), NumSubs: uint32(rng.IntN(20)), Name: fmt.Sprintf("client-%d", cid),
			Lang: "go", Version: "1.55.0", AuthorizedUser: "a", Account: "USERS",
		}
	}
	b.open = make([]ConnSnapshot, n)
	for i := range b.open {
		b.open[i] = mk(uint64(n - i)) // reverse order
	}
	for i := range n / 10 {
		c := mk(uint64(n + i + 1))
		c.Stop, c.Reason = at(89), sysapi.ReasonClientClosed
		b.closed.Append(&c)
	}
	return b
}

// BenchmarkConnz10k sorts 10,000 open connections and builds a page of
// 1,024, for several sort orders.
func BenchmarkConnz10k(b *testing.B) {
	src := newBenchSource(10000)
	for _, sort := range []sysapi.SortOpt{sysapi.ByCid, sysapi.ByInMsgs, sysapi.ByIdle, sysapi.ByUptime} {
		b.Run(string(sort), func(b *testing.B) {
			opts := &sysapi.ConnzOptions{Sort: sort, Limit: 1024}
			b.ReportAllocs()
			for b.Loop() {
				cz, err := Connz(src, opts)
				if err != nil || cz.NumConns != 1024 {
					b.Fatalf("%v %d", err, cz.NumConns)
				}
			}
		})
	}
}

// BenchmarkConnz10kJSON adds the JSON encoding of the page (what one HTTP
// request or $SYS reply costs).
func BenchmarkConnz10kJSON(b *testing.B) {
	src := newBenchSource(10000)
	opts := &sysapi.ConnzOptions{Sort: sysapi.ByOutBytes, Limit: 1024, State: sysapi.ConnAll, Auth: true}
	b.ReportAllocs()
	for b.Loop() {
		cz, err := Connz(src, opts)
		if err != nil {
			b.Fatal(err)
		}
		if err := json.NewEncoder(io.Discard).Encode(cz); err != nil {
			b.Fatal(err)
		}
	}
}

// TestConnz10kFast guards the 10,000-connection case against regressions
// by orders of magnitude (it is a correctness test of the order too).
func TestConnz10kFast(t *testing.T) {
	src := newBenchSource(10000)
	start := time.Now()
	cz, err := Connz(src, &sysapi.ConnzOptions{Sort: sysapi.ByInMsgs, Limit: 1024, State: sysapi.ConnAll})
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("CONNZ over 11,000 connections took %v", elapsed)
	}
	if err != nil || cz.Total != 11000 || cz.NumConns != 1024 {
		t.Fatalf("%v total %d num %d", err, cz.Total, cz.NumConns)
	}
	for i := 1; i < len(cz.Conns); i++ {
		if a, b := cz.Conns[i-1], cz.Conns[i]; a.InMsgs < b.InMsgs || a.InMsgs == b.InMsgs && a.CID > b.CID {
			t.Fatalf("not sorted at %d: %d/%d then %d/%d", i, a.InMsgs, a.CID, b.InMsgs, b.CID)
		}
	}
}
