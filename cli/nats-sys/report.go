package main

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"
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

// Schema names of the report documents.
const (
	reportConnsSchema    = "natsys.sys.report.connections/v1"
	reportAccountsSchema = "natsys.sys.report.accounts/v1"
)

// newReportCmd builds "nats-sys report" and its reports.
func newReportCmd(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Reports aggregated over every server",
		Args:  cmdutil.UsageArgs(cobra.NoArgs),
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newReportConnsCmd(g, nil), newReportAccountsCmd(g, nil))
	cmd.AddCommand(newInfraReportCmds(g)...)
	return cmd
}

// allConns collects every connection of every server matching opts,
// asking for more pages where a server has more than one page.
type allConns struct {
	rows     []connRow
	cov      coverage
	failures []string
	servers  []sysapi.ServerInfo
	// perServer counts the matching connections of each server (by ID),
	// own connection excluded.
	perServer map[string]int
}

func fetchAllConns(ctx context.Context, s *session, target sys.Target, opts sysapi.ConnzOptions) (*allConns, error) {
	opts.Limit, opts.Offset, opts.Auth = reportPageSize, 0, true
	var o []sys.Option
	if target.IsAll() {
		o = s.opts()
	}
	res, err := sys.Connz(ctx, s.nc, target, opts, o...)
	if err != nil {
		return nil, err
	}
	sortReplies(res)
	out := &allConns{cov: coverageOf(res), failures: replyFailures(res, nil), perServer: map[string]int{}}
	for _, r := range okReplies(res) {
		out.servers = append(out.servers, r.Server)
		pages := []*sys.Reply[sysapi.Connz]{r}
		got := len(r.Data.Conns)
		for page := 1; got < r.Data.Total && page < reportMaxPages; page++ {
			next := opts
			next.Offset = got
			more, err := sys.Connz(ctx, s.nc, sys.ServerID(r.Server.ID), next)
			if err != nil || len(more.Replies) == 0 || !more.Replies[0].OK() || len(more.Replies[0].Data.Conns) == 0 {
				out.failures = append(out.failures, fmt.Sprintf("%s: only %d of %d connections could be read", serverLabel(r.Server), got, r.Data.Total))
				break
			}
			pages = append(pages, &more.Replies[0])
			got += len(more.Replies[0].Data.Conns)
		}
		rows := connRows(pages, s.self)
		out.perServer[r.Server.ID] = len(rows)
		out.rows = append(out.rows, rows...)
	}
	return out, nil
}

// frame sets the warnings and exit error of a report frame: 1 for failed
// replies, 3 for missing servers.
func (a *allConns) frame(fr *frame) *frame {
	fr.warnings = a.failures
	cov := a.cov.err()
	switch {
	case len(a.failures) > 0:
		if cov != nil {
			fr.warnings = append(fr.warnings, cov.Error())
		}
		fr.err = exit.FailedErrorf("%s failed", plural(len(a.failures), "server"))
	default:
		fr.err = cov
	}
	return fr
}

// reportConnsOptions are the flags of nats-sys report connections.
type reportConnsOptions struct {
	g       *globalOptions
	w       watchFlags
	account string
	sort    string
	top     int
	subject string
	user    string
	state   string
	reason  string
	reverse bool
}

// reportConnSorts maps natscli's report sort keys to CONNZ sort keys.
func reportConnSorts() map[string]sysapi.SortOpt {
	return map[string]sysapi.SortOpt{
		"in-bytes": sysapi.ByInBytes, "out-bytes": sysapi.ByOutBytes, "in-msgs": sysapi.ByInMsgs,
		"out-msgs": sysapi.ByOutMsgs, "uptime": sysapi.ByUptime, "cid": sysapi.ByCid, "subs": sysapi.BySubs,
	}
}

// newReportConnsCmd builds "nats-sys report connections [N]".
func newReportConnsCmd(g *globalOptions, runF func(context.Context, *reportConnsOptions) error) *cobra.Command {
	o := &reportConnsOptions{g: g}
	cmd := newCommand(cmdSpec{
		use:     "connections [EXPECT]",
		aliases: []string{"conns", "conn", "connz"},
		short:   "Top connections across every server, with totals and a per-server count",
		long: `Read every connection of every server (CONNZ, paged), filter, sort and print
the top --top rows with natscli's columns, a totals row computed over all
matching connections (not only the top ones) and a per-server table.
Connections are identified by server and CID. nats-sys's own connection is
left out unless --include-self. JSON: schema ` + reportConnsSchema + `.`,
		example: `  nats-sys report connections --account APP --sort in-msgs --top 5
  nats-sys report connections --state closed --closed-reason 'Slow'`,
		args: cobra.MaximumNArgs(1),
	}, &o.w, func(args []string) error {
		if _, ok := reportConnSorts()[o.sort]; !ok {
			return fmt.Errorf("--sort: unknown key %q (have in-bytes,out-bytes,in-msgs,out-msgs,uptime,cid,subs)", o.sort)
		}
		if _, err := sysapi.ParseConnState(o.state); err != nil {
			return fmt.Errorf("--state: %q is not open, closed or all", o.state)
		}
		if _, err := regexp.Compile(o.reason); err != nil {
			return fmt.Errorf("--closed-reason: %w", err)
		}
		if o.top < 0 {
			return fmt.Errorf("--top must not be negative")
		}
		return expectArg(g, args)
	}, func(ctx context.Context, _ []string) error {
		if runF != nil {
			return runF(ctx, o)
		}
		return runReportConns(ctx, o)
	})
	fs := cmd.Flags()
	fs.StringVar(&o.account, "account", "", "only connections of this account")
	fs.StringVar(&o.sort, "sort", "subs", "sort by in-bytes|out-bytes|in-msgs|out-msgs|uptime|cid|subs")
	fs.IntVar(&o.top, "top", defaultTop, "show the first N connections (0: all)")
	fs.StringVar(&o.subject, "subject", "", "only connections with a subscription matching this subject")
	fs.StringVar(&o.user, "username", "", "only connections of this user")
	fs.StringVar(&o.state, "state", "open", "connection state: open|closed|all")
	fs.StringVar(&o.reason, "closed-reason", "", "only closed connections whose reason matches this regular expression")
	fs.BoolVarP(&o.reverse, "reverse", "R", false, "reverse the sort order")
	return cmd
}

func runReportConns(ctx context.Context, o *reportConnsOptions) error {
	state, _ := sysapi.ParseConnState(o.state)
	by := reportConnSorts()[o.sort]
	reason := regexp.MustCompile(o.reason)
	return o.g.runRead(ctx, o.w, func(ctx context.Context, s *session) (*frame, error) {
		all, err := fetchAllConns(ctx, s, s.target(), sysapi.ConnzOptions{
			Sort: by, State: state, Account: o.account, User: o.user, FilterSubject: o.subject,
		})
		if err != nil {
			return nil, err
		}
		rows := all.rows
		if o.reason != "" {
			rows = slices.DeleteFunc(slices.Clone(rows), func(r connRow) bool { return !reason.MatchString(r.conn.Reason) })
			clear(all.perServer)
			for _, r := range rows {
				all.perServer[r.server.ID]++
			}
		}
		sortConns(rows, by, o.reverse)
		return all.frame(reportConnsFrame(s, rows, all, reportShape{by: o.sort, top: o.top, closed: state != sysapi.ConnOpen})), nil
	})
}

// reportShape is how a connections report is cut and titled.
type reportShape struct {
	by     string
	top    int
	closed bool
}

// reportConnsFrame builds the report from sorted rows.
func reportConnsFrame(s *session, rows []connRow, all *allConns, shape reportShape) *frame {
	shown := rows
	if shape.top > 0 && len(shown) > shape.top {
		shown = shown[:shape.top]
	}
	t, keys := reportConnsTable(shown, shape.closed)
	totals := connTotals(rows)
	per := perServerTable(all)
	doc := *t
	doc.Schema = reportConnsSchema
	doc.Extra = map[string]any{
		"generated": s.now().UTC().Format(time.RFC3339), "servers": all.cov.json(), "sort": shape.by,
		"top": shape.top, "matched": len(rows), "totals": totals, "per_server": clusterDocs(per),
	}
	title := fmt.Sprintf("Top %d Connections out of %d by %s", len(shown), len(rows), shape.by)
	main := t
	if s.out.Format == output.FormatTable || s.out.Format == output.FormatMarkdown {
		main = withConnTotals(t, totals)
	}
	view := (&systable.View{}).Add(title, main).Add("Connections per server", per)
	return &frame{view: view, doc: &doc, keys: keys, rates: trafficRates()}
}

// reportConnsTable has natscli's report columns (plus the user).
func reportConnsTable(rows []connRow, closed bool) (*output.Table, []string) {
	t := &output.Table{Columns: []output.Column{
		num("cid", "CID"), col("name", "Name"), col("server", "Server"), col("cluster", "Cluster"), col("addr", "IP"),
		col("account", "Account"), col("user", "User"), col("uptime_ns", "Uptime"), num("in_msgs", "In Msgs"),
		num("out_msgs", "Out Msgs"), num("in_bytes", "In Bytes"), num("out_bytes", "Out Bytes"), num("subscriptions", "Subs"),
	}}
	if closed {
		t.Columns = append(t.Columns, col("reason", "Reason"))
	}
	keys := make([]string, 0, len(rows))
	for _, r := range rows {
		c := r.conn
		row := []output.Cell{
			count(c.CID), text(c.Name), text(serverLabel(r.server)), text(r.server.Cluster), text(hostPort(c.IP, c.Port)),
			text(c.Account), text(c.AuthorizedUser), serverDur(c.Uptime), count(c.InMsgs),
			count(c.OutMsgs), size(c.InBytes), size(c.OutBytes), count(c.NumSubs),
		}
		if closed {
			row = append(row, text(c.Reason))
		}
		t.Rows = append(t.Rows, row)
		keys = append(keys, connKey(r))
	}
	return t, keys
}

// connTotals sums the counters of every matching connection.
func connTotals(rows []connRow) map[string]any {
	var in, out, inb, outb, subs int64
	for _, r := range rows {
		in, out, inb, outb = in+r.conn.InMsgs, out+r.conn.OutMsgs, inb+r.conn.InBytes, outb+r.conn.OutBytes
		subs += int64(r.conn.NumSubs)
	}
	return map[string]any{
		"connections": len(rows), "in_msgs": in, "out_msgs": out, "in_bytes": inb, "out_bytes": outb, "subscriptions": subs,
	}
}

// withConnTotals appends natscli's "Totals for N connections" row.
func withConnTotals(t *output.Table, totals map[string]any) *output.Table {
	c := *t
	c.Rows = slices.Clone(t.Rows)
	row := make([]output.Cell, len(t.Columns))
	i64 := func(k string) int64 { n, _ := totals[k].(int64); return n }
	row[1] = text(fmt.Sprintf("Totals for %s", plural(totals["connections"].(int), "connection")))
	row[8], row[9] = count(i64("in_msgs")), count(i64("out_msgs"))
	row[10], row[11], row[12] = size(i64("in_bytes")), size(i64("out_bytes")), count(i64("subscriptions"))
	c.Rows = append(c.Rows, row)
	return &c
}

// perServerTable counts matching connections per server (every server that
// replied, zero included), sorted by server name.
func perServerTable(all *allConns) *output.Table {
	t := &output.Table{Columns: []output.Column{col("server", "Server"), col("cluster", "Cluster"), num("connections", "Connections")}}
	for _, si := range all.servers {
		t.Rows = append(t.Rows, []output.Cell{text(serverLabel(si)), text(si.Cluster), count(all.perServer[si.ID])})
	}
	return t
}

// reportAccountsOptions are the flags of nats-sys report accounts.
type reportAccountsOptions struct {
	g       *globalOptions
	w       watchFlags
	account string
	sort    string
	top     int
	reverse bool
}

// accountSorts are the --sort keys of report accounts and their columns.
func accountSorts() map[string]string {
	return map[string]string{
		"in-bytes": "in_bytes", "out-bytes": "out_bytes", "in-msgs": "in_msgs", "out-msgs": "out_msgs",
		"conns": "connections", "subs": "subscriptions",
	}
}

// newReportAccountsCmd builds "nats-sys report accounts [ACCOUNT] [N]".
func newReportAccountsCmd(g *globalOptions, runF func(context.Context, *reportAccountsOptions) error) *cobra.Command {
	o := &reportAccountsOptions{g: g}
	cmd := newCommand(cmdSpec{
		use:     "accounts [ACCOUNT] [EXPECT]",
		aliases: []string{"acct", "accts"},
		short:   "Connections and traffic per account, summed over every server",
		long: `Read every connection of every server and sum them per account: Account,
Connections, In Msgs, Out Msgs, In Bytes, Out Bytes, Subs. nats-sys's own
connection is left out unless --include-self. JSON: schema ` + reportAccountsSchema + `.`,
		args: cobra.MaximumNArgs(2),
	}, &o.w, func(args []string) error {
		if _, ok := accountSorts()[o.sort]; !ok {
			return fmt.Errorf("--sort: unknown key %q (have in-bytes,out-bytes,in-msgs,out-msgs,conns,subs)", o.sort)
		}
		if o.top < 0 {
			return fmt.Errorf("--top must not be negative")
		}
		switch len(args) {
		case 2:
			o.account = args[0]
			return expectArg(g, args[1:])
		case 1:
			if isNumber(args[0]) {
				return expectArg(g, args)
			}
			o.account = args[0]
		}
		return nil
	}, func(ctx context.Context, _ []string) error {
		if runF != nil {
			return runF(ctx, o)
		}
		return runReportAccounts(ctx, o)
	})
	fs := cmd.Flags()
	fs.StringVar(&o.sort, "sort", "subs", "sort by in-bytes|out-bytes|in-msgs|out-msgs|conns|subs")
	fs.IntVar(&o.top, "top", defaultTop, "show the first N accounts (0: all)")
	fs.BoolVarP(&o.reverse, "reverse", "R", false, "reverse the sort order")
	return cmd
}

func runReportAccounts(ctx context.Context, o *reportAccountsOptions) error {
	return o.g.runRead(ctx, o.w, func(ctx context.Context, s *session) (*frame, error) {
		all, err := fetchAllConns(ctx, s, s.target(), sysapi.ConnzOptions{Account: o.account})
		if err != nil {
			return nil, err
		}
		t, keys, total := accountsTable(all.rows, accountSorts()[o.sort], o.reverse, o.top)
		doc := *t
		doc.Schema = reportAccountsSchema
		doc.Extra = map[string]any{
			"generated": s.now().UTC().Format(time.RFC3339), "servers": all.cov.json(), "sort": o.sort,
			"top": o.top, "accounts": total, "totals": connTotals(all.rows),
		}
		title := fmt.Sprintf("%s Overview", plural(total, "Account"))
		fr := &frame{view: (&systable.View{}).Add(title, t), doc: &doc, keys: keys, rates: trafficRates()}
		return all.frame(fr), nil
	})
}

// accountsTable sums connections per account, sorted by column key (largest
// first, then account name), cut to top; it returns the number of accounts.
func accountsTable(rows []connRow, key string, reverse bool, top int) (*output.Table, []string, int) {
	type agg struct {
		name                            string
		conns, in, out, inb, outb, subs int64
	}
	by := map[string]*agg{}
	for _, r := range rows {
		a := by[r.conn.Account]
		if a == nil {
			a = &agg{name: r.conn.Account}
			by[r.conn.Account] = a
		}
		a.conns++
		a.in, a.out, a.inb, a.outb = a.in+r.conn.InMsgs, a.out+r.conn.OutMsgs, a.inb+r.conn.InBytes, a.outb+r.conn.OutBytes
		a.subs += int64(r.conn.NumSubs)
	}
	accs := make([]*agg, 0, len(by))
	for _, a := range by {
		accs = append(accs, a)
	}
	val := func(a *agg) int64 {
		switch key {
		case "in_bytes":
			return a.inb
		case "out_bytes":
			return a.outb
		case "in_msgs":
			return a.in
		case "out_msgs":
			return a.out
		case "connections":
			return a.conns
		}
		return a.subs
	}
	slices.SortFunc(accs, func(a, b *agg) int {
		c := cmp.Compare(val(b), val(a))
		if reverse {
			c = -c
		}
		return cmp.Or(c, cmp.Compare(a.name, b.name))
	})
	n := len(accs)
	if top > 0 && len(accs) > top {
		accs = accs[:top]
	}
	t := &output.Table{Columns: []output.Column{
		col("account", "Account"), num("connections", "Connections"), num("in_msgs", "In Msgs"), num("out_msgs", "Out Msgs"),
		num("in_bytes", "In Bytes"), num("out_bytes", "Out Bytes"), num("subscriptions", "Subs"),
	}}
	keys := make([]string, 0, len(accs))
	for _, a := range accs {
		t.Rows = append(t.Rows, []output.Cell{text(a.name), count(a.conns), count(a.in), count(a.out), size(a.inb), size(a.outb), count(a.subs)})
		keys = append(keys, a.name)
	}
	return t, keys, n
}

// isNumber reports whether s is a non-empty string of digits.
func isNumber(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
