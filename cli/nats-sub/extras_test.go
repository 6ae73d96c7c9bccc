package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/natsys/natsys/cli/internal/clitest"
	"github.com/natsys/natsys/cli/internal/exit"
	"github.com/natsys/natsys/cli/internal/record"
)

func TestExtraFlags(t *testing.T) {
	for _, tt := range []struct {
		args []string
		err  string
	}{
		{[]string{"--translate", "cat", "--decode", "hex", "x"}, "cannot be combined"},
		{[]string{"--decode", "rot13", "x"}, "unknown --decode"},
		{[]string{"--translate", "  ", "x"}, "empty command"},
		{[]string{"--translate", "echo {{Nope}}", "x"}, "--translate"},
		{[]string{"--respond", "a", "--respond-exec", "cat", "x"}, "cannot be combined"},
		{[]string{"--report-subjects", "--report-subscriptions", "x"}, "cannot be combined"},
		{[]string{"--report-subjects", "--raw", "x"}, "print a table"},
		{[]string{"--report-subjects", "--match-replies", "x"}, "print a table"},
		{[]string{"--report-top", "-1", "--report-subjects", "x"}, "--report-top"},
		{[]string{"-o", "csv", "x"}, "apply to --report-subjects"},
		{[]string{"--columns", "subject", "x"}, "apply to --report-subjects"},
		{[]string{"-o", "xml", "--report-subjects", "x"}, "unknown output format"},
		{[]string{"--report-subjects", "--columns", "nope", "x"}, "unknown column"},
		{[]string{"--report-subjects", "--json", "-o", "csv", "x"}, "cannot be combined"},
		{[]string{"-o", "json", "--raw", "x"}, "cannot be combined"},
		{[]string{"--color", "pink", "x"}, "--color"},
	} {
		res := run(t, clitest.Invocation{Args: append([]string{"-s", "nats://127.0.0.1:1"}, tt.args...)})
		if res.Code != exit.Usage || !strings.Contains(res.Stderr, tt.err) || strings.Count(res.Stderr, "\n") != 1 {
			t.Errorf("%v: exit %d stderr %q; want exit 2 with %q", tt.args, res.Code, res.Stderr, tt.err)
		}
	}
}

func TestTranslateDecode(t *testing.T) {
	s := clitest.StartServer(t, "")
	pub := clitest.Connect(t, s.URL, "", "")
	tests := []struct {
		name   string
		args   []string
		msg    *record.Message
		stdout string
		stderr string
	}{
		{"translate pretty", []string{"--translate", "tr a-z A-Z"}, &record.Message{Subject: "tr.a", Data: []byte("hello")},
			"[#1] Received on \"tr.a\"\nHELLO\n\n\n", ""},
		{"translate raw with subject", []string{"--raw", "--translate", "printf '%s:' {{Subject}}; cat"}, &record.Message{Subject: "tr.b", Data: []byte("x")},
			"tr.b:x\n", ""},
		{"subject cannot inject commands", []string{"--raw", "--translate", "echo {{Subject}}"}, &record.Message{Subject: "tr.$(echo_pwned)';echo`x`", Data: []byte("x")},
			"tr.$(echo_pwned)';echo`x`\n", ""},
		{"environment", []string{"--raw", "--translate", `printf '%s|%s' "$NATS_SUBJECT" "$NATS_REPLY"`}, &record.Message{Subject: "tr.c", Reply: "r.1", Data: []byte("x")},
			"tr.c|r.1\n", ""},
		{"failing command keeps the body", []string{"--raw", "--translate", "echo oops >&2; exit 3"}, &record.Message{Subject: "tr.d", Data: []byte("orig")},
			"orig\n", "warning: --translate: exit status 3: oops (showing the original body)"},
		{"translate json", []string{"--json", "--translate", "wc -c | tr -d ' \\n'"}, &record.Message{Subject: "tr.e", Data: []byte("12345")},
			`"data":"5","size":1`, ""},
		{"decode hex", []string{"--raw", "--decode", "hex"}, &record.Message{Subject: "tr.f", Data: []byte{0, 0xff, 'A'}},
			"00ff41\n", ""},
		{"decode base64 pretty", []string{"--decode", "base64"}, &record.Message{Subject: "tr.g", Data: []byte{0, 0xff, 'A'}},
			"[#1] Received on \"tr.g\"\nAP9B\n\n\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := start(t, clitest.Invocation{Args: append([]string{"-s", s.URL, "--first", "tr.>"}, tt.args...)})
			clitest.Publish(t, pub, tt.msg)
			res := r.Wait(t)
			if res.Code != 0 || !strings.Contains(res.Stdout, tt.stdout) || !strings.Contains(res.Stderr, tt.stderr) {
				t.Errorf("exit %d\nstdout %q (want %q)\nstderr %q (want %q)", res.Code, res.Stdout, tt.stdout, res.Stderr, tt.stderr)
			}
			if !strings.HasPrefix(tt.stdout, `"`) && res.Stdout != tt.stdout {
				t.Errorf("stdout %q, want exactly %q", res.Stdout, tt.stdout)
			}
		})
	}
}

func TestRespondExec(t *testing.T) {
	s := clitest.StartServer(t, "")
	c := clitest.Connect(t, s.URL, "", "")
	col := clitest.Collect(t, c, "answers.>")
	r := start(t, clitest.Invocation{Args: []string{"-s", s.URL, "svc.>", "--count", "2", "--raw", "--respond-exec",
		`if [ "$NATS_SUBJECT" = svc.fail ]; then exit 1; fi; printf '%s=' {{Subject}}; tr a-z A-Z`}})
	clitest.Publish(t, c, &record.Message{Subject: "svc.fail", Reply: "answers.1", Data: []byte("no")},
		&record.Message{Subject: "svc.up", Reply: "answers.2", Data: []byte("ping")})
	res := r.Wait(t)
	if res.Code != 0 || res.Stdout != "no\nping\n" || !strings.Contains(res.Stderr, "warning: --respond-exec: exit status 1 (no reply sent to answers.1)") {
		t.Fatalf("exit %d stdout %q stderr %q", res.Code, res.Stdout, res.Stderr)
	}
	got := col.Wait(t, 1)
	if got[0].Subject != "answers.2" || string(got[0].Data) != "svc.up=PING" {
		t.Errorf("reply %s %q", got[0].Subject, got[0].Data)
	}
	if col.Count() != 1 {
		t.Errorf("%d replies, want 1 (none for the failed command)", col.Count())
	}
}

func TestMatchReplies(t *testing.T) {
	s := clitest.StartServer(t, "")
	c := clitest.Connect(t, s.URL, "", "")
	for _, tt := range []struct {
		name   string
		prefix string
		args   []string
	}{
		{"pretty", "_INBOX", nil},
		{"json", "_INBOX", []string{"--json"}},
		{"inbox prefix", "_MY", []string{"--inbox-prefix", "_MY"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := start(t, clitest.Invocation{Args: append([]string{"-s", s.URL, "svc.>", "--match-replies", "--count", "2", "--idle", "2s"}, tt.args...)})
			r.WaitStderr(t, "Matching replies on "+tt.prefix+".>")
			inbox := tt.prefix + ".req.1"
			clitest.Publish(t, c,
				&record.Message{Subject: "svc.a", Reply: inbox, Data: []byte("ping")},
				&record.Message{Subject: tt.prefix + ".other", Data: []byte("not a reply to us")},
				&record.Message{Subject: inbox, Data: []byte("pong")},
			)
			waitStdout(t, r, "pong")
			clitest.Publish(t, c, &record.Message{Subject: "svc.b", Data: []byte("no reply")})
			res := r.Wait(t)
			if res.Code != 0 {
				t.Fatalf("exit %d stderr %q", res.Code, res.Stderr)
			}
			if strings.Contains(res.Stdout, "not a reply") {
				t.Errorf("unmatched inbox message printed: %q", res.Stdout)
			}
			if tt.args != nil && tt.args[0] == "--json" {
				lines := strings.Split(strings.TrimSpace(res.Stdout), "\n")
				if len(lines) != 3 {
					t.Fatalf("want 3 records: %q", res.Stdout)
				}
				var rep map[string]any
				if err := json.Unmarshal([]byte(lines[1]), &rep); err != nil {
					t.Fatal(err)
				}
				if rep["matched"] != true || rep["seq"] != float64(1) || rep["subject"] != inbox || rep["latency_ns"] == nil {
					t.Errorf("reply record %s", lines[1])
				}
				if !strings.Contains(res.Stderr, `"replies_matched":1`) {
					t.Errorf("summary %q", res.Stderr)
				}
				return
			}
			want := fmt.Sprintf(`^\[#1\] Received on "svc.a" with reply %q\nping\n\n\n\[#1\] Matched reply on %q after [\d.]+[µnm]?s\npong\n\n\n\[#2\] Received on "svc.b"\nno reply\n\n\n$`,
				inbox, inbox)
			if !regexp.MustCompile(want).MatchString(res.Stdout) {
				t.Errorf("stdout %q\nwant %s", res.Stdout, want)
			}
			if !strings.Contains(res.Stderr, "Received 2 messages") || !strings.Contains(res.Stderr, "1 replies matched (average latency") {
				t.Errorf("summary %q", res.Stderr)
			}
		})
	}
}

// reportMessages are published to rep.> for the report tests.
func reportMessages() []*record.Message {
	var msgs []*record.Message
	for i, subj := range []string{"rep.a", "rep.b", "rep.a", "rep.c.d", "rep.a", "rep.b"} {
		msgs = append(msgs, &record.Message{Subject: subj, Data: bytes.Repeat([]byte("x"), i+1)})
	}
	return msgs
}

func TestReports(t *testing.T) {
	s := clitest.StartServer(t, "")
	pub := clitest.Connect(t, s.URL, "", "")
	tests := []struct {
		name   string
		args   []string
		tty    bool
		stdout string // exact, or a regexp when it starts with ^
	}{
		{"plain", []string{"--report-subjects"}, false,
			"Subject  Message Count  Bytes\nrep.a    3              9 B\nrep.b    2              8 B\nrep.c.d  1              4 B\nTotals   6              21 B\n\n"},
		{"top 2, no headers", []string{"--report-subjects", "--report-top", "2", "--no-headers"}, false,
			"rep.a   3  9 B\nrep.b   2  8 B\nTotals  6  21 B\n\n"},
		{"csv raw numbers", []string{"--report-subjects", "-o", "csv"}, false,
			"Subject,Message Count,Bytes\nrep.a,3,9\nrep.b,2,8\nrep.c.d,1,4\nTotals,6,21\n\n"},
		{"columns", []string{"--report-subjects", "-o", "tsv", "--columns", "messages,subject"}, false,
			"Message Count\tSubject\n3\trep.a\n2\trep.b\n1\trep.c.d\n6\tTotals\n\n"},
		{"json snapshot", []string{"--report-subjects", "--json"}, false,
			`^\{"bytes":21,"messages":6,"rows":\[\{"bytes":9,"messages":3,"subject":"rep.a"\},\{"bytes":8,"messages":2,"subject":"rep.b"\},\{"bytes":4,"messages":1,"subject":"rep.c.d"\}\],"schema":"natsys.sub.subjects/v1","top":10,"totals":\{"bytes":21,"messages":6,"subjects":3\},"ts":"[^"]+"\}\n$`},
		{"subscriptions", []string{"--report-subscriptions", "-o", "csv"}, false,
			"Subscription,Message Count,Bytes\nrep.*,4,11\nrep.c.>,1,4\nTotals,5,15\n\n"},
		{"terminal table", []string{"--report-subjects"}, true,
			`^(\x1b\[2J\x1b\[H)Top 10 Active Subjects Report at [\d-]+ [\d:]+\n┌.*\n│ (\x1b\[1m)?Subject.*Message Count.*Bytes.*│\n(.*\n)*│ rep\.a  .* 3 │ +9 B │\n(.*\n)*│ Totals .* 6 │ +21 B │\n└.*\n$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			subjects := []string{"rep.>"}
			msgs := reportMessages()
			count := "6"
			if strings.Contains(tt.name, "subscriptions") {
				subjects, msgs, count = []string{"rep.*", "rep.c.>"}, msgs[:5], "5"
			}
			args := append(append([]string{"-s", s.URL, "--count", count}, subjects...), tt.args...)
			r := start(t, clitest.Invocation{Args: args, OutTTY: tt.tty})
			clitest.Publish(t, pub, msgs...)
			res := r.Wait(t)
			if res.Code != 0 {
				t.Fatalf("exit %d stderr %q", res.Code, res.Stderr)
			}
			out := res.Stdout
			if strings.HasPrefix(tt.stdout, "^") {
				if strings.Contains(tt.name, "json") {
					out = normaliseJSON(t, out)
				}
				if !regexp.MustCompile(tt.stdout).MatchString(out) {
					t.Errorf("stdout %q\ndoes not match %s", out, tt.stdout)
				}
			} else if out != tt.stdout {
				t.Errorf("stdout\n%q\nwant\n%q", out, tt.stdout)
			}
			if !tt.tty && bytes.ContainsRune([]byte(res.Stdout), 0x1b) {
				t.Error("ESC in piped report")
			}
		})
	}
}

// normaliseJSON re-encodes each NDJSON line with sorted keys and keeps the
// last one (the final snapshot).
func normaliseJSON(t *testing.T, s string) string {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(s), "\n")
	var v map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &v); err != nil {
		t.Fatalf("%v: %q", err, s)
	}
	v["bytes"], v["messages"] = v["totals"].(map[string]any)["bytes"], v["totals"].(map[string]any)["messages"]
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + "\n"
}

func TestSubDryRun(t *testing.T) {
	free := fmt.Sprintf("nats://127.0.0.1:%d", clitest.FreePort(t))
	res := run(t, clitest.Invocation{Args: []string{"-s", free, "--dry-run", "-q", "g", "a.>", "b", "--match-replies", "--inbox-prefix", "_X", "-i"}})
	if res.Code != 0 || res.Stdout != "SUB a.> g\nSUB b g\nSUB _X.<new inbox>\nSUB _X.>\n" || res.Stderr != "" {
		t.Errorf("exit %d stdout %q stderr %q", res.Code, res.Stdout, res.Stderr)
	}
}

func TestSubTraceAndColor(t *testing.T) {
	s := clitest.StartServer(t, clitest.AuthConf)
	pub := clitest.Connect(t, s.URL, "admin", clitest.AdminPassword)
	r := start(t, clitest.Invocation{Args: []string{"-s", s.URLWithUser("admin", clitest.AdminPassword), "--no-auth-warning", "--trace", "--first", "--raw", "tc.x"}})
	clitest.Publish(t, pub, &record.Message{Subject: "tc.x", Reply: "r.1", Data: []byte("traced")})
	res := r.Wait(t)
	for _, want := range []string{"(user admin with password ****)", ">>> SUB tc.x\n", ">>> PING\n", "<<< PONG (", "<<< MSG tc.x r.1 6\n", `     "traced"`} {
		if !strings.Contains(res.Stderr, want) {
			t.Errorf("trace lacks %q:\n%s", want, res.Stderr)
		}
	}
	if res.Code != 0 || res.Stdout != "traced\n" || strings.Contains(res.Stderr, clitest.AdminPassword) {
		t.Errorf("exit %d stdout %q stderr %q", res.Code, res.Stdout, res.Stderr)
	}
	for _, tt := range []struct {
		args  []string
		env   map[string]string
		tty   bool
		color bool
	}{
		{nil, nil, true, true},
		{nil, map[string]string{"NO_COLOR": "1"}, true, false},
		{[]string{"--color", "always"}, nil, false, true},
		{[]string{"--color", "never"}, nil, true, false},
		{nil, nil, false, false},
	} {
		args := append([]string{"-s", s.URL, "--user", "admin", "--password", clitest.AdminPassword, "--no-auth-warning", "--first", "tc.y"}, tt.args...)
		r := clitest.Start(t, prog, newRootCmd, clitest.Invocation{Args: args, Env: tt.env, OutTTY: tt.tty})
		r.WaitStderr(t, "Subscribing on")
		clitest.Publish(t, pub, &record.Message{Subject: "tc.y", Headers: map[string][]string{"K": {"v"}}, Data: []byte("c")})
		res := r.Wait(t)
		if res.Code != 0 || bytes.ContainsRune([]byte(res.Stdout), 0x1b) != tt.color || !strings.Contains(res.Stdout, "Received on \"tc.y\"") {
			t.Errorf("%v env %v tty %v: exit %d stdout %q", tt.args, tt.env, tt.tty, res.Code, res.Stdout)
		}
	}
}

// TestReportSnapshots: in a pipe a snapshot is appended each interval in
// which the counts changed, and the final one is not repeated.
func TestReportSnapshots(t *testing.T) {
	s := clitest.StartServer(t, "")
	pub := clitest.Connect(t, s.URL, "", "")
	r := start(t, clitest.Invocation{Args: []string{"-s", s.URL, "--report-subjects", "--json", "--count", "2", "snap.>"}})
	clitest.Publish(t, pub, &record.Message{Subject: "snap.a", Data: []byte("1")})
	waitStdout(t, r, `"messages":1`)
	clitest.Publish(t, pub, &record.Message{Subject: "snap.b", Data: []byte("22")})
	res := r.Wait(t)
	lines := strings.Split(strings.TrimSpace(res.Stdout), "\n")
	if res.Code != 0 || len(lines) != 2 || !strings.Contains(lines[0], `"totals":{"bytes":1,"messages":1,"subjects":1}`) ||
		!strings.Contains(lines[1], `"totals":{"bytes":3,"messages":2,"subjects":2}`) {
		t.Errorf("exit %d snapshots:\n%s", res.Code, res.Stdout)
	}
}

// TestShellCompletion: cobra's __complete offers live subjects for the
// SUBJECT arguments, saved contexts for --context and fixed flag values.
func TestShellCompletion(t *testing.T) {
	s := clitest.StartServer(t, `
accounts {
  SYS { users [{user: sys, password: "sys-S3cret-pw"}] }
  APP { users [{user: app, password: "app-S3cret-pw"}] }
}
system_account: SYS
`)
	app := clitest.Connect(t, s.URL, "app", "app-S3cret-pw")
	clitest.Collect(t, app, "orders.new")
	clitest.Collect(t, app, "orders.old")
	x := t.TempDir()
	writeContext(t, x, "lab", s.URL)
	writeContext(t, x, "prod", s.URL)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"__complete", "-s", s.URL, "--user", "app", "--password", "app-S3cret-pw", "ord"}, "orders.new\norders.old\n:4\n"},
		{[]string{"__complete", "-s", s.URL, "--user", "sys", "--password", "sys-S3cret-pw", "orders.n"}, "orders.new\n:4\n"},
		{[]string{"__complete", "-s", fmt.Sprintf("nats://127.0.0.1:%d", clitest.FreePort(t)), ""}, ":4\n"},
		{[]string{"__complete", "--context", ""}, "lab\nprod\n:4\n"},
		{[]string{"__complete", "--decode", ""}, "hex\nbase64\n:4\n"},
	} {
		res := run(t, clitest.Invocation{Args: tt.args, Env: map[string]string{"XDG_CONFIG_HOME": x}})
		if res.Code != 0 || res.Stdout != tt.want {
			t.Errorf("%v: exit %d stdout %q, want %q", tt.args[1:], res.Code, res.Stdout, tt.want)
		}
		if strings.Contains(res.Stdout+res.Stderr, "S3cret") {
			t.Errorf("secret in completion output: %q %q", res.Stdout, res.Stderr)
		}
	}
}

func writeContext(t *testing.T, xdg, name, url string) {
	t.Helper()
	dir := filepath.Join(xdg, "nats", "context")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".json"), []byte(fmt.Sprintf(`{"url":%q}`, url)), 0o600); err != nil {
		t.Fatal(err)
	}
}
