package server_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The reliability suite (docs/reliability.md) runs a short variant by
// default and a long one with NATSYS_LONG=1 (make soak runs it).
const relLongEnv = "NATSYS_LONG"

// relLong reports whether the long variants run.
func relLong() bool { return os.Getenv(relLongEnv) != "" }

// relScaled returns def in the default run and long with NATSYS_LONG=1.
func relScaled(def, long int) int {
	if relLong() {
		return long
	}
	return def
}

// relConns returns the connection count of the connection tests: def, long
// with NATSYS_LONG=1, or NATSYS_CONNS when set (for boxes whose hard fd limit
// is below what the long figure needs: each in-process connection costs two
// descriptors).
func relConns(t testing.TB, def, long int) int {
	t.Helper()
	if s := os.Getenv("NATSYS_CONNS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			t.Fatalf("NATSYS_CONNS=%q: want a positive number", s)
		}
		return n
	}
	return relScaled(def, long)
}

// relOpenFDs returns the number of open file descriptors of the test process
// (the in-process server's and the test's own).
func relOpenFDs(t testing.TB) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count file descriptors: %v", err)
	}
	return len(ents)
}

// relWaitFDs waits until the fd count is at most want; it fails the test with
// the last count otherwise.
func relWaitFDs(t testing.TB, want int, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		n := relOpenFDs(t)
		if n <= want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("open fds %d after %v, want <= %d (baseline)", n, d, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// relRaiseNoFile raises the RLIMIT_NOFILE of the test process to at least
// want (the hard limit too when the process may), skipping the test with the
// reason logged when it cannot. The previous limits are restored at cleanup.
func relRaiseNoFile(t testing.TB, want uint64) {
	t.Helper()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Skipf("getrlimit(RLIMIT_NOFILE): %v", err)
	}
	if lim.Cur >= want {
		return
	}
	old := lim
	lim.Cur = want
	lim.Max = max(lim.Max, want) // raising the hard limit needs CAP_SYS_RESOURCE
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Skipf("cannot raise RLIMIT_NOFILE to %d (hard limit %d): %v; raise it (ulimit -Hn) to run this test",
			want, old.Max, err)
	}
	t.Cleanup(func() { _ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old) })
}

// relHeapInuse returns HeapInuse after a GC.
func relHeapInuse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// relHeapSampler records the peak HeapInuse of the process until stopped.
type relHeapSampler struct {
	peak atomic.Uint64
	stop chan struct{}
	done chan struct{}
}

// relSampleHeap starts sampling HeapInuse every interval.
func relSampleHeap(interval time.Duration) *relHeapSampler {
	h := &relHeapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > h.peak.Load() {
				h.peak.Store(ms.HeapInuse)
			}
			select {
			case <-h.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

// Stop ends sampling and returns the peak.
func (h *relHeapSampler) Stop() uint64 {
	close(h.stop)
	<-h.done
	return h.peak.Load()
}

// relWaitUntil polls cond every 10ms for up to d and fails with msg if it never
// holds.
func relWaitUntil(t testing.TB, d time.Duration, cond func() bool, format string, args ...any) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: "+format, append([]any{d}, args...)...)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// relMiB formats a byte count in MiB.
func relMiB(n uint64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// relRawClient dials addr, reads the INFO line and, when connect is not empty,
// sends it followed by PING and waits for PONG. It returns the connection.
func relRawClient(addr, connect string, timeout time.Duration) (net.Conn, error) {
	nc, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	_ = nc.SetDeadline(time.Now().Add(timeout))
	br := bufio.NewReaderSize(nc, 2048)
	line, err := br.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "INFO ") {
		_ = nc.Close()
		return nil, fmt.Errorf("reading INFO: %q: %w", line, err)
	}
	if connect != "" {
		if _, err := nc.Write([]byte(connect + "PING\r\n")); err != nil {
			_ = nc.Close()
			return nil, fmt.Errorf("sending CONNECT: %w", err)
		}
		line, err = br.ReadString('\n')
		if err != nil || line != "PONG\r\n" {
			_ = nc.Close()
			return nil, fmt.Errorf("waiting for PONG: %q: %w", line, err)
		}
	}
	if br.Buffered() > 0 {
		_ = nc.Close()
		return nil, errors.New("unexpected bytes after the handshake")
	}
	_ = nc.SetDeadline(time.Time{})
	return nc, nil
}

// relDialMany opens n connections with relRawClient using a few workers; the first
// error fails the test.
func relDialMany(t testing.TB, addr, connect string, n int) []net.Conn {
	t.Helper()
	conns := make([]net.Conn, n)
	var next atomic.Int64
	var firstErr error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				nc, err := relRawClient(addr, connect, 10*time.Second)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("connection %d: %w", i, err)
					}
					mu.Unlock()
					next.Store(int64(n))
					return
				}
				conns[i] = nc
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		relCloseAll(conns)
		t.Fatalf("dialMany: %v", firstErr)
	}
	return conns
}

// relCloseAll closes every non-nil connection.
func relCloseAll(conns []net.Conn) {
	for _, c := range conns {
		if c != nil {
			_ = c.Close()
		}
	}
}

// relReadUntilClose reads from nc until EOF or timeout and returns what came.
func relReadUntilClose(nc net.Conn, timeout time.Duration) ([]byte, error) {
	_ = nc.SetReadDeadline(time.Now().Add(timeout))
	var out bytes.Buffer
	_, err := out.ReadFrom(nc)
	return out.Bytes(), err
}

// relServerBinary returns a nats-server binary built from this tree into
// the test's temp dir (NATSYS_SERVER_BIN overrides it).
func relServerBinary(t testing.TB) (string, error) {
	t.Helper()
	if p := os.Getenv("NATSYS_SERVER_BIN"); p != "" {
		return p, nil
	}
	bin := filepath.Join(t.TempDir(), "nats-server")
	out, err := exec.Command("go", "build", "-o", bin, "./cmd/nats-server").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %w\n%s", err, out)
	}
	return bin, nil
}
