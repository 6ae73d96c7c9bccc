package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/natsys/natsys/cli/internal/clitest"
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
	r := run(t, sysArgs(s, "kick", "--conn-name", "^victim-", "--dry-run")...)
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
}
