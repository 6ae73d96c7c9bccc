package main

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/natsys/natsys/cli/internal/cmdutil"
)

// checkSchema is the JSON schema name of the check commands.
const checkSchema = "natsys.sys.check/v1"

// Nagios states, also the exit codes of the check commands.
const (
	stateOK       = 0
	stateWarning  = 1
	stateCritical = 2
	stateUnknown  = 3
)

// stateName is the Nagios name of a state.
func stateName(st int) string {
	return [...]string{"OK", "WARNING", "CRITICAL", "UNKNOWN"}[st]
}

// perfData is one Nagios performance value.
type perfData struct {
	Name     string  `json:"name"`
	Value    float64 `json:"value"`
	Warning  float64 `json:"warning,omitempty"`
	Critical float64 `json:"critical,omitempty"`
	Unit     string  `json:"unit,omitempty"`
	Help     string  `json:"help,omitempty"`
}

// checkResult is the outcome of one check.
type checkResult struct {
	Check     string     `json:"check"`
	Name      string     `json:"name"`
	Status    string     `json:"status"`
	Criticals []string   `json:"criticals"`
	Warnings  []string   `json:"warnings"`
	OKs       []string   `json:"oks"`
	Perf      []perfData `json:"perf"`
}

func newCheckResult(check, name string) *checkResult {
	return &checkResult{Check: check, Name: name, Criticals: []string{}, Warnings: []string{}, OKs: []string{}, Perf: []perfData{}}
}

func (r *checkResult) critical(format string, a ...any) {
	r.Criticals = append(r.Criticals, fmt.Sprintf(format, a...))
}
func (r *checkResult) warning(format string, a ...any) {
	r.Warnings = append(r.Warnings, fmt.Sprintf(format, a...))
}
func (r *checkResult) ok(format string, a ...any) { r.OKs = append(r.OKs, fmt.Sprintf(format, a...)) }

// state is the worst state of the result.
func (r *checkResult) state() int {
	switch {
	case r.Status == stateName(stateUnknown):
		return stateUnknown
	case len(r.Criticals) > 0:
		return stateCritical
	case len(r.Warnings) > 0:
		return stateWarning
	}
	return stateOK
}

// threshold compares value with warn/crit thresholds; when crit < warn
// lower values are worse (inverted thresholds). A zero threshold is off.
func (r *checkResult) threshold(what string, value, warn, crit float64, unit, help string) {
	r.Perf = append(r.Perf, perfData{Name: perfName(what), Value: value, Warning: warn, Critical: crit, Unit: unit, Help: help})
	inverted := crit != 0 && warn != 0 && crit < warn
	bad := func(limit float64) bool {
		if limit == 0 {
			return false
		}
		if inverted {
			return value <= limit
		}
		return value >= limit
	}
	switch {
	case bad(crit):
		r.critical("%s %s", what, fmtValue(value, unit))
	case bad(warn):
		r.warning("%s %s", what, fmtValue(value, unit))
	}
}

func perfName(s string) string { return strings.ReplaceAll(strings.ToLower(s), " ", "_") }

func fmtValue(v float64, unit string) string {
	if unit == "s" {
		return strconv.FormatFloat(v, 'f', 4, 64) + "s"
	}
	return strconv.FormatFloat(v, 'f', 2, 64) + unit
}

// checkFlags are the output flags of every check command.
type checkFlags struct {
	format    string
	namespace string
}

func (c *checkFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&c.format, "format", "nagios", "output: nagios|json|prometheus|text")
	cmd.Flags().StringVar(&c.namespace, "namespace", "nats_server_check", "prometheus metric name prefix")
}

func (c *checkFlags) validate() error {
	if !slices.Contains([]string{"nagios", "json", "prometheus", "text"}, c.format) {
		return fmt.Errorf("--format: unknown format %q (want nagios|json|prometheus|text)", c.format)
	}
	return nil
}

// newCheckCmd builds "nats-sys check" and its checks.
func newCheckCmd(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Nagios-style checks: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN",
		Long: `Health checks for monitoring systems. Each prints one result in --format
nagios (default), json (schema ` + checkSchema + `), prometheus or text, and exits
with the Nagios code: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (always 0 with
--format prometheus). When crit is below warn, lower values are worse.`,
		Args: cmdutil.UsageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCheckServerCmd(g), newCheckConnectionCmd(g), newCheckHealthCmd(g))
	return cmd
}

// emit prints r in the chosen format and records its Nagios state as the
// exit code (see execute): checks print their result on stdout and nothing
// on stderr, whatever the state.
func (c *checkFlags) emit(g *globalOptions, r *checkResult) error {
	if r.Status == "" {
		r.Status = stateName(r.state())
	}
	st := r.state()
	w := g.f.IO.Out
	var out string
	switch c.format {
	case "json":
		doc := struct {
			Schema string `json:"schema"`
			*checkResult
		}{checkSchema, r}
		b, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			return err
		}
		out = string(b) + "\n"
	case "prometheus":
		out = prometheus(c.namespace, r)
	case "text":
		out = checkText(r)
	default:
		out = nagios(r)
	}
	if _, err := fmt.Fprint(w, g.f.Redact(out)); err != nil {
		return err
	}
	if c.format != "prometheus" {
		g.nagios = st
	}
	return nil
}

// nagios is the classic plugin line: "STATUS name Crit:… Warn:… | perfdata".
func nagios(r *checkResult) string {
	var b strings.Builder
	b.WriteString(r.Status + " " + r.Name)
	for _, part := range []struct {
		label string
		items []string
	}{{"Crit", r.Criticals}, {"Warn", r.Warnings}, {"OK", r.OKs}} {
		if len(part.items) > 0 {
			b.WriteString(" " + part.label + ":" + strings.Join(part.items, ", "))
		}
	}
	if len(r.Perf) > 0 {
		b.WriteString(" |")
		for _, p := range r.Perf {
			fmt.Fprintf(&b, " %s=%s%s", p.Name, strconv.FormatFloat(p.Value, 'f', -1, 64), p.Unit)
			if p.Warning != 0 || p.Critical != 0 {
				fmt.Fprintf(&b, ";%s;%s", thr(p.Warning), thr(p.Critical))
			}
		}
	}
	return b.String() + "\n"
}

func thr(v float64) string {
	if v == 0 {
		return ""
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// prometheus prints gauges named <namespace>_<check>_<perf> with an item label.
func prometheus(ns string, r *checkResult) string {
	var b strings.Builder
	label := strconv.Quote(r.Name)
	metric := func(name, help string, v float64) {
		full := ns + "_" + perfName(r.Check) + "_" + name
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n%s{item=%s} %s\n", full, help, full, full, label, strconv.FormatFloat(v, 'f', -1, 64))
	}
	for _, p := range r.Perf {
		help := p.Help
		if help == "" {
			help = p.Name
		}
		metric(p.Name, help, p.Value)
	}
	metric("status_code", "Nagios status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN", float64(r.state()))
	return b.String()
}

// checkText is a readable multi-line report.
func checkText(r *checkResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s check of %s: %s\n", r.Check, r.Name, r.Status)
	for _, part := range []struct {
		label string
		items []string
	}{{"critical", r.Criticals}, {"warning", r.Warnings}, {"ok", r.OKs}} {
		for _, it := range part.items {
			fmt.Fprintf(&b, "  %-8s %s\n", part.label+":", it)
		}
	}
	for _, p := range r.Perf {
		fmt.Fprintf(&b, "  %-8s %s = %s%s", "metric:", p.Name, strconv.FormatFloat(p.Value, 'f', -1, 64), p.Unit)
		if p.Warning != 0 || p.Critical != 0 {
			fmt.Fprintf(&b, " (warn %s, crit %s)", thr(p.Warning), thr(p.Critical))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// unknown turns an error that prevented the check into an UNKNOWN (or,
// for connection checks, CRITICAL) result.
func unknown(r *checkResult, msg string, state int) *checkResult {
	r.Status = stateName(state)
	r.critical("%s", msg)
	return r
}

// seconds of a duration as a float (perfdata unit "s").
func secs(d time.Duration) float64 { return math.Round(d.Seconds()*1e6) / 1e6 }
