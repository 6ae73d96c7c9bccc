package server_test

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/natsys/natsys/server"
	"github.com/natsys/natsys/server/natstest"
)

// TestReliabilitySlowConsumerVolume: a subscriber stops reading while a
// publisher sends a large volume (64 MiB with max_pending 8 MiB by default;
// 1 GiB with the default max_pending of 64 MiB under NATSYS_LONG=1). The
// stalled subscriber is closed as a slow consumer and counted, the server's
// heap stays under max_pending + 32 MiB, and the publisher is never blocked
// past write_deadline (reliability.md test 18).
func TestReliabilitySlowConsumerVolume(t *testing.T) {
	volume := int64(relScaled(64, 1024)) << 20
	maxPending := int64(relScaled(8, 64)) << 20
	relSlowConsumerRun(t, volume, maxPending, false)
}

// TestReliabilitySlowConsumerSparesOthers: the same with a second
// subscriber that keeps reading: it gets every message, in order, while the
// stalled one is closed; each connection's output stays bounded by
// max_pending (16 MiB published by default, 256 MiB with NATSYS_LONG=1).
func TestReliabilitySlowConsumerSparesOthers(t *testing.T) {
	volume := int64(relScaled(16, 256)) << 20
	maxPending := int64(relScaled(4, 64)) << 20
	relSlowConsumerRun(t, volume, maxPending, true)
}

// relSlowConsumerRun publishes volume bytes in 64 KiB messages to a stalled
// subscriber (and, with reader, to one that reads everything).
func relSlowConsumerRun(t *testing.T, volume, maxPending int64, reader bool) {
	const size = 64 * 1024
	o := server.DefaultOptions()
	o.MaxPending = maxPending
	o.WriteDeadline = 2 * time.Second
	s := natstest.RunServerOpts(t, o)
	url := s.ClientURL()

	slow := natstest.Dial(t, url)
	slow.Send(c0 + "SUB vol 1\r\nPING\r\n")
	slow.Expect("PONG\r\n")
	n := int(volume / size)
	fastDone := make(chan error, 1)
	if reader {
		fast := natstest.Dial(t, url)
		fast.Send(c0 + "SUB vol 1\r\nPING\r\n")
		fast.Expect("PONG\r\n")
		go func() { fastDone <- relReadSequence(fast, n, size) }()
	} else {
		fastDone <- nil
	}

	pub := natstest.Dial(t, url)
	pub.Send(c0)
	base := relHeapInuse()
	hs := relSampleHeap(5 * time.Millisecond)

	payload := make([]byte, size)
	head := []byte("PUB vol " + strconv.Itoa(size) + "\r\n")
	const perWrite = 16
	batch := make([]byte, 0, perWrite*(len(head)+size+2))
	var maxBlock time.Duration
	nc := pub.NetConn()
	start := time.Now()
	for i := 0; i < n; i += perWrite {
		batch = batch[:0]
		for j := i; j < min(i+perWrite, n); j++ {
			binary.BigEndian.PutUint64(payload, uint64(j))
			batch = append(batch, head...)
			batch = append(batch, payload...)
			batch = append(batch, "\r\n"...)
		}
		_ = nc.SetWriteDeadline(time.Now().Add(30 * time.Second))
		ws := time.Now()
		if _, err := nc.Write(batch); err != nil {
			t.Fatalf("publisher write after %d messages: %v", i, err)
		}
		maxBlock = max(maxBlock, time.Since(ws))
	}
	relRoundTrip(t, pub)
	took := time.Since(start)
	if err := <-fastDone; err != nil {
		t.Fatalf("reading subscriber: %v", err)
	}
	peak := hs.Stop()

	cc := relWaitClosedPrefix(t, s, "Slow Consumer")
	if st := s.Stats(); st.SlowConsumers != 1 {
		t.Errorf("slow_consumers = %d, want 1", st.SlowConsumers)
	}
	// The stalled subscriber's socket ends once its kernel buffers drain.
	if _, err := relReadUntilClose(slow.NetConn(), 10*time.Second); relIsTimeout(err) {
		t.Errorf("slow consumer's connection not closed")
	}
	growth := uint64(0)
	if peak > base {
		growth = peak - base
	}
	// One stalled subscriber: max_pending + 32 MiB. With a reader too,
	// each subscriber may hold up to max_pending, and the reader's
	// constantly recycled output leaves up to 32 MiB more of garbage
	// between collections.
	conns, slack := uint64(1), uint64(32<<20)
	if reader {
		conns, slack = 2, 64<<20
	}
	bound := conns*uint64(maxPending) + slack
	t.Logf("published %s in %v (%.0f MiB/s); slow consumer closed (%s); peak heap growth %s (bound %s); longest publisher write %v",
		relMiB(uint64(volume)), took.Round(time.Millisecond), float64(volume)/(1<<20)/took.Seconds(), cc.Reason,
		relMiB(growth), relMiB(bound), maxBlock.Round(time.Millisecond))
	if growth > bound {
		t.Errorf("heap grew by %s, bound %d x max_pending + %s = %s", relMiB(growth), conns, relMiB(slack), relMiB(bound))
	}
	if maxBlock >= o.WriteDeadline {
		t.Errorf("publisher blocked %v in one write, write_deadline %v", maxBlock, o.WriteDeadline)
	}
	// Memory goes back once the slow consumer is gone (pooled output
	// chunks survive one GC in the pools' victim cache, hence the retries).
	after := relHeapInuse()
	for deadline := time.Now().Add(3 * time.Second); after > base+8<<20 && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		after = relHeapInuse()
	}
	if after > base+8<<20 {
		t.Errorf("heap %s after the run, baseline %s", relMiB(after), relMiB(base))
	}
}

// relReadSequence reads n MSGs of size bytes whose payload starts with a
// big-endian sequence number and checks there are no gaps, duplicates or
// reordering.
func relReadSequence(c *natstest.Conn, n, size int) error {
	nc := c.NetConn()
	br := bufio.NewReaderSize(nc, 256*1024)
	body := make([]byte, size+2)
	for want := 0; want < n; {
		_ = nc.SetReadDeadline(time.Now().Add(30 * time.Second))
		line, err := br.ReadString('\n')
		if err != nil {
			return fmt.Errorf("after %d messages: %w", want, err)
		}
		if line == "PING\r\n" {
			_, _ = nc.Write([]byte("PONG\r\n"))
			continue
		}
		if !strings.HasPrefix(line, "MSG vol 1 ") {
			return fmt.Errorf("unexpected %q", line)
		}
		if _, err := io.ReadFull(br, body); err != nil {
			return fmt.Errorf("payload %d: %w", want, err)
		}
		if got := int(binary.BigEndian.Uint64(body)); got != want {
			return fmt.Errorf("got message %d, want %d", got, want)
		}
		want++
	}
	return nil
}

// relWaitClosedPrefix waits for a closed connection whose reason starts
// with prefix.
func relWaitClosedPrefix(t *testing.T, s *server.Server, prefix string) server.ClosedClient {
	t.Helper()
	var found server.ClosedClient
	relWaitUntil(t, 10*time.Second, func() bool {
		for _, cc := range s.ClosedClients() {
			if strings.HasPrefix(cc.Reason, prefix) {
				found = cc
				return true
			}
		}
		return false
	}, "no connection closed with reason %q: %+v", prefix, s.ClosedClients())
	return found
}

// TestReliabilityPingFlood: pipelined PINGs (100,000; 1,000,000 with
// NATSYS_LONG=1) are all answered, in order, without a disconnect, and the
// server's memory stays bounded while the client reads slowly
// (reliability.md test 20).
func TestReliabilityPingFlood(t *testing.T) {
	n := relScaled(100000, 1000000)
	s := natstest.RunServerOpts(t, nil)
	c := natstest.Dial(t, s.ClientURL())
	c.Send(c0)
	nc := c.NetConn()
	base := relHeapInuse()
	hs := relSampleHeap(5 * time.Millisecond)
	sent := make(chan error, 1)
	go func() {
		chunk := []byte(strings.Repeat("PING\r\n", 10000))
		for i := 0; i < n; i += 10000 {
			_ = nc.SetWriteDeadline(time.Now().Add(30 * time.Second))
			if _, err := nc.Write(chunk[:6*min(10000, n-i)]); err != nil {
				sent <- err
				return
			}
		}
		sent <- nil
	}()
	br := bufio.NewReaderSize(nc, 4096)
	for i := range n {
		_ = nc.SetReadDeadline(time.Now().Add(30 * time.Second))
		line, err := br.ReadString('\n')
		if err != nil || line != "PONG\r\n" {
			t.Fatalf("reply %d: %q %v", i, line, err)
		}
	}
	if err := <-sent; err != nil {
		t.Fatalf("sending PINGs: %v", err)
	}
	peak := hs.Stop()
	if s.NumClients() != 1 {
		t.Fatalf("client disconnected")
	}
	growth := uint64(0)
	if peak > base {
		growth = peak - base
	}
	t.Logf("%d PINGs answered in order; peak heap growth %s", n, relMiB(growth))
	if growth > 16<<20 {
		t.Errorf("heap grew by %s answering PINGs", relMiB(growth))
	}
}

// relRoundTrip sends PING and waits for the PONG, answering server PINGs.
func relRoundTrip(t *testing.T, c *natstest.Conn) {
	t.Helper()
	c.Send("PING\r\n")
	for {
		switch line := c.ReadLine(); line {
		case "PONG\r\n":
			return
		case "PING\r\n":
			c.Send("PONG\r\n")
		default:
			t.Fatalf("waiting for PONG: got %q", line)
		}
	}
}
