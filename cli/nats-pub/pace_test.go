package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/natsys/natsys/cli/internal/clitest"
	"github.com/natsys/natsys/cli/internal/exit"
	"github.com/natsys/natsys/cli/internal/record"
)

func TestParseRate(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"1", time.Second, true},
		{"100/s", 10 * time.Millisecond, true},
		{"0.5", 2 * time.Second, true},
		{"60/m", time.Second, true},
		{"2/h", 30 * time.Minute, true},
		{"3/300ms", 100 * time.Millisecond, true},
		{"", 0, false},
		{"-1", 0, false},
		{"x/s", 0, false},
		{"1/-1s", 0, false},
		{"1e12", 0, false},
	} {
		got, err := parseRate(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseRate(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// TestPacerDelays drives the pacer with a fake clock and a fixed random
// source: --sleep plus --jitter between messages, and --rate slots that do
// not burst after a stall.
func TestPacerDelays(t *testing.T) {
	now := time.Unix(1000, 0)
	clock := func() time.Time { return now }
	half := func(n int64) int64 { return n / 2 }

	p := &pacer{sleep: 10 * time.Millisecond, jitter: 4 * time.Millisecond, now: clock, rnd: half}
	step := func() time.Duration {
		d := p.delay()
		now = now.Add(d)
		p.advance()
		return d
	}
	got := []time.Duration{step(), step(), step()}
	if want := []time.Duration{0, 12 * time.Millisecond, 12 * time.Millisecond}; !equalDurations(got, want) {
		t.Errorf("sleep+jitter delays %v, want %v", got, want)
	}

	p = &pacer{interval: 100 * time.Millisecond, now: clock, rnd: half}
	got = []time.Duration{step(), step(), step()}
	now = now.Add(time.Second) // a stall: no catching up afterwards
	got = append(got, step(), step())
	if want := []time.Duration{0, 100 * time.Millisecond, 100 * time.Millisecond, 0, 100 * time.Millisecond}; !equalDurations(got, want) {
		t.Errorf("rate delays %v, want %v", got, want)
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestRateAndJitter(t *testing.T) {
	s := clitest.StartServer(t, "")
	begin := time.Now()
	published(t, s, "r", 6, clitest.Invocation{Args: []string{"--count", "6", "--rate", "20/s", "r", "x"}})
	if d := time.Since(begin); d < 240*time.Millisecond {
		t.Errorf("6 messages at 20/s took %s, want at least 250ms", d)
	}
	begin = time.Now()
	published(t, s, "r", 3, clitest.Invocation{Args: []string{"--count", "3", "--jitter", "1ms", "r", "x"}})
	if d := time.Since(begin); d > 3*time.Second {
		t.Errorf("--jitter 1ms took %s", d)
	}
}

// TestProgress: a progress line appears on stderr only when stderr is a
// terminal, and is cleared before the summary.
func TestProgress(t *testing.T) {
	s := clitest.StartServer(t, "")
	_, res := published(t, s, "p", 30, clitest.Invocation{Args: []string{"--count", "30", "p", "x"}, ErrTTY: true})
	if !strings.Contains(res.Stderr, "\rPublished 30/30 messages (100%)") || !strings.HasSuffix(res.Stderr, "\r\x1b[K"+"Published 30 messages (30 bytes)\n") {
		t.Errorf("terminal stderr %q", res.Stderr)
	}
	_, res = published(t, s, "p", 30, clitest.Invocation{Args: []string{"--count", "30", "p", "x"}})
	if res.Stderr != "Published 30 messages (30 bytes)\n" {
		t.Errorf("piped stderr %q", res.Stderr)
	}
	_, res = published(t, s, "p", 30, clitest.Invocation{Args: []string{"-q", "--count", "30", "p", "x"}, ErrTTY: true})
	if res.Stderr != "" {
		t.Errorf("quiet terminal stderr %q", res.Stderr)
	}
	_, res = published(t, s, "p", 3, clitest.Invocation{Args: []string{"--count", "3", "p", "x"}, ErrTTY: true})
	if strings.Contains(res.Stderr, "\r") {
		t.Errorf("progress for 3 messages: %q", res.Stderr)
	}
}

func TestWaitEmpty(t *testing.T) {
	s := clitest.StartServer(t, "")
	c := clitest.Connect(t, s.URL, "", "")
	// svc.stream answers a, b, then an empty end-of-stream message.
	if _, err := c.Subscribe("svc.stream", "", func(m *record.Message) {
		for _, d := range []string{"a", "b", ""} {
			if d != "" {
				d += ":" + string(m.Data)
			}
			_ = c.Publish(&record.Message{Subject: m.Reply, Data: []byte(d)})
		}
	}); err != nil {
		t.Fatal(err)
	}
	clitest.Publish(t, c) // flush: the subscription is known to the server
	responder(t, s.URL, "svc.noend", nil, "a")
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"stops at the empty reply", []string{"--request", "--wait-empty", "--raw", "svc.stream", "q"}, 0, "a:q\nb:q\n", ""},
		{"no end of stream before timeout", []string{"--request", "--wait-empty", "--raw", "--timeout", "300ms", "svc.noend", "q"}, exit.Incomplete, "a:q\n", "no empty end-of-stream reply"},
		{"no end of stream before idle", []string{"--request", "--wait-empty", "--raw", "--idle", "200ms", "svc.noend", "q"}, exit.Incomplete, "a:q\n", "no empty end-of-stream reply"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, clitest.Invocation{Args: append([]string{"-s", s.URL}, tt.args...), InTTY: true})
			if res.Code != tt.code || res.Stdout != tt.stdout || !strings.Contains(res.Stderr, tt.stderr) {
				t.Errorf("exit %d stdout %q stderr %q", res.Code, res.Stdout, res.Stderr)
			}
		})
	}
}

// TestTrace: --trace logs the protocol operations on stderr, never the
// password, and leaves stdout alone.
func TestTrace(t *testing.T) {
	s := clitest.StartServer(t, clitest.AuthConf)
	admin := clitest.Connect(t, s.URL, "admin", clitest.AdminPassword)
	responderOn(t, admin, "svc.t", nil, "pong")
	res := run(t, clitest.Invocation{Args: []string{"-s", s.URLWithUser("admin", clitest.AdminPassword), "--no-auth-warning", "--trace",
		"-H", "K:v", "--request", "--raw", "svc.t", "hello"}, InTTY: true})
	if res.Code != 0 || res.Stdout != "pong:hello\n" {
		t.Fatalf("exit %d stdout %q stderr %q", res.Code, res.Stdout, res.Stderr)
	}
	for _, want := range []string{
		"--- connecting to " + s.URL + " (user admin with password ****)",
		"--- connected", ">>> SUB _INBOX.", ">>> HPUB svc.t _INBOX.", "     K: v", `     "hello"`, "<<< MSG _INBOX.", `     "pong:hello"`,
	} {
		if !strings.Contains(res.Stderr, want) {
			t.Errorf("trace lacks %q:\n%s", want, res.Stderr)
		}
	}
	if strings.Contains(res.Stderr, clitest.AdminPassword) {
		t.Errorf("trace leaks the password:\n%s", res.Stderr)
	}
	res = run(t, clitest.Invocation{Args: []string{"-s", s.URL, "--user", "admin", "--password", "wrong-S3cret-pw", "--trace", "x", "y"}, InTTY: true})
	if res.Code != exit.NotAuthorized || !strings.Contains(res.Stderr, "--- connect failed: ") || strings.Contains(res.Stderr, "wrong-S3cret-pw") {
		t.Errorf("failed connect trace: exit %d %q", res.Code, res.Stderr)
	}
}

// TestColor: reply output is coloured only when asked or on a terminal
// without NO_COLOR.
func TestColor(t *testing.T) {
	s := clitest.StartServer(t, "")
	responder(t, s.URL, "svc.c", map[string][]string{"H": {"1"}}, "x")
	for _, tt := range []struct {
		name  string
		args  []string
		env   map[string]string
		tty   bool
		color bool
	}{
		{"piped", nil, nil, false, false},
		{"terminal", nil, nil, true, true},
		{"terminal NO_COLOR", nil, map[string]string{"NO_COLOR": "1"}, true, false},
		{"terminal TERM=dumb", nil, map[string]string{"TERM": "dumb"}, true, false},
		{"--color never", []string{"--color", "never"}, nil, true, false},
		{"--color always", []string{"--color", "always"}, nil, false, true},
	} {
		res := run(t, clitest.Invocation{Args: append([]string{"-s", s.URL, "--request", "svc.c", "q"}, tt.args...), Env: tt.env, InTTY: true, OutTTY: tt.tty})
		if res.Code != 0 || bytes.ContainsRune([]byte(res.Stdout), 0x1b) != tt.color {
			t.Errorf("%s: exit %d stdout %q", tt.name, res.Code, res.Stdout)
		}
		if bytes.ContainsRune([]byte(res.Stderr), 0x1b) {
			t.Errorf("%s: ESC on stderr %q", tt.name, res.Stderr)
		}
	}
}
