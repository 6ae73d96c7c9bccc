package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/natsys/natsys/cli/internal/clitest"
	"github.com/natsys/natsys/cli/internal/cmdutil"
	"github.com/natsys/natsys/cli/internal/exit"
	"github.com/natsys/natsys/cli/internal/iostreams"
	"github.com/natsys/natsys/cli/internal/natsconn"
	"github.com/natsys/natsys/cli/internal/payload"
	"github.com/natsys/natsys/cli/internal/record"
)

const prog = "nats-pub"

func run(t *testing.T, inv clitest.Invocation) *clitest.Result {
	t.Helper()
	return clitest.Run(t, prog, newRootCmd, inv)
}

func TestFlags(t *testing.T) {
	tests := []struct {
		args  []string
		check func(*pubOptions) bool
		err   string
	}{
		{args: []string{"s", "body"}, check: func(o *pubOptions) bool { return o.subject == "s" && *o.body == "body" && o.count == 1 }},
		{args: []string{"s"}, check: func(o *pubOptions) bool { return o.body == nil }},
		{args: []string{"-H", "A:1", "-H", "B=x:y", "--header", "A: 2", "s"}, check: func(o *pubOptions) bool {
			return len(o.hdrs) == 3 && o.hdrs[1].key == "B" && o.hdrs[1].value == "x:y" && o.hdrs[2].value == "2"
		}},
		{args: []string{"--count", "5", "--sleep", "10ms", "--reply", "r.x", "s", "b"}, check: func(o *pubOptions) bool {
			return o.count == 5 && o.sleep == 10*time.Millisecond && o.reply == "r.x" && o.countSet
		}},
		{args: []string{"--stdin-mode", "line", "s"}, check: func(o *pubOptions) bool { return o.stdinMode == payload.Line }},
		{args: []string{"--input", "json"}, check: func(o *pubOptions) bool { return o.input == "json" && o.subject == "" }},
		{args: []string{"--request", "--replies", "0", "--idle", "1s", "--json", "s", "x"}, check: func(o *pubOptions) bool { return o.request && o.replies == 0 }},
		// Subjects and -H values are never templates, with or without --template.
		{args: []string{"--template", "s.{{Count}}", "b"}, check: func(o *pubOptions) bool { return o.subject == "s.{{Count}}" && o.template }},
		{args: []string{"s.{{Nope}}", "{{x"}, check: func(o *pubOptions) bool { return o.subject == "s.{{Nope}}" && *o.body == "{{x" }},
		{args: []string{"-H", "K:{{Nope}}", "s", "{{x"}, check: func(o *pubOptions) bool { return o.hdrs[0].value == "{{Nope}}" }},
		{args: []string{"--template", "-H", "K:{{Nope}}", "s", "b"}, check: func(o *pubOptions) bool { return o.hdrs[0].value == "{{Nope}}" }},
		{args: []string{"--rate", "10/s", "s"}, check: func(o *pubOptions) bool { return o.rateInterval == 100*time.Millisecond }},
		{args: []string{"--rate", "120/m", "s"}, check: func(o *pubOptions) bool { return o.rateInterval == 500*time.Millisecond }},
		{args: []string{"--rate", "4", "--jitter", "5ms", "s"}, check: func(o *pubOptions) bool {
			return o.rateInterval == 250*time.Millisecond && o.jitter == 5*time.Millisecond
		}},
		{args: []string{"--rate", "5/100ms", "s"}, check: func(o *pubOptions) bool { return o.rateInterval == 20*time.Millisecond }},
		{args: []string{"--request", "--wait-empty", "s"}, check: func(o *pubOptions) bool { return o.waitEmpty }},
		{args: []string{"--request", "-o", "json", "s"}, check: func(o *pubOptions) bool { return o.json }},
		{args: []string{"--trace", "s"}, check: func(o *pubOptions) bool { return o.conn.Trace }},
		{args: []string{"--no-templates", "s", "b"}, err: "unknown flag: --no-templates"},
		{args: []string{"--rate", "0", "s"}, err: "invalid --rate"},
		{args: []string{"--rate", "5/fortnight", "s"}, err: "invalid --rate"},
		{args: []string{"--rate", "5", "--sleep", "1s", "s"}, err: "cannot be combined"},
		{args: []string{"--jitter", "-1s", "s"}, err: "negative"},
		{args: []string{"--wait-empty", "s"}, err: "need --request"},
		{args: []string{"--request", "--wait-empty", "--replies", "2", "s"}, err: "cannot be combined"},
		{args: []string{"--request", "-o", "csv", "s"}, err: "unknown -o"},
		{args: []string{"--color", "pink", "s"}, err: "--color"},
		{args: []string{"--template", "s.{{ Count }}", "b"}, err: "contains whitespace"},
		{args: []string{}, err: "SUBJECT is required"},
		{args: []string{"s", "a", "b"}, err: "too many arguments"},
		{args: []string{"bad subject"}, err: "invalid subject"},
		{args: []string{"s.*"}, err: "wildcards"},
		{args: []string{"-H", "novalue", "s"}, err: "invalid header"},
		{args: []string{"-H", "bad key:v", "s"}, err: "invalid header name"},
		{args: []string{"--count", "0", "s"}, err: "at least 1"},
		{args: []string{"--stdin-mode", "newline", "s"}, err: "stdin-mode"},
		{args: []string{"--input", "xml", "s"}, err: "--input"},
		{args: []string{"--raw", "s"}, err: "need --request"},
		{args: []string{"--request", "--reply", "r", "s"}, err: "--reply cannot"},
		{args: []string{"--request", "--raw", "--json", "s"}, err: "cannot be combined"},
		{args: []string{"--template", "s", "{{bad"}, err: ""}, // body templates are checked at run time
		{args: []string{"--nope", "s"}, err: "unknown flag"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			io, _, _, errb := iostreams.Test()
			f := &cmdutil.Factory{Prog: prog, IO: io, Getenv: func(string) string { return "" }, Now: time.Now, Version: "t"}
			var got *pubOptions
			cmd := newPubCmd(f, func(_ context.Context, o *pubOptions) error { got = o; return nil })
			code := cmdutil.Run(context.Background(), f, cmd, tt.args)
			if tt.err != "" {
				if code != exit.Usage || !strings.Contains(errb.String(), tt.err) || strings.Count(errb.String(), "\n") != 1 {
					t.Errorf("exit %d, stderr %q; want exit 2 with %q", code, errb.String(), tt.err)
				}
				return
			}
			if code != 0 || got == nil || (tt.check != nil && !tt.check(got)) {
				t.Errorf("exit %d, options %+v, stderr %q", code, got, errb.String())
			}
		})
	}
}

func TestHelpVersionCompletion(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--version"}, {"completion", "fish"}} {
		r := run(t, clitest.Invocation{Args: args})
		if r.Code != 0 || r.Stdout == "" || r.Stderr != "" {
			t.Errorf("%v: exit %d stdout %.60q stderr %q", args, r.Code, r.Stdout, r.Stderr)
		}
	}
}

// published runs nats-pub and returns the messages a subscriber on subj got.
func published(t *testing.T, s *clitest.Server, subj string, n int, inv clitest.Invocation) ([]*record.Message, *clitest.Result) {
	t.Helper()
	col := clitest.Collect(t, clitest.Connect(t, s.URL, "", ""), subj)
	inv.Args = append([]string{"-s", s.URL}, inv.Args...)
	res := run(t, inv)
	if res.Code != 0 {
		t.Fatalf("exit %d: %s", res.Code, res.Stderr)
	}
	msgs := col.Wait(t, n)
	time.Sleep(50 * time.Millisecond)
	if c := col.Count(); c != n {
		t.Fatalf("got %d messages, want %d", c, n)
	}
	return msgs, res
}

func datas(msgs []*record.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, string(m.Data))
	}
	return out
}

func TestBodySources(t *testing.T) {
	s := clitest.StartServer(t, "")
	dir := t.TempDir()
	file := filepath.Join(dir, "body.bin")
	bin := []byte{0, 1, 2, 0xff, '\n', '{', '{', 'I', 'D', '}', '}'}
	if err := os.WriteFile(file, bin, 0o600); err != nil {
		t.Fatal(err)
	}
	tplFile := filepath.Join(dir, "tpl.txt")
	if err := os.WriteFile(tplFile, []byte("f={{Count}}"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		stdin string
		tty   bool
		want  []string
	}{
		{"stdin exact bytes, no templates (5.4)", []string{"s"}, "a {{ID}}\n", false, []string{"a {{ID}}\n"}},
		{"body argument wins over stdin", []string{"s", "arg"}, "stdin data", false, []string{"arg"}},
		{"terminal stdin is not read", []string{"s"}, "never", true, []string{""}},
		{"dash reads stdin", []string{"s", "-"}, "dash", true, []string{"dash"}},
		{"--stdin reads stdin", []string{"--stdin", "s"}, "flag", true, []string{"flag"}},
		{"@file", []string{"s", "@" + file}, "", true, []string{string(bin)}},
		{"--data-file", []string{"--data-file", file, "s"}, "", true, []string{string(bin)}},
		{"@@ is a literal @", []string{"s", "@@home"}, "", true, []string{"@home"}},
		{"line mode", []string{"--stdin-mode", "line", "s"}, "one\r\ntwo\n\nthree", false, []string{"one", "two", "three"}},
		{"nul mode", []string{"--stdin-mode", "nul", "s"}, "a b\x00c\n\x00", false, []string{"a b", "c\n"}},
		{"count repeats", []string{"--count", "3", "s", "x"}, "", true, []string{"x", "x", "x"}},
		{"count repeats stdin", []string{"--count", "2", "s"}, "in", false, []string{"in", "in"}},
		{"BODY is literal without --template", []string{"--count", "2", "s", "n={{Count}}"}, "", true, []string{"n={{Count}}", "n={{Count}}"}},
		{"broken braces are no error without --template", []string{"s", "n={{Count}} {{bad"}, "", true, []string{"n={{Count}} {{bad"}},
		{"no templates in stdin", []string{"s"}, "{{Count}}", false, []string{"{{Count}}"}},
		{"no templates in stdin lines", []string{"--stdin-mode", "line", "s"}, "a{{Count}}\nb{{ID}}\n", false, []string{"a{{Count}}", "b{{ID}}"}},
		{"no templates in files", []string{"s", "@" + tplFile}, "", true, []string{"f={{Count}}"}},
		{"--template expands BODY per message", []string{"--template", "--count", "2", "s", "n={{Count}}"}, "", true, []string{"n=1", "n=2"}},
		{"--template expands an @@ BODY", []string{"--template", "s", "@@{{Count}}"}, "", true, []string{"@1"}},
		{"--template with a plain BODY", []string{"--template", "s", "plain }} text"}, "", true, []string{"plain }} text"}},
		{"empty body", []string{"s", ""}, "", true, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs, res := published(t, s, "s", len(tt.want), clitest.Invocation{Args: tt.args, Stdin: []byte(tt.stdin), InTTY: tt.tty})
			if got := datas(msgs); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("payloads %q, want %q", got, tt.want)
			}
			if res.Stdout != "" {
				t.Errorf("stdout %q", res.Stdout)
			}
		})
	}
}

func TestSubjectsHeadersReply(t *testing.T) {
	s := clitest.StartServer(t, "")
	// The subject and -H values are sent as given, even with --template
	// (which expands only the BODY argument).
	for _, tt := range []struct {
		name     string
		template bool
		bodies   []string
	}{
		{"without --template", false, []string{"b{{Count}}", "b{{Count}}"}},
		{"with --template", true, []string{"b1", "b2"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"--count", "2", "-H", "K:{{Count}}", "-H", "K=fixed", "-H", "Other:x {{ID}}",
				"--reply", "my.{{Count}}", "t.{{Count}}", "b{{Count}}"}
			if tt.template {
				args = append([]string{"--template"}, args...)
			}
			msgs, res := published(t, s, "t.>", 2, clitest.Invocation{Args: args})
			for i, m := range msgs {
				if m.Subject != "t.{{Count}}" || m.Reply != "my.{{Count}}" || string(m.Data) != tt.bodies[i] ||
					!reflect.DeepEqual(m.Headers, map[string][]string{"K": {"{{Count}}", "fixed"}, "Other": {"x {{ID}}"}}) {
					t.Errorf("message %d: %+v", i, m)
				}
			}
			want := fmt.Sprintf("Published 2 messages (%d bytes)", len(tt.bodies[0])+len(tt.bodies[1]))
			if !strings.Contains(res.Stderr, want) {
				t.Errorf("stderr %q, want %q", res.Stderr, want)
			}
		})
	}
	_, res := published(t, s, "one", 1, clitest.Invocation{Args: []string{"one", "hello"}})
	if res.Stderr != "Published 5 bytes to \"one\"\n" {
		t.Errorf("stderr %q", res.Stderr)
	}
	_, res = published(t, s, "one", 1, clitest.Invocation{Args: []string{"-q", "one", "hello"}})
	if res.Stderr != "" {
		t.Errorf("quiet stderr %q", res.Stderr)
	}
}

func TestSleep(t *testing.T) {
	s := clitest.StartServer(t, "")
	begin := time.Now()
	published(t, s, "s", 3, clitest.Invocation{Args: []string{"--count", "3", "--sleep", "100ms", "s", "x"}})
	if d := time.Since(begin); d < 200*time.Millisecond {
		t.Errorf("3 messages with --sleep 100ms took %s", d)
	}
}

func TestUsageAtRunTime(t *testing.T) {
	s := clitest.StartServer(t, "")
	for _, tt := range []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"--stdin-mode", "line", "--count", "2", "s"}, "a\nb\n", "--count cannot"},
		{[]string{"--template", "s", "bad {{ template"}, "", "body template"},
		{[]string{"--template", "s", "{{Nope}}"}, "", `function "Nope" not defined`},
		{[]string{"--template", "s", "{{Random 5 1}}"}, "", "Random 5 1"},
		{[]string{"s", "@/nonexistent/file"}, "", "reading body"},
		{[]string{"--data-file", "x", "--stdin", "s"}, "", "only once"},
		{[]string{"--input", "json"}, `{"subject":"a b","data":"x"}`, "invalid subject"},
		{[]string{"--input", "json"}, `{"data":"x"}`, `"subject" is missing`},
		{[]string{"--input", "json"}, `not json`, "invalid message record"},
		{[]string{"--input", "json", "s", "body"}, ``, "BODY"},
	} {
		res := run(t, clitest.Invocation{Args: append([]string{"-s", s.URL}, tt.args...), Stdin: []byte(tt.stdin)})
		if res.Code != exit.Usage || !strings.Contains(res.Stderr, tt.want) {
			t.Errorf("%v: exit %d stderr %q, want 2 with %q", tt.args, res.Code, res.Stderr, tt.want)
		}
	}
}

// TestTemplateOnlyBodyArgument: --template without a BODY argument is a
// usage error, whatever the body source, and nothing is published.
func TestTemplateOnlyBodyArgument(t *testing.T) {
	s := clitest.StartServer(t, "")
	file := filepath.Join(t.TempDir(), "tpl.txt")
	if err := os.WriteFile(file, []byte("f={{Count}}"), 0o600); err != nil {
		t.Fatal(err)
	}
	col := clitest.Collect(t, clitest.Connect(t, s.URL, "", ""), "s")
	for _, tt := range []struct {
		args []string
		tty  bool
		want string
	}{
		{[]string{"--template", "s"}, false, "applies only to a BODY argument"},
		{[]string{"--template", "--count", "2", "s"}, false, "applies only to a BODY argument"},
		{[]string{"--template", "--stdin-mode", "line", "s"}, false, "applies only to a BODY argument"},
		{[]string{"--template", "--stdin-mode", "nul", "s"}, false, "applies only to a BODY argument"},
		{[]string{"--template", "s", "-"}, true, "applies only to a BODY argument"},
		{[]string{"--template", "--stdin", "s"}, true, "applies only to a BODY argument"},
		{[]string{"--template", "s", "@" + file}, true, "applies only to a BODY argument"},
		{[]string{"--template", "--data-file", file, "s"}, true, "applies only to a BODY argument"},
		{[]string{"--template", "s"}, true, "applies only to a BODY argument"},
		{[]string{"--template", "--input", "json"}, false, "--template do not apply"},
		{[]string{"--dry-run", "--template", "s"}, false, "applies only to a BODY argument"},
	} {
		res := run(t, clitest.Invocation{Args: append([]string{"-s", s.URL}, tt.args...), Stdin: []byte("in={{Count}}\n"), InTTY: tt.tty})
		if res.Code != exit.Usage || !strings.Contains(res.Stderr, tt.want) || res.Stdout != "" {
			t.Errorf("%v (tty %v): exit %d stdout %q stderr %q, want exit 2 with %q", tt.args, tt.tty, res.Code, res.Stdout, res.Stderr, tt.want)
		}
	}
	time.Sleep(100 * time.Millisecond)
	if n := col.Count(); n != 0 {
		t.Errorf("%d messages published, want 0", n)
	}
}

func TestInputJSON(t *testing.T) {
	s := clitest.StartServer(t, "")
	r := rand.New(rand.NewPCG(7, 11))
	var in []byte
	var want []*record.Message
	for i := range 50 {
		m := &record.Message{Subject: fmt.Sprintf("rt.%d", i), Data: make([]byte, r.IntN(300)),
			Received: time.Now(), Seq: uint64(i + 1), Sub: "rt.>", Queue: "q"}
		for j := range m.Data {
			m.Data[j] = byte(r.IntN(256))
		}
		if i%3 == 0 {
			m.Data = []byte(fmt.Sprintf("text é %d\n", i))
		}
		if i%2 == 0 {
			m.Reply = fmt.Sprintf("reply.%d", i)
		}
		if i%4 == 0 {
			m.Headers = map[string][]string{"X-Bin": {fmt.Sprint(r.Int())}, "Multi": {"a", "b"}}
		}
		want = append(want, m)
		var err error
		if in, err = record.AppendNDJSON(in, m); err != nil {
			t.Fatal(err)
		}
	}
	got, res := published(t, s, "rt.>", len(want), clitest.Invocation{Args: []string{"--input", "json"}, Stdin: in})
	for i := range want {
		if got[i].Subject != want[i].Subject || got[i].Reply != want[i].Reply || !bytes.Equal(got[i].Data, want[i].Data) ||
			!reflect.DeepEqual(got[i].Headers, want[i].Headers) {
			t.Fatalf("message %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	if !strings.Contains(res.Stderr, "Published 50 messages") {
		t.Errorf("stderr %q", res.Stderr)
	}
	// A SUBJECT argument and -H override the records.
	got, _ = published(t, s, "other", 2, clitest.Invocation{Args: []string{"--input", "json", "-H", "Add:1", "other"}, Stdin: in[:bytes.IndexByte(in, '\n')+1+bytes.IndexByte(in[bytes.IndexByte(in, '\n')+1:], '\n')+1]})
	if got[0].Subject != "other" || got[0].Headers["Add"][0] != "1" || !bytes.Equal(got[1].Data, want[1].Data) {
		t.Errorf("override: %+v", got)
	}
}

func TestPermissionsAndConnectErrors(t *testing.T) {
	s := clitest.StartServer(t, clitest.AuthConf)
	limited := []string{"-s", s.URL, "--user", "limited", "--password", clitest.LimitedPassword, "--no-auth-warning"}
	free := fmt.Sprintf("nats://127.0.0.1:%d", clitest.FreePort(t))
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"permission violation exits 1", append(limited, "forbidden.x", "data"), exit.Failed, `Permissions Violation for Publish to "forbidden.x"`},
		{"permission violation in a stream", append(limited, "--count", "3", "forbidden.y", "data"), exit.Failed, `Permissions Violation for Publish to "forbidden.y"`},
		{"allowed publish", append(limited, "allowed.x", "data"), 0, `Published 4 bytes to "allowed.x"`},
		{"request permission violation", append(limited, "--request", "forbidden.z", "q"), exit.Failed, "Permissions Violation"},
		{"cannot connect", []string{"-s", free, "s", "x"}, exit.NoConnection, "cannot connect to " + free},
		{"bad password", []string{"-s", s.URLWithUser("admin", "nope-nope"), "s", "x"}, exit.NotAuthorized, "not authorised"},
		{"token refused", []string{"-s", s.URL, "--token", "nope-nope", "s", "x"}, exit.NotAuthorized, "not authorised"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, clitest.Invocation{Args: tt.args})
			if res.Code != tt.code || !strings.Contains(res.Stderr, tt.want) {
				t.Errorf("exit %d stderr %q; want %d with %q", res.Code, res.Stderr, tt.code, tt.want)
			}
			if tt.code != 0 && strings.Count(res.Stderr, "nats-pub: error:") != 1 {
				t.Errorf("want one error line: %q", res.Stderr)
			}
		})
	}
}

// responder answers requests on subj with each of answers (one reply each).
func responder(t *testing.T, url, subj string, hdr map[string][]string, answers ...string) {
	t.Helper()
	responderOn(t, clitest.Connect(t, url, "", ""), subj, hdr, answers...)
}

// responderOn is responder on an open connection.
func responderOn(t *testing.T, c natsconn.Conn, subj string, hdr map[string][]string, answers ...string) {
	t.Helper()
	if _, err := c.Subscribe(subj, "", func(m *record.Message) {
		for _, a := range answers {
			_ = c.Publish(&record.Message{Subject: m.Reply, Data: []byte(a + ":" + string(m.Data)), Headers: hdr})
		}
	}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestRequest(t *testing.T) {
	s := clitest.StartServer(t, "")
	responder(t, s.URL, "svc.one", nil, "pong")
	responder(t, s.URL, "svc.many", nil, "a", "b", "c")
	responder(t, s.URL, "svc.err", map[string][]string{"Nats-Service-Error": {"500 boom"}}, "bad")
	silent := clitest.Connect(t, s.URL, "", "")
	clitest.Collect(t, silent, "svc.silent")
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // regexp
		stderr string
	}{
		{"no responders (5.4)", []string{"--request", "svc.none", "x"}, exit.Incomplete, `^$`, `no responders on "svc.none"`},
		{"one reply", []string{"--request", "svc.one", "hi"}, 0, `^\[#1\] Received on "_INBOX\.\S+"\npong:hi\n\n\n$`, "Received reply in"},
		{"raw", []string{"--request", "--raw", "svc.one", "hi"}, 0, `^pong:hi\n$`, ""},
		{"json", []string{"--request", "--json", "svc.one", "hi"}, 0, `^\{"subject":"_INBOX\.[^"]+","reply":"","data":"pong:hi","size":7,"received":"[^"]+","seq":1,"sub":"_INBOX\.[^"]+\.\*"\}\n$`, ""},
		{"format", []string{"--request", "--format", "{{.Data}}|", "--count", "2", "svc.one", "x"}, 0, `^pong:x\|pong:x\|$`, ""},
		{"replies 3", []string{"--request", "--replies", "3", "--raw", "svc.many", "q"}, 0, `^a:q\nb:q\nc:q\n$`, ""},
		{"replies 0 until idle", []string{"--request", "--replies", "0", "--idle", "200ms", "--raw", "svc.many", "q"}, 0, `^a:q\nb:q\nc:q\n$`, ""},
		{"fewer replies than asked", []string{"--request", "--replies", "5", "--timeout", "300ms", "--raw", "svc.many", "q"}, exit.Incomplete, `^a:q\nb:q\nc:q\n$`, "received 3 of 5 replies"},
		{"no reply before timeout", []string{"--request", "--timeout", "200ms", "svc.silent", "q"}, exit.Incomplete, `^$`, `no reply on "svc.silent" within 200ms`},
		{"fail on header", []string{"--request", "--raw", "--fail-on-header", "Nats-Service-Error", "svc.err", "q"}, exit.Failed, `^bad:q\n$`, "500 boom"},
		{"service error header ignored without the flag", []string{"--request", "--raw", "svc.err", "q"}, 0, `^bad:q\n$`, ""},
		{"stdin requests line by line", []string{"--request", "--raw", "--stdin-mode", "line", "svc.one"}, 0, `^pong:l1\npong:l2\n$`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdin := ""
			if strings.Contains(tt.name, "stdin") {
				stdin = "l1\nl2\n"
			}
			res := run(t, clitest.Invocation{Args: append([]string{"-s", s.URL}, tt.args...), Stdin: []byte(stdin), InTTY: stdin == ""})
			if res.Code != tt.code || !regexpMatch(tt.stdout, res.Stdout) || !strings.Contains(res.Stderr, tt.stderr) {
				t.Errorf("exit %d\nstdout %q (want %s)\nstderr %q (want %q)", res.Code, res.Stdout, tt.stdout, res.Stderr, tt.stderr)
			}
		})
	}
}

func TestNoSecretsInOutput(t *testing.T) {
	s := clitest.StartServer(t, clitest.AuthConf)
	ts := clitest.StartServer(t, clitest.TokenConf)
	responderOn(t, clitest.ConnectToken(t, ts.URL, clitest.Token), "svc", nil, "ok")
	free := fmt.Sprintf("127.0.0.1:%d", clitest.FreePort(t))
	secrets := []string{clitest.AdminPassword, clitest.LimitedPassword, clitest.Token, "wrong-S3cret-pw"}
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte(clitest.AdminPassword), 0o600); err != nil {
		t.Fatal(err)
	}
	invs := [][]string{
		{"-s", s.URLWithUser("admin", clitest.AdminPassword), "s", "x"},
		{"-s", s.URLWithUser("admin", "wrong-S3cret-pw"), "s", "x"},
		{"-s", "nats://admin:" + clitest.AdminPassword + "@" + free, "s", "x"},
		{"-s", "nats://" + clitest.Token + "@" + free, "s", "x"},
		{"-s", "nats://" + clitest.Token + "@" + strings.TrimPrefix(ts.URL, "nats://"), "--request", "--json", "svc", "x"},
		{"-s", "nats://" + clitest.Token + "@" + strings.TrimPrefix(ts.URL, "nats://"), "--request", "none", "x"},
		{"-s", ts.URL, "--token", "wrong-S3cret-pw", "s", "x"},
		{"-s", s.URL, "--user", "limited", "--password", clitest.LimitedPassword, "forbidden.x", "x"},
		{"-s", s.URL, "--user", "admin", "--password-file", pw, "--count", "3", "s", "x"},
		{"-s", "tcp://admin:" + clitest.AdminPassword + "@" + free, "s", "x"},
		{"-s", "nats://admin:" + clitest.AdminPassword + "@" + free, "bad subject"},
	}
	for i, args := range invs {
		res := run(t, clitest.Invocation{Args: args, InTTY: true})
		all := res.Stdout + res.Stderr
		for _, sec := range secrets {
			if strings.Contains(all, sec) {
				t.Errorf("invocation %d (exit %d) leaks %q:\n%s", i, res.Code, sec, all)
			}
		}
		if res.Stderr == "" {
			t.Errorf("invocation %d: empty stderr", i)
		}
		if bytes.ContainsRune([]byte(all), 0x1b) {
			t.Errorf("invocation %d: ESC in output", i)
		}
	}
}

func regexpMatch(re, s string) bool {
	return regexp.MustCompile(re).MatchString(s)
}

func TestDryRun(t *testing.T) {
	// No server: --dry-run never connects.
	res := run(t, clitest.Invocation{Args: []string{"-s", "nats://127.0.0.1:1", "--dry-run", "--template", "--count", "2", "-H", "K:v{{Count}}", "--reply", "r", "s", "b{{Count}}"}})
	want := `{"subject":"s","reply":"r","headers":{"K":["v{{Count}}"]},"data":"b1","size":2}` + "\n" +
		`{"subject":"s","reply":"r","headers":{"K":["v{{Count}}"]},"data":"b2","size":2}` + "\n"
	if res.Code != 0 || res.Stdout != want {
		t.Errorf("exit %d stdout %q stderr %q", res.Code, res.Stdout, res.Stderr)
	}
	res = run(t, clitest.Invocation{Args: []string{"--dry-run", "s.{{ID}}", "b{{Count}}"}})
	if res.Code != 0 || res.Stdout != `{"subject":"s.{{ID}}","reply":"","data":"b{{Count}}","size":10}`+"\n" {
		t.Errorf("no --template: exit %d stdout %q stderr %q", res.Code, res.Stdout, res.Stderr)
	}
	res = run(t, clitest.Invocation{Args: []string{"--dry-run", "--stdin-mode", "line", "s"}, Stdin: []byte("a\n\xff\n")})
	if res.Stdout != `{"subject":"s","reply":"","data":"a","size":1}`+"\n"+`{"subject":"s","reply":"","data_b64":"/w==","size":1}`+"\n" {
		t.Errorf("stdout %q", res.Stdout)
	}
}
