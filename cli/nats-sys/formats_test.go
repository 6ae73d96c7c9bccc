package main

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/natsys/natsys/cli/internal/clitest"
)

// TestOutputFormats runs raw endpoints and reports in every format.
func TestOutputFormats(t *testing.T) {
	s := startSys(t, "n1", "")
	connectApp(t, s, "fmt-worker", "fmt.>")
	for _, cmd := range [][]string{{"connz"}, {"varz"}, {"list"}, {"report", "connections"}, {"report", "accounts"}, {"ping"}, {"account", "info", "USERS"}} {
		name := strings.Join(cmd, " ")
		for _, format := range []string{"table", "plain", "md", "csv", "tsv", "json", "ndjson"} {
			t.Run(name+" -o "+format, func(t *testing.T) {
				r := run(t, sysArgs(s, append(cmd, "-o", format)...)...)
				expect(t, r, 0, nil)
				checkFormat(t, name, format, r.Stdout)
			})
		}
	}
}

// checkFormat checks the shape of one output.
func checkFormat(t *testing.T, cmd, format, out string) {
	t.Helper()
	report := cmd == "list" || cmd == "ping" || strings.HasPrefix(cmd, "report")
	if boxOrEscape(out) {
		t.Errorf("box drawing or escapes in piped output:\n%s", out)
	}
	switch format {
	case "json":
		if !report {
			for _, d := range ndjson(t, out) {
				if _, ok := d["server"]; !ok {
					t.Errorf("raw reply without server: %v", d)
				}
			}
			return
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("not one JSON document: %v\n%s", err, out)
		}
		schema, _ := doc["schema"].(string)
		if !strings.HasPrefix(schema, "natsys.sys.") || !strings.HasSuffix(schema, "/v1") {
			t.Errorf("schema %q", schema)
		}
		if _, ok := doc["rows"].([]any); !ok {
			t.Errorf("no rows: %s", out)
		}
		if _, ok := doc["servers"].(map[string]any); !ok && cmd != "report accounts" {
			t.Errorf("no servers object: %s", out)
		}
	case "ndjson":
		ndjson(t, out)
	case "csv", "tsv":
		r := csv.NewReader(strings.NewReader(out))
		if format == "tsv" {
			r.Comma = '\t'
		}
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatalf("bad %s: %v\n%s", format, err, out)
		}
		if len(recs) < 2 {
			t.Errorf("want a header and rows:\n%s", out)
		}
		if strings.Contains(out, " B,") || strings.Contains(out, "KiB") || strings.Contains(out, "MiB") {
			t.Errorf("human units in %s:\n%s", format, out)
		}
	case "md":
		if !strings.Contains(out, "| --- |") && !strings.Contains(out, "| --: |") && cmd != "ping" {
			t.Errorf("not a markdown table:\n%s", out)
		}
	case "table":
		if cmd != "ping" && !strings.Contains(out, "+--") {
			t.Errorf("no ASCII borders:\n%s", out)
		}
	}
}

// TestRawJSONIsTheReply checks that --json prints the reply as the server
// sent it: same keys as a raw request would give.
func TestRawJSONIsTheReply(t *testing.T) {
	s := startSys(t, "n1", "")
	r := run(t, sysArgs(s, "connz", "--json")...)
	docs := ndjson(t, r.Stdout)
	if len(docs) != 1 {
		t.Fatalf("want 1 reply, got %d", len(docs))
	}
	data := docs[0]["data"].(map[string]any)
	for _, k := range []string{"server_id", "now", "num_connections", "total", "offset", "limit", "connections"} {
		if _, ok := data[k]; !ok {
			t.Errorf("connz data lacks %q", k)
		}
	}
	conns := data["connections"].([]any)
	if len(conns) != 1 || !strings.HasPrefix(conns[0].(map[string]any)["name"].(string), "nats-sys/") {
		t.Errorf("raw JSON is the reply as sent, own connection included: %v", conns)
	}
}

// TestTerminal checks box drawing on a terminal and none with NO_COLOR.
func TestTerminal(t *testing.T) {
	s := startSys(t, "n1", "")
	r := runInv(t, clitest.Invocation{Args: sysArgs(s, "list"), OutTTY: true})
	expect(t, r, 0, []string{"Server Overview", "│"})
	r = runInv(t, clitest.Invocation{Args: sysArgs(s, "list"), OutTTY: true, Env: map[string]string{"NO_COLOR": "1"}})
	expect(t, r, 0, []string{"Server Overview"})
	if boxOrEscape(r.Stdout) {
		t.Errorf("NO_COLOR output has box drawing or escapes:\n%s", r.Stdout)
	}
	r = runInv(t, clitest.Invocation{Args: sysArgs(s, "varz"), Env: map[string]string{"NATSYS_OUTPUT": "csv"}})
	expect(t, r, 0, []string{"Server,Version"})
}

// TestColumnsAndHeaders checks --columns and --no-headers.
func TestColumnsAndHeaders(t *testing.T) {
	s := startSys(t, "n1", "")
	r := run(t, sysArgs(s, "varz", "--columns", "server,connections", "--no-headers", "-o", "csv")...)
	expect(t, r, 0, nil)
	if got := strings.TrimSpace(r.Stdout); !strings.HasPrefix(got, "n1,") || strings.Count(got, ",") != 1 {
		t.Errorf("want n1,<conns>, got %q", got)
	}
	r = run(t, sysArgs(s, "list", "--json", "--columns", "name,rtt_ns")...)
	expect(t, r, 0, nil)
	var doc struct{ Rows []map[string]any }
	if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil || len(doc.Rows) != 1 {
		t.Fatalf("bad document (%v):\n%s", err, r.Stdout)
	}
	if len(doc.Rows[0]) != 2 || doc.Rows[0]["name"] != "n1" || doc.Rows[0]["rtt_ns"] == nil {
		t.Errorf("--columns not applied to JSON rows: %v", doc.Rows[0])
	}
}

// TestWatch runs --watch twice and checks the rate columns.
func TestWatch(t *testing.T) {
	s := startSys(t, "n1", "")
	r := run(t, sysArgs(s, "varz", "--watch=200ms", "--watch-count", "2")...)
	expect(t, r, 0, []string{"Msgs/s In", "Bytes/s Out"})
	if n := strings.Count(r.Stdout, "Version"); n != 2 {
		t.Errorf("want 2 snapshots, got %d:\n%s", n, r.Stdout)
	}
	if !strings.Contains(r.Stdout, "/s") {
		t.Errorf("no rates in the second snapshot:\n%s", r.Stdout)
	}
	r = run(t, sysArgs(s, "report", "connections", "--include-self", "--json", "--watch=200ms", "--watch-count", "2")...)
	expect(t, r, 0, nil)
	docs := ndjson(t, r.Stdout)
	if len(docs) != 2 || docs[0]["ts"] == nil {
		t.Fatalf("want 2 NDJSON snapshots with ts:\n%s", r.Stdout)
	}
	row := docs[1]["rows"].([]any)[0].(map[string]any)
	if _, ok := row["in_msgs_per_sec"].(float64); !ok {
		t.Errorf("second snapshot lacks in_msgs_per_sec: %v", row)
	}
	bg := clitest.Start(t, prog, newRootCmd, clitest.Invocation{Args: sysArgs(s, "statsz", "--watch=100ms")})
	deadline := time.Now().Add(5 * time.Second)
	for strings.Count(bg.Stdout.String(), "Server") < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	bg.Interrupt()
	if res := bg.Wait(t); res.Code != 0 {
		t.Errorf("Ctrl-C during --watch: exit %d, want 0", res.Code)
	}
}
