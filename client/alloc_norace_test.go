//go:build !race

package client

import "testing"

// TestPublishAllocs checks that the publish path allocates nothing once the
// buffers have grown (the race detector changes allocation counts, hence the
// build tag).
func TestPublishAllocs(t *testing.T) {
	url, _ := startServer(t, "")
	c := connect(t, url)
	data := make([]byte, 128)
	for range 1000 {
		_ = c.Publish("alloc.test", data)
	}
	flush(t, c)
	allocs := testing.AllocsPerRun(10000, func() {
		if err := c.Publish("alloc.test", data); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 0.01 {
		t.Fatalf("Publish allocates %.3f times per call", allocs)
	}
}
