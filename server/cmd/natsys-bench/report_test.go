package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseSamples(t *testing.T) {
	in := "# comment\n\n" +
		"a\tm\tours\t1\t10.5\t\n" +
		"a\t*\tref\t2\tna\tmonitoring not built\n"
	got, err := parseSamples(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []sample{
		{scenario: "a", metric: "m", server: "ours", round: 1, value: 10.5, ok: true},
		{scenario: "a", metric: "*", server: "ref", round: 2, reason: "monitoring not built"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d samples, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("sample %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	for _, bad := range []string{"a\tm\tours\t1\n", "a\tm\tboth\t1\t2\n", "a\tm\tours\tx\t2\n", "a\tm\tours\t1\tfast\n"} {
		if _, err := parseSamples(strings.NewReader(bad)); err == nil {
			t.Errorf("parseSamples(%q) accepted a bad line", bad)
		}
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	}
	for _, tt := range tests {
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// raw builds the samples of one metric: ours and ref rounds.
func raw(scenario, metricName string, ours, ref []float64) []sample {
	var out []sample
	for i, v := range ours {
		out = append(out, sample{scenario: scenario, metric: metricName, server: "ours", round: i + 1, value: v, ok: true})
	}
	for i, v := range ref {
		out = append(out, sample{scenario: scenario, metric: metricName, server: "ref", round: i + 1, value: v, ok: true})
	}
	return out
}

func TestEvaluate(t *testing.T) {
	rows := []row{
		{"thr", "s1", "rate", "msgs/s", ratioAtLeast, 1.10},
		{"lat", "s2", "p50", "us", ratioAtMost, 1.00},
		{"fair", "s3", "dev", "%", oursAtMost, 10},
		{"mon", "s4", "p50", "ms", ratioAtMost, 1.00},
		{"absent", "s5", "x", "", ratioAtLeast, 1},
	}
	var samples []sample
	samples = append(samples, raw("s1", "rate", []float64{120, 100, 110}, []float64{100, 90, 100})...)
	samples = append(samples, raw("s2", "p50", []float64{50, 60, 55}, []float64{50, 50, 50})...)
	samples = append(samples, raw("s3", "dev", []float64{2, 3, 30}, []float64{50, 50, 50})...)
	samples = append(samples, raw("s4", "p50", nil, []float64{7})...)
	samples = append(samples, sample{scenario: "s4", metric: anyMetric, server: "ours", round: 1, reason: "monitoring not built"})
	got := evaluate(samples, rows)
	if len(got) != 4 {
		t.Fatalf("evaluate returned %d rows, want 4 (rows without samples are left out)", len(got))
	}
	want := []struct {
		om, rm, ratio float64
		met           string
	}{
		{110, 100, 1.10, "yes"},
		{55, 50, 1.10, "no"},
		{3, 50, 0.06, "yes"},
		{math.NaN(), 7, math.NaN(), "n/a"},
	}
	for i, w := range want {
		r := got[i]
		if !same(r.om, w.om) || !same(r.rm, w.rm) || !same(roundTo(r.ratio, 2), w.ratio) || r.met != w.met {
			t.Errorf("row %s = %v %v %v %s, want %v %v %v %s", r.name, r.om, r.rm, r.ratio, r.met, w.om, w.rm, w.ratio, w.met)
		}
	}
	if got[3].ours.reason != "monitoring not built" || got[3].ours.failed != 1 {
		t.Errorf("row mon ours = %+v, want one failed round with its reason", got[3].ours)
	}
}

// same compares floats, NaN equal to NaN.
func same(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

func TestFormatValue(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{2512442, "2,512,442"},
		{1000, "1,000"},
		{999.96, "1,000"},
		{123.45, "123.5"},
		{9.876, "9.88"},
		{-1234, "-1,234"},
		{math.NaN(), "n/a"},
	}
	for _, tt := range tests {
		if got := formatValue(tt.in); got != tt.want {
			t.Errorf("formatValue(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWriteTable(t *testing.T) {
	samples := raw("pubsub-4x4", "msgs_per_sec", []float64{2_000_000}, []float64{1_000_000})
	samples = append(samples, raw("pubsub-4x4", "delivered", []float64{0.5}, []float64{1})...)
	samples = append(samples, sample{scenario: "connz", metric: anyMetric, server: "ours", round: 1, reason: "monitoring not built"})
	samples = append(samples, raw("connz", "p50_ms", nil, []float64{7.75})...)
	var b bytes.Buffer
	if err := writeTable(&b, evaluate(samples, tableRows(16)), samples); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"scenario", "met?",
		"4 pubs->4 subs 16B distinct", "2,000,000 msgs/s", "1,000,000 msgs/s", "2.00", ">= 1.10x ref", "yes",
		"n/a (monitoring not built)", "7.75 ms",
		"note: pubsub-4x4 round 1: ours delivered 50.0% of the messages",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "reference delivered") {
		t.Errorf("table notes a full delivery as a loss:\n%s", out)
	}
}

func TestRunReportWritesJSON(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "raw.tsv")
	lines := "queue-4\tmsgs_per_sec\tours\t1\t300\n" +
		"queue-4\tmsgs_per_sec\tref\t1\t100\n" +
		"queue-4\tfairness_max_dev_pct\tours\t1\t12\n" +
		"queue-4\tfairness_max_dev_pct\tref\t1\t1\n" +
		"queue-4\tdelivered\tours\t1\t1\n"
	if err := os.WriteFile(in, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "results.json")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"report", "-in", in, "-json", out, "-rounds", "1", "-settings", "scale 1"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("report exit %d: %s", code, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep jsonReport
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("results.json: %v\n%s", err, b)
	}
	if rep.Machine.Cores < 1 || rep.Rounds != 1 || rep.Settings != "scale 1" || len(rep.Scenarios) != 2 {
		t.Fatalf("report = %+v", rep)
	}
	thr, fair := rep.Scenarios[0], rep.Scenarios[1]
	if thr.Ratio == nil || *thr.Ratio != 3 || thr.Met == nil || !*thr.Met || thr.Rounds != 1 {
		t.Errorf("throughput row = %+v", thr)
	}
	if fair.Met == nil || *fair.Met {
		t.Errorf("fairness row with 12%% deviation is met: %+v", fair)
	}
	if len(rep.Extra) != 1 || rep.Extra[0].Metric != "delivered" {
		t.Errorf("extra metrics = %+v", rep.Extra)
	}
	if !strings.Contains(stdout.String(), "settings: scale 1") {
		t.Errorf("stdout lacks the settings line:\n%s", stdout.String())
	}
}

func TestBuildJSONMissingValuesAreNull(t *testing.T) {
	samples := []sample{{scenario: "connz", metric: anyMetric, server: "ours", round: 1, reason: "monitoring not built"}}
	samples = append(samples, raw("connz", "p50_ms", nil, []float64{7})...)
	rep := buildJSON(evaluate(samples, tableRows(16)), samples, 1, "", jsonMachine{Cores: 2}, time.Unix(0, 0))
	b, err := json.Marshal(rep.Scenarios[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"ours":null`, `"ratio":null`, `"met":null`, `"ours_note":"monitoring not built"`, `"ours_rounds":[]`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s: %s", want, b)
		}
	}
}
