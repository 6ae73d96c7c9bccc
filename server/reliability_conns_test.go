package server_test

import (
	"errors"
	"fmt"
	"net"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/natsys/natsys/server"
	"github.com/natsys/natsys/server/natstest"
)

// relIsTimeout reports whether err is a deadline error.
func relIsTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// TestReliabilityIdleConnections holds N connected, idle clients (2,000; 20,000
// with NATSYS_LONG=1), checks they all stay usable, reports the memory per
// connection, and checks every file descriptor is released after they close
// (reliability.md tests 11, 12).
func TestReliabilityIdleConnections(t *testing.T) {
	n := relConns(t, 2000, 20000)
	relRaiseNoFile(t, uint64(2*n+512))
	s := natstest.RunServerOpts(t, nil)
	addr := natstest.HostPort(s.ClientURL())
	fdBase := relOpenFDs(t)
	heapBase := relHeapInuse()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	stackBase := ms.StackInuse

	start := time.Now()
	conns := relDialMany(t, addr, connectLine(""), n)
	defer relCloseAll(conns)
	took := time.Since(start)
	relWaitUntil(t, 10*time.Second, func() bool { return s.NumClients() == n },
		"server holds %d clients, want %d", s.NumClients(), n)

	heap := relHeapInuse()
	runtime.ReadMemStats(&ms)
	perConn := (float64(heap-heapBase) + float64(ms.StackInuse-stackBase)) / float64(n)
	t.Logf("%d idle connections opened in %v; heap+stack per connection (server and test client sides) %.1f KiB",
		n, took.Round(time.Millisecond), perConn/1024)
	// A connection costs two goroutines (8 KiB stacks each), a small read
	// buffer and its maps on the server, plus the test's own socket.
	if perConn > 48*1024 {
		t.Errorf("%.1f KiB per idle connection, want <= 48 KiB", perConn/1024)
	}

	// Every connection is still alive: PING a spread sample.
	for i := 0; i < n; i += max(1, n/50) {
		c := conns[i]
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Write([]byte("PING\r\n")); err != nil {
			t.Fatalf("conn %d: %v", i, err)
		}
		buf := make([]byte, 64)
		got := ""
		for !strings.Contains(got, "PONG\r\n") {
			k, err := c.Read(buf)
			got += string(buf[:k])
			if err != nil {
				t.Fatalf("conn %d: no PONG (%q): %v", i, got, err)
			}
		}
	}

	relCloseAll(conns)
	relWaitUntil(t, 20*time.Second, func() bool { return s.NumClients() == 0 },
		"server still holds %d clients after all closed", s.NumClients())
	relWaitFDs(t, fdBase, 10*time.Second)
}

// TestReliabilityConnectionFlood: 10,000 TCP connections that never send a
// byte to a server requiring auth are all closed with 'Authentication
// Timeout' within auth_timeout + 1s, and the fd count returns to its baseline
// (reliability.md test 12). The default run floods 2,000.
func TestReliabilityConnectionFlood(t *testing.T) {
	n := relConns(t, 2000, 10000)
	relRaiseNoFile(t, uint64(2*n+512))
	o := server.DefaultOptions()
	o.Authorization = "flood-token"
	o.AuthTimeout = 0.5
	s := natstest.RunServerOpts(t, o)
	addr := natstest.HostPort(s.ClientURL())
	fdBase := relOpenFDs(t)
	goBase := runtime.NumGoroutine()

	conns := relDialMany(t, addr, "", n)
	defer relCloseAll(conns)
	lastDial := time.Now()

	var wg sync.WaitGroup
	var mu sync.Mutex
	var bad []string
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := relReadUntilClose(c, 5*time.Second)
			if relIsTimeout(err) || !strings.Contains(string(got), "-ERR 'Authentication Timeout'\r\n") {
				mu.Lock()
				if len(bad) < 5 {
					bad = append(bad, string(got)+" / "+relErrString(err))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(bad) > 0 {
		t.Fatalf("connections not closed with Authentication Timeout, e.g. %q", bad)
	}
	relWaitUntil(t, 2*time.Second, func() bool { return s.NumClients() == 0 },
		"%d clients still registered", s.NumClients())
	t.Logf("%d silent connections all closed with 'Authentication Timeout' %v after the last dial (auth_timeout 0.5s)",
		n, time.Since(lastDial).Round(time.Millisecond))
	if d := time.Since(lastDial); d > 500*time.Millisecond+3*time.Second {
		t.Errorf("last flood connection closed %v after the last dial, want <= auth_timeout + 1s (+2s slack)", d)
	}
	relCloseAll(conns)
	relWaitFDs(t, fdBase, 10*time.Second)
	relWaitUntil(t, 10*time.Second, func() bool { return runtime.NumGoroutine() <= goBase+5 },
		"goroutines %d, baseline %d", runtime.NumGoroutine(), goBase)
	timeouts := 0
	for _, cc := range s.ClosedClients() {
		if cc.Reason == "Authentication Timeout" {
			timeouts++
		}
	}
	if timeouts != n {
		t.Errorf("closed ring has %d Authentication Timeout entries, want %d", timeouts, n)
	}
}

func relErrString(err error) string {
	if err == nil {
		return "EOF"
	}
	return err.Error()
}

// TestReliabilityMaxConnectionsRefusals: with max_connections = 100, 300
// concurrent extra clients each get INFO and -ERR 'maximum connections
// exceeded' and are closed; the 100 admitted keep working; a slot freed by a
// disconnect is reusable; no fd is left behind (reliability.md test 11).
func TestReliabilityMaxConnectionsRefusals(t *testing.T) {
	const limit, extra = 100, 300
	relRaiseNoFile(t, 2*(limit+extra)+512)
	o := server.DefaultOptions()
	o.MaxConn = limit
	s := natstest.RunServerOpts(t, o)
	addr := natstest.HostPort(s.ClientURL())
	fdBase := relOpenFDs(t)

	admitted := relDialMany(t, addr, connectLine(""), limit)
	defer relCloseAll(admitted)

	var wg sync.WaitGroup
	errs := make(chan string, extra)
	for range extra {
		wg.Add(1)
		go func() {
			defer wg.Done()
			nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
			if err != nil {
				errs <- "dial: " + err.Error()
				return
			}
			defer nc.Close()
			_, _ = nc.Write([]byte(connectLine("") + "PING\r\n"))
			got, err := relReadUntilClose(nc, 5*time.Second)
			if relIsTimeout(err) {
				errs <- "not closed: " + string(got)
				return
			}
			if !infoLine.MatchString(string(got)) || !strings.HasSuffix(string(got), "-ERR 'maximum connections exceeded'\r\n") ||
				strings.Contains(string(got), "PONG") {
				errs <- "got " + string(got)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatalf("refused connection: %s", e)
	}
	if got := s.NumClients(); got != limit {
		t.Fatalf("NumClients = %d, want %d", got, limit)
	}
	// A refusal is recorded right after its socket is closed.
	refused := func() int {
		n := 0
		for _, cc := range s.ClosedClients() {
			if cc.Reason == "Maximum Connections Exceeded" {
				n++
			}
		}
		return n
	}
	relWaitUntil(t, 5*time.Second, func() bool { return refused() == extra },
		"closed ring has %d 'Maximum Connections Exceeded', want %d", refused(), extra)

	// The admitted ones still work; freeing ten slots admits ten more.
	for _, c := range admitted[:10] {
		_ = c.Close()
	}
	relWaitUntil(t, 5*time.Second, func() bool { return s.NumClients() == limit-10 },
		"NumClients = %d after 10 closes", s.NumClients())
	more := relDialMany(t, addr, connectLine(""), 10)
	defer relCloseAll(more)
	c := natstest.DialRaw(t, addr)
	got, err := relReadUntilClose(c.NetConn(), 5*time.Second)
	if relIsTimeout(err) || !strings.HasSuffix(string(got), "-ERR 'maximum connections exceeded'\r\n") {
		t.Fatalf("101st connection got %q (%v)", got, err)
	}
	c.Close()
	relCloseAll(admitted)
	relCloseAll(more)
	relWaitUntil(t, 5*time.Second, func() bool { return s.NumClients() == 0 }, "clients left: %d", s.NumClients())
	relWaitFDs(t, fdBase, 10*time.Second)
}

// TestReliabilityAcceptSurvivesEMFILE: when the process runs out of file
// descriptors, accepting fails with EMFILE; the server must back off and keep
// accepting once descriptors are free again (reliability.md §5, connection
// floods), not stop listening.
func TestReliabilityAcceptSurvivesEMFILE(t *testing.T) {
	s := natstest.RunServerOpts(t, nil)
	addr := natstest.HostPort(s.ClientURL())
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Skipf("getrlimit: %v", err)
	}
	old := lim
	base := relOpenFDs(t)
	// Room for a few connections only: each costs two descriptors here
	// (the test's end and the server's end).
	lim.Cur = uint64(base + 12)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Skipf("setrlimit: %v", err)
	}
	restored := false
	restore := func() {
		if !restored {
			restored = true
			_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old)
		}
	}
	defer restore()

	var held []net.Conn
	defer func() { relCloseAll(held) }()
	for range 30 {
		nc, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			if errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) || relIsTimeout(err) {
				break
			}
			restore()
			t.Fatalf("dial: %v", err)
		}
		held = append(held, nc)
	}
	// Give the accept loop time to hit EMFILE on the connections the kernel
	// queued for it.
	time.Sleep(300 * time.Millisecond)
	restore()
	relCloseAll(held)
	held = nil

	relWaitUntil(t, 5*time.Second, func() bool { return s.NumClients() == 0 }, "clients left: %d", s.NumClients())
	c, err := relRawClient(addr, connectLine(""), 5*time.Second)
	if err != nil {
		t.Fatalf("server stopped accepting after running out of file descriptors: %v", err)
	}
	_ = c.Close()
}

// TestReliabilityClosedRingBounded: connect/disconnect cycles far beyond
// max_closed_clients keep exactly that many closed-connection records, the
// most recent ones (reliability.md test 21).
func TestReliabilityClosedRingBounded(t *testing.T) {
	const ring, cycles = 100, 1000
	o := server.DefaultOptions()
	o.MaxClosedClients = ring
	s := natstest.RunServerOpts(t, o)
	addr := natstest.HostPort(s.ClientURL())
	for i := range cycles {
		nc, err := relRawClient(addr, fmt.Sprintf("CONNECT {\"verbose\":false,\"name\":\"c%d\"}\r\n", i), 5*time.Second)
		if err != nil {
			t.Fatalf("cycle %d: %v", i, err)
		}
		_ = nc.Close()
	}
	last := fmt.Sprintf("c%d", cycles-1)
	relWaitUntil(t, 5*time.Second, func() bool {
		cc := s.ClosedClients()
		return len(cc) == ring && slices.ContainsFunc(cc, func(c server.ClosedClient) bool { return c.Name == last })
	}, "closed ring holds %d entries, want the last %d", len(s.ClosedClients()), ring)
	// Closes are recorded as the server sees them: allow a little
	// reordering at the boundary, nothing older.
	for _, cc := range s.ClosedClients() {
		var i int
		if _, err := fmt.Sscanf(cc.Name, "c%d", &i); err != nil || i < cycles-ring-10 {
			t.Fatalf("closed ring keeps %q, older than the last %d", cc.Name, ring)
		}
	}
}
