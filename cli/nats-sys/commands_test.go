package main

import (
	"strings"
	"testing"
	"time"

	"github.com/natsys/natsys/cli/internal/clitest"
)

// TestVerbs runs every read verb against one server and checks the table.
func TestVerbs(t *testing.T) {
	s := startSys(t, "n1", "")
	connectApp(t, s, "orders-worker", "orders.>")
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"varz"}, []string{"Server", "Version", "n1", "2.15.2"}},
		{[]string{"connz"}, []string{"orders-worker", "USERS", "127.0.0.1:"}},
		{[]string{"connz", "--subscriptions", "--account", "USERS"}, []string{"orders.>"}},
		{[]string{"connz", "--state", "all", "--sort", "cid"}, []string{"Reason", "orders-worker"}},
		{[]string{"subsz"}, []string{"Subs", "Hit Rate", "n1"}},
		{[]string{"subsz", "--subscriptions", "--account", "USERS"}, []string{"orders.>", "USERS"}},
		{[]string{"subsz", "--filter-subject", "orders.new"}, []string{"orders.>"}},
		{[]string{"jsz"}, []string{"JetStream is not enabled on n1"}},
		{[]string{"accountz"}, []string{"USERS", "SYS", "yes"}},
		{[]string{"accountz", "--account", "USERS"}, []string{"Local Subject", "$SYS.REQ.ACCOUNT.USERS.CONNZ"}},
		{[]string{"routez"}, []string{"Remote", "Address"}},
		{[]string{"gatewayz"}, []string{"Gateway", "Direction"}},
		{[]string{"leafz"}, []string{"Name", "Account"}},
		{[]string{"healthz"}, []string{"n1", "ok", "200"}},
		{[]string{"statsz"}, []string{"n1", "Conns", "Recv Msgs"}},
		{[]string{"account", "info", "USERS"}, []string{"USERS", "$SYS.REQ.USER.INFO", "Local Subject"}},
		{[]string{"account", "connz", "USERS"}, []string{"orders-worker"}},
		{[]string{"account", "subsz", "USERS"}, []string{"orders.>"}},
		{[]string{"account", "jsz", "USERS"}, []string{"JetStream is not enabled on n1"}},
		{[]string{"list"}, []string{"Name", "n1", "2.15.2", "127.0.0.1", "Node Count"}},
		{[]string{"ping"}, []string{"n1", "rtt=", "1 reply"}},
		{[]string{"ping", "--id", "--graph"}, []string{"histogram", "n1"}},
		{[]string{"info", "n1"}, []string{"Process Details", "Version: 2.15.2", "Statistics", "Auth Required: yes"}},
		{[]string{"info"}, []string{"Process Details"}},
		{[]string{"report", "connections"}, []string{"orders-worker", "USERS", "Connections"}},
		{[]string{"report", "accounts"}, []string{"USERS", "Connections"}},
		{[]string{"report", "accounts", "USERS"}, []string{"USERS"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := run(t, sysArgs(s, tt.args...)...)
			expect(t, r, 0, tt.want)
			if r.Stderr != "" {
				t.Errorf("unexpected stderr: %s", r.Stderr)
			}
			if boxOrEscape(r.Stdout) {
				t.Errorf("piped output has box drawing or escapes:\n%s", r.Stdout)
			}
		})
	}
}

// TestInfoByID asks for a server by its ID.
func TestInfoByID(t *testing.T) {
	s := startSys(t, "n1", "")
	docs := ndjson(t, run(t, sysArgs(s, "varz", "--json")...).Stdout)
	id := docs[0]["server"].(map[string]any)["id"].(string)
	r := run(t, sysArgs(s, "info", id)...)
	expect(t, r, 0, []string{"Server information for n1"[:0], "Version: 2.15.2"})
	r = run(t, sysArgs(s, "info", "n1", "--json")...)
	expect(t, r, 0, []string{`"server_name":"n1"`})
}

// TestOwnConnection hides nats-sys's connection unless --include-self.
func TestOwnConnection(t *testing.T) {
	s := startSys(t, "n1", "")
	r := run(t, sysArgs(s, "connz", "--account", "SYS")...)
	expect(t, r, 0, nil)
	if strings.Contains(r.Stdout, "nats-sys/") {
		t.Errorf("own connection listed:\n%s", r.Stdout)
	}
	r = run(t, sysArgs(s, "connz", "--account", "SYS", "--include-self")...)
	expect(t, r, 0, []string{"nats-sys/"})
	r = run(t, sysArgs(s, "report", "connections", "--json")...)
	if strings.Contains(r.Stdout, "nats-sys/") {
		t.Errorf("own connection in the report:\n%s", r.Stdout)
	}
}

// TestCluster checks merged tables and per-server counts across 2 servers.
func TestCluster(t *testing.T) {
	ss := startCluster(t, 2)
	connectApp(t, ss[0], "w1", "a.>")
	connectApp(t, ss[1], "w2", "b.>")
	r := run(t, sysArgs(ss[0], "connz", "--account", "USERS")...)
	expect(t, r, 0, []string{"w1", "w2"})
	lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "n1") || !strings.HasPrefix(lines[2], "n2") {
		t.Errorf("want n1 then n2 rows:\n%s", r.Stdout)
	}
	r = run(t, sysArgs(ss[0], "report", "connections", "--account", "USERS")...)
	expect(t, r, 0, []string{"w1", "w2", "Connections"})
	r = run(t, sysArgs(ss[0], "list", "-o", "csv")...)
	expect(t, r, 0, []string{"Name,Cluster,Host", "n1,lab,127.0.0.1", "n2,lab,127.0.0.1"})
	r = run(t, sysArgs(ss[0], "routez")...)
	expect(t, r, 0, []string{"n1", "n2", "SYS"})
	// --servers with one unknown name: partial output, named, exit 3.
	r = run(t, sysArgs(ss[0], "varz", "--servers", "n1,n3")...)
	expect(t, r, 3, []string{"n1"}, "1/2 servers replied; missing: n3")
	r = run(t, sysArgs(ss[0], "account", "info", "USERS", "--servers", "n2,n9")...)
	expect(t, r, 3, []string{"n2"}, "missing: n9")
	if strings.Contains(r.Stdout, "n1 ") {
		t.Errorf("--servers n2,n9 still shows n1:\n%s", r.Stdout)
	}
	// --expect with one server missing.
	start := time.Now()
	r = run(t, sysArgs(ss[0], "ping", "--expect", "3", "--timeout", "1s")...)
	expect(t, r, 3, []string{"n1", "n2", "2 replies"}, "2/3 servers replied; 1 missing")
	if el := time.Since(start); el > 3*time.Second {
		t.Errorf("ping --expect 3 took %s with --timeout 1s", el)
	}
	// filters: only n2 answers.
	r = run(t, sysArgs(ss[0], "varz", "--name", "n2")...)
	expect(t, r, 0, []string{"n2"})
	if strings.Contains(r.Stdout, "n1 ") {
		t.Errorf("--name n2 shows n1:\n%s", r.Stdout)
	}
}

// TestExitCodes covers every documented exit code.
func TestExitCodes(t *testing.T) {
	s := startSys(t, "n1", "")
	down := clitest.FreePort(t)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"ok", sysArgs(s, "varz"), 0, ""},
		{"usage: unknown flag", sysArgs(s, "varz", "--bogus"), 2, "unknown flag"},
		{"usage: bad sort", sysArgs(s, "connz", "--sort", "nope"), 2, "--sort"},
		{"usage: bad state", sysArgs(s, "connz", "--state", "half"), 2, "--state"},
		{"usage: bad output", sysArgs(s, "varz", "-o", "xml"), 2, "xml"},
		{"usage: unknown column", sysArgs(s, "varz", "--columns", "nope"), 2, "unknown column"},
		{"usage: expect and servers", sysArgs(s, "varz", "--expect", "2", "--servers", "n1"), 2, "cannot be combined"},
		{"usage: extra argument", sysArgs(s, "varz", "x"), 2, ""},
		{"usage: account name", sysArgs(s, "account", "info", "a.b"), 2, "invalid account"},
		{"incomplete: expect", sysArgs(s, "varz", "--expect", "2", "--timeout", "1s"), 3, "1/2 servers replied; 1 missing"},
		{"incomplete: unknown server", sysArgs(s, "info", "nosuch", "--timeout", "1s"), 3, "server not found: nosuch"},
		{"incomplete: filter matches nothing", sysArgs(s, "varz", "--cluster", "nowhere", "--timeout", "1s"), 3, "no server replied"},
		{"failed: error reply", sysArgs(s, "account", "info", "NOPE"), 1, "Account NOPE does not exist"},
		{"not authorised: non-system user", appArgs(s, "varz"), 5, `user "a" is not in the system account`},
		{"not authorised: list", appArgs(s, "list"), 5, "not in the system account"},
		{"not authorised: bad password", []string{"-s", s.URL, "--user", "admin", "--password", "wrong", "--no-auth-warning", "varz"}, 5, "not authorised"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, tt.args...)
			expect(t, r, tt.code, nil, tt.stderr)
			noSecrets(t, r, sysPass)
		})
	}
	t.Run("cannot connect within the timeout", func(t *testing.T) {
		start := time.Now()
		r := run(t, "-s", "nats://127.0.0.1:"+itoa(down), "--timeout", "1s", "varz")
		expect(t, r, 4, nil, "cannot connect")
		if el := time.Since(start); el > 2*time.Second {
			t.Errorf("took %s with --timeout 1s", el)
		}
	})
}

// TestNoPasswordInOutput runs commands with the password in the URL.
func TestNoPasswordInOutput(t *testing.T) {
	s := startSys(t, "n1", "")
	url := s.URLWithUser(sysUser, sysPass)
	for _, args := range [][]string{
		{"info"}, {"varz", "--json"}, {"connz", "--include-self", "-o", "json"}, {"list", "--json"},
		{"ping", "--expect", "2", "--timeout", "500ms"}, {"account", "info", "NOPE"},
	} {
		r := run(t, append([]string{"-s", url, "--no-auth-warning"}, args...)...)
		noSecrets(t, r, sysPass, "admin:changeit")
	}
	r := run(t, "-s", strings.Replace(url, ":"+itoa(s.Port), ":"+itoa(clitest.FreePort(t)), 1), "--timeout", "500ms", "varz")
	expect(t, r, 4, nil)
	noSecrets(t, r, sysPass)
}
