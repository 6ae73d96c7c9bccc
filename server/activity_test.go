package server

import (
	"bufio"
	"io"
	"net"
	"testing"
	"time"

	"github.com/natsys/natsys/client/sysapi"
	"github.com/natsys/natsys/server/internal/monitor"
)

// actConn is a raw protocol connection for the activity tests.
type actConn struct {
	t  *testing.T
	nc net.Conn
	br *bufio.Reader
}

func dialAct(t *testing.T, s *Server, connect string) *actConn {
	t.Helper()
	nc, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = nc.Close() })
	rc := &actConn{t: t, nc: nc, br: bufio.NewReader(nc)}
	rc.expect("INFO ")
	if connect != "" {
		rc.send(connect)
	}
	return rc
}

func (rc *actConn) send(s string) {
	rc.t.Helper()
	if _, err := io.WriteString(rc.nc, s); err != nil {
		rc.t.Fatal(err)
	}
}

// expect reads one line and checks its prefix.
func (rc *actConn) expect(prefix string) string {
	rc.t.Helper()
	_ = rc.nc.SetReadDeadline(time.Now().Add(3 * time.Second))
	line, err := rc.br.ReadString('\n')
	if err != nil || len(line) < len(prefix) || line[:len(prefix)] != prefix {
		rc.t.Fatalf("read %q (%v), want prefix %q", line, err, prefix)
	}
	return line
}

// sync sends PING and waits for the PONG.
func (rc *actConn) sync() {
	rc.t.Helper()
	rc.send("PING\r\n")
	rc.expect("PONG")
}

// lastActivity returns each open connection's last_activity, by name.
func lastActivity(t *testing.T, s *Server) map[string]time.Time {
	t.Helper()
	cz, err := monitor.Connz(s.mon, &sysapi.ConnzOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]time.Time)
	for _, ci := range cz.Conns {
		out[ci.Name] = ci.LastActivity
	}
	return out
}

// TestLastActivity checks what moves CONNZ last_activity, like the
// reference: CONNECT, PUB, SUB, UNSUB and receiving a message do; PING does
// not. Sorting by "last" follows it.
func TestLastActivity(t *testing.T) {
	o := DefaultOptions()
	o.Host, o.Port = "127.0.0.1", RandomPort
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	s.Logger().SetOutput(io.Discard)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Shutdown)
	dialAct(t, s, "") // a connection that never sends anything
	time.Sleep(20 * time.Millisecond)
	sub := dialAct(t, s, "CONNECT {\"verbose\":false,\"name\":\"sub\"}\r\nSUB foo 1\r\n")
	sub.sync()
	pub := dialAct(t, s, "CONNECT {\"verbose\":false,\"name\":\"pub\"}\r\n")
	pub.sync()

	la := lastActivity(t, s)
	starts := make(map[string]time.Time)
	cz, _ := monitor.Connz(s.mon, &sysapi.ConnzOptions{})
	for _, ci := range cz.Conns {
		starts[ci.Name] = ci.Start
	}
	if !la[""].Equal(starts[""]) {
		t.Errorf("silent connection: last_activity %v, start %v", la[""], starts[""])
	}
	if !la["pub"].After(starts["pub"]) || !la["sub"].After(starts["sub"]) {
		t.Errorf("CONNECT/SUB did not move last_activity: %v", la)
	}

	step := func(what string, do func()) map[string]time.Time {
		t.Helper()
		before := lastActivity(t, s)
		time.Sleep(5 * time.Millisecond)
		do()
		after := lastActivity(t, s)
		t.Logf("%s: %v -> %v", what, before, after)
		return after
	}
	moved := func(before, after map[string]time.Time, name string) bool { return after[name].After(before[name]) }

	before := lastActivity(t, s)
	after := step("PING", func() { pub.sync(); sub.sync() })
	if moved(before, after, "pub") || moved(before, after, "sub") {
		t.Errorf("PING moved last_activity: %v -> %v", before, after)
	}

	before = after
	after = step("PUB", func() {
		pub.send("PUB foo 2\r\nhi\r\n")
		pub.sync()
		sub.expect("MSG foo 1 2")
		sub.expect("hi")
	})
	if !moved(before, after, "pub") || !moved(before, after, "sub") {
		t.Errorf("PUB/delivery did not move last_activity: %v -> %v", before, after)
	}
	if !after[""].Equal(before[""]) {
		t.Errorf("silent connection moved: %v -> %v", before[""], after[""])
	}

	before = after
	after = step("PUB without interest", func() { pub.send("PUB nobody 0\r\n\r\n"); pub.sync() })
	if !moved(before, after, "pub") || moved(before, after, "sub") {
		t.Errorf("PUB without interest: %v -> %v", before, after)
	}

	before = after
	after = step("SUB/UNSUB", func() { sub.send("SUB bar 2\r\nUNSUB 2\r\n"); sub.sync() })
	if moved(before, after, "pub") || !moved(before, after, "sub") {
		t.Errorf("SUB/UNSUB: %v -> %v", before, after)
	}

	cz, err = monitor.Connz(s.mon, &sysapi.ConnzOptions{Sort: sysapi.ByLast})
	if err != nil || len(cz.Conns) != 3 || cz.Conns[0].Name != "sub" || cz.Conns[1].Name != "pub" || cz.Conns[2].Name != "" {
		t.Fatalf("sort=last: %v %v", err, cz)
	}
	if cz.Conns[0].Idle != "0s" {
		t.Errorf("idle of the most recent: %q", cz.Conns[0].Idle)
	}
}

// TestDeliveryZeroAllocActivity checks that recording activity keeps the
// delivery path allocation-free and records the delivery time.
func TestDeliveryZeroAllocActivity(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation measurement")
	}
	r := newDeliveryRig(t, 2)
	subs := make([]*client, 0, 2)
	for _, c := range r.s.clientList() {
		if c != r.pub {
			subs = append(subs, c)
		}
	}
	before := time.Now().UnixNano()
	if allocs := testing.AllocsPerRun(1000, r.publish); allocs != 0 {
		t.Fatalf("%v allocs per publish", allocs)
	}
	for _, c := range append(subs, r.pub) {
		if got := c.last.Load(); got < before {
			t.Errorf("cid %d: last activity %d before the publishes (%d)", c.cid, got, before)
		}
	}
}
