package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/natsys/natsys/client/sys"
	"github.com/natsys/natsys/client/sysapi"

	"github.com/natsys/natsys/cli/internal/output"
	"github.com/natsys/natsys/cli/internal/systable"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// loadFixture reads testdata/fixtures/NAME.ndjson: replies captured from a
// two-server reference cluster (n1 without JetStream, n2 with it), as
// `nats-sys <endpoint> --json` printed them. Reply i gets RTT (i+1) ms.
func loadFixture[T any](t *testing.T, name string) *sys.Result[T] {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "fixtures", name+".ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res := &sys.Result[T]{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var env struct {
			Server sysapi.ServerInfo `json:"server"`
			Data   *T                `json:"data"`
			Statsz *T                `json:"statsz"`
			Error  *sysapi.APIError  `json:"error"`
		}
		line := bytes.Clone(sc.Bytes())
		if err := json.Unmarshal(line, &env); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if env.Data == nil {
			env.Data = env.Statsz
		}
		res.Replies = append(res.Replies, sys.Reply[T]{
			Server: env.Server, Data: env.Data, Err: env.Error, Raw: line,
			RTT: time.Duration(len(res.Replies)+1) * time.Millisecond,
		})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	res.Expected = len(res.Replies)
	return res
}

// goldenFormats are the formats every view is rendered in.
var goldenFormats = []output.Format{
	output.FormatTable, output.FormatPlain, output.FormatMarkdown, output.FormatCSV, output.FormatTSV, output.FormatJSON,
}

// checkGolden compares got with testdata/golden/NAME (or rewrites it).
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it)\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

// renderAll renders v in every golden format; doc, when set, is what json
// prints (reports), otherwise the main table.
func renderAll(t *testing.T, name string, v *systable.View, doc *output.Table) {
	t.Helper()
	for _, f := range goldenFormats {
		var b bytes.Buffer
		o := output.Options{Format: f, Terminal: true}
		var err error
		if f == output.FormatJSON && doc != nil {
			var p output.Printer
			if p, err = output.New(&b, o); err == nil {
				err = p.Table(doc)
			}
		} else {
			err = systable.Render(&b, o, v)
		}
		if err != nil {
			t.Fatalf("%s %s: %v", name, f, err)
		}
		if f != output.FormatTable && bytes.ContainsAny(b.Bytes(), "\x1b─│┌╭") {
			t.Errorf("%s %s: box drawing or escape codes outside the table format", name, f)
		}
		checkGolden(t, name+"."+string(f)+".golden", b.Bytes())
	}
}

func TestGoldenTables(t *testing.T) {
	view := func(title string, tb *output.Table) *systable.View { return (&systable.View{}).Add(title, tb) }
	okRefs := func(rs []sys.Reply[sysapi.ServerStats]) []*sys.Reply[sysapi.ServerStats] {
		var out []*sys.Reply[sysapi.ServerStats]
		for i := range rs {
			out = append(out, &rs[i])
		}
		return out
	}
	tests := []struct {
		name  string
		build func(t *testing.T) (*systable.View, *output.Table)
	}{
		{"varz", func(t *testing.T) (*systable.View, *output.Table) {
			tb, _ := varzTable(okReplies(loadFixture[sysapi.Varz](t, "varz")))
			return view("Server Variables", tb), nil
		}},
		{"info", func(t *testing.T) (*systable.View, *output.Table) {
			return infoView(okReplies(loadFixture[sysapi.Varz](t, "varz"))[1].Data), nil
		}},
		{"connz", func(t *testing.T) (*systable.View, *output.Table) {
			opts := sysapi.ConnzOptions{State: sysapi.ConnAll, Subscriptions: true}
			rows := connRows(okReplies(loadFixture[sysapi.Connz](t, "connz")), nil)
			sortConns(rows, "", false)
			tb, _ := connzTable(rows, opts)
			return view("Connections", tb), nil
		}},
		{"connz-sorted", func(t *testing.T) (*systable.View, *output.Table) {
			rows := connRows(okReplies(loadFixture[sysapi.Connz](t, "connz")), nil)
			sortConns(rows, sysapi.ByInMsgs, false)
			tb, _ := connzTable(rows, sysapi.ConnzOptions{})
			return view("Connections", tb), nil
		}},
		{"jsz", func(t *testing.T) (*systable.View, *output.Table) {
			return view("JetStream", jszTable(okReplies(loadFixture[sysapi.JSInfo](t, "jsz")))), nil
		}},
		{"account-jsz", func(t *testing.T) (*systable.View, *output.Table) {
			return view("JetStream usage of account USERS", accountJszTable(loadFixture[sysapi.AccountDetail](t, "accountjsz"))), nil
		}},
		{"account-info", func(t *testing.T) (*systable.View, *output.Table) {
			var infos []serverAccount
			for _, r := range okReplies(loadFixture[sysapi.AccountInfo](t, "accountinfo")) {
				infos = append(infos, serverAccount{server: r.Server, info: r.Data})
			}
			return accountView("USERS", infos), nil
		}},
		{"accountz", func(t *testing.T) (*systable.View, *output.Table) {
			return view("Accounts", accountzTable(okReplies(loadFixture[sysapi.Accountz](t, "accountz")))), nil
		}},
		{"statsz", func(t *testing.T) (*systable.View, *output.Table) {
			tb, _ := statszTable(okReplies(loadFixture[sysapi.ServerStats](t, "statsz")))
			return view("Server Statistics", tb), nil
		}},
		{"list", func(t *testing.T) (*systable.View, *output.Table) {
			rs := okRefs(loadFixture[sysapi.ServerStats](t, "statsz").Replies)
			sortServers(rs, "name", false)
			tb, _, totals := listTable(rs)
			return (&systable.View{}).Add("Server Overview", withTotals(tb, totals)).Add("Cluster Overview", clusterTable(rs)), nil
		}},
		{"subsz", func(t *testing.T) (*systable.View, *output.Table) {
			rs := okReplies(loadFixture[sysapi.Subsz](t, "subsz"))
			return (&systable.View{}).Add("Subscriptions", subsTable(rs)).Add("Subscription Statistics", subszTable(rs)), nil
		}},
		{"healthz", func(t *testing.T) (*systable.View, *output.Table) {
			return view("Health", healthzTable(okReplies(loadFixture[sysapi.HealthStatus](t, "healthz")))), nil
		}},
		{"routez", func(t *testing.T) (*systable.View, *output.Table) {
			tb, _ := routezTable(okReplies(loadFixture[sysapi.Routez](t, "routez")), false)
			return view("Routes", tb), nil
		}},
		{"report-connections", func(t *testing.T) (*systable.View, *output.Table) {
			rows := connRows(okReplies(loadFixture[sysapi.Connz](t, "connz")), nil)
			sortConns(rows, sysapi.ByOutMsgs, false)
			tb, _ := reportConnsTable(rows[:3], false)
			tot := connTotals(rows)
			doc := *tb
			doc.Schema, doc.Extra = reportConnsSchema, map[string]any{"totals": tot}
			return view("Top 3 Connections out of 8 by out-msgs", withConnTotals(tb, tot)), &doc
		}},
		{"report-accounts", func(t *testing.T) (*systable.View, *output.Table) {
			rows := connRows(okReplies(loadFixture[sysapi.Connz](t, "connz")), nil)
			tb, _, n := accountsTable(rows, "subscriptions", false, 0)
			doc := *tb
			doc.Schema, doc.Extra = reportAccountsSchema, map[string]any{"accounts": n}
			return view("2 Accounts Overview", tb), &doc
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, doc := tt.build(t)
			renderAll(t, tt.name, v, doc)
		})
	}
}

func TestGoldenPing(t *testing.T) {
	rs := loadFixture[sysapi.ServerStats](t, "statsz").Replies
	lines := append(pingLines(rs, true), pingGraph(rs)...)
	checkGolden(t, "ping.text.golden", []byte(strings.Join(lines, "\n")+"\n"))
}
