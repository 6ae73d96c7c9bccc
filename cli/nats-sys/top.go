package main

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/natsys/natsys/client/sysapi"

	"github.com/natsys/natsys/cli/internal/output"
	"github.com/natsys/natsys/cli/internal/systable"
)

// topSchema is the JSON schema name of nats-sys top snapshots.
const topSchema = "natsys.sys.top/v1"

// topOptions are the flags of nats-sys top.
type topOptions struct {
	g        *globalOptions
	interval time.Duration
	count    int
	conns    int
	sort     string
	account  string
}

// topSorts maps the --sort keys of top to the rate or counter they use.
func topSorts() []string {
	return []string{"msgs", "bytes", "msgs_from", "msgs_to", "bytes_from", "bytes_to", "subs", "pending", "cid", "uptime"}
}

// newTopCmd builds "nats-sys top"; runF replaces runTop in flag tests.
func newTopCmd(g *globalOptions, runF func(context.Context, *topOptions) error) *cobra.Command {
	o := &topOptions{g: g}
	cmd := newCommand(cmdSpec{
		use:   "top",
		short: "Connections of the whole cluster, sorted by message rate, refreshed",
		long: `Poll CONNZ on every server each --interval and show the busiest connections
of the whole cluster by rate (msgs/s, bytes/s), nats-top style. On a terminal
the screen is redrawn; when piped, one snapshot per interval is appended
(NDJSON with --json, schema ` + topSchema + `). The first snapshot comes one
interval after the start, so its rates are real. Narrow with --servers,
--name or --account. Stops at Ctrl-C (exit 0) or after --count snapshots.`,
		example: `  nats-sys top
  nats-sys top --sort bytes -n 20
  nats-sys top --count 1 -o csv > snapshot.csv`,
	}, nil, func([]string) error {
		if !slices.Contains(topSorts(), o.sort) {
			return fmt.Errorf("--sort: unknown key %q", o.sort)
		}
		if o.interval < minWatch {
			return fmt.Errorf("--interval must be at least %s", minWatch)
		}
		if o.count < 0 || o.conns < 0 {
			return fmt.Errorf("--count and --conns must not be negative")
		}
		return nil
	}, func(ctx context.Context, _ []string) error {
		if runF != nil {
			return runF(ctx, o)
		}
		return runTop(ctx, o)
	})
	fs := cmd.Flags()
	fs.DurationVarP(&o.interval, "interval", "d", time.Second, "refresh interval")
	fs.IntVarP(&o.count, "count", "r", 0, "stop after N snapshots (0: until Ctrl-C)")
	fs.IntVarP(&o.conns, "conns", "n", defaultTopConns, "show at most N connections")
	fs.StringVar(&o.sort, "sort", "msgs", "sort by msgs|bytes (rates in+out)|msgs_from|msgs_to|bytes_from|bytes_to|subs|pending|cid|uptime")
	fs.StringVar(&o.account, "account", "", "only connections of this account")
	return cmd
}

func runTop(ctx context.Context, o *topOptions) error {
	s, err := o.g.open(ctx)
	if err != nil {
		return err
	}
	defer s.close()
	var prev systable.Counters
	var last time.Time
	fetch := func(ctx context.Context, s *session) (*frame, error) {
		all, err := fetchAllConns(ctx, s, s.target(), sysapi.ConnzOptions{Account: o.account})
		if err != nil {
			return nil, err
		}
		at := s.now()
		var elapsed time.Duration
		if !last.IsZero() {
			elapsed = at.Sub(last)
		}
		t, keys := topTable(all.rows)
		cur := systable.AddRates(t, keys, prev, elapsed, trafficRates()...)
		prev, last = cur, at
		sortTop(t, keys, o.sort)
		if o.conns > 0 && len(t.Rows) > o.conns {
			t.Rows = t.Rows[:o.conns]
		}
		doc := *t
		doc.Schema = topSchema
		doc.Extra = map[string]any{"servers": all.cov.json(), "connections": len(all.rows), "interval_ns": o.interval.Nanoseconds()}
		view := &systable.View{Heading: topHeading(all, t)}
		view.Add(fmt.Sprintf("Top %d of %s by %s", len(t.Rows), plural(len(all.rows), "connection"), o.sort), t)
		return all.frame(&frame{view: view, doc: &doc}), nil
	}
	// a first sample, so that the first snapshot shown has rates
	if _, err := s.fetch(ctx, fetch); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		return nil
	case <-time.After(o.interval):
	}
	return s.watch(ctx, watchFlags{every: o.interval, count: o.count}, fetch)
}

// topTable lists connections with their counters (rates are added after).
func topTable(rows []connRow) (*output.Table, []string) {
	t := &output.Table{Columns: []output.Column{
		col("server", "Server"), num("cid", "CID"), col("name", "Name"), col("account", "Account"), col("addr", "Host"),
		num("subscriptions", "Subs"), num("pending_bytes", "Pending"), num("in_msgs", "Msgs From"), num("out_msgs", "Msgs To"),
		num("in_bytes", "Bytes From"), num("out_bytes", "Bytes To"), col("lang", "Lang"), col("version", "Version"),
		col("uptime_ns", "Uptime"), col("last_activity", "Last Activity"),
	}}
	keys := make([]string, 0, len(rows))
	for _, r := range rows {
		c := r.conn
		t.Rows = append(t.Rows, []output.Cell{
			text(serverLabel(r.server)), count(c.CID), text(c.Name), text(c.Account), text(hostPort(c.IP, c.Port)),
			count(c.NumSubs), size(c.Pending), count(c.InMsgs), count(c.OutMsgs),
			size(c.InBytes), size(c.OutBytes), text(c.Lang), text(c.Version),
			serverDur(c.Uptime), when(c.LastActivity),
		})
		keys = append(keys, connKey(r))
	}
	return t, keys
}

// sortTop orders the rows (and their keys) by a top --sort key, largest
// first, then by server and CID.
func sortTop(t *output.Table, keys []string, by string) {
	idx := map[string]int{}
	for i, c := range t.Columns {
		idx[c.Key] = i
	}
	val := func(row []output.Cell, k string) float64 {
		i, ok := idx[k]
		if !ok || i >= len(row) {
			return 0
		}
		switch n := row[i].Value.(type) {
		case float64:
			return n
		case int64:
			return float64(n)
		}
		return 0
	}
	key := func(row []output.Cell) float64 {
		switch by {
		case "msgs":
			return val(row, "in_msgs_per_sec") + val(row, "out_msgs_per_sec")
		case "bytes":
			return val(row, "in_bytes_per_sec") + val(row, "out_bytes_per_sec")
		case "msgs_from":
			return val(row, "in_msgs_per_sec")
		case "msgs_to":
			return val(row, "out_msgs_per_sec")
		case "bytes_from":
			return val(row, "in_bytes_per_sec")
		case "bytes_to":
			return val(row, "out_bytes_per_sec")
		case "subs":
			return val(row, "subscriptions")
		case "pending":
			return val(row, "pending_bytes")
		case "cid":
			return -val(row, "cid")
		}
		return val(row, "uptime_ns")
	}
	order := make([]int, len(t.Rows))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		ra, rb := t.Rows[a], t.Rows[b]
		return cmp.Or(cmp.Compare(key(rb), key(ra)), cmp.Compare(fmt.Sprint(ra[0].Value), fmt.Sprint(rb[0].Value)), cmp.Compare(val(ra, "cid"), val(rb, "cid")))
	})
	rows := make([][]output.Cell, len(order))
	ks := make([]string, len(order))
	for i, j := range order {
		rows[i], ks[i] = t.Rows[j], keys[j]
	}
	t.Rows = rows
	copy(keys, ks)
}

// topHeading summarises the cluster: servers, connections and total rates.
func topHeading(all *allConns, t *output.Table) string {
	var in, out, inb, outb float64
	for _, row := range t.Rows {
		for i, c := range t.Columns {
			if v, ok := row[i].Value.(float64); ok {
				switch c.Key {
				case "in_msgs_per_sec":
					in += v
				case "out_msgs_per_sec":
					out += v
				case "in_bytes_per_sec":
					inb += v
				case "out_bytes_per_sec":
					outb += v
				}
			}
		}
	}
	return fmt.Sprintf("%s, %s   In: %.1f msgs/s %s/s   Out: %.1f msgs/s %s/s",
		plural(len(all.servers), "server"), plural(len(all.rows), "connection"),
		in, output.HumanBytes(int64(inb)), out, output.HumanBytes(int64(outb)))
}
