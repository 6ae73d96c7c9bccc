// Command natsys-bench is the load driver behind `make bench` for what
// natscli's `nats bench` cannot measure: many publishers on distinct
// subjects, queue group fairness, request/reply latency, 100,000
// subscriptions, memory per connection, slow consumers, connection churn
// and CONNZ latency. It speaks the NATS protocol over raw TCP, runs one
// scenario against one already running server and prints one
// "metric value" line per result; `natsys-bench report` turns the rounds
// collected by scripts/bench.sh into the comparison table and JSON.
//
//	natsys-bench <scenario> -s 127.0.0.1:4222 [-pid N] [-monitor URL] [flags]
//	natsys-bench report -in raw.tsv -json bench/results.json
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

// metric is one named result of a scenario.
type metric struct {
	name  string
	value float64
}

// metrics is the result of one scenario run.
type metrics []metric

// scenarioFunc runs one scenario against the server described by cfg.
type scenarioFunc func(ctx context.Context, cfg config) (metrics, error)

// scenarioFuncs lists the scenarios by name.
func scenarioFuncs() map[string]scenarioFunc {
	return map[string]scenarioFunc{
		"pubsub-4x4":    runPubSub,
		"queue-4":       runQueue,
		"reqrep":        runReqRep,
		"subs-100k":     runSubs,
		"idle-conns":    runIdle,
		"slow-consumer": runSlow,
		"conn-churn":    runConnChurn,
		"connz":         runConnz,
	}
}

// config is what every scenario needs to know about the server and the size
// of the run.
type config struct {
	addr    string  // host:port of the client listener
	pid     int     // server process, for RSS (memory scenarios)
	auth    auth    // CONNECT credentials
	monitor string  // http://host:port of the monitoring listener (connz)
	scale   float64 // multiplies message and operation counts
	size    int     // payload size override (0: the scenario's default)
	count   int     // subscription/connection count override (0: default)
	query   string  // CONNZ query override
}

// scaled returns n multiplied by the scale, at least 1.
func (c config) scaled(n int) int { return max(1, int(float64(n)*c.scale)) }

// sizeOr returns the payload size override, or def.
func (c config) sizeOr(def int) int {
	if c.size > 0 {
		return c.size
	}
	return def
}

// countOr returns the count override, or def.
func (c config) countOr(def int) int {
	if c.count > 0 {
		return c.count
	}
	return def
}

// queryOr returns the query override, or def.
func (c config) queryOr(def string) string {
	if c.query != "" {
		return c.query
	}
	return def
}

// run is main without the exit.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	if args[0] == "report" {
		return runReport(args[1:], stdout, stderr)
	}
	fn, ok := scenarioFuncs()[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "natsys-bench: unknown scenario %q\n", args[0])
		usage(stderr)
		return exitUsage
	}
	cfg, timeout, err := parseScenarioFlags(args[0], args[1:], stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	m, err := fn(ctx, cfg)
	for _, x := range m {
		fmt.Fprintf(stdout, "%s %s\n", x.name, strconv.FormatFloat(x.value, 'f', 3, 64))
	}
	if err != nil {
		fmt.Fprintf(stderr, "natsys-bench %s: %v\n", args[0], err)
		return exitFailed
	}
	return exitOK
}

// parseScenarioFlags parses the flags common to every scenario.
func parseScenarioFlags(name string, args []string, stderr io.Writer) (config, time.Duration, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	url := fs.String("s", "127.0.0.1:4222", "server `address` (host:port or nats://host:port)")
	fs.IntVar(&cfg.pid, "pid", 0, "server process id (idle-conns, slow-consumer)")
	fs.StringVar(&cfg.auth.user, "user", "", "CONNECT user")
	fs.StringVar(&cfg.auth.pass, "pass", "", "CONNECT password")
	fs.StringVar(&cfg.monitor, "monitor", "", "monitoring base `URL` (connz), e.g. http://127.0.0.1:8222")
	fs.Float64Var(&cfg.scale, "scale", 1, "multiply message and operation counts")
	fs.IntVar(&cfg.size, "size", 0, "payload size in bytes (0: scenario default)")
	fs.IntVar(&cfg.count, "count", 0, "subscriptions or connections (0: scenario default)")
	fs.StringVar(&cfg.query, "query", "", "CONNZ query string (default "+defaultConnzQuery+")")
	timeout := fs.Duration("timeout", defaultTimeout, "bound on the whole run")
	if err := fs.Parse(args); err != nil {
		return config{}, 0, err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "natsys-bench %s: unexpected argument %q\n", name, fs.Arg(0))
		return config{}, 0, errors.New("natsys-bench: unexpected arguments")
	}
	if cfg.scale <= 0 {
		fmt.Fprintln(stderr, "natsys-bench: -scale must be positive")
		return config{}, 0, errors.New("natsys-bench: bad -scale")
	}
	cfg.addr = strings.TrimSuffix(strings.TrimPrefix(*url, "nats://"), "/")
	return cfg, *timeout, nil
}

// usage prints the subcommands.
func usage(w io.Writer) {
	names := make([]string, 0, len(scenarioFuncs()))
	for n := range scenarioFuncs() {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintf(w, "usage: natsys-bench <scenario> -s host:port [flags]\n"+
		"       natsys-bench report -in raw.tsv [-json file]\n"+
		"scenarios: %s\n", strings.Join(names, ", "))
}
