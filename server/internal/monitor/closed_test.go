package monitor

import (
	"slices"
	"sync"
	"testing"
)

// ringCIDs returns the connection ids in a ring snapshot.
func ringCIDs(r *ClosedRing) []uint64 {
	var out []uint64
	for _, c := range r.Snapshot() {
		out = append(out, c.CID)
	}
	return out
}

func TestClosedRing(t *testing.T) {
	r := NewClosedRing(3)
	if r.Cap() != 3 || r.Len() != 0 || len(r.Snapshot()) != 0 {
		t.Fatalf("new ring: cap %d len %d", r.Cap(), r.Len())
	}
	tests := []struct {
		add  uint64
		want []uint64
	}{
		{1, []uint64{1}},
		{2, []uint64{1, 2}},
		{3, []uint64{1, 2, 3}},
		{4, []uint64{2, 3, 4}},
		{5, []uint64{3, 4, 5}},
		{6, []uint64{4, 5, 6}},
		{7, []uint64{5, 6, 7}},
	}
	for _, tc := range tests {
		r.Append(&ConnSnapshot{CID: tc.add})
		if got := ringCIDs(r); !slices.Equal(got, tc.want) || r.Len() != len(tc.want) {
			t.Errorf("after %d: %v (len %d), want %v", tc.add, got, r.Len(), tc.want)
		}
	}
	r.Append(nil)
	if r.Len() != 3 {
		t.Error("nil appended")
	}
	snap := r.Snapshot()
	r.Append(&ConnSnapshot{CID: 8})
	if snap[0].CID != 5 {
		t.Error("snapshot changed by a later append")
	}
}

func TestClosedRingSizes(t *testing.T) {
	if r := NewClosedRing(0); r.Cap() != DefaultMaxClosedClients {
		t.Errorf("size 0: cap %d", r.Cap())
	}
	r := NewClosedRing(-1)
	r.Append(&ConnSnapshot{CID: 1})
	if r.Cap() != 0 || r.Len() != 0 || len(r.Snapshot()) != 0 {
		t.Errorf("negative size keeps %d", r.Len())
	}
	r = NewClosedRing(1)
	r.Append(&ConnSnapshot{CID: 1})
	r.Append(&ConnSnapshot{CID: 2})
	if got := ringCIDs(r); !slices.Equal(got, []uint64{2}) {
		t.Errorf("size 1: %v", got)
	}
}

func TestClosedRingConcurrent(t *testing.T) {
	r := NewClosedRing(100)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				r.Append(&ConnSnapshot{CID: uint64(g*1000 + i)})
				if i%50 == 0 {
					_ = r.Snapshot()
				}
			}
		}()
	}
	wg.Wait()
	if r.Len() != 100 {
		t.Errorf("len %d", r.Len())
	}
}
