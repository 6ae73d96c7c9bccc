package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"strings"
	"time"
)

// jsonReport is the layout of bench/results.json.
type jsonReport struct {
	Generated string         `json:"generated"`
	Machine   jsonMachine    `json:"machine"`
	Rounds    int            `json:"rounds"`
	Settings  string         `json:"settings,omitempty"`
	Scenarios []jsonScenario `json:"scenarios"`
	Extra     []jsonExtra    `json:"extra_metrics"`
}

// jsonMachine describes where the run happened.
type jsonMachine struct {
	Cores int    `json:"cores"`
	CPU   string `json:"cpu"`
	Note  string `json:"note,omitempty"`
}

// jsonScenario is one table row with its rounds.
type jsonScenario struct {
	Name            string    `json:"name"`
	Scenario        string    `json:"scenario"`
	Metric          string    `json:"metric"`
	Unit            string    `json:"unit"`
	Ours            *float64  `json:"ours"`
	Reference       *float64  `json:"reference"`
	Ratio           *float64  `json:"ratio"`
	Target          string    `json:"target"`
	Met             *bool     `json:"met"`
	Rounds          int       `json:"rounds"`
	OursRounds      []float64 `json:"ours_rounds"`
	ReferenceRounds []float64 `json:"reference_rounds"`
	OursNote        string    `json:"ours_note,omitempty"`
	ReferenceNote   string    `json:"reference_note,omitempty"`
}

// jsonExtra is a metric that has no target (delivered fraction, setup
// rates, RSS before and after, ...), kept for diagnosis.
type jsonExtra struct {
	Scenario        string    `json:"scenario"`
	Metric          string    `json:"metric"`
	OursRounds      []float64 `json:"ours_rounds"`
	ReferenceRounds []float64 `json:"reference_rounds"`
}

// optional returns a pointer to v, or nil for NaN.
func optional(v float64) *float64 {
	if math.IsNaN(v) {
		return nil
	}
	return &v
}

// buildJSON assembles the report.
func buildJSON(results []result, samples []sample, rounds int, settings string, machine jsonMachine, now time.Time) jsonReport {
	rep := jsonReport{Generated: now.UTC().Format(time.RFC3339), Machine: machine, Rounds: rounds, Settings: settings}
	inTable := map[[2]string]bool{}
	for _, r := range results {
		inTable[[2]string{r.scenario, r.metric}] = true
		js := jsonScenario{
			Name: r.name, Scenario: r.scenario, Metric: r.metric, Unit: r.unit,
			Ours: optional(r.om), Reference: optional(r.rm), Ratio: optional(roundTo(r.ratio, 3)),
			Target: r.targetText(), Rounds: min(len(r.ours.rounds), len(r.ref.rounds)),
			OursRounds: nonNil(r.ours.rounds), ReferenceRounds: nonNil(r.ref.rounds),
			OursNote: r.ours.reason, ReferenceNote: r.ref.reason,
		}
		if r.met != "n/a" {
			met := r.met == "yes"
			js.Met = &met
		}
		rep.Scenarios = append(rep.Scenarios, js)
	}
	seen := map[[2]string]int{}
	for _, s := range samples {
		k := [2]string{s.scenario, s.metric}
		if inTable[k] || !s.ok {
			continue
		}
		i, ok := seen[k]
		if !ok {
			i = len(rep.Extra)
			seen[k] = i
			rep.Extra = append(rep.Extra, jsonExtra{Scenario: s.scenario, Metric: s.metric,
				OursRounds: []float64{}, ReferenceRounds: []float64{}})
		}
		if s.server == "ours" {
			rep.Extra[i].OursRounds = append(rep.Extra[i].OursRounds, s.value)
		} else {
			rep.Extra[i].ReferenceRounds = append(rep.Extra[i].ReferenceRounds, s.value)
		}
	}
	return rep
}

// roundTo rounds v to digits decimals (NaN stays NaN).
func roundTo(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

// nonNil returns v, or an empty slice for nil (so JSON shows []).
func nonNil(v []float64) []float64 {
	if v == nil {
		return []float64{}
	}
	return v
}

// cpuModel reads the first "model name" of /proc/cpuinfo.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// runReport implements `natsys-bench report`.
func runReport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "", "raw rounds `file` written by scripts/bench.sh (required)")
	out := fs.String("json", "", "write the JSON report to `file`")
	rounds := fs.Int("rounds", 0, "rounds requested per scenario")
	maxPending := fs.Float64("max-pending-mb", 16, "max_pending of the slow-consumer run, in MB")
	note := fs.String("note", "", "free-text note on the machine, copied to the JSON")
	settings := fs.String("settings", "", "free-text description of the run's sizes, printed and copied to the JSON")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if *in == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "natsys-bench report: -in is required and takes no arguments")
		return exitUsage
	}
	f, err := os.Open(*in)
	if err != nil {
		fmt.Fprintf(stderr, "natsys-bench report: %v\n", err)
		return exitFailed
	}
	samples, err := parseSamples(f)
	f.Close()
	if err != nil {
		fmt.Fprintf(stderr, "natsys-bench report: %v\n", err)
		return exitFailed
	}
	results := evaluate(samples, tableRows(*maxPending))
	if err := writeTable(stdout, results, samples); err != nil {
		fmt.Fprintf(stderr, "natsys-bench report: %v\n", err)
		return exitFailed
	}
	if *settings != "" {
		fmt.Fprintln(stdout, "settings:", *settings)
	}
	if *out == "" {
		return exitOK
	}
	machine := jsonMachine{Cores: runtime.NumCPU(), CPU: cpuModel(), Note: *note}
	var js bytes.Buffer
	enc := json.NewEncoder(&js)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(buildJSON(results, samples, *rounds, *settings, machine, time.Now())); err != nil {
		fmt.Fprintf(stderr, "natsys-bench report: encode JSON: %v\n", err)
		return exitFailed
	}
	if err := os.WriteFile(*out, js.Bytes(), 0o644); err != nil {
		fmt.Fprintf(stderr, "natsys-bench report: %v\n", err)
		return exitFailed
	}
	return exitOK
}
