package wire

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// This file compares the Parser with the reference nats-server: every parseCase is sent over raw
// TCP to a reference server (whole, and one byte per write), and what the client observes (bytes
// received, whether the server closed, the CONNZ close reason) must equal what a minimal server
// built on the Parser would do.

// refCaseSkips are the parseCases where natsys differs from the reference on purpose (doc.go).
var refCaseSkips = map[string]string{
	"client HMSG":  "natsys rejects client HMSG; the reference swallows an empty one",
	"pub no limit": "needs a server without max_payload",
}

// refBytewiseSkips are cases compared only when sent in one write: the reference's own outcome
// depends on how the input is split across reads.
var refBytewiseSkips = map[string]string{
	"pub double CR":              "the reference drops every CR held across reads",
	"pub CR in subject no match": "the reference drops every CR held across reads",
}

const (
	refToken    = "s3cr3t"
	refParallel = 16 // connections at a time; each gets its own account so messages cannot cross
)

// refAccounts returns config with one account and user (u<i>/p) per parallel slot.
func refAccounts() string {
	var b strings.Builder
	b.WriteString("accounts {\n")
	for i := range refParallel {
		fmt.Fprintf(&b, "  A%d: { users: [ {user: u%d, password: p} ] }\n", i, i)
	}
	b.WriteString("}\n")
	// A long auth timeout: byte-by-byte input on a loaded machine must not race it.
	b.WriteString("authorization { timeout: 60 }\n")
	return b.String()
}

// refServerPath finds the reference binary as the Makefile exports it.
func refServerPath() string {
	if p := os.Getenv("NATSYS_REF_SERVER"); p != "" {
		return p
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".cache", "natsys", "ref", "nats-server")
}

type refServer struct{ addr, mon string }

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startRef starts a reference server with the extra config lines and stops it at cleanup.
func startRef(t *testing.T, bin, extra string) refServer {
	t.Helper()
	port, mport := freePort(t), freePort(t)
	conf := filepath.Join(t.TempDir(), "ref.conf")
	body := fmt.Sprintf("listen: 127.0.0.1:%d\nhttp: 127.0.0.1:%d\n%s\n", port, mport, extra)
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-c", conf)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start reference: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	s := refServer{addr: fmt.Sprintf("127.0.0.1:%d", port), mon: fmt.Sprintf("127.0.0.1:%d", mport)}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if r, err := http.Get("http://" + s.mon + "/healthz"); err == nil {
			r.Body.Close()
			return s
		}
		if time.Now().After(deadline) {
			t.Fatal("reference server did not start")
		}
	}
}

// observed is what a client sees.
type observed struct {
	out    string
	closed bool
	reason string
}

// runRef sends the input to the reference (bytewise: one byte per write) and observes the result.
func runRef(s refServer, in []byte, bytewise bool) (observed, error) {
	c, err := net.Dial("tcp", s.addr)
	if err != nil {
		return observed{}, err
	}
	defer c.Close()
	br := bufio.NewReader(c)
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := br.ReadString('\n')
	if err != nil {
		return observed{}, fmt.Errorf("read INFO: %w", err)
	}
	var info struct {
		CID uint64 `json:"client_id"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSuffix(strings.TrimPrefix(line, "INFO "), " \r\n")), &info); err != nil {
		return observed{}, fmt.Errorf("INFO %q: %w", line, err)
	}
	if bytewise {
		for i := range in {
			if _, err := c.Write(in[i : i+1]); err != nil {
				break
			}
			time.Sleep(time.Millisecond)
		}
	} else {
		_, _ = c.Write(in)
	}
	var o observed
	var out []byte
	buf := make([]byte, 4096)
	for {
		_ = c.SetReadDeadline(time.Now().Add(250 * time.Millisecond))
		n, err := br.Read(buf)
		out = append(out, buf[:n]...)
		if err != nil {
			var ne net.Error
			o.closed = !(errors.As(err, &ne) && ne.Timeout())
			break
		}
	}
	// The server's own keepalive PING (first one ~2 s after CONNECT) is not part of what the
	// input provoked; a slow run may catch it.
	o.out = strings.ReplaceAll(string(out), "\r\nPING\r\n", "\r\n")
	o.out = strings.TrimPrefix(o.out, "PING\r\n")
	if o.closed {
		o.reason, err = closeReason(s, info.CID)
	}
	return o, err
}

// closeReason polls CONNZ for the close reason of a connection.
func closeReason(s refServer, cid uint64) (string, error) {
	for range 50 {
		r, err := http.Get(fmt.Sprintf("http://%s/connz?state=closed&cid=%d", s.mon, cid))
		if err != nil {
			return "", err
		}
		var v struct {
			Conns []struct {
				CID    uint64 `json:"cid"`
				Reason string `json:"reason"`
			} `json:"connections"`
		}
		err = json.NewDecoder(r.Body).Decode(&v)
		r.Body.Close()
		if err != nil {
			return "", err
		}
		for _, c := range v.Conns {
			if c.CID == cid {
				return c.Reason, nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return "", fmt.Errorf("cid %d not in closed connections", cid)
}

// Sentinel errors of the minimal server.
var (
	errCloseSilent = errors.New("silent close")
	errCloseParse  = errors.New("client -ERR")
	errCloseAuth   = errors.New("authorization violation")
)

// miniServer is the smallest server on top of the Parser that covers the parseCases: CONNECT
// options (verbose, headers, auth_token), exact-subject delivery to its own subscriptions,
// PING/PONG, client INFO/+OK/-ERR.
type miniServer struct {
	p    *Parser
	out  []byte
	opts struct {
		Verbose   bool   `json:"verbose"`
		Headers   bool   `json:"headers"`
		AuthToken string `json:"auth_token"`
	}
	auth bool
	subs map[string]string // sid -> subject
}

func (m *miniServer) ok() {
	if m.opts.Verbose {
		m.out = append(m.out, OK...)
	}
}

func (m *miniServer) ProcessConnect(arg []byte) error {
	if err := json.Unmarshal(arg, &m.opts); err != nil {
		return errCloseSilent
	}
	if m.auth && m.opts.AuthToken != refToken {
		return errCloseAuth
	}
	m.p.Headers, m.p.RequireConnect = m.opts.Headers, false
	m.ok()
	return nil
}

func (m *miniServer) deliver(subject, reply []byte, hdr int, msg []byte, hpub bool) {
	for sid, s := range m.subs {
		if s != string(subject) {
			continue
		}
		if hpub && hdr > 0 && m.opts.Headers {
			m.out = AppendHMsg(m.out, subject, []byte(sid), reply, hdr, msg)
		} else {
			m.out = AppendMsg(m.out, subject, []byte(sid), reply, msg[hdr:])
		}
	}
}

func (m *miniServer) ProcessPub(subject, reply, payload []byte) error {
	m.ok()
	m.deliver(subject, reply, 0, payload, false)
	return nil
}

func (m *miniServer) ProcessHPub(subject, reply []byte, hdrLen int, msg []byte) error {
	m.ok()
	m.deliver(subject, reply, hdrLen, msg, true)
	return nil
}

func (m *miniServer) ProcessSub(subject, _, sid []byte) error {
	if _, dup := m.subs[string(sid)]; !dup {
		m.subs[string(sid)] = string(subject)
	}
	m.ok()
	return nil
}

func (m *miniServer) ProcessUnsub(sid []byte, _ int) error {
	delete(m.subs, string(sid))
	m.ok()
	return nil
}

func (m *miniServer) ProcessPing() error { m.out = append(m.out, Pong...); return nil }
func (m *miniServer) ProcessPong() error { return nil }
func (m *miniServer) ProcessClientInfo(arg []byte) error {
	if !json.Valid(arg) {
		return errCloseSilent
	}
	return nil
}
func (m *miniServer) ProcessClientOK() error          { return nil }
func (m *miniServer) ProcessClientErr(_ []byte) error { return errCloseParse }

// runMini feeds the input to a miniServer and reports what its client would observe.
func runMini(c cfg, in []byte, auth bool) observed {
	m := &miniServer{p: c.parser(), auth: auth, subs: map[string]string{}}
	m.opts.Verbose = true
	m.p.Headers = false
	err := m.p.Parse(in, m)
	o := observed{}
	var we *Error
	switch {
	case err == nil:
	case errors.As(err, &we):
		if we.Text != "" {
			m.out = AppendErr(m.out, we.Text)
		}
		o.closed, o.reason = we.Close, we.Reason
	case errors.Is(err, errCloseSilent):
		o.closed, o.reason = true, ReasonProtocolViolation
	case errors.Is(err, errCloseParse):
		o.closed, o.reason = true, ReasonParseError
	case errors.Is(err, errCloseAuth):
		m.out = AppendErr(m.out, ErrAuthorizationViolation)
		o.closed, o.reason = true, ReasonAuthenticationFailure
	}
	o.out = string(m.out)
	return o
}

func TestParseMatchesReference(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the reference comparison in -short mode")
	}
	bin := refServerPath()
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("reference nats-server not found at %s (set NATSYS_REF_SERVER or run `make ref`): %v", bin, err)
	}
	plain := startRef(t, bin, refAccounts())
	limited := startRef(t, bin, refAccounts()+"max_payload: 16\nmax_control_line: 64")
	authed := startRef(t, bin, "authorization { token: "+refToken+", timeout: 60 }")

	slots := make(chan int, refParallel)
	for i := range refParallel {
		slots <- i
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	for _, tc := range parseCases {
		if why, skip := refCaseSkips[tc.name]; skip {
			t.Logf("%s: not compared: %s", tc.name, why)
			continue
		}
		srv, c := plain, tc.cfg
		if tc.cfg.mcl != 0 || tc.cfg.mp != 0 {
			srv, c.mcl, c.mp = limited, 64, 16
		}
		if tc.cfg.requireConnect {
			srv = authed
		}
		for _, bytewise := range []bool{false, true} {
			if why, skip := refBytewiseSkips[tc.name]; skip && bytewise {
				t.Logf("%s: not compared byte by byte: %s", tc.name, why)
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				slot := <-slots
				defer func() { slots <- slot }()
				in := tc.in
				if !tc.cfg.requireConnect {
					// The prefix goes to the miniServer too, so options stay in step. It must
					// fit max_control_line 64 (pedantic is left on there).
					opt := `"pedantic":false,`
					if c.mcl != 0 {
						opt = ""
					}
					if tc.cfg.headers {
						opt += `"headers":true,`
					}
					prefix := fmt.Sprintf(`CONNECT {"verbose":false,%s"user":"u%d","pass":"p"}`, opt, slot) + "\r\n"
					if o := runMini(c, []byte(prefix+"PING\r\n"), false); o.out != "PONG\r\n" || o.closed {
						t.Errorf("%s: CONNECT prefix rejected: %+v", tc.name, o)
						return
					}
					in = prefix + in
				}
				want := runMini(c, []byte(in), tc.cfg.requireConnect)
				got, err := runRef(srv, []byte(in), bytewise)
				if err == nil && got == want {
					return
				}
				mu.Lock()
				defer mu.Unlock()
				failures = append(failures, fmt.Sprintf("%s (bytewise %v): input %q\n reference %+v (err %v)\n natsys    %+v",
					tc.name, bytewise, in, got, err, want))
			}()
		}
	}
	wg.Wait()
	for _, f := range failures {
		t.Error(f)
	}
}
