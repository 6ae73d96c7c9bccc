package subject

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchIndex builds an index of 100,000 subscriptions over subjects
// "t.<a>.<b>.<c>" (a, b < 100, c < 10): 90,000 plain literal, 900 queue
// literal, 5,000 "t.<a>.*.<c>", 4,000 "t.<a>.<b>.>" and 100 "t.*.<b>.*".
// It also returns 10,000 literal subjects to publish to.
func benchIndex(b *testing.B) (*Index[int], [][]byte) {
	b.Helper()
	r := rand.New(rand.NewPCG(42, 42))
	ix := NewIndex[int]()
	lit := func() string { return fmt.Sprintf("t.%d.%d.%d", r.IntN(100), r.IntN(100), r.IntN(10)) }
	add := func(n int, queue string, subj func() string) {
		for range n {
			v := ix.Count()
			if err := ix.Insert(subj(), queue, v); err != nil {
				b.Fatal(err)
			}
		}
	}
	add(90000, "", lit)
	add(900, "workers", lit)
	add(5000, "", func() string { return fmt.Sprintf("t.%d.*.%d", r.IntN(100), r.IntN(10)) })
	add(4000, "", func() string { return fmt.Sprintf("t.%d.%d.>", r.IntN(100), r.IntN(100)) })
	add(100, "", func() string { return fmt.Sprintf("t.*.%d.*", r.IntN(100)) })
	if ix.Count() != 100000 {
		b.Fatalf("Count = %d", ix.Count())
	}
	subjects := make([][]byte, 10000)
	for i := range subjects {
		subjects[i] = []byte(lit())
	}
	return ix, subjects
}

func BenchmarkMatchBytesCacheHit(b *testing.B) {
	ix, subjects := benchIndex(b)
	s := subjects[0]
	ix.MatchBytes(s)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ix.MatchBytes(s)
	}
}

func BenchmarkMatchBytesCacheHitParallel(b *testing.B) {
	ix, subjects := benchIndex(b)
	hot := subjects[:512] // all fit in the cache
	for _, s := range hot {
		ix.MatchBytes(s)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			ix.MatchBytes(hot[i%len(hot)])
			i++
		}
	})
}

// BenchmarkMatchBytesCacheMiss cycles through 10,000 distinct subjects, ten
// times the cache size, so nearly every call walks the trie.
func BenchmarkMatchBytesCacheMiss(b *testing.B) {
	ix, subjects := benchIndex(b)
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		ix.MatchBytes(subjects[i%len(subjects)])
		i++
	}
	b.ReportMetric(ix.CacheHitRate(), "hitrate")
}

// BenchmarkMatch100k publishes to 1,000 subjects in turn (the cache holds
// all of them): the steady state of a server with 100k subscriptions.
func BenchmarkMatch100k(b *testing.B) {
	ix, subjects := benchIndex(b)
	subjects = subjects[:1000]
	fanout := 0
	for _, s := range subjects {
		r := ix.MatchBytes(s)
		fanout += len(r.Plain) + len(r.Queues)
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		ix.MatchBytes(subjects[i%len(subjects)])
		i++
	}
	b.ReportMetric(float64(fanout)/float64(len(subjects)), "fanout")
}

// BenchmarkInsertRemoveLiteral is SUB/UNSUB churn of request inboxes
// ("_INBOX.<22 chars>", next to other inboxes) on the 100k index with a
// full cache.
func BenchmarkInsertRemoveLiteral(b *testing.B) {
	ix, subjects := benchIndex(b)
	for _, s := range subjects[:CacheMaxEntries] {
		ix.MatchBytes(s)
	}
	for i := range 100 {
		if err := ix.Insert(fmt.Sprintf("_INBOX.other%017d", i), "", -2); err != nil {
			b.Fatal(err)
		}
	}
	inbox := make([]string, 1024)
	for i := range inbox {
		inbox[i] = fmt.Sprintf("_INBOX.Qx7pLm2VbN8cRt%08d", i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		s := inbox[i%len(inbox)]
		if err := ix.Insert(s, "", -1); err != nil {
			b.Fatal(err)
		}
		if err := ix.Remove(s, "", -1); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkInsertRemoveWildcard is SUB/UNSUB churn of wildcard
// subscriptions: each one scans the (full) cache for entries to evict.
func BenchmarkInsertRemoveWildcard(b *testing.B) {
	ix, subjects := benchIndex(b)
	for _, s := range subjects[:CacheMaxEntries] {
		ix.MatchBytes(s)
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		s := fmt.Sprintf("t.%d.*.x", i%100)
		if err := ix.Insert(s, "", -1); err != nil {
			b.Fatal(err)
		}
		if err := ix.Remove(s, "", -1); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkValidSubjectBytes(b *testing.B) {
	s := []byte("orders.eu-west.customer-1234.created")
	b.ReportAllocs()
	for b.Loop() {
		ValidSubjectBytes(s)
	}
}

func BenchmarkMatchHelper(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Match("orders.*.customer-1234.>", "orders.eu-west.customer-1234.created")
	}
}
