package main

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/natsys/natsys/cli/internal/clitest"
	"github.com/natsys/natsys/cli/internal/exit"
	"github.com/natsys/natsys/cli/internal/output"
	"github.com/natsys/natsys/cli/internal/systable"
)

// TestKick covers kick by CID and server, by filters, dry run and --yes.
func TestKick(t *testing.T) {
	s := startSys(t, "n1", "")
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		{"unknown CID", []string{"kick", "--cid", "9999", "--server-id", "n1"}, 1, nil, "no such client or leafnode id"},
		{"nothing matches", []string{"kick", "--account", "NOPE"}, 1, nil, "no connection matches"},
		{"no selector", []string{"kick"}, 2, nil, "choose connections"},
		{"bad regexp", []string{"kick", "--conn-name", "("}, 2, nil, "--conn-name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, sysArgs(s, tt.args...)...)
			expect(t, r, tt.code, tt.stdout, tt.stderr)
		})
	}
	connectApp(t, s, "victim-1", "")
	connectApp(t, s, "victim-2", "")
	connectApp(t, s, "listener", "orders.>")
	for _, args := range [][]string{
		{"kick", "--subject", "orders.new", "--dry-run"},
		{"kick", "--subject", "orders.new", "--account", "USERS", "--dry-run"},
		{"ldm", "--subject", "orders.new", "--account", "USERS", "--dry-run"},
	} {
		r := run(t, sysArgs(s, args...)...)
		expect(t, r, 0, []string{"listener", "dry run"})
		if strings.Contains(r.Stdout, "victim-") {
			t.Errorf("%v matched connections without interest:\n%s", args, r.Stdout)
		}
	}
	r := run(t, sysArgs(s, "kick", "--subject", "billing.x", "--account", "USERS")...)
	expect(t, r, 1, nil, "no connection matches")
	r = run(t, sysArgs(s, "kick", "--conn-name", "^victim-", "--dry-run")...)
	expect(t, r, 0, []string{"victim-1", "victim-2", "dry run"})
	r = run(t, sysArgs(s, "kick", "--conn-name", "^victim-")...)
	expect(t, r, 2, []string{"not kicked"}, "add --yes")
	r = run(t, sysArgs(s, "kick", "--conn-name", "^victim-1$", "--json")...)
	expect(t, r, 0, []string{`"result": "kicked"`, kickSchema})
	var doc struct{ Rows []map[string]any }
	if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil || len(doc.Rows) != 1 {
		t.Fatalf("bad kick document: %v\n%s", err, r.Stdout)
	}
	cid := int(doc.Rows[0]["cid"].(float64))
	waitGone(t, s, "victim-1")
	// the CID is gone now: a direct kick reports the server's error
	r = run(t, sysArgs(s, "kick", "--cid", itoa(cid), "--server-id", doc.Rows[0]["server_id"].(string))...)
	expect(t, r, 1, nil, "no such client")
	r = run(t, sysArgs(s, "ldm", "--conn-name", "^victim-2$")...)
	expect(t, r, 0, []string{"victim-2", "lame duck sent"})
	r = run(t, sysArgs(s, "ldm", "--cid", "9999", "--server-id", "n1")...)
	expect(t, r, 1, nil, "no such client")
	r = run(t, sysArgs(s, "kick", "--conn-name", "^victim-", "--yes")...)
	expect(t, r, 0, []string{"victim-2", "kicked"})
}

// waitGone waits until no open connection has this name.
func waitGone(t *testing.T, s *sysServer, name string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if r := run(t, sysArgs(s, "connz")...); !strings.Contains(r.Stdout, name) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s still connected", name)
}

// TestEvents tails connect/disconnect events.
func TestEvents(t *testing.T) {
	s := startSys(t, "n1", "")
	bg := clitest.Start(t, prog, newRootCmd, clitest.Invocation{Args: sysArgs(s, "events", "--short", "--count", "2")})
	bg.WaitStderr(t, "Listening for Disconnection events")
	c := connectApp(t, s, "evt-client", "")
	c.Close()
	r := bg.Wait(t)
	expect(t, r, 0, []string{"[Connection] user: a", "[Disconnection] user: a", "in account USERS on n1", "Client Closed"})

	bg = clitest.Start(t, prog, newRootCmd, clitest.Invocation{Args: sysArgs(s, "events", "--json", "--type", "connect", "--account", "USERS", "--count", "1")})
	bg.WaitStderr(t, "$SYS.ACCOUNT.USERS.CONNECT")
	connectApp(t, s, "evt-json", "")
	r = bg.Wait(t)
	expect(t, r, 0, []string{`"type":"io.nats.server.advisory.v1.client_connect"`, `"name":"evt-json"`})
	ndjson(t, r.Stdout)

	// --filter-user: the system user's own connect event is left out.
	bg = clitest.Start(t, prog, newRootCmd, clitest.Invocation{Args: sysArgs(s, "events", "--short", "--type", "connect", "--filter-user", appUser, "--count", "1")})
	bg.WaitStderr(t, "Listening for Connection events")
	expect(t, run(t, sysArgs(s, "varz")...), 0, nil)
	connectApp(t, s, "evt-user", "")
	r = bg.Wait(t)
	expect(t, r, 0, []string{"[Connection] user: a "})
	if strings.Contains(r.Stdout, "user: "+sysUser) || strings.Count(strings.TrimSpace(r.Stdout), "\n") != 0 {
		t.Errorf("want exactly one event line, of user a:\n%s", r.Stdout)
	}

	bg = clitest.Start(t, prog, newRootCmd, clitest.Invocation{Args: sysArgs(s, "events")})
	bg.WaitStderr(t, "Listening for Authentication Error")
	bg.Interrupt()
	if r := bg.Wait(t); r.Code != 0 {
		t.Errorf("Ctrl-C on an open-ended tail: exit %d, want 0", r.Code)
	}
	r = run(t, sysArgs(s, "events", "--count", "1", "--duration", "200ms")...)
	expect(t, r, 3, nil, "0 of 1 events")
	r = run(t, appArgs(s, "events", "--count", "1")...)
	expect(t, r, 5, nil, "not in the system account")
	r = run(t, sysArgs(s, "events", "--type", "bogus")...)
	expect(t, r, 2, nil, "unknown event")
}

// TestCheck covers the Nagios exit codes and formats.
func TestCheck(t *testing.T) {
	s := startSys(t, "n1", "")
	connectApp(t, s, "chk", "") // with nats-sys's own: 2 connections
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
	}{
		{"server ok", []string{"check", "server", "n1"}, 0, []string{"OK n1 |", "connections=2"}},
		{"server warning", []string{"check", "server", "n1", "--conn-warn", "1", "--conn-critical", "5"}, 1, []string{"WARNING n1 Warn:Connections", "connections=2;1;5"}},
		{"server critical", []string{"check", "server", "n1", "--conn-warn", "1", "--conn-critical", "1"}, 2, []string{"CRITICAL n1 Crit:Connections"}},
		{"inverted thresholds", []string{"check", "server", "n1", "--subs-warn", "100000", "--subs-critical", "5"}, 1, []string{"WARNING"}},
		{"uptime", []string{"check", "server", "n1", "--uptime-critical", "1h"}, 2, []string{"Crit:Uptime"}},
		{"js required", []string{"check", "server", "--js-required"}, 2, []string{"JetStream is not enabled on n1"}},
		{"json", []string{"check", "server", "n1", "--format", "json"}, 0, []string{checkSchema, `"status": "OK"`}},
		{"prometheus is always 0", []string{"check", "server", "n1", "--conn-critical", "1", "--format", "prometheus"}, 0, []string{`nats_server_check_server_connections{item="n1"} 2`, "status_code"}},
		{"text", []string{"check", "server", "n1", "--format", "text"}, 0, []string{"server check of n1: OK"}},
		{"unknown server", []string{"check", "server", "nosuch", "--timeout", "1s"}, 3, []string{"UNKNOWN nosuch"}},
		{"connection", []string{"check", "connection"}, 0, []string{"OK ", "connect_time=", "rtt=", "request_time="}},
		{"health", []string{"check", "health"}, 0, []string{"OK servers", "servers_ok=1"}},
		{"health missing", []string{"check", "health", "--expect", "2", "--timeout", "1s"}, 2, []string{"CRITICAL", "1/2 servers replied"}},
		{"bad format", []string{"check", "server", "--format", "xml"}, 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, sysArgs(s, tt.args...)...)
			expect(t, r, tt.code, tt.stdout)
			noSecrets(t, r, sysPass)
		})
	}
	t.Run("connection failure is critical without credentials", func(t *testing.T) {
		url := "nats://admin:" + sysPass + "@127.0.0.1:" + itoa(clitest.FreePort(t))
		r := run(t, "-s", url, "--no-auth-warning", "--timeout", "1s", "check", "connection")
		expect(t, r, 2, []string{"CRITICAL"})
		noSecrets(t, r, sysPass)
	})
	t.Run("non-system user", func(t *testing.T) {
		r := run(t, appArgs(s, "check", "server", "n1")...)
		expect(t, r, 3, []string{"UNKNOWN", "not in the system account"})
	})
}

// TestTop takes two piped snapshots with rates.
func TestTop(t *testing.T) {
	s := startSys(t, "n1", "")
	connectApp(t, s, "top-a", "x")
	r := run(t, sysArgs(s, "top", "-d", "200ms", "--count", "2")...)
	expect(t, r, 0, []string{"top-a", "Msgs/s In"})
	if n := strings.Count(r.Stdout, "Msgs/s In"); n != 2 {
		t.Errorf("want 2 snapshots, got %d:\n%s", n, r.Stdout)
	}
	r = run(t, sysArgs(s, "top", "-d", "200ms", "--count", "1", "--json")...)
	expect(t, r, 0, []string{topSchema, `"in_msgs_per_sec":0`})
	r = run(t, sysArgs(s, "top", "--sort", "nope")...)
	expect(t, r, 2, nil, "--sort")
	// nats-top's "-o -": one snapshot, then exit.
	r = run(t, sysArgs(s, "top", "-d", "200ms", "-o", "-")...)
	expect(t, r, 0, []string{"top-a", "Msgs/s In"})
	if n := strings.Count(r.Stdout, "Msgs/s In"); n != 1 {
		t.Errorf("-o -: want 1 snapshot, got %d:\n%s", n, r.Stdout)
	}
	r = run(t, sysArgs(s, "top", "-d", "200ms", "-o", "-", "--count", "3")...)
	expect(t, r, 2, nil, "one snapshot")
	r = run(t, sysArgs(s, "top", "-d", "200ms", "--delimiter", ";", "--server-id", "n1")...)
	expect(t, r, 0, []string{"server;cid;name;account;addr;", ";top-a;USERS;127.0.0.1:"})
	if lines := strings.Split(strings.TrimSpace(r.Stdout), "\n"); len(lines) != 2 {
		t.Errorf("--delimiter: want a header and one row:\n%s", r.Stdout)
	}
	r = run(t, sysArgs(s, "top", "-d", "200ms", "-o", "-", "--server-id", "nope", "--timeout", "1s")...)
	if r.Code == 0 || strings.Contains(r.Stdout, "top-a") {
		t.Errorf("--server-id nope: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
}

// TestTopServerID narrows top to one server of a cluster.
func TestTopServerID(t *testing.T) {
	ss := startCluster(t, 2)
	connectApp(t, ss[0], "on-n1", "")
	connectApp(t, ss[1], "on-n2", "")
	r := run(t, sysArgs(ss[0], "top", "-d", "200ms", "-o", "-")...)
	expect(t, r, 0, []string{"on-n1", "on-n2"})
	r = run(t, sysArgs(ss[0], "top", "-d", "200ms", "-o", "-", "--server-id", "n2")...)
	expect(t, r, 0, []string{"on-n2"})
	if strings.Contains(r.Stdout, "on-n1") {
		t.Errorf("--server-id n2 shows n1's connection:\n%s", r.Stdout)
	}
}

// TestTopKeys checks what each key of top changes.
func TestTopKeys(t *testing.T) {
	st := &topState{sort: "msgs", conns: defaultTopConns}
	tests := []struct {
		key  byte
		quit bool
		want topView
	}{
		{'o', false, topView{sort: "bytes", conns: defaultTopConns}},
		{'o', false, topView{sort: "msgs_from", conns: defaultTopConns}},
		{'n', false, topView{sort: "msgs_from", conns: 10}},
		{'n', false, topView{sort: "msgs_from", conns: 25}},
		{'s', false, topView{sort: "msgs_from", conns: 25, subs: true}},
		{'b', false, topView{sort: "msgs_from", conns: 25, subs: true, rawBytes: true}},
		{'d', false, topView{sort: "msgs_from", conns: 25, subs: true, dns: true, rawBytes: true}},
		{'?', false, topView{sort: "msgs_from", conns: 25, subs: true, dns: true, rawBytes: true, help: true}},
		{'x', false, topView{sort: "msgs_from", conns: 25, subs: true, dns: true, rawBytes: true, help: true}},
		{'q', true, topView{sort: "msgs_from", conns: 25, subs: true, dns: true, rawBytes: true, help: true}},
	}
	for _, tt := range tests {
		if quit := st.key(tt.key); quit != tt.quit || st.view() != tt.want {
			t.Fatalf("key %q: quit %v, state %+v; want %v, %+v", tt.key, quit, st.view(), tt.quit, tt.want)
		}
	}
	st = &topState{sort: "uptime", conns: defaultTopConns}
	st.key('o')
	st.key('n')
	if v := st.view(); v.sort != "msgs" || v.conns != 10 {
		t.Errorf("o and n do not wrap around: %+v", v)
	}
}

// TestTopTerminal drives top on a terminal: keys on stdin change the
// snapshots, q quits with exit 0.
func TestTopTerminal(t *testing.T) {
	s := startSys(t, "n1", "")
	connectApp(t, s, "key-a", "keys.>")
	start := time.Now()
	r := runInv(t, clitest.Invocation{Args: sysArgs(s, "top", "-d", "200ms"), Stdin: []byte("q"), InTTY: true, OutTTY: true})
	expect(t, r, 0, nil)
	if el := time.Since(start); el > 3*time.Second {
		t.Errorf("q did not quit top (took %s)", el)
	}
	// Ctrl-C after a few snapshots.
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	stop := time.AfterFunc(1500*time.Millisecond, func() { cancel(exit.ErrInterrupted) })
	defer stop.Stop()
	r = runInv(t, clitest.Invocation{Args: sysArgs(s, "top", "-d", "200ms"), Stdin: []byte("s?bd"), InTTY: true, OutTTY: true, Ctx: ctx})
	expect(t, r, 0, []string{"key-a", "Subscriptions", "keys.>", "o next sort order", systable.ClearScreen})
	if strings.Contains(r.Stdout, " B/s") {
		t.Errorf("b: byte rates still in human units:\n%s", r.Stdout)
	}
}

// TestLookupHosts names addresses from the cache and leaves the others.
func TestLookupHosts(t *testing.T) {
	tab := &output.Table{
		Columns: []output.Column{col("addr", "Host")},
		Rows:    [][]output.Cell{{text("192.0.2.1:4222")}, {text("192.0.2.2:4222")}, {text("not an address")}},
	}
	cache := map[string]string{"192.0.2.1": "app.example", "192.0.2.2": ""}
	lookupHosts(context.Background(), tab, cache)
	got := []string{tab.Rows[0][0].Text, tab.Rows[1][0].Text, tab.Rows[2][0].Text}
	if want := []string{"app.example:4222", "", ""}; !slices.Equal(got, want) {
		t.Errorf("host cells %q, want %q", got, want)
	}
}
