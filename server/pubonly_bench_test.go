package server

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// cpuTime returns the CPU time (user + system) the process used so far.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkPubOnly is the pub-only scenario of scripts/bench.sh in process:
// raw TCP publishers write 16-byte PUBs on a subject nobody subscribes to,
// in 32 KB writes (as a client library's buffered writer does); one op is
// one message. Each publisher ends with PING/PONG, so every message was
// parsed. cpu-ns/op is the CPU time of the whole process (server and the
// writing clients) per message: on a loaded machine it varies less than
// ns/op. With 2 publishers the server's shared counters are contended.
func BenchmarkPubOnly(b *testing.B) {
	for _, pubs := range []int{1, 2} {
		b.Run(fmt.Sprintf("pubs=%d", pubs), func(b *testing.B) { benchPubTCP(b, pubs, 0, "bench.subj", 16) })
	}
}

// BenchmarkFanout16 is the pub->4 subs scenario in process: one raw TCP
// publisher of 16-byte messages (32 KB writes), four raw TCP subscribers
// on "foo" that drain their sockets; one op is one published message.
func BenchmarkFanout16(b *testing.B) { benchPubTCP(b, 1, 4, "foo", 16) }

// BenchmarkPubSub1K is the pub->sub 1x1 1KB scenario in process.
func BenchmarkPubSub1K(b *testing.B) { benchPubTCP(b, 1, 1, "foo", 1024) }

// benchPubTCP publishes b.N messages of size bytes on subj from pubs raw
// TCP connections to a server with subs subscribers on "foo" (see
// newDeliveryRig), and waits until the subscribers got them all.
func benchPubTCP(b *testing.B, pubs, subs int, subj string, size int) {
	r := newDeliveryRig(b, subs)
	conns := make([]net.Conn, pubs)
	readers := make([]*bufio.Reader, pubs)
	for i := range conns {
		nc, err := net.Dial("tcp", r.s.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		defer nc.Close()
		br := bufio.NewReader(nc)
		if _, err := br.ReadString('\n'); err != nil {
			b.Fatal(err)
		}
		if _, err := io.WriteString(nc, "CONNECT {\"verbose\":false,\"pedantic\":false}\r\nPING\r\n"); err != nil {
			b.Fatal(err)
		}
		if line, err := br.ReadString('\n'); err != nil || line != "PONG\r\n" {
			b.Fatalf("%q %v", line, err)
		}
		conns[i], readers[i] = nc, br
	}
	one := fmt.Sprintf("PUB %s %d\r\n%s\r\n", subj, size, strings.Repeat("x", size))
	received := r.received.Load()
	perWrite := max(32*1024/len(one), 1)
	buf := []byte(strings.Repeat(one, perWrite))
	b.SetBytes(int64(size))
	b.ReportAllocs()
	cpu0 := cpuTime(b)
	b.ResetTimer()
	var wg sync.WaitGroup
	errs := make(chan error, pubs)
	for i, nc := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := b.N / pubs
			if i == 0 {
				n += b.N % pubs
			}
			errs <- publishAll(nc, readers[i], buf, len(one), n)
		}()
	}
	wg.Wait()
	if subs > 0 {
		want := received + int64(b.N)*int64(subs)*int64(len(fmt.Sprintf("MSG foo 1 %d\r\n", size))+size+2)
		deadline := time.Now().Add(30 * time.Second)
		for r.received.Load() < want && time.Now().Before(deadline) {
			time.Sleep(100 * time.Microsecond)
		}
		if got := r.received.Load(); got < want {
			b.Fatalf("subscribers got %d bytes, want %d", got, want)
		}
	}
	b.StopTimer()
	close(errs)
	for err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(b.N), "cpu-ns/op")
	if got := r.s.Stats().InMsgs; got < int64(b.N) {
		b.Fatalf("server counted %d messages, want %d", got, b.N)
	}
}

// publishAll writes n messages of size one from buf (whole messages) and
// waits for the PONG of a final PING.
func publishAll(nc net.Conn, br *bufio.Reader, buf []byte, one, n int) error {
	perWrite := len(buf) / one
	for sent := 0; sent < n; sent += perWrite {
		w := buf
		if left := n - sent; left < perWrite {
			w = buf[:left*one]
		}
		if _, err := nc.Write(w); err != nil {
			return err
		}
	}
	if _, err := io.WriteString(nc, "PING\r\n"); err != nil {
		return err
	}
	_ = nc.SetReadDeadline(time.Now().Add(30 * time.Second))
	if line, err := br.ReadString('\n'); err != nil || line != "PONG\r\n" {
		return fmt.Errorf("final PONG: %q %v", line, err)
	}
	return nil
}
