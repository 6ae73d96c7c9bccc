package server_test

import (
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/natsys/natsys/server"
	"github.com/natsys/natsys/server/natstest"
)

// Configurations of the pre-auth tests (the same text runs on the reference).
const (
	relPreauthOpen = ""
	relPreauthUser = "authorization { user: a, password: b, timeout: 1 }\n"
)

// relPreauthCase is one input sent right after the INFO greeting and the exact
// bytes the server answers with before closing (or, when open is set, before
// going quiet while the connection stays up). The expected bytes are those of
// nats-server v2.15.2.
type relPreauthCase struct {
	name string
	conf string
	send string
	want string
	open bool
}

var relPreauthCases = []relPreauthCase{
	// Size fields (CVE-2019-13126): parse errors close silently, no panic.
	{"negative size", relPreauthOpen, "PUB foo -1\r\n", "", false},
	{"plus sign size", relPreauthOpen, "PUB foo +5\r\nhello\r\n", "", false},
	{"hex size", relPreauthOpen, "PUB foo 0x10\r\n", "", false},
	{"size 2^31", relPreauthOpen, "PUB foo 2147483648\r\n", "", false},
	{"size 2^63", relPreauthOpen, "PUB foo 9223372036854775808\r\n", "", false},
	{"20 digit size", relPreauthOpen, "PUB foo 99999999999999999999\r\n", "", false},
	{"size over max_payload", relPreauthOpen, "PUB foo 1048577\r\n", "-ERR 'Maximum Payload Violation'\r\n", false},
	{"leading zeros", relPreauthOpen, "PUB foo 00005\r\nhello\r\nPING\r\n", "+OK\r\nPONG\r\n", true},
	{"hpub header > total", relPreauthOpen, "HPUB foo 10 5\r\n", "", false},
	{"sub without sid", relPreauthOpen, "SUB foo\r\n", "", false},
	{"connect without json", relPreauthOpen, "CONNECT\r\n", "", false},
	{"4097 byte verb", relPreauthOpen, strings.Repeat("A", 4097), "-ERR 'Unknown Protocol Operation'\r\n", false},
	{"5000 byte subject", relPreauthOpen, "PUB " + strings.Repeat("a", 5000) + " 1\r\nx\r\n",
		"-ERR 'maximum control line exceeded'\r\n", false},
	{"8k connect", relPreauthOpen, "CONNECT {\"name\":\"" + strings.Repeat("x", 8000) + "\"}\r\n",
		"-ERR 'maximum control line exceeded'\r\n", false},
	// With auth required, anything before CONNECT is an Authorization
	// Violation, whatever its arguments.
	{"auth: pub before connect", relPreauthUser, "PUB foo 99999999999999999999\r\n", "-ERR 'Authorization Violation'\r\n", false},
	{"auth: oversize pub before connect", relPreauthUser, "PUB foo 1048577\r\n", "-ERR 'Authorization Violation'\r\n", false},
	{"auth: sub before connect", relPreauthUser, "SUB foo 1\r\n", "-ERR 'Authorization Violation'\r\n", false},
	{"auth: ping before connect", relPreauthUser, "PING\r\n", "-ERR 'Authorization Violation'\r\n", false},
	{"auth: hpub before connect", relPreauthUser, "HPUB foo 6 6\r\nNATS/1\r\n", "-ERR 'Authorization Violation'\r\n", false},
	{"auth: 8k connect", relPreauthUser, "CONNECT {\"user\":\"a\",\"pass\":\"" + strings.Repeat("x", 8000) + "\"}\r\n",
		"-ERR 'maximum control line exceeded'\r\n", false},
	{"auth: connect without json", relPreauthUser, "CONNECT\r\n", "", false},
	{"auth: account field", relPreauthUser, "CONNECT {\"user\":\"a\",\"pass\":\"b\",\"account\":\"$SYS\"}\r\nPING\r\n",
		"-ERR 'Authorization Violation'\r\n", false},
	{"auth: new_account field", relPreauthUser, "CONNECT {\"user\":\"a\",\"pass\":\"b\",\"sandbox\":\"$SYS\",\"new_account\":true}\r\nPING\r\n",
		"-ERR 'Authorization Violation'\r\n", false},
	{"auth: duplicate user key", relPreauthUser, "CONNECT {\"user\":\"a\",\"pass\":\"b\",\"user\":\"x\"}\r\nPING\r\n",
		"-ERR 'Authorization Violation'\r\n", false},
	{"auth: second connect with a wrong password", relPreauthUser,
		"CONNECT {\"user\":\"a\",\"pass\":\"b\"}\r\nCONNECT {\"user\":\"a\",\"pass\":\"x\"}\r\nPING\r\n",
		"+OK\r\n-ERR 'Authorization Violation'\r\n", false},
	{"auth: invalid utf-8 password", relPreauthUser, "CONNECT {\"user\":\"a\",\"pass\":\"b\xff\"}\r\nPING\r\n",
		"-ERR 'Authorization Violation'\r\n", false},
}

// relRunPreauth sends c.send after INFO and returns what the server wrote and
// whether it closed the connection within the quiet period.
func relRunPreauth(t *testing.T, url string, pc relPreauthCase) (string, bool) {
	t.Helper()
	c := natstest.Dial(t, url)
	go func() { // the server may close before reading everything
		_ = c.NetConn().SetWriteDeadline(time.Now().Add(3 * time.Second))
		_, _ = c.NetConn().Write([]byte(pc.send))
	}()
	got, err := relReadUntilClose(c.NetConn(), 1500*time.Millisecond)
	return string(got), !relIsTimeout(err)
}

// TestReliabilityPreAuthTranscripts: malformed or oversize input before (and
// around) CONNECT gets the reference's exact answer and close; the server
// stays up. Each case also runs on the reference when it is installed.
func TestReliabilityPreAuthTranscripts(t *testing.T) {
	servers := map[string]string{}
	refs := map[string]string{}
	_, haveRef := natstest.RefServerPath()
	for _, pc := range relPreauthCases {
		if _, ok := servers[pc.conf]; !ok {
			servers[pc.conf] = natstest.RunServer(t, pc.conf).ClientURL()
			if haveRef {
				refs[pc.conf] = natstest.RunReference(t, pc.conf).ClientURL()
			}
		}
	}
	if !haveRef {
		t.Logf("reference nats-server not installed: checking natsys against the recorded transcripts only")
	}
	for _, pc := range relPreauthCases {
		t.Run(pc.name, func(t *testing.T) {
			targets := map[string]string{"natsys": servers[pc.conf]}
			if haveRef {
				targets["reference"] = refs[pc.conf]
			}
			for who, url := range targets {
				got, closed := relRunPreauth(t, url, pc)
				got = infoLine.ReplaceAllString(got, "INFO\r\n")
				if got != pc.want || closed == pc.open {
					t.Errorf("%s: got %q (closed %v), want %q (closed %v)", who, got, closed, pc.want, !pc.open)
				}
				// The server is still up and serving.
				alive := natstest.Dial(t, url)
				alive.Close()
			}
		})
	}
}

// TestReliabilityPreAuthMemoryBounded: many connections each streaming 1 MiB
// of a control line that never ends (a CONNECT on an auth server, a PUB
// subject before CONNECT) are all cut with 'maximum control line exceeded',
// and the server's heap grows by no more than the read buffer and control
// line per connection, never by what was sent (reliability.md test 2).
func TestReliabilityPreAuthMemoryBounded(t *testing.T) {
	n := relScaled(100, 1000)
	relRaiseNoFile(t, uint64(6*n+512))
	authAddr := natstest.HostPort(natstest.RunServer(t, relPreauthUser).ClientURL())
	openAddr := natstest.HostPort(natstest.RunServer(t, relPreauthOpen).ClientURL())
	// On the auth server a connection whose bytes are not read within the
	// 1s auth timeout (thousands at once in the long run) is cut by the
	// timeout instead: just as bounded.
	const authTimeout = "-ERR 'Authentication Timeout'\r\n"
	streams := []struct{ addr, prefix, want, alt string }{
		{authAddr, "CONNECT {\"user\":\"a\",\"pass\":\"", "-ERR 'maximum control line exceeded'\r\n", authTimeout},
		{authAddr, "PUB ", "-ERR 'Authorization Violation'\r\n", authTimeout},
		{openAddr, "PUB ", "-ERR 'maximum control line exceeded'\r\n", ""},
	}
	total := n * len(streams)
	base := relHeapInuse()
	hs := relSampleHeap(5 * time.Millisecond)

	chunk := []byte(strings.Repeat("x", 64*1024))
	var wg sync.WaitGroup
	errs := make(chan string, total)
	for i := range total {
		st := streams[i%len(streams)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			nc, err := net.DialTimeout("tcp", st.addr, 5*time.Second)
			if err != nil {
				errs <- err.Error()
				return
			}
			defer nc.Close()
			go func() {
				_ = nc.SetWriteDeadline(time.Now().Add(10 * time.Second))
				if _, err := nc.Write([]byte(st.prefix)); err != nil {
					return
				}
				for range 16 { // 1 MiB
					if _, err := nc.Write(chunk); err != nil {
						return
					}
				}
			}()
			got, err := relReadUntilClose(nc, 10*time.Second)
			ended := strings.HasSuffix(string(got), st.want) || (st.alt != "" && strings.HasSuffix(string(got), st.alt))
			if relIsTimeout(err) || !ended {
				errs <- st.prefix + ": " + string(got) + " / " + relErrString(err)
			}
		}()
	}
	wg.Wait()
	peak := hs.Stop()
	close(errs)
	for e := range errs {
		t.Fatalf("connection not cut at the control line limit: %q", e)
	}
	// Per connection: a read buffer of at most 64 KiB plus a control line
	// of 4 KiB; 4 MiB of slack for the test's own goroutines.
	bound := uint64(total)*(64+4)*1024 + 4<<20
	growth := uint64(0)
	if peak > base {
		growth = peak - base
	}
	t.Logf("%d connections streamed 1 MiB each: peak heap growth %s (bound %s, unbounded buffering would be %s)",
		total, relMiB(growth), relMiB(bound), relMiB(uint64(total)<<20))
	if growth > bound {
		t.Fatalf("heap grew by %s, bound %s", relMiB(growth), relMiB(bound))
	}
}

// TestReliabilitySlowloris: clients dribbling a valid CONNECT one byte at a
// time are cut by the auth timeout, measured from accept and not from the
// last byte (reliability.md test 13).
func TestReliabilitySlowloris(t *testing.T) {
	n := relScaled(50, 1000)
	relRaiseNoFile(t, uint64(2*n+512))
	o := server.DefaultOptions()
	o.Username, o.Password = "a", "b"
	o.AuthTimeout = 0.5
	s := natstest.RunServerOpts(t, o)
	addr := natstest.HostPort(s.ClientURL())
	connect := "CONNECT {\"user\":\"a\",\"pass\":\"b\"}\r\n" // 33 bytes: 1.65s at 1 byte/50ms

	var wg sync.WaitGroup
	errs := make(chan string, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
			if err != nil {
				errs <- err.Error()
				return
			}
			defer nc.Close()
			go func() {
				for i := 0; i < len(connect); i++ {
					if _, err := nc.Write([]byte{connect[i]}); err != nil {
						return
					}
					time.Sleep(50 * time.Millisecond)
				}
			}()
			got, err := relReadUntilClose(nc, 5*time.Second)
			took := time.Since(start)
			switch {
			case relIsTimeout(err):
				errs <- "not closed: " + string(got)
			case !strings.HasSuffix(string(got), "-ERR 'Authentication Timeout'\r\n"):
				errs <- "got " + string(got)
			case took < 400*time.Millisecond || took > 2500*time.Millisecond:
				errs <- "closed after " + took.String() + ", want ~500ms after accept"
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatalf("slowloris connection: %s", e)
	}
	relWaitUntil(t, 2*time.Second, func() bool { return s.NumClients() == 0 }, "clients left: %d", s.NumClients())
}

// TestReliabilityConnectAccountBinding: nothing in CONNECT moves a user out
// of its account (CVE-2022-24450): an "account" field is refused, unknown
// fields are ignored, and a second CONNECT as another valid user re-binds
// the connection exactly like the reference does, never leaving it subscribed
// in both accounts.
func TestReliabilityConnectAccountBinding(t *testing.T) {
	conf := `accounts {
  A { users = [{user: a, password: pa}] }
  B { users = [{user: b, password: pb}] }
}
`
	type observed struct{ fromA, fromB bool }
	run := func(t *testing.T, url, connect string) observed {
		c := natstest.Dial(t, url)
		c.Send(connect + "SUB x 1\r\nPING\r\n")
		c.Expect("PONG\r\n")
		pubA := natstest.Dial(t, url)
		pubA.Send(`CONNECT {"verbose":false,"user":"a","pass":"pa"}` + "\r\nPUB x 1\r\nA\r\nPING\r\n")
		pubA.Expect("PONG\r\n")
		pubB := natstest.Dial(t, url)
		pubB.Send(`CONNECT {"verbose":false,"user":"b","pass":"pb"}` + "\r\nPUB x 1\r\nB\r\nPING\r\n")
		pubB.Expect("PONG\r\n")
		c.Send("PING\r\n")
		got := c.ReadFor(300 * time.Millisecond)
		return observed{strings.Contains(got, "MSG x 1 1\r\nA\r\n"), strings.Contains(got, "MSG x 1 1\r\nB\r\n")}
	}
	cases := []struct {
		name    string
		connect string
		want    observed
	}{
		{"plain a", `CONNECT {"verbose":false,"user":"a","pass":"pa"}` + "\r\n", observed{true, false}},
		{"unknown sandbox field", `CONNECT {"verbose":false,"user":"a","pass":"pa","sandbox":"B","acc":"B","account_name":"B"}` + "\r\n",
			observed{true, false}},
		{"second connect as b", `CONNECT {"verbose":false,"user":"a","pass":"pa"}` + "\r\n" +
			`CONNECT {"verbose":false,"user":"b","pass":"pb"}` + "\r\n", observed{false, true}},
	}
	ours := natstest.RunServer(t, conf).ClientURL()
	_, haveRef := natstest.RefServerPath()
	ref := ""
	if haveRef {
		ref = natstest.RunReference(t, conf).ClientURL()
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := run(t, ours, tc.connect); got != tc.want {
				t.Errorf("natsys: delivered from A=%v B=%v, want A=%v B=%v", got.fromA, got.fromB, tc.want.fromA, tc.want.fromB)
			}
			if haveRef {
				if got := run(t, ref, tc.connect); got != tc.want {
					t.Errorf("reference: delivered from A=%v B=%v, want A=%v B=%v", got.fromA, got.fromB, tc.want.fromA, tc.want.fromB)
				}
			}
		})
	}
	// An "account" field is refused outright.
	c := natstest.Dial(t, ours)
	c.Send(`CONNECT {"verbose":false,"user":"a","pass":"pa","account":"B"}` + "\r\n")
	c.Expect("-ERR 'Authorization Violation'\r\n")
	c.ExpectClosed()
}
