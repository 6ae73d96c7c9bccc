package output

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

func fixture() *Table {
	return &Table{
		Schema: "natsys.test.servers/v1",
		Columns: []Column{
			{Key: "name", Title: "Name"},
			{Key: "conns", Title: "Connections", Right: true},
			{Key: "mem_bytes", Title: "Memory", Right: true},
			{Key: "rtt_ns", Title: "RTT", Right: true},
		},
		Rows: [][]Cell{
			{V("n1"), Count(1234), Bytes(2500), Duration(1500 * time.Microsecond)},
			{V("n2|x"), Count(7), Bytes(512), Duration(2 * time.Second)},
		},
		Extra: map[string]any{"servers": map[string]int{"expected": 2, "responded": 2}},
	}
}

func TestGolden(t *testing.T) {
	for _, f := range Formats {
		for _, term := range []bool{false, true} {
			name := string(f)
			if term {
				if f != FormatTable {
					continue
				}
				name += "-terminal"
			}
			t.Run(name, func(t *testing.T) {
				var buf bytes.Buffer
				p, err := New(&buf, Options{Format: f, Terminal: term})
				if err != nil {
					t.Fatal(err)
				}
				if err := p.Table(fixture()); err != nil {
					t.Fatal(err)
				}
				golden := filepath.Join("testdata", "FormatServers", name+".golden")
				if *update {
					if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run with -update)", err)
				}
				if !bytes.Equal(buf.Bytes(), want) {
					t.Errorf("got:\n%s\nwant:\n%s", buf.Bytes(), want)
				}
				if !term && (bytes.ContainsRune(buf.Bytes(), 0x1b) || strings.ContainsAny(buf.String(), "─│┌┐└┘├┤┬┴┼")) {
					t.Errorf("non-terminal output has ESC or box drawing:\n%s", buf.Bytes())
				}
			})
		}
	}
}

func TestColumnsAndHeaders(t *testing.T) {
	var buf bytes.Buffer
	p, _ := New(&buf, Options{Format: FormatCSV, Columns: []string{"rtt_ns", "NAME"}, NoHeaders: true})
	if err := p.Table(fixture()); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "1500000,n1\n2000000000,n2|x\n"; got != want {
		t.Errorf("csv = %q, want %q", got, want)
	}
	p, _ = New(&buf, Options{Format: FormatPlain, Columns: []string{"bogus"}})
	if err := p.Table(fixture()); err == nil || !strings.Contains(err.Error(), "unknown column") {
		t.Errorf("unknown column: err = %v", err)
	}
}

func TestColorEnabled(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		mode ColorMode
		tty  bool
		env  map[string]string
		want bool
	}{
		{ColorAuto, true, nil, true},
		{ColorAuto, false, nil, false},
		{ColorAuto, true, map[string]string{"NO_COLOR": "1"}, false},
		{ColorAuto, true, map[string]string{"NO_COLOR": ""}, true},
		{ColorAuto, true, map[string]string{"TERM": "dumb"}, false},
		{ColorAlways, false, map[string]string{"NO_COLOR": "1"}, true},
		{ColorNever, true, nil, false},
	}
	for _, tt := range tests {
		if got := ColorEnabled(tt.mode, tt.tty, env(tt.env)); got != tt.want {
			t.Errorf("ColorEnabled(%s, tty=%v, %v) = %v, want %v", tt.mode, tt.tty, tt.env, got, tt.want)
		}
	}
	// Colour reaches the table only when enabled.
	var buf bytes.Buffer
	p, _ := New(&buf, Options{Format: FormatTable, Color: true, Terminal: true})
	_ = p.Table(fixture())
	if !bytes.ContainsRune(buf.Bytes(), 0x1b) {
		t.Error("colour enabled but no ESC in table")
	}
}

func TestDefaultFormat(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		tty  bool
		env  map[string]string
		want Format
		err  bool
	}{
		{true, nil, FormatTable, false},
		{false, nil, FormatPlain, false},
		{false, map[string]string{"NATS_TABLE_FORMAT": "markdown"}, FormatMarkdown, false},
		{true, map[string]string{"NATSYS_OUTPUT": "json", "NATS_TABLE_FORMAT": "csv"}, FormatJSON, false},
		{true, map[string]string{"NATSYS_OUTPUT": "xml"}, "", true},
	}
	for _, tt := range tests {
		got, err := DefaultFormat(tt.tty, env(tt.env))
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("DefaultFormat(%v, %v) = %q, %v; want %q", tt.tty, tt.env, got, err, tt.want)
		}
	}
}

func TestHuman(t *testing.T) {
	tests := []struct{ got, want string }{
		{HumanBytes(0), "0 B"}, {HumanBytes(1023), "1023 B"}, {HumanBytes(2500), "2.4 KiB"},
		{HumanBytes(5 << 30), "5.0 GiB"}, {HumanCount(0), "0"}, {HumanCount(1234567), "1,234,567"},
		{HumanCount(-1000), "-1,000"}, {HumanDuration(1500 * time.Microsecond), "1.5ms"},
		{HumanDuration(90 * time.Second), "1m30s"}, {HumanDuration(50 * time.Hour), "2d2h"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
