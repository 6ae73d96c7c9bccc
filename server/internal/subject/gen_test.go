package subject

import (
	"testing"
)

// TestIndexGen checks the contract of Gen: it changes on every successful
// Insert and Remove and on nothing else, and a result kept while it is
// unchanged is the result Match returns. CountHits feeds the hit counters.
func TestIndexGen(t *testing.T) {
	ix := NewIndex[int]()
	g0 := ix.Gen()
	kept := ix.Match("a.b")
	if ix.Gen() != g0 {
		t.Fatal("Match changed the generation")
	}
	mustInsert(t, ix, "a.*", "", 1)
	g1 := ix.Gen()
	if g1 == g0 {
		t.Fatal("Insert kept the generation")
	}
	if len(kept.Plain) != 0 || len(ix.Match("a.b").Plain) != 1 {
		t.Fatal("result before the insert must not be reused after it")
	}
	if err := ix.Insert("a.*", "", 1); err == nil || ix.Gen() != g1 {
		t.Fatalf("failed Insert: err %v, generation moved %v", err, ix.Gen() != g1)
	}
	if err := ix.Remove("x", "", 9); err == nil || ix.Gen() != g1 {
		t.Fatalf("failed Remove: err %v, generation moved %v", err, ix.Gen() != g1)
	}
	if err := ix.Remove("a.*", "", 1); err != nil || ix.Gen() == g1 {
		t.Fatalf("Remove: err %v, generation kept %v", err, ix.Gen() == g1)
	}
	before := ix.Stats()
	ix.CountHits(5)
	after := ix.Stats()
	if after.Matches != before.Matches+5 {
		t.Errorf("CountHits(5): matches %d -> %d", before.Matches, after.Matches)
	}
}
