package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/natsys/natsys/client/sys"
	"github.com/natsys/natsys/client/sysapi"

	"github.com/natsys/natsys/cli/internal/cmdutil"
	"github.com/natsys/natsys/cli/internal/exit"
	"github.com/natsys/natsys/cli/internal/output"
	"github.com/natsys/natsys/cli/internal/systable"
)

// connzFlags are the CONNZ selection flags (natscli's names, plus short ones).
type connzFlags struct {
	sort          string
	reverse       bool
	limit         int
	offset        int
	subscriptions bool
	detail        bool
	cid           uint64
	state         string
	user          string
	account       string
	subject       string
}

func (c *connzFlags) register(fs *pflag.FlagSet, paging bool) {
	fs.StringVar(&c.sort, "sort", "", "sort by cid|start|subs|pending|msgs_to|msgs_from|bytes_to|bytes_from|last|idle|uptime|stop|reason|rtt")
	fs.BoolVarP(&c.reverse, "reverse", "R", false, "reverse the sort order")
	if paging {
		fs.IntVar(&c.limit, "limit", defaultConnzLimit, "at most N connections per server")
		fs.IntVar(&c.offset, "offset", 0, "skip the first N connections of each server")
	}
	fs.BoolVar(&c.subscriptions, "subscriptions", false, "include each connection's subscriptions")
	fs.BoolVar(&c.detail, "subscriptions-detail", false, "include subscription details (queue, sid, msgs)")
	fs.Uint64Var(&c.cid, "cid", 0, "only the connection with this CID")
	fs.Uint64Var(&c.cid, "filter-cid", 0, "alias of --cid")
	fs.StringVar(&c.state, "state", "open", "connection state: open|closed|all")
	fs.StringVar(&c.state, "filter-state", "open", "alias of --state")
	fs.StringVar(&c.user, "filter-user", "", "only connections of this user")
	fs.StringVar(&c.user, "username", "", "alias of --filter-user")
	fs.StringVar(&c.account, "account", "", "only connections of this account")
	fs.StringVar(&c.account, "filter-account", "", "alias of --account")
	fs.StringVar(&c.subject, "filter-subject", "", "only connections with a subscription matching this subject")
	for _, alias := range []string{"filter-cid", "filter-state", "username", "filter-account"} {
		_ = fs.MarkHidden(alias)
	}
}

// options validates the flags and returns the CONNZ options.
func (c *connzFlags) options() (sysapi.ConnzOptions, error) {
	var o sysapi.ConnzOptions
	st, err := sysapi.ParseConnState(c.state)
	if err != nil {
		return o, fmt.Errorf("--state: %q is not open, closed or all", c.state)
	}
	sortBy := sysapi.SortOpt(strings.ToLower(c.sort))
	if !sortBy.IsValid() {
		return o, fmt.Errorf("--sort: unknown key %q", c.sort)
	}
	if (sortBy == sysapi.ByStop || sortBy == sysapi.ByReason) && st == sysapi.ConnOpen {
		return o, fmt.Errorf("--sort %s needs --state closed", sortBy)
	}
	if c.limit < 0 || c.offset < 0 {
		return o, errors.New("--limit and --offset must not be negative")
	}
	return sysapi.ConnzOptions{
		Sort: sortBy, Auth: true, Subscriptions: c.subscriptions || c.detail, SubscriptionsDetail: c.detail,
		Offset: c.offset, Limit: c.limit, CID: c.cid, State: st, User: c.user, Account: c.account,
		FilterSubject: c.subject,
	}, nil
}

// connzOptions are the flags of nats-sys connz.
type connzOptions struct {
	g *globalOptions
	w watchFlags
	c connzFlags
}

// newConnzCmd builds "nats-sys connz"; runF replaces runConnz in flag tests.
func newConnzCmd(g *globalOptions, runF func(context.Context, *connzOptions) error) *cobra.Command {
	o := &connzOptions{g: g}
	cmd := &cobra.Command{
		Use:     "connz",
		Aliases: []string{"connections", "conns", "conn"},
		Short:   "Client and leafnode connections of every server, in one table (CONNZ)",
		Long: `Ask every server for CONNZ and print one table with a Server column. The
servers sort and page (--sort, --limit, --offset apply per server); the merged
table is then sorted by the same key, with the server name and CID as the
tie-break (default order: server, CID). nats-sys's own connection is hidden
unless --include-self. With --json, print the replies as sent, one per line.`,
		Example: `  nats-sys connz --sort msgs_from --limit 5
  nats-sys connz --state closed --account APP
  nats-sys connz --filter-subject 'orders.new' --subscriptions`,
		Args: cmdutil.UsageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.w.validate(); err != nil {
				return exit.WithCode(exit.Usage, err)
			}
			if _, err := o.c.options(); err != nil {
				return exit.WithCode(exit.Usage, err)
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runConnz(cmd.Context(), o)
		},
	}
	o.c.register(cmd.Flags(), true)
	o.w.register(cmd.Flags())
	return cmd
}

func runConnz(ctx context.Context, o *connzOptions) error {
	opts, _ := o.c.options()
	return o.g.runRead(ctx, o.w, func(ctx context.Context, s *session) (*frame, error) {
		res, err := sys.Connz(ctx, s.nc, s.target(), opts, s.opts()...)
		if err != nil {
			return nil, err
		}
		return connzFrame(s, res, opts, o.c.reverse), nil
	})
}

// connzFrame renders a CONNZ result (server or account endpoint).
func connzFrame(s *session, res *sys.Result[sysapi.Connz], opts sysapi.ConnzOptions, reverse bool) *frame {
	sortReplies(res)
	rows := connRows(okReplies(res), s.self)
	sortConns(rows, opts.Sort, reverse)
	t, keys := connzTable(rows, opts)
	v := (&systable.View{}).Add("Connections", t)
	for _, r := range okReplies(res) {
		if r.Data.Total > r.Data.Offset+len(r.Data.Conns) {
			v.Notes = append(v.Notes, fmt.Sprintf("%s: showing %d of %d connections (--limit/--offset)",
				serverLabel(r.Server), len(r.Data.Conns), r.Data.Total))
		}
	}
	fr := endpointFrame(res, v, nil)
	fr.keys, fr.rates = keys, trafficRates()
	return fr
}

// connRow is one connection and the server it is on.
type connRow struct {
	server sysapi.ServerInfo
	conn   *sysapi.ConnInfo
}

// connRows flattens replies, dropping connections self reports as ours.
func connRows(replies []*sys.Reply[sysapi.Connz], self func(string, uint64) bool) []connRow {
	var rows []connRow
	for _, r := range replies {
		for _, c := range r.Data.Conns {
			if self != nil && self(r.Server.ID, c.CID) {
				continue
			}
			rows = append(rows, connRow{server: r.Server, conn: c})
		}
	}
	return rows
}

// connKey identifies a connection across servers: "server-id/cid".
func connKey(r connRow) string { return r.server.ID + "/" + strconv.FormatUint(r.conn.CID, 10) }

// sortConns sorts merged rows by a CONNZ sort key in the server's
// direction (counters descending, cid/start ascending), then by server
// name and CID; reverse flips the key's direction.
func sortConns(rows []connRow, by sysapi.SortOpt, reverse bool) {
	key := connSortKey(by)
	slices.SortStableFunc(rows, func(a, b connRow) int {
		if key != nil {
			c := key(a.conn, b.conn)
			if reverse {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		if c := cmp.Compare(a.server.Name, b.server.Name); c != 0 {
			return c
		}
		return cmp.Compare(a.conn.CID, b.conn.CID)
	})
}

// connSortKey returns the comparison of sort key by (nil: server, CID).
func connSortKey(by sysapi.SortOpt) func(a, b *sysapi.ConnInfo) int {
	desc := func(f func(*sysapi.ConnInfo) int64) func(a, b *sysapi.ConnInfo) int {
		return func(a, b *sysapi.ConnInfo) int { return cmp.Compare(f(b), f(a)) }
	}
	switch by {
	case sysapi.ByCid:
		return func(a, b *sysapi.ConnInfo) int { return cmp.Compare(a.CID, b.CID) }
	case sysapi.ByStart:
		return func(a, b *sysapi.ConnInfo) int { return a.Start.Compare(b.Start) }
	case sysapi.BySubs:
		return desc(func(c *sysapi.ConnInfo) int64 { return int64(c.NumSubs) })
	case sysapi.ByPending:
		return desc(func(c *sysapi.ConnInfo) int64 { return int64(c.Pending) })
	case sysapi.ByOutMsgs:
		return desc(func(c *sysapi.ConnInfo) int64 { return c.OutMsgs })
	case sysapi.ByInMsgs:
		return desc(func(c *sysapi.ConnInfo) int64 { return c.InMsgs })
	case sysapi.ByOutBytes:
		return desc(func(c *sysapi.ConnInfo) int64 { return c.OutBytes })
	case sysapi.ByInBytes:
		return desc(func(c *sysapi.ConnInfo) int64 { return c.InBytes })
	case sysapi.ByLast:
		return func(a, b *sysapi.ConnInfo) int { return b.LastActivity.Compare(a.LastActivity) }
	case sysapi.ByIdle:
		return func(a, b *sysapi.ConnInfo) int { return a.LastActivity.Compare(b.LastActivity) }
	case sysapi.ByUptime:
		return func(a, b *sysapi.ConnInfo) int { return a.Start.Compare(b.Start) }
	case sysapi.ByStop:
		return func(a, b *sysapi.ConnInfo) int { return b.Stop.Compare(a.Stop) }
	case sysapi.ByReason:
		return func(a, b *sysapi.ConnInfo) int { return cmp.Compare(a.Reason, b.Reason) }
	case sysapi.ByRTT:
		return desc(func(c *sysapi.ConnInfo) int64 { return serverDurNS(c.RTT) })
	}
	return nil
}

// serverDurNS parses a duration the server sent as text (0 when absent).
func serverDurNS(s string) int64 {
	if n, ok := serverDur(s).Value.(int64); ok {
		return n
	}
	return 0
}

// connzTable renders connections, one per row, with a Server column; keys
// are the rows' connKey. Closed connections add Reason and Stopped; with
// subscriptions requested a Subscriptions column lists them.
func connzTable(rows []connRow, opts sysapi.ConnzOptions) (*output.Table, []string) {
	closed := opts.State != sysapi.ConnOpen
	t := &output.Table{Columns: []output.Column{
		col("server", "Server"), num("cid", "CID"), col("kind", "Kind"), col("name", "Name"),
		col("account", "Account"), col("user", "User"), col("addr", "Address"),
		col("uptime_ns", "Uptime"), col("idle_ns", "Idle"), col("rtt_ns", "RTT"),
		num("pending_bytes", "Pending"), num("in_msgs", "In Msgs"), num("out_msgs", "Out Msgs"),
		num("in_bytes", "In Bytes"), num("out_bytes", "Out Bytes"), num("subscriptions", "Subs"),
		col("lang", "Lang"), col("version", "Version"),
	}}
	if closed {
		t.Columns = append(t.Columns, col("reason", "Reason"), col("stop", "Stopped"))
	}
	if opts.Subscriptions {
		t.Columns = append(t.Columns, col("subscriptions_list", "Subscriptions"))
	}
	keys := make([]string, 0, len(rows))
	for _, r := range rows {
		c := r.conn
		row := []output.Cell{
			text(serverLabel(r.server)), count(c.CID), text(c.Kind), text(c.Name),
			text(c.Account), text(c.AuthorizedUser), text(hostPort(c.IP, c.Port)),
			serverDur(c.Uptime), serverDur(c.Idle), serverDur(c.RTT),
			size(c.Pending), count(c.InMsgs), count(c.OutMsgs),
			size(c.InBytes), size(c.OutBytes), count(c.NumSubs),
			text(c.Lang), text(c.Version),
		}
		if closed {
			row = append(row, text(c.Reason), when(c.Stop))
		}
		if opts.Subscriptions {
			row = append(row, list(connSubjects(c)))
		}
		t.Rows = append(t.Rows, row)
		keys = append(keys, connKey(r))
	}
	return t, keys
}

// connSubjects lists a connection's subscriptions ("subject" or
// "subject (queue)"), sorted.
func connSubjects(c *sysapi.ConnInfo) []string {
	out := slices.Clone(c.Subs)
	for _, d := range c.SubsDetail {
		s := d.Subject
		if d.Queue != "" {
			s += " (" + d.Queue + ")"
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}
