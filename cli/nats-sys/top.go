package main

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/natsys/natsys/client/sys"
	"github.com/natsys/natsys/client/sysapi"

	"github.com/natsys/natsys/cli/internal/cmdutil"
	"github.com/natsys/natsys/cli/internal/exit"
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
	serverID string
	// snapshot is nats-top's "-o -": one snapshot on stdout, then exit.
	snapshot  bool
	delimiter string
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
interval after the start, so its rates are real. Narrow with --server-id
NAME|ID (one server; -s/--server stays the connection URL), --servers, --name
or --account. Stops at Ctrl-C (exit 0) or after --count snapshots. As in
nats-top, "-o -" prints one snapshot and exits, and --delimiter D prints the
snapshot's rows as raw values separated by D instead of a table. On a
terminal the keys of nats-top work: o sort order, n connection limit,
s subscriptions, d host names, b raw bytes, ? help, q quit.`,
		example: `  nats-sys top
  nats-sys top --sort bytes -n 20
  nats-sys top --count 1 -o csv > snapshot.csv
  nats-sys top --server-id n2 -o - --delimiter ';'`,
	}, nil, func([]string) error {
		if g.format == "-" {
			o.snapshot, g.format = true, string(output.FormatPlain)
		}
		if o.snapshot || o.delimiter != "" {
			if o.count > 1 {
				return fmt.Errorf("-o - and --delimiter print one snapshot; --count %d cannot be combined", o.count)
			}
			o.count = 1
		}
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
	fs.StringVar(&o.serverID, "server-id", "", "only the connections of this server (name or ID)")
	fs.StringVarP(&o.delimiter, "delimiter", "l", "", "print one snapshot as raw values separated by this string (nats-top -l)")
	return cmd
}

func runTop(ctx context.Context, o *topOptions) error {
	s, err := o.g.open(ctx)
	if err != nil {
		return err
	}
	defer s.close()
	st := &topState{sort: o.sort, conns: o.conns}
	io := s.g.f.IO
	human := s.out.Format != output.FormatJSON && s.out.Format != output.FormatNDJSON
	if io.InTTY && io.OutTTY && human && !o.snapshot && o.delimiter == "" {
		restore, err := keyMode(io.In)
		if err != nil {
			return err
		}
		defer restore()
		var quit context.CancelCauseFunc
		ctx, quit = context.WithCancelCause(ctx)
		defer quit(nil)
		go st.readKeys(ctx, io.In, func() { quit(exit.ErrInterrupted) })
	}
	fetch := o.fetcher(st)
	// a first sample, so that the first snapshot shown has rates
	if _, err := s.fetch(ctx, fetch); err != nil {
		if cmdutil.Interrupted(ctx) {
			return nil
		}
		return err
	}
	select {
	case <-ctx.Done():
		return nil
	case <-time.After(o.interval):
	}
	return s.watch(ctx, watchFlags{every: o.interval, count: o.count}, fetch)
}

// fetcher returns top's snapshot function; it keeps the counters of the
// previous snapshot for the rates and reads the key state st each time.
func (o *topOptions) fetcher(st *topState) fetcher {
	var prev systable.Counters
	var last time.Time
	names := map[string]string{}
	return func(ctx context.Context, s *session) (*frame, error) {
		v := st.view()
		target := s.target()
		if o.serverID != "" {
			target = sys.Server(o.serverID)
		}
		all, err := fetchAllConns(ctx, s, target, sysapi.ConnzOptions{Account: o.account, Subscriptions: v.subs})
		if err != nil {
			return nil, err
		}
		at := s.now()
		var elapsed time.Duration
		if !last.IsZero() {
			elapsed = at.Sub(last)
		}
		t, keys := topTable(all.rows, v.subs)
		cur := systable.AddRates(t, keys, prev, elapsed, trafficRates()...)
		prev, last = cur, at
		sortTop(t, keys, v.sort)
		if v.conns > 0 && len(t.Rows) > v.conns {
			t.Rows = t.Rows[:v.conns]
		}
		doc := *t
		doc.Schema = topSchema
		doc.Extra = map[string]any{"servers": all.cov.json(), "connections": len(all.rows), "interval_ns": o.interval.Nanoseconds()}
		if v.rawBytes {
			rawByteCells(t)
		}
		if v.dns {
			lookupHosts(ctx, t, names)
		}
		view := &systable.View{Heading: topHeading(all, t, v.rawBytes)}
		view.Add(fmt.Sprintf("Top %d of %s by %s", len(t.Rows), plural(len(all.rows), "connection"), v.sort), t)
		if v.help {
			view.Notes = append(view.Notes, topHelp...)
		}
		fr := &frame{view: view, doc: &doc}
		if o.delimiter != "" {
			fr.text = delimited(t, o.delimiter, s.out.NoHeaders)
		}
		return all.frame(fr), nil
	}
}

// rawByteCells shows the byte columns of t (counters and rates) as plain
// numbers ("b" in top).
func rawByteCells(t *output.Table) {
	for i, c := range t.Columns {
		if !strings.Contains(c.Key, "bytes") {
			continue
		}
		for _, row := range t.Rows {
			if n, ok := cellNumber(row[i].Value); ok {
				row[i].Text = strconv.FormatFloat(n, 'f', -1, 64)
			}
		}
	}
}

// topTable lists connections with their counters (rates are added after).
func topTable(rows []connRow, subs bool) (*output.Table, []string) {
	t := &output.Table{Columns: []output.Column{
		col("server", "Server"), num("cid", "CID"), col("name", "Name"), col("account", "Account"), col("addr", "Host"),
		num("subscriptions", "Subs"), num("pending_bytes", "Pending"), num("in_msgs", "Msgs From"), num("out_msgs", "Msgs To"),
		num("in_bytes", "Bytes From"), num("out_bytes", "Bytes To"), col("lang", "Lang"), col("version", "Version"),
		col("uptime_ns", "Uptime"), col("last_activity", "Last Activity"),
	}}
	if subs {
		t.Columns = append(t.Columns, col("subscriptions_list", "Subscriptions"))
	}
	keys := make([]string, 0, len(rows))
	for _, r := range rows {
		c := r.conn
		row := []output.Cell{
			text(serverLabel(r.server)), count(c.CID), text(c.Name), text(c.Account), text(hostPort(c.IP, c.Port)),
			count(c.NumSubs), size(c.Pending), count(c.InMsgs), count(c.OutMsgs),
			size(c.InBytes), size(c.OutBytes), text(c.Lang), text(c.Version),
			serverDur(c.Uptime), when(c.LastActivity),
		}
		if subs {
			row = append(row, list(slices.Sorted(slices.Values(c.Subs))))
		}
		t.Rows = append(t.Rows, row)
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
func topHeading(all *allConns, t *output.Table, rawBytes bool) string {
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
	bytes := func(f float64) string {
		if rawBytes {
			return strconv.FormatInt(int64(f), 10) + " bytes"
		}
		return output.HumanBytes(int64(f))
	}
	return fmt.Sprintf("%s, %s   In: %.1f msgs/s %s/s   Out: %.1f msgs/s %s/s",
		plural(len(all.servers), "server"), plural(len(all.rows), "connection"),
		in, bytes(inb), out, bytes(outb))
}

// delimited renders t as lines of raw values joined by sep, with a header
// line of column keys unless noHeaders (nats-top -l).
func delimited(t *output.Table, sep string, noHeaders bool) []string {
	var lines []string
	if !noHeaders {
		keys := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			keys[i] = c.Key
		}
		lines = append(lines, strings.Join(keys, sep))
	}
	for _, row := range t.Rows {
		vals := make([]string, len(row))
		for i, c := range row {
			switch {
			case c.Value != nil:
				vals[i] = fmt.Sprint(c.Value)
			default:
				vals[i] = c.Text
			}
		}
		lines = append(lines, strings.Join(vals, sep))
	}
	return lines
}
