package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/natsys/natsys/cli/internal/clitest"
	"github.com/natsys/natsys/cli/internal/output"
	"github.com/natsys/natsys/server"
)

// TestInfraReportsSingleServer runs the routes, gateways, leafnodes, health,
// cpu and mem reports against one server: empty link tables with a note on
// stderr, exit 0, a schema document with --json, and --expect honoured.
func TestInfraReportsSingleServer(t *testing.T) {
	s := startSys(t, "n1", "")
	tests := []struct {
		report string
		schema string
		want   []string
		note   string
	}{
		{"routes", reportRoutesSchema, []string{"Server", "Cluster", "Name", "Account", "Address", "ID", "RTT", "Bytes In"}, "no route connections (1 server replied)"},
		{"gateways", reportGatewaysSchema, []string{"Server", "Name", "Port", "Kind", "Connection", "Accounts"}, "no gateway connections"},
		{"leafnodes", reportLeafnodesSchema, []string{"Server", "Name", "Msgs In", "Compressed", "Spoke"}, "no leafnode connections"},
		{"health", reportHealthSchema, []string{"n1", "ok (200)", "Type", "ok: 1 / err: 0"}, ""},
		{"cpu", reportCPUSchema, []string{"n1", "CPU %", "Cores"}, ""},
		{"mem", reportMemSchema, []string{"n1", "Memory", "#"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.report, func(t *testing.T) {
			r := run(t, sysArgs(s, "report", tt.report)...)
			expect(t, r, 0, tt.want)
			if tt.note == "" && r.Stderr != "" {
				t.Errorf("unexpected stderr: %s", r.Stderr)
			}
			if tt.note != "" && !strings.Contains(r.Stderr, tt.note) {
				t.Errorf("stderr lacks %q: %s", tt.note, r.Stderr)
			}
			if boxOrEscape(r.Stdout) {
				t.Errorf("piped output has box drawing or escapes:\n%s", r.Stdout)
			}
			r = run(t, sysArgs(s, "report", tt.report, "--json")...)
			expect(t, r, 0, nil)
			var doc map[string]any
			if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil {
				t.Fatalf("not one JSON document: %v\n%s", err, r.Stdout)
			}
			if doc["schema"] != tt.schema {
				t.Errorf("schema %v, want %s", doc["schema"], tt.schema)
			}
			servers, _ := doc["servers"].(map[string]any)
			if servers["responded"] != float64(1) {
				t.Errorf("servers object %v", doc["servers"])
			}
			if strings.Contains(r.Stdout, `"bar"`) {
				t.Errorf("bar column in JSON: %s", r.Stdout)
			}
			// Two servers expected, one answers: partial output, exit 3.
			r = run(t, sysArgs(s, "report", tt.report, "2", "--timeout", "1s")...)
			expect(t, r, 3, nil, "1/2 servers replied")
			r = run(t, sysArgs(s, "report", tt.report, "--expect", "2", "--timeout", "1s")...)
			expect(t, r, 3, nil, "1/2 servers replied")
		})
	}
}

// TestInfraReportsUsage rejects unknown sort keys and bad EXPECT values.
func TestInfraReportsUsage(t *testing.T) {
	for _, args := range [][]string{
		{"report", "routes", "--sort", "nope"},
		{"report", "leafnodes", "--sort", "cpu"},
		{"report", "gateways", "x"},
		{"report", "cpu", "--sort", "server"},
	} {
		r := run(t, append([]string{"-s", "nats://127.0.0.1:1"}, args...)...)
		if r.Code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", args, r.Code, r.Stderr)
		}
	}
}

// TestInfraReportsCluster checks the route report and the bars on two
// servers.
func TestInfraReportsCluster(t *testing.T) {
	ss := startCluster(t, 2)
	r := run(t, sysArgs(ss[0], "report", "routes", "--sort", "account", "-o", "csv")...)
	expect(t, r, 0, []string{"n1,lab,n2,", "n2,lab,n1,", "n1,lab,n2,SYS,"})
	if r.Stderr != "" {
		t.Errorf("unexpected stderr: %s", r.Stderr)
	}
	if lines := strings.Split(strings.TrimSpace(r.Stdout), "\n"); !strings.Contains(lines[len(lines)-1], ",SYS,") {
		t.Errorf("--sort account: SYS routes not last:\n%s", r.Stdout)
	}
	r = run(t, sysArgs(ss[0], "report", "routes")...)
	expect(t, r, 0, []string{"rid:"})
	r = run(t, sysArgs(ss[0], "report", "mem", "--json")...)
	var doc struct {
		Rows []map[string]any `json:"rows"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil || len(doc.Rows) != 2 {
		t.Fatalf("want 2 rows: %v\n%s", err, r.Stdout)
	}
	r = run(t, sysArgs(ss[0], "report", "health")...)
	expect(t, r, 0, []string{"n1", "n2", "ok: 2 / err: 0"})
}

// TestLoadBar checks that bars are scaled from zero, not min to max.
func TestLoadBar(t *testing.T) {
	tests := []struct {
		v, top float64
		want   int
	}{
		{0, 0, 0}, {0, 10, 0}, {10, 10, loadBarWidth}, {5, 10, loadBarWidth / 2},
		{22, 22, loadBarWidth}, {0.01, 100, 1},
	}
	for _, tt := range tests {
		if got := len(loadBar(tt.v, tt.top, false)); got != tt.want {
			t.Errorf("loadBar(%v, %v) has %d cells, want %d", tt.v, tt.top, got, tt.want)
		}
	}
	if !strings.Contains(loadBar(1, 1, true), "█") {
		t.Error("no block bar on a terminal")
	}
}

// TestSortTable sorts numbers largest first and text ascending.
func TestSortTable(t *testing.T) {
	tab := &output.Table{
		Columns: []output.Column{col("name", "Name"), num("n", "N")},
		Rows: [][]output.Cell{
			{text("b"), count(1)}, {text("a"), count(3)}, {text("c"), count(2)},
		},
	}
	keys := []string{"b", "a", "c"}
	sortTable(tab, keys, "n", false)
	if strings.Join(keys, "") != "acb" {
		t.Errorf("by n: %v", keys)
	}
	sortTable(tab, keys, "name", false)
	if strings.Join(keys, "") != "abc" {
		t.Errorf("by name: %v", keys)
	}
	sortTable(tab, keys, "name", true)
	if strings.Join(keys, "") != "cba" || tab.Rows[0][0].Value != "c" {
		t.Errorf("by name reversed: %v", keys)
	}
}

// skipWithout skips t when the server under test lacks feature f (the
// in-process server when its configuration refuses the feature).
func skipWithout(t *testing.T, f clitest.Feature) {
	t.Helper()
	if !inProcess() {
		clitest.RequireFeature(t, f)
		return
	}
	conf := filepath.Join(t.TempDir(), "probe.conf")
	if err := os.WriteFile(conf, []byte(clitest.ProbeConfig(f)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := server.ProcessConfigFile(conf); err != nil && clitest.NotSupported(err.Error(), f) {
		t.Skipf("the in-process server does not implement %s yet: %v", f, err)
	}
}

// waitReport runs a report until stdout contains every string or the
// settle limit passes, and returns the last result.
func waitReport(t *testing.T, args []string, want ...string) *clitest.Result {
	t.Helper()
	deadline := time.Now().Add(clusterSettleLimit)
	for {
		r := run(t, args...)
		ok := r.Code == 0
		for _, w := range want {
			ok = ok && strings.Contains(r.Stdout, w)
		}
		if ok || time.Now().After(deadline) {
			return r
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestReportLeafnodes connects a leaf server to a hub.
func TestReportLeafnodes(t *testing.T) {
	skipWithout(t, clitest.Leafnodes)
	port := clitest.FreePort(t)
	hub := startSys(t, "hub", fmt.Sprintf("leafnodes { listen: 127.0.0.1:%d }", port))
	startSys(t, "spoke", fmt.Sprintf("leafnodes { remotes: [{ url: \"nats-leaf://%s:%s@127.0.0.1:%d\", account: USERS }] }", appUser, appPass, port))
	r := waitReport(t, sysArgs(hub, "report", "leafnodes", "-o", "csv"), "hub,spoke,USERS,127.0.0.1:")
	expect(t, r, 0, []string{"hub,spoke,USERS,127.0.0.1:"})
	if r.Stderr != "" {
		t.Errorf("unexpected stderr: %s", r.Stderr)
	}
	r = run(t, sysArgs(hub, "report", "leafnodes", "--account", "NOPE")...)
	expect(t, r, 0, nil, "no leafnode connections")
}

// TestReportGateways connects two single-server clusters by gateways.
func TestReportGateways(t *testing.T) {
	skipWithout(t, clitest.Gateway)
	pa, pb := clitest.FreePort(t), clitest.FreePort(t)
	gw := func(name string, port int, other string, otherPort int) string {
		return fmt.Sprintf("gateway { name: %s, listen: 127.0.0.1:%d, gateways: [{ name: %s, url: \"nats://127.0.0.1:%d\" }] }", name, port, other, otherPort)
	}
	a := startSys(t, "ga", gw("A", pa, "B", pb))
	startSys(t, "gb", gw("B", pb, "A", pa))
	r := waitReport(t, sysArgs(a, "report", "gateways", "-o", "csv", "--expect", "2"), "ga,A,", ",Outbound,B,", ",Inbound,B,", "gb,B,")
	expect(t, r, 0, []string{"ga,A," + itoa(pa) + ",Outbound,B,", "ga,A," + itoa(pa) + ",Inbound,B,", "gb,B," + itoa(pb) + ",Outbound,A,"})
	r = run(t, sysArgs(a, "report", "gateways", "--filter-name", "C", "--expect", "2")...)
	expect(t, r, 0, nil)
	if strings.Contains(r.Stdout, "Outbound") {
		t.Errorf("--filter-name C still lists gateway B:\n%s", r.Stdout)
	}
}
