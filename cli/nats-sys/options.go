package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/natsys/natsys/client"
	"github.com/natsys/natsys/client/sysapi"

	"github.com/natsys/natsys/cli/internal/cmdutil"
	"github.com/natsys/natsys/cli/internal/connflags"
	"github.com/natsys/natsys/cli/internal/natsconn"
	"github.com/natsys/natsys/cli/internal/output"
)

// dialFunc opens the client connection for a command.
type dialFunc func(ctx context.Context, s *connflags.Settings) (*client.Conn, error)

// globalOptions are the flags every nats-sys command shares: connection,
// output and fan-out.
type globalOptions struct {
	f    *cmdutil.Factory
	dial dialFunc
	conn connflags.Flags

	format    string
	json      bool
	columns   []string
	noHeaders bool
	color     string

	expect      int
	servers     []string
	name        string
	cluster     string
	host        string
	tags        []string
	domain      string
	includeSelf bool

	// nagios is the state a check command ended in; execute turns it into
	// the exit code (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
	nagios int
}

// register adds the shared flags to fs (the root's persistent flags).
func (g *globalOptions) register(fs *pflag.FlagSet) {
	g.conn.Register(fs)
	g.conn.RegisterTimeout(fs)
	fs.StringVarP(&g.format, "output", "o", "", formatHelp)
	fs.BoolVar(&g.json, "json", false, "JSON output (-o json): raw server replies, or the command's versioned schema")
	fs.StringSliceVar(&g.columns, "columns", nil, "choose and order the columns of the main table (keys as in JSON)")
	fs.BoolVar(&g.noHeaders, "no-headers", false, "do not print table headers")
	fs.StringVar(&g.color, "color", string(output.ColorAuto), "colour: auto|always|never (auto honours NO_COLOR and TERM=dumb)")
	fs.IntVar(&g.expect, "expect", 0, "wait for replies from N servers; fewer exit 3 (default: discovered)")
	fs.StringSliceVar(&g.servers, "servers", nil, "ask these servers (names or IDs, comma separated); missing ones exit 3")
	fs.StringVar(&g.name, "name", "", "only servers with this name")
	fs.StringVar(&g.cluster, "cluster", "", "only servers in this cluster")
	fs.StringVar(&g.host, "host", "", "only servers on this host")
	fs.StringSliceVar(&g.tags, "tags", nil, "only servers with all these tags")
	fs.StringVar(&g.domain, "domain", "", "only servers in this JetStream domain")
	fs.BoolVar(&g.includeSelf, "include-self", false, "show nats-sys's own connection in connection lists")
}

// outputOptions resolves -o/--json/--columns/--color against the
// environment and the terminal.
func (g *globalOptions) outputOptions() (output.Options, error) {
	io := g.f.IO
	var o output.Options
	switch {
	case g.json && g.format != "" && g.format != string(output.FormatJSON):
		return o, fmt.Errorf("--json and -o %s cannot be combined", g.format)
	case g.json:
		o.Format = output.FormatJSON
	case g.format != "":
		f, err := output.ParseFormat(g.format)
		if err != nil {
			return o, err
		}
		o.Format = f
	default:
		f, err := output.DefaultFormat(io.OutTTY, g.f.Getenv)
		if err != nil {
			return o, err
		}
		o.Format = f
	}
	mode, err := output.ParseColorMode(g.color)
	if err != nil {
		return o, err
	}
	o.Color = output.ColorEnabled(mode, io.OutTTY, g.f.Getenv)
	o.Terminal = io.OutTTY && g.f.Getenv("NO_COLOR") == "" && g.f.Getenv("TERM") != "dumb"
	o.NoHeaders = g.noHeaders
	o.Columns = g.columns
	return o, nil
}

// filter returns the server filter of --name/--cluster/--host/--tags/--domain.
func (g *globalOptions) filter() (sysapi.EventFilterOptions, bool) {
	f := sysapi.EventFilterOptions{Name: g.name, Cluster: g.cluster, Host: g.host, Tags: g.tags, Domain: g.domain}
	set := f.Name != "" || f.Cluster != "" || f.Host != "" || len(f.Tags) > 0 || f.Domain != ""
	if set {
		f.ExactMatch = true
	}
	return f, set
}

// validate checks the shared flags.
func (g *globalOptions) validate() error {
	if g.expect < 0 {
		return errors.New("--expect must not be negative")
	}
	if g.expect > 0 && len(g.servers) > 0 {
		return errors.New("--expect and --servers cannot be combined (--servers expects one reply per server)")
	}
	for _, s := range g.servers {
		if s == "" || strings.ContainsAny(s, " \t*>") {
			return fmt.Errorf("--servers: invalid server %q", s)
		}
	}
	if _, err := g.outputOptions(); err != nil {
		return err
	}
	return nil
}

// dialClient connects with the natsys client library (no reconnects), with
// the settings mapped as for every tool. Errors carry exit codes (4 cannot
// connect, 5 not authorised, 2 bad options); Ctrl-C while connecting is
// reported as the interruption.
func dialClient(ctx context.Context, s *connflags.Settings) (*client.Conn, error) {
	c, err := natsconn.DialClient(ctx, s, natsconn.Events{})
	if err != nil && cmdutil.Interrupted(ctx) {
		return nil, context.Cause(ctx)
	}
	return c, err
}

// watchFlags adds --watch[=interval] and --watch-count to a read command.
type watchFlags struct {
	every time.Duration
	count int
}

func (w *watchFlags) register(fs *pflag.FlagSet) {
	fs.DurationVarP(&w.every, "watch", "w", 0, "repeat every interval, with per-interval rates (bare --watch: 2s)")
	fs.Lookup("watch").NoOptDefVal = defaultWatch.String()
	fs.IntVar(&w.count, "watch-count", 0, "with --watch: stop after N snapshots (0: until Ctrl-C)")
}

func (w *watchFlags) validate() error {
	if w.every != 0 && w.every < minWatch {
		return fmt.Errorf("--watch interval must be at least %s", minWatch)
	}
	if w.count < 0 {
		return errors.New("--watch-count must not be negative")
	}
	return nil
}
