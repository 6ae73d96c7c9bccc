package server

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/natsys/natsys/client/sysapi"
	"github.com/natsys/natsys/server/internal/events"
)

// seedConf is docs/examples/sys.conf.
const seedConf = `
accounts: {
  USERS: { users: [ {user: a, password: a} ] },
  SYS:   { users: [ {user: admin, password: changeit} ] },
}
system_account: SYS
`

// newSeedServer returns a server (not started) from the seed config on a
// random 127.0.0.1 port; it is shut down in t.Cleanup.
func newSeedServer(t testing.TB) *Server {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sys.conf")
	if err := os.WriteFile(path, []byte(seedConf), 0o600); err != nil {
		t.Fatal(err)
	}
	o, err := ProcessConfigFile(path)
	if err != nil {
		t.Fatal(err)
	}
	o.Host, o.Port = "127.0.0.1", RandomPort
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	s.Logger().SetOutput(io.Discard)
	t.Cleanup(s.Shutdown)
	return s
}

// rawConn is a minimal protocol connection for these tests.
type rawConn struct {
	nc net.Conn
	r  *bufio.Reader
}

// dialLogin connects, reads INFO, sends CONNECT+PING and waits for PONG.
func dialLogin(t testing.TB, addr, user, pass string) (*rawConn, time.Duration) {
	t.Helper()
	start := time.Now()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c := &rawConn{nc: nc, r: bufio.NewReader(nc)}
	_ = nc.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.r.ReadString('\n'); err != nil {
		t.Fatalf("INFO: %v", err)
	}
	fmt.Fprintf(nc, "CONNECT {\"user\":%q,\"pass\":%q,\"verbose\":false}\r\nPING\r\n", user, pass)
	line, err := c.r.ReadString('\n')
	if err != nil || line != "PONG\r\n" {
		t.Fatalf("login: %q %v", line, err)
	}
	return c, time.Since(start)
}

// TestEventFloodNotBlocking: 1,000 rapid connects (from 8 goroutines) are
// served promptly, and every event is delivered to the system spy or
// counted as dropped — with the default queue nothing is dropped.
func TestEventFloodNotBlocking(t *testing.T) {
	for _, tc := range []struct {
		name  string
		queue int
	}{{"default queue", events.DefaultSendQueueLen}, {"tiny queue", 16}} {
		t.Run(tc.name, func(t *testing.T) { floodRun(t, tc.queue) })
	}
}

func floodRun(t *testing.T, queue int) {
	const clients, workers = 1000, 8
	s := newSeedServer(t)
	s.sys.sendq = events.NewQueue[*sysMsg](queue)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	addr := s.Addr().String()
	spy, _ := dialLogin(t, addr, "admin", "changeit")
	defer spy.nc.Close()
	fmt.Fprintf(spy.nc, "SUB $SYS.ACCOUNT.USERS.> 1\r\nSUB $SYS.SERVER.ACCOUNT.USERS.CONNS 2\r\nPING\r\n")
	var received atomic.Int64
	go countEvents(spy, &received)
	waitQuiet(t, s)
	base := s.EventStats()

	var wg sync.WaitGroup
	var mu sync.Mutex
	var slowest time.Duration
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < clients; i += workers {
				c, took := dialLogin(t, addr, "a", "a")
				_ = c.nc.Close()
				mu.Lock()
				slowest = max(slowest, took)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if slowest > 2*time.Second {
		t.Errorf("a login took %v during the flood", slowest)
	}
	t.Logf("%d connects in %v (slowest %v)", clients, elapsed, slowest)
	deadline := time.Now().Add(10 * time.Second)
	for s.NumClients() > 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	waitQuiet(t, s)
	st := s.EventStats()
	// Per client: CONNS x2 + CONNECT, CONNS x2 + DISCONNECT.
	const perClient = 6
	produced := (st.Sent - base.Sent) + (st.Dropped - base.Dropped)
	if produced != clients*perClient {
		t.Errorf("events produced = %d (sent %d, dropped %d), want %d", produced, st.Sent-base.Sent, st.Dropped-base.Dropped, clients*perClient)
	}
	want := int64(st.Sent - base.Sent)
	deadline = time.Now().Add(10 * time.Second)
	for received.Load() < want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	if got := received.Load(); got != want {
		t.Errorf("spy received %d events, %d were sent", got, want)
	}
	if queue >= events.DefaultSendQueueLen && st.Dropped != 0 {
		t.Errorf("%d events dropped with the default queue", st.Dropped)
	}
	t.Logf("queue %d: sent %d, dropped %d", queue, st.Sent-base.Sent, st.Dropped-base.Dropped)
}

// countEvents counts the MSGs the spy receives into n until the
// connection closes.
func countEvents(c *rawConn, n *atomic.Int64) {
	_ = c.nc.SetDeadline(time.Now().Add(time.Minute))
	for {
		line, err := c.r.ReadString('\n')
		if err != nil {
			return
		}
		if strings.HasPrefix(line, "MSG ") {
			if _, err := c.r.ReadString('\n'); err != nil {
				return
			}
			n.Add(1)
		}
	}
}

// waitQuiet waits until the send queue is empty.
func waitQuiet(t *testing.T, s *Server) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for s.EventStats().Pending > 0 {
		if time.Now().After(deadline) {
			t.Fatal("send queue does not drain")
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
}

// TestSendQueueFullCountsDrops: a full queue refuses and counts.
func TestSendQueueFullCountsDrops(t *testing.T) {
	s := newSeedServer(t)
	s.sys.sendq = events.NewQueue[*sysMsg](4)
	for range 10 {
		s.sys.enqueue(&sysMsg{subj: "x", body: []byte("{}")})
	}
	if st := s.EventStats(); st.Sent != 4 || st.Dropped != 6 || st.Pending != 4 {
		t.Fatalf("stats = %+v", st)
	}
}

// fuzzSubjects are the service subjects FuzzSysReqOptions feeds bodies to.
func fuzzSubjects(id string) []string {
	var out []string
	for _, ep := range append(serverEndpoints, directOnlyEndpoints...) {
		out = append(out, sysapi.ServerDirectSubject(id, ep))
	}
	for _, ep := range accountEndpoints {
		out = append(out, sysapi.AccountSubject("USERS", ep), sysapi.AccountSubject("NOPE", ep))
	}
	return append(out, sysapi.ServerStatsPingReqSubj, "$SYS.REQ.ACCOUNT.PING.STATZ", "$SYS.REQ.USER.USERS.INFO",
		sysapi.AccSubsSubj, sysapi.AccNumSubsReqSubj, "$SYS.REQ.ACCOUNT.USERS.CLAIMS.UPDATE")
}

// FuzzSysReqOptions feeds arbitrary bodies (and Accept-Encoding values) to
// every service's options decoder and handler: the server must neither
// panic nor stop answering.
func FuzzSysReqOptions(f *testing.F) {
	f.Add(uint8(0), []byte(`{"cid":1}`), "")
	f.Add(uint8(3), []byte(`{"sort":"xyz","limit":"x"}`), "snappy")
	f.Add(uint8(7), []byte(`{"subscriptions":true,"test":"foo.*"}`), "gzip")
	f.Add(uint8(20), []byte(`{"accounts":["USERS"],"include_unused":true}`), "br")
	s := newSeedServer(f)
	if err := s.Start(); err != nil {
		f.Fatal(err)
	}
	st := s.sys
	subjects := fuzzSubjects(s.ID())
	f.Fuzz(func(t *testing.T, which uint8, body []byte, enc string) {
		subj := subjects[int(which)%len(subjects)]
		var hdr []byte
		if enc != "" && !strings.ContainsAny(enc, "\r\n") {
			hdr = []byte("NATS/1.0\r\nAccept-Encoding: " + enc + "\r\n\r\n")
		}
		handler := (*sysState).handleService
		switch subj {
		case sysapi.AccSubsSubj:
			handler = (*sysState).handleDebugSubscribers
		case sysapi.AccNumSubsReqSubj:
			handler = (*sysState).handleNumSubs
		case "$SYS.REQ.ACCOUNT.USERS.CLAIMS.UPDATE":
			handler = (*sysState).handleClaimsUpdate
		}
		for _, reply := range []string{"_INBOX.fuzz", ""} {
			handler(st, &sysReq{subj: subj, sub: subj, reply: reply, hdr: hdr, body: body, handler: handler})
		}
		if s.sys.closed.Load() || !serverRunning(s) {
			t.Fatalf("server stopped after %q on %s", body, subj)
		}
	})
}

// serverRunning reports whether the server accepts clients.
func serverRunning(s *Server) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running
}

// readConns reads CONNS events from c until d passes; it returns their
// conns counts.
func readConns(t *testing.T, c *rawConn, d time.Duration) []int {
	t.Helper()
	var out []int
	_ = c.nc.SetReadDeadline(time.Now().Add(d))
	for {
		line, err := c.r.ReadString('\n')
		if err != nil {
			return out
		}
		if !strings.HasPrefix(line, "MSG ") {
			continue
		}
		body, err := c.r.ReadString('\n')
		if err != nil {
			return out
		}
		var ev sysapi.AccountNumConns
		if err := json.Unmarshal([]byte(body), &ev); err != nil {
			t.Fatalf("CONNS: %v: %q", err, body)
		}
		out = append(out, ev.Conns)
	}
}

// TestConnsHeartbeat: while an account has connections its CONNS event is
// repeated every heartbeat period (30 s, shortened here); the last
// disconnect sends one event with zero connections, then nothing.
func TestConnsHeartbeat(t *testing.T) {
	s := newSeedServer(t)
	s.sys.connsHB = 150 * time.Millisecond
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	spy, _ := dialLogin(t, s.Addr().String(), "admin", "changeit")
	defer spy.nc.Close()
	fmt.Fprintf(spy.nc, "SUB $SYS.ACCOUNT.USERS.SERVER.CONNS 1\r\nPING\r\n")
	if line, _ := spy.r.ReadString('\n'); line != "PONG\r\n" {
		t.Fatalf("got %q", line)
	}
	a, _ := dialLogin(t, s.Addr().String(), "a", "a")
	got := readConns(t, spy, 500*time.Millisecond)
	if len(got) < 3 || len(got) > 5 || got[0] != 1 || got[len(got)-1] != 1 {
		t.Fatalf("CONNS while connected = %v, want 1 then heartbeats", got)
	}
	_ = a.nc.Close()
	got = readConns(t, spy, 600*time.Millisecond)
	if len(got) != 1 || got[0] != 0 {
		t.Fatalf("CONNS after the last disconnect = %v, want one zero event", got)
	}
}

// TestReloadAddsImports: an account added by a reload gets its internal
// client and the four automatic imports.
func TestReloadAddsImports(t *testing.T) {
	s := newSeedServer(t)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	path := s.getOpts().ConfigFile
	conf := `
accounts: {
  USERS: { users: [ {user: a, password: a} ] },
  SYS:   { users: [ {user: admin, password: changeit} ] },
  NEW:   { users: [ {user: n, password: n} ] },
}
system_account: SYS
listen: "127.0.0.1:-1"
`
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(); err != nil {
		t.Fatalf("reload: %v\n%s", err, conf)
	}
	a := s.LookupAccount("NEW")
	if a == nil {
		t.Fatal("account NEW missing after reload")
	}
	if n := a.NumSubscriptions(); n != len(accountImports) {
		t.Errorf("NEW has %d subscriptions, want the %d imports", n, len(accountImports))
	}
	snap := s.accountSnapshot(a)
	if len(snap.Imports) != len(accountImports) || snap.Imports[0].Subject != "$SYS.REQ.ACCOUNT.NEW.CONNZ" {
		t.Errorf("imports = %+v", snap.Imports)
	}
	c, _ := dialLogin(t, s.Addr().String(), "n", "n")
	defer c.nc.Close()
	fmt.Fprintf(c.nc, "SUB _INBOX.me 1\r\nPUB $SYS.REQ.USER.INFO _INBOX.me 0\r\n\r\n")
	_ = c.nc.SetReadDeadline(time.Now().Add(3 * time.Second))
	if line, err := c.r.ReadString('\n'); err != nil || !strings.HasPrefix(line, "MSG _INBOX.me 1 ") {
		t.Fatalf("USER.INFO: %q %v", line, err)
	}
	body, _ := c.r.ReadString('\n')
	var ui sysapi.UserInfoResponse
	if err := json.Unmarshal([]byte(body), &ui); err != nil || ui.Data == nil || ui.Data.Account != "NEW" || ui.Data.UserID != "n" {
		t.Errorf("USER.INFO = %s", body)
	}
}
