package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/natsys/natsys/cli/internal/clitest"
	"github.com/natsys/natsys/cli/internal/cmdutil"
	"github.com/natsys/natsys/cli/internal/connflags"
	"github.com/natsys/natsys/cli/internal/exit"
	"github.com/natsys/natsys/cli/internal/iostreams"
	"github.com/natsys/natsys/cli/internal/natsconn"
	"github.com/natsys/natsys/cli/internal/record"
)

const prog = "nats-sub"

func run(t *testing.T, inv clitest.Invocation) *clitest.Result {
	t.Helper()
	return clitest.Run(t, prog, newRootCmd, inv)
}

func start(t *testing.T, inv clitest.Invocation) *clitest.Running {
	t.Helper()
	r := clitest.Start(t, prog, newRootCmd, inv)
	r.WaitStderr(t, "Subscribing on")
	return r
}

func adminArgs(t *testing.T, s *clitest.Server, args ...string) []string {
	return append([]string{"-s", s.URL, "--user", "admin", "--password-file", pwFile(t)}, args...)
}

// pwFile writes the admin password to a file.
func pwFile(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(p, []byte(clitest.AdminPassword+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFlags(t *testing.T) {
	tests := []struct {
		args  []string
		check func(*subOptions) bool
		err   string
	}{
		{args: []string{"a", "b.>"}, check: func(o *subOptions) bool { return len(o.subjects) == 2 }},
		{args: []string{"-q", "grp", "--count", "3", "x"}, check: func(o *subOptions) bool { return o.queue == "grp" && o.count == 3 }},
		{args: []string{"--first", "x"}, check: func(o *subOptions) bool { return o.count == 1 }},
		{args: []string{"-r", "-t", "-I", "x.y", "-I", "x.*", "x.>"}, check: func(o *subOptions) bool { return o.raw && o.timestamp && len(o.ignore) == 2 }},
		{args: []string{"--timeout", "2s", "--idle", "1s", "x"}, check: func(o *subOptions) bool { return o.timeout == 2*time.Second && o.idle == time.Second }},
		{args: []string{"-i"}, check: func(o *subOptions) bool { return o.inbox }},
		{args: []string{}, err: "at least one SUBJECT"},
		{args: []string{"a b"}, err: "invalid subject"},
		{args: []string{"a.>.b"}, err: "must be the last token"},
		{args: []string{"--raw", "--json", "x"}, err: "cannot be combined"},
		{args: []string{"--json", "--headers-only", "x"}, err: "default output only"},
		{args: []string{"-t", "-d", "x"}, err: "cannot be combined"},
		{args: []string{"--count", "-1", "x"}, err: "negative"},
		{args: []string{"--first", "--count", "3", "x"}, err: "cannot be combined"},
		{args: []string{"--bogus", "x"}, err: "unknown flag"},
		{args: []string{"--count", "many", "x"}, err: "invalid argument"},
		{args: []string{"-I", "a..b", "x"}, err: "--ignore-subject"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			io, _, _, errb := iostreams.Test()
			f := &cmdutil.Factory{Prog: prog, IO: io, Getenv: func(string) string { return "" }, Now: time.Now, Version: "t"}
			var got *subOptions
			cmd := newSubCmd(f, func(_ context.Context, o *subOptions) error { got = o; return nil })
			code := cmdutil.Run(context.Background(), f, cmd, tt.args)
			if tt.err != "" {
				if code != exit.Usage || !strings.Contains(errb.String(), tt.err) {
					t.Errorf("exit %d, stderr %q; want exit 2 with %q", code, errb.String(), tt.err)
				}
				if strings.Count(errb.String(), "\n") != 1 {
					t.Errorf("usage error is not one line: %q", errb.String())
				}
				return
			}
			if code != 0 || got == nil || !tt.check(got) {
				t.Errorf("exit %d, options %+v, stderr %q", code, got, errb.String())
			}
		})
	}
}

func TestHelpVersionCompletion(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-h"}, "nats-sub [flags] SUBJECT..."},
		{[]string{"--help"}, "--count"},
		{[]string{"--version"}, "nats-sub 0.0.0-test\n"},
		{[]string{"completion", "bash"}, "bash completion"},
		{[]string{"completion", "zsh"}, "#compdef nats-sub"},
		{[]string{"completion", "fish"}, "complete -c nats-sub"},
	} {
		r := run(t, clitest.Invocation{Args: tt.args})
		if r.Code != 0 || !strings.Contains(r.Stdout, tt.want) || r.Stderr != "" {
			t.Errorf("%v: exit %d stdout %.80q stderr %q", tt.args, r.Code, r.Stdout, r.Stderr)
		}
	}
	if r := run(t, clitest.Invocation{Args: []string{"completion", "tcsh"}}); r.Code != exit.Usage {
		t.Errorf("completion tcsh: exit %d", r.Code)
	}
}

// demoMessages are the messages of spec cli.md 1.3's capture.
func demoMessages() []*record.Message {
	return []*record.Message{
		{Subject: "demo.a", Headers: map[string][]string{"X-Trace": {"abc"}}, Data: []byte("hello")},
		{Subject: "demo.b", Reply: "my.reply", Data: []byte("world")},
		{Subject: "demo.c"},
	}
}

func TestOutputModes(t *testing.T) {
	s := clitest.StartServer(t, "")
	pub := clitest.Connect(t, s.URL, "", "")
	tests := []struct {
		name string
		args []string
		want string // exact stdout, or a regexp when it starts with ^
	}{
		{"pretty", nil, "[#1] Received on \"demo.a\"\nX-Trace: abc\n\nhello\n\n\n" +
			"[#2] Received on \"demo.b\" with reply \"my.reply\"\nworld\n\n\n[#3] Received on \"demo.c\"\nnil body\n\n\n"},
		{"raw", []string{"--raw"}, "hello\nworld\n\n"},
		{"headers-only", []string{"--headers-only"}, "[#1] Received on \"demo.a\"\nX-Trace: abc\n\n" +
			"[#2] Received on \"demo.b\" with reply \"my.reply\"\n[#3] Received on \"demo.c\"\n"},
		{"subjects-only", []string{"--subjects-only"}, "[#1] Received on \"demo.a\"\n" +
			"[#2] Received on \"demo.b\" with reply \"my.reply\"\n[#3] Received on \"demo.c\"\n"},
		{"format", []string{"--format", `{{.Seq}}|{{.Subject}}|{{.Reply}}|{{.Header "X-Trace"}}|{{.Data}}|{{.Size}}|{{.Sub}}\n`},
			"1|demo.a||abc|hello|5|demo.>\n2|demo.b|my.reply||world|5|demo.>\n3|demo.c||||0|demo.>\n"},
		{"timestamp", []string{"-t", "--subjects-only"}, `^(\[#\d\] @ \w{3} [ \d]\d \d\d:\d\d:\d\d\.\d{6} Received on "demo\.\w"( with reply "my.reply")?\n){3}$`},
		{"delta", []string{"-d", "--subjects-only"}, `^(\[#\d\] @ [\d.]+[mµn]?s Received on "demo\.\w"( with reply "my.reply")?\n){3}$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := start(t, clitest.Invocation{Args: append([]string{"-s", s.URL, "--count", "3", "demo.>"}, tt.args...)})
			clitest.Publish(t, pub, demoMessages()...)
			res := r.Wait(t)
			if res.Code != 0 {
				t.Fatalf("exit %d: %s", res.Code, res.Stderr)
			}
			if strings.HasPrefix(tt.want, "^") {
				if !regexp.MustCompile(tt.want).MatchString(res.Stdout) {
					t.Errorf("stdout %q does not match %s", res.Stdout, tt.want)
				}
			} else if res.Stdout != tt.want {
				t.Errorf("stdout:\n%q\nwant:\n%q", res.Stdout, tt.want)
			}
			if bytes.ContainsRune([]byte(res.Stdout+res.Stderr), 0x1b) {
				t.Error("ESC byte in piped output")
			}
			if !strings.Contains(res.Stderr, "Subscribing on demo.>") || !strings.Contains(res.Stderr, "Received 3 messages (10 bytes)") {
				t.Errorf("stderr: %q", res.Stderr)
			}
		})
	}
}

func TestJSON(t *testing.T) {
	s := clitest.StartServer(t, "")
	pub := clitest.Connect(t, s.URL, "", "")
	r := start(t, clitest.Invocation{Args: []string{"-s", s.URL, "--count", "4", "--json", "-q", "g", "demo.>"}})
	msgs := append(demoMessages(), &record.Message{Subject: "demo.bin", Data: []byte{0, 0xff, 'x'}})
	clitest.Publish(t, pub, msgs...)
	res := r.Wait(t)
	if res.Code != 0 {
		t.Fatalf("exit %d: %s", res.Code, res.Stderr)
	}
	lines := strings.Split(strings.TrimSuffix(res.Stdout, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("want 4 NDJSON lines: %q", res.Stdout)
	}
	for i, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		for _, k := range []string{"subject", "reply", "size", "received", "seq", "sub", "queue"} {
			if _, ok := m[k]; !ok {
				t.Errorf("line %d lacks %q: %s", i, k, l)
			}
		}
		if m["seq"] != float64(i+1) || m["sub"] != "demo.>" || m["queue"] != "g" {
			t.Errorf("line %d: %s", i, l)
		}
		if _, err := time.Parse(time.RFC3339Nano, m["received"].(string)); err != nil {
			t.Errorf("received: %v", err)
		}
	}
	if !strings.Contains(lines[0], `"headers":{"X-Trace":["abc"]},"data":"hello"`) ||
		!strings.Contains(lines[3], `"data_b64":"AP94","size":3`) || !strings.Contains(lines[2], `"data":"","size":0`) {
		t.Errorf("records: %s", res.Stdout)
	}
	if !strings.Contains(res.Stderr, `{"schema":"natsys.sub.summary/v1","messages":4,"bytes":13,"dropped":0`) {
		t.Errorf("summary: %q", res.Stderr)
	}
}

func TestCompletionConditions(t *testing.T) {
	s := clitest.StartServer(t, "")
	pub := clitest.Connect(t, s.URL, "", "")
	t.Run("count not reached before timeout", func(t *testing.T) {
		begin := time.Now()
		res := run(t, clitest.Invocation{Args: []string{"-s", s.URL, "foo", "--count", "1", "--timeout", "300ms"}})
		if res.Code != exit.Incomplete || res.Stdout != "" || !strings.Contains(res.Stderr, "received 0 of 1 messages before --timeout 300ms") {
			t.Errorf("exit %d stdout %q stderr %q", res.Code, res.Stdout, res.Stderr)
		}
		if d := time.Since(begin); d > 3*time.Second {
			t.Errorf("took %s", d)
		}
	})
	t.Run("count reached", func(t *testing.T) {
		r := start(t, clitest.Invocation{Args: []string{"-s", s.URL, "foo", "--count", "1", "--timeout", "10s"}})
		clitest.Publish(t, pub, &record.Message{Subject: "foo", Data: []byte("only")})
		res := r.Wait(t)
		if res.Code != 0 || res.Stdout != "[#1] Received on \"foo\"\nonly\n\n\n" {
			t.Errorf("exit %d stdout %q", res.Code, res.Stdout)
		}
	})
	t.Run("raw count reached: body only", func(t *testing.T) {
		r := start(t, clitest.Invocation{Args: []string{"-s", s.URL, "foo", "--first", "--raw"}})
		clitest.Publish(t, pub, &record.Message{Subject: "foo", Data: []byte("only")})
		if res := r.Wait(t); res.Code != 0 || res.Stdout != "only\n" {
			t.Errorf("exit %d stdout %q", res.Code, res.Stdout)
		}
	})
	t.Run("timeout without count and no message", func(t *testing.T) {
		res := run(t, clitest.Invocation{Args: []string{"-s", s.URL, "foo", "--timeout", "200ms"}})
		if res.Code != exit.Incomplete || !strings.Contains(res.Stderr, "no message received before --timeout") {
			t.Errorf("exit %d stderr %q", res.Code, res.Stderr)
		}
	})
	t.Run("idle after messages", func(t *testing.T) {
		r := start(t, clitest.Invocation{Args: []string{"-s", s.URL, "foo", "--idle", "300ms", "--raw"}})
		clitest.Publish(t, pub, &record.Message{Subject: "foo", Data: []byte("1")}, &record.Message{Subject: "foo", Data: []byte("2")})
		if res := r.Wait(t); res.Code != 0 || res.Stdout != "1\n2\n" {
			t.Errorf("exit %d stdout %q", res.Code, res.Stdout)
		}
	})
	t.Run("idle count not reached", func(t *testing.T) {
		r := start(t, clitest.Invocation{Args: []string{"-s", s.URL, "foo", "--idle", "300ms", "--count", "5", "--raw"}})
		clitest.Publish(t, pub, &record.Message{Subject: "foo", Data: []byte("1")})
		if res := r.Wait(t); res.Code != exit.Incomplete || res.Stdout != "1\n" || !strings.Contains(res.Stderr, "received 1 of 5 messages within --idle 300ms") {
			t.Errorf("exit %d stdout %q stderr %q", res.Code, res.Stdout, res.Stderr)
		}
	})
	t.Run("ctrl-c open-ended", func(t *testing.T) {
		r := start(t, clitest.Invocation{Args: []string{"-s", s.URL, "foo", "--raw"}})
		clitest.Publish(t, pub, &record.Message{Subject: "foo", Data: []byte("x")})
		waitStdout(t, r, "x\n")
		r.Interrupt()
		if res := r.Wait(t); res.Code != 0 || !strings.Contains(res.Stderr, "Received 1 messages") {
			t.Errorf("exit %d stderr %q", res.Code, res.Stderr)
		}
	})
	t.Run("ctrl-c before count", func(t *testing.T) {
		r := start(t, clitest.Invocation{Args: []string{"-s", s.URL, "foo", "--count", "2"}})
		r.Interrupt()
		if res := r.Wait(t); res.Code != exit.Interrupted {
			t.Errorf("exit %d stderr %q", res.Code, res.Stderr)
		}
	})
	t.Run("quiet", func(t *testing.T) {
		res := run(t, clitest.Invocation{Args: []string{"-s", s.URL, "foo", "--timeout", "100ms", "--quiet"}})
		if res.Code != exit.Incomplete || strings.Count(res.Stderr, "\n") != 1 || !strings.HasPrefix(res.Stderr, "nats-sub: error:") {
			t.Errorf("exit %d stderr %q", res.Code, res.Stderr)
		}
	})
}

func waitStdout(t *testing.T, r *clitest.Running, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(r.Stdout.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("stdout never had %q: %q", want, r.Stdout.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestQueueIgnoreInbox(t *testing.T) {
	s := clitest.StartServer(t, "")
	pub := clitest.Connect(t, s.URL, "", "")
	t.Run("queue group shares messages", func(t *testing.T) {
		a := start(t, clitest.Invocation{Args: []string{"-s", s.URL, "-q", "workers", "jobs", "--raw", "--idle", "500ms"}})
		b := start(t, clitest.Invocation{Args: []string{"-s", s.URL, "--queue", "workers", "jobs", "--raw", "--idle", "500ms"}})
		for i := range 20 {
			clitest.Publish(t, pub, &record.Message{Subject: "jobs", Data: []byte(strconv.Itoa(i))})
		}
		ra, rb := a.Wait(t), b.Wait(t)
		na, nb := strings.Count(ra.Stdout, "\n"), strings.Count(rb.Stdout, "\n")
		if na+nb != 20 {
			t.Errorf("queue members got %d + %d messages, want 20 in total", na, nb)
		}
		if !strings.Contains(ra.Stderr, "(queue workers)") {
			t.Errorf("stderr %q", ra.Stderr)
		}
	})
	t.Run("ignore subjects", func(t *testing.T) {
		r := start(t, clitest.Invocation{Args: []string{"-s", s.URL, "ev.>", "-I", "ev.noise.*", "--count", "2", "--subjects-only"}})
		clitest.Publish(t, pub, &record.Message{Subject: "ev.noise.1"}, &record.Message{Subject: "ev.a"},
			&record.Message{Subject: "ev.noise.2"}, &record.Message{Subject: "ev.b"})
		if res := r.Wait(t); res.Stdout != "[#1] Received on \"ev.a\"\n[#2] Received on \"ev.b\"\n" {
			t.Errorf("stdout %q", res.Stdout)
		}
	})
	t.Run("inbox", func(t *testing.T) {
		r := start(t, clitest.Invocation{Args: []string{"-s", s.URL, "-i", "--count", "1", "--raw", "--inbox-prefix", "_MY"}})
		m := regexp.MustCompile(`Inbox: (_MY\.\S+)`).FindStringSubmatch(r.Stderr.String())
		if m == nil {
			t.Fatalf("no inbox in %q", r.Stderr.String())
		}
		clitest.Publish(t, pub, &record.Message{Subject: m[1], Data: []byte("to inbox")})
		if res := r.Wait(t); res.Code != 0 || res.Stdout != "to inbox\n" {
			t.Errorf("exit %d stdout %q", res.Code, res.Stdout)
		}
	})
}

func TestExitCodesAuth(t *testing.T) {
	s := clitest.StartServer(t, clitest.AuthConf)
	free := clitest.FreePort(t)
	tests := []struct {
		name string
		args []string
		env  map[string]string
		code int
		want string
	}{
		{"cannot connect", []string{"-s", fmt.Sprintf("nats://127.0.0.1:%d", free), "x"}, nil, exit.NoConnection, "cannot connect"},
		{"wrong password", []string{"-s", s.URLWithUser("admin", "wrong-password"), "x"}, nil, exit.NotAuthorized, "not authorised"},
		{"no credentials", []string{"-s", s.URL, "x"}, nil, exit.NotAuthorized, "not authorised"},
		{"subscribe permission violation", []string{"-s", s.URL, "--user", "limited", "--password", clitest.LimitedPassword, "secret.data"}, nil,
			exit.Failed, `Permissions Violation for Subscription to "secret.data"`},
		{"env credentials", []string{"x", "--timeout", "200ms", "--quiet"},
			map[string]string{"NATS_URL": s.URL, "NATS_USER": "admin", "NATS_PASSWORD": clitest.AdminPassword}, exit.Incomplete, "no message"},
		{"password file", append(adminArgs(t, s), "x", "--timeout", "200ms", "--quiet"), nil, exit.Incomplete, "no message"},
		{"missing creds file", []string{"-s", s.URL, "--creds", "/nonexistent/x.creds", "x"}, nil, exit.Usage, "x.creds"},
		{"conflicting auth", []string{"-s", s.URL, "--creds", "a", "--nkey", "b", "x"}, nil, exit.Usage, "conflicting"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, clitest.Invocation{Args: tt.args, Env: tt.env})
			if res.Code != tt.code || !strings.Contains(res.Stderr, tt.want) {
				t.Errorf("exit %d stderr %q; want exit %d with %q", res.Code, res.Stderr, tt.code, tt.want)
			}
			if res.Stdout != "" {
				t.Errorf("stdout %q", res.Stdout)
			}
			if strings.Contains(res.Stderr, clitest.AdminPassword) || strings.Contains(res.Stderr, clitest.LimitedPassword) {
				t.Errorf("password leaked: %q", res.Stderr)
			}
		})
	}
}

func TestContexts(t *testing.T) {
	s := clitest.StartServer(t, clitest.AuthConf)
	pub := clitest.Connect(t, s.URL, "admin", clitest.AdminPassword)
	x := t.TempDir()
	ctxDir := filepath.Join(x, "nats", "context")
	if err := os.MkdirAll(ctxDir, 0o700); err != nil {
		t.Fatal(err)
	}
	ctx := fmt.Sprintf(`{"description":"","url":%q,"user":"admin","password":%q,"token":"","creds":"","nkey":"","cert":"","key":"","ca":"","nsc":"","inbox_prefix":"","tls_first":false}`,
		s.URL, clitest.AdminPassword)
	if err := os.WriteFile(filepath.Join(ctxDir, "lab.json"), []byte(ctx), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"--context", []string{"--context", "lab"}, nil},
		{"NATS_CONTEXT", nil, map[string]string{"NATS_CONTEXT": "lab"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"XDG_CONFIG_HOME": x}
			for k, v := range tt.env {
				env[k] = v
			}
			r := start(t, clitest.Invocation{Args: append(tt.args, "ctx.subj", "--first", "--raw"), Env: env})
			clitest.Publish(t, pub, &record.Message{Subject: "ctx.subj", Data: []byte("via context")})
			if res := r.Wait(t); res.Code != 0 || res.Stdout != "via context\n" {
				t.Errorf("exit %d stdout %q stderr %q", res.Code, res.Stdout, res.Stderr)
			}
		})
	}
	t.Run("flag beats context", func(t *testing.T) {
		res := run(t, clitest.Invocation{Args: []string{"--context", "lab", "--password", "wrong-password", "x"},
			Env: map[string]string{"XDG_CONFIG_HOME": x}})
		if res.Code != exit.NotAuthorized {
			t.Errorf("exit %d stderr %q", res.Code, res.Stderr)
		}
	})
}

// TestNoSecretsInOutput runs every kind of nats-sub invocation with
// credentials and greps all of stdout and stderr for them (cli.md 5.4).
func TestNoSecretsInOutput(t *testing.T) {
	s := clitest.StartServer(t, clitest.AuthConf)
	ts := clitest.StartServer(t, clitest.TokenConf)
	pub := clitest.Connect(t, s.URL, "admin", clitest.AdminPassword)
	free := fmt.Sprintf("127.0.0.1:%d", clitest.FreePort(t))
	secrets := []string{clitest.AdminPassword, clitest.LimitedPassword, clitest.Token, "wrong-S3cret-pw"}
	invs := [][]string{
		{"-s", s.URLWithUser("admin", clitest.AdminPassword), "x", "--timeout", "200ms"},
		{"-s", s.URLWithUser("admin", "wrong-S3cret-pw"), "x"},
		{"-s", "nats://admin:" + clitest.AdminPassword + "@" + free, "x"},
		{"-s", "nats://" + clitest.Token + "@" + free, "x"},
		{"-s", "nats://" + clitest.Token + "@" + strings.TrimPrefix(ts.URL, "nats://"), "x", "--timeout", "200ms", "--json"},
		{"-s", ts.URL, "--token", "wrong-S3cret-pw", "x"},
		{"-s", s.URL, "--user", "limited", "--password", clitest.LimitedPassword, "secret.x"},
		{"-s", "http://admin:" + clitest.AdminPassword + "@" + free, "x"},
		{"-s", "nats://admin:" + clitest.AdminPassword + "@" + free, "a b"},
		{"-s", s.URLWithUser("admin", clitest.AdminPassword), "--count", "1", "-t", "sec.x"},
	}
	for i, args := range invs {
		r := clitest.Start(t, prog, newRootCmd, clitest.Invocation{Args: args})
		if args[len(args)-1] == "sec.x" {
			r.WaitStderr(t, "Subscribing on")
			clitest.Publish(t, pub, &record.Message{Subject: "sec.x", Data: []byte("payload")})
		}
		res := r.Wait(t)
		all := res.Stdout + res.Stderr
		for _, sec := range secrets {
			if strings.Contains(all, sec) {
				t.Errorf("invocation %d (exit %d) leaks %q:\n%s", i, res.Code, sec, all)
			}
		}
		if res.Stderr == "" {
			t.Errorf("invocation %d: empty stderr", i)
		}
	}
}

// fakeConn is a Conn whose subscription reports dropped messages.
type fakeConn struct {
	ev      natsconn.Events
	handler func(*record.Message)
}

type fakeSub struct{ dropped int }

func (s *fakeSub) Unsubscribe() error        { return nil }
func (s *fakeSub) AutoUnsubscribe(int) error { return nil }
func (s *fakeSub) Dropped() int              { return s.dropped }

func (c *fakeConn) Publish(*record.Message) error { return nil }
func (c *fakeConn) Subscribe(subj, q string, h func(*record.Message)) (natsconn.Subscription, error) {
	c.handler = h
	go func() {
		c.ev.AsyncError(fmt.Errorf("client: slow consumer, messages dropped: subject %q", subj))
		c.ev.AsyncError(fmt.Errorf("client: slow consumer, messages dropped: subject %q", subj))
		h(&record.Message{Subject: subj, Data: []byte("kept"), Sub: subj})
	}()
	return &fakeSub{dropped: 7}, nil
}
func (c *fakeConn) NewInbox() string              { return "_INBOX.fake" }
func (c *fakeConn) Flush(context.Context) error   { return nil }
func (c *fakeConn) LastError() error              { return nil }
func (c *fakeConn) Drain(_ context.Context) error { return nil }
func (c *fakeConn) Close()                        {}

func TestDropsReported(t *testing.T) {
	dial := func(_ context.Context, _ *connflags.Settings, ev natsconn.Events) (natsconn.Conn, error) {
		return &fakeConn{ev: ev}, nil
	}
	res := run(t, clitest.Invocation{Args: []string{"x", "--first", "--raw"}, Dial: dial})
	if res.Code != 0 || res.Stdout != "kept\n" {
		t.Fatalf("exit %d stdout %q stderr %q", res.Code, res.Stdout, res.Stderr)
	}
	if !strings.Contains(res.Stderr, "7 dropped by the client (slow consumer)") {
		t.Errorf("summary lacks drops: %q", res.Stderr)
	}
	if n := strings.Count(res.Stderr, "warning: client: slow consumer"); n > 1 {
		t.Errorf("slow consumer warning not rate limited (%d): %q", n, res.Stderr)
	}
}

// TestReconnect: a long-running nats-sub survives a server restart, says so
// on stderr, and keeps receiving.
func TestReconnect(t *testing.T) {
	s := clitest.StartServer(t, "")
	r := start(t, clitest.Invocation{Args: []string{"-s", s.URL, "re", "--count", "2", "--raw"}})
	clitest.Publish(t, clitest.Connect(t, s.URL, "", ""), &record.Message{Subject: "re", Data: []byte("before")})
	waitStdout(t, r, "before\n")
	s.Restart(t)
	r.WaitStderr(t, "Reconnected to nats://127.0.0.1:")
	clitest.Publish(t, clitest.Connect(t, s.URL, "", ""), &record.Message{Subject: "re", Data: []byte("after")})
	res := r.Wait(t)
	if res.Code != 0 || res.Stdout != "before\nafter\n" || !strings.Contains(res.Stderr, "Disconnected: ") {
		t.Errorf("exit %d stdout %q stderr %q", res.Code, res.Stdout, res.Stderr)
	}
}

func TestRespondEcho(t *testing.T) {
	s := clitest.StartServer(t, "")
	c := clitest.Connect(t, s.URL, "", "")
	col := clitest.Collect(t, c, "answers.>")
	for _, tt := range []struct {
		args []string
		want string
		hdr  map[string][]string
	}{
		{[]string{"--respond", "pong"}, "pong", nil},
		{[]string{"--echo"}, "ping", map[string][]string{"H": {"v"}}},
		{[]string{"--respond", ""}, "", nil},
	} {
		r := start(t, clitest.Invocation{Args: append([]string{"-s", s.URL, "svc", "--count", "2", "--raw"}, tt.args...)})
		before := col.Count()
		clitest.Publish(t, c, &record.Message{Subject: "svc", Data: []byte("no reply wanted")},
			&record.Message{Subject: "svc", Reply: "answers.x", Data: []byte("ping"), Headers: map[string][]string{"H": {"v"}}})
		if res := r.Wait(t); res.Code != 0 {
			t.Fatalf("%v: exit %d %s", tt.args, res.Code, res.Stderr)
		}
		got := col.Wait(t, before+1)[before]
		if string(got.Data) != tt.want || (tt.hdr != nil && got.Headers["H"][0] != "v") {
			t.Errorf("%v: reply %+v", tt.args, got)
		}
	}
	if res := run(t, clitest.Invocation{Args: []string{"--respond", "x", "--echo", "svc"}}); res.Code != exit.Usage {
		t.Errorf("--respond --echo: exit %d", res.Code)
	}
}
