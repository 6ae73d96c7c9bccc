package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// targetKind says how a row's target is checked.
type targetKind int

const (
	// ratioAtLeast: ours/reference >= target (throughput).
	ratioAtLeast targetKind = iota
	// ratioAtMost: ours/reference <= target (latency, memory).
	ratioAtMost
	// oursAtMost: ours <= target, whatever the reference does.
	oursAtMost
)

// row is one line of the comparison table: a metric of a scenario and its
// target from the performance issue.
type row struct {
	name     string // label and JSON name
	scenario string
	metric   string
	unit     string
	kind     targetKind
	target   float64
}

// Targets of the performance issue.
const (
	throughputTarget = 1.10 // ours/reference, at least
	parityTarget     = 1.00 // ours/reference, at least (or at most for latency)
	rssPerConnTarget = 0.80 // ours/reference, at most
	fairnessTarget   = 10.0 // percent from the mean, at most
	// slowConsumerFactor bounds the RSS growth with a stalled subscriber, in
	// multiples of max_pending (one for the pending bytes, one for the
	// garbage a collected runtime may hold before its next cycle).
	slowConsumerFactor = 2.0
)

// tableRows lists the rows in print order; maxPendingMB is the max_pending
// the slow-consumer scenario ran with.
func tableRows(maxPendingMB float64) []row {
	return []row{
		{"pub-only 16B", "pub-only-16B", "msgs_per_sec", "msgs/s", ratioAtLeast, throughputTarget},
		{"pub->sub 1x1 16B", "pubsub-1x1-16B", "msgs_per_sec", "msgs/s", ratioAtLeast, throughputTarget},
		{"pub->sub 1x1 1KB", "pubsub-1x1-1KB", "msgs_per_sec", "msgs/s", ratioAtLeast, throughputTarget},
		{"pub->4 subs 16B", "fanout-1x4-16B", "msgs_per_sec", "msgs/s", ratioAtLeast, throughputTarget},
		{"4 pubs->4 subs 16B distinct", "pubsub-4x4", "msgs_per_sec", "msgs/s", ratioAtLeast, throughputTarget},
		{"req/reply p50", "reqrep", "p50_us", "us", ratioAtMost, parityTarget},
		{"req/reply p99", "reqrep", "p99_us", "us", ratioAtMost, parityTarget},
		{"queue-4 throughput", "queue-4", "msgs_per_sec", "msgs/s", ratioAtLeast, throughputTarget},
		{"queue-4 fairness (max dev)", "queue-4", "fairness_max_dev_pct", "%", oursAtMost, fairnessTarget},
		{"100k subs publish", "subs-100k", "pub_msgs_per_sec", "msgs/s", ratioAtLeast, throughputTarget},
		{"100k subs SUB/UNSUB churn", "subs-100k", "churn_ops_per_sec", "ops/s", ratioAtLeast, parityTarget},
		{"5k idle conns RSS/conn", "idle-conns", "rss_per_conn_kb", "KB", ratioAtMost, rssPerConnTarget},
		{"slow consumer RSS growth", "slow-consumer", "rss_growth_mb", "MB", oursAtMost, slowConsumerFactor * maxPendingMB},
		{"conn churn (sys account)", "conn-churn", "conns_per_sec", "conns/s", ratioAtLeast, parityTarget},
		{"CONNZ 10k conns p50", "connz", "p50_ms", "ms", ratioAtMost, parityTarget},
	}
}

// targetText describes r's target.
func (r row) targetText() string {
	switch r.kind {
	case ratioAtLeast:
		return fmt.Sprintf(">= %.2fx ref", r.target)
	case ratioAtMost:
		return fmt.Sprintf("<= %.2fx ref", r.target)
	default:
		return fmt.Sprintf("<= %s %s", formatValue(r.target), r.unit)
	}
}

// sample is one value of one metric from one round of one server.
type sample struct {
	scenario, metric, server string
	round                    int
	value                    float64
	ok                       bool   // false when the round failed or was not applicable
	reason                   string // why, when !ok
}

// parseSamples reads the raw rounds written by scripts/bench.sh, one per
// line: scenario, metric, server (ours or ref), round, value (a number or
// "na"), and an optional reason, separated by tabs.
func parseSamples(r io.Reader) ([]sample, error) {
	var out []sample
	sc := bufio.NewScanner(r)
	for ln := 1; sc.Scan(); ln++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 5 {
			return nil, fmt.Errorf("raw line %d: want at least 5 tab-separated fields, got %d", ln, len(f))
		}
		s := sample{scenario: f[0], metric: f[1], server: f[2]}
		if s.server != "ours" && s.server != "ref" {
			return nil, fmt.Errorf("raw line %d: server %q is neither ours nor ref", ln, s.server)
		}
		var err error
		if s.round, err = strconv.Atoi(f[3]); err != nil {
			return nil, fmt.Errorf("raw line %d: round: %w", ln, err)
		}
		if f[4] != "na" {
			if s.value, err = strconv.ParseFloat(f[4], 64); err != nil {
				return nil, fmt.Errorf("raw line %d: value: %w", ln, err)
			}
			s.ok = !math.IsNaN(s.value) && !math.IsInf(s.value, 0)
		}
		if len(f) > 5 {
			s.reason = strings.Join(f[5:], " ")
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read raw rounds: %w", err)
	}
	return out, nil
}

// median of v (mean of the middle two when even); v is sorted in place.
func median(v []float64) float64 {
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// side is one server's rounds of one metric.
type side struct {
	rounds []float64 // successful rounds, in order
	failed int
	reason string
}

// med is the median of the successful rounds, or NaN without any.
func (s side) med() float64 {
	if len(s.rounds) == 0 {
		return math.NaN()
	}
	return median(slices.Clone(s.rounds))
}

// result is one evaluated row.
type result struct {
	row
	ours, ref side
	om, rm    float64 // medians (NaN when missing)
	ratio     float64 // om/rm (NaN when either is missing or rm is 0)
	met       string  // "yes", "no" or "n/a"
}

// anyMetric in a raw line stands for every metric of the scenario: bench.sh
// writes it when a whole round failed.
const anyMetric = "*"

// collect gathers the rounds of one scenario metric.
func collect(samples []sample, scenario, metricName string) (ours, ref side, found bool) {
	for _, s := range samples {
		if s.scenario != scenario || (s.metric != metricName && s.metric != anyMetric) {
			continue
		}
		found = true
		p := &ours
		if s.server == "ref" {
			p = &ref
		}
		if s.ok {
			p.rounds = append(p.rounds, s.value)
			continue
		}
		p.failed++
		if s.reason != "" {
			p.reason = s.reason
		}
	}
	return ours, ref, found
}

// evaluate computes every row that has samples.
func evaluate(samples []sample, rows []row) []result {
	var out []result
	for _, r := range rows {
		ours, ref, found := collect(samples, r.scenario, r.metric)
		if !found {
			continue
		}
		res := result{row: r, ours: ours, ref: ref, om: ours.med(), rm: ref.med(), ratio: math.NaN()}
		if !math.IsNaN(res.om) && !math.IsNaN(res.rm) && res.rm != 0 {
			res.ratio = res.om / res.rm
		}
		res.met = "n/a"
		switch {
		case r.kind == oursAtMost && !math.IsNaN(res.om):
			res.met = yesNo(res.om <= r.target)
		case r.kind == ratioAtLeast && !math.IsNaN(res.ratio):
			res.met = yesNo(res.ratio >= r.target)
		case r.kind == ratioAtMost && !math.IsNaN(res.ratio):
			res.met = yesNo(res.ratio <= r.target)
		}
		out = append(out, res)
	}
	return out
}

// yesNo formats a boolean as yes or no.
func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// formatValue prints a value with thousands separators when large and
// with one or two decimals when small.
func formatValue(v float64) string {
	switch {
	case math.IsNaN(v):
		return "n/a"
	case math.Abs(v) >= 999.95:
		return groupThousands(strconv.FormatFloat(math.Round(v), 'f', 0, 64))
	case math.Abs(v) >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}

// groupThousands inserts commas into a string of digits (with an optional
// leading minus sign).
func groupThousands(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// cell formats one side's median with its unit, or why it is missing.
func cell(s side, m float64, unit string) string {
	if math.IsNaN(m) {
		if s.reason != "" {
			return "n/a (" + s.reason + ")"
		}
		return "n/a"
	}
	return formatValue(m) + " " + unit
}

// writeTable prints the comparison table and, below it, notes on failed
// rounds and lost messages.
func writeTable(w io.Writer, results []result, samples []sample) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\tours\treference\tratio\ttarget\tmet?")
	for _, r := range results {
		ratio := "n/a"
		if !math.IsNaN(r.ratio) {
			ratio = fmt.Sprintf("%.2f", r.ratio)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.name, cell(r.ours, r.om, r.unit),
			cell(r.ref, r.rm, r.unit), ratio, r.targetText(), r.met)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	for _, n := range notes(results, samples) {
		fmt.Fprintln(w, "note:", n)
	}
	return nil
}

// notes lists failed rounds and rounds that lost messages.
func notes(results []result, samples []sample) []string {
	var out []string
	for _, r := range results {
		for _, s := range []struct {
			name string
			side side
		}{{"ours", r.ours}, {"reference", r.ref}} {
			if s.side.failed > 0 && len(s.side.rounds) > 0 {
				out = append(out, fmt.Sprintf("%s: %s failed %d round(s): %s", r.name, s.name, s.side.failed, s.side.reason))
			}
		}
	}
	for _, s := range samples {
		if s.metric == "delivered" && s.ok && s.value < 1 {
			out = append(out, fmt.Sprintf("%s round %d: %s delivered %.1f%% of the messages",
				s.scenario, s.round, serverName(s.server), s.value*100))
		}
	}
	return out
}

// serverName spells out a server key.
func serverName(key string) string {
	if key == "ref" {
		return "reference"
	}
	return key
}
