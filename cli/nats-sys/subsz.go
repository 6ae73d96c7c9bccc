package main

import (
	"cmp"
	"context"
	"slices"

	"github.com/spf13/cobra"

	"github.com/natsys/natsys/client/sys"
	"github.com/natsys/natsys/client/sysapi"

	"github.com/natsys/natsys/cli/internal/output"
	"github.com/natsys/natsys/cli/internal/systable"
)

// subszOptions are the flags of nats-sys subsz.
type subszOptions struct {
	g    *globalOptions
	w    watchFlags
	opts sysapi.SubszOptions
}

// newSubszCmd builds "nats-sys subsz"; runF replaces runSubsz in flag tests.
func newSubszCmd(g *globalOptions, runF func(context.Context, *subszOptions) error) *cobra.Command {
	o := &subszOptions{g: g}
	cmd := newCommand(cmdSpec{
		use:     "subsz",
		aliases: []string{"subscriptions", "subs", "sub"},
		short:   "Subscription statistics of every server, and with --subscriptions the list (SUBSZ)",
		long: `Ask every server for SUBSZ. Without --subscriptions (or --detail), print
one row of statistics per server; with it, list the subscriptions (Server,
Account, Subject, Queue, SID, CID, Msgs) first. --filter-subject keeps only
the subscriptions a message on that literal subject would reach.`,
	}, &o.w, nil, func(ctx context.Context, _ []string) error {
		if runF != nil {
			return runF(ctx, o)
		}
		return runSubsz(ctx, o)
	})
	fs := cmd.Flags()
	fs.BoolVar(&o.opts.Subscriptions, "subscriptions", false, "list the subscriptions")
	fs.BoolVar(&o.opts.Subscriptions, "detail", false, "alias of --subscriptions")
	fs.StringVar(&o.opts.Account, "account", "", "only this account")
	fs.StringVar(&o.opts.Account, "filter-account", "", "alias of --account")
	fs.StringVar(&o.opts.Test, "filter-subject", "", "only subscriptions a message on this literal subject would reach")
	fs.IntVar(&o.opts.Limit, "limit", 0, "at most N subscriptions per server (server default 1024)")
	fs.IntVar(&o.opts.Offset, "offset", 0, "skip the first N subscriptions of each server")
	_ = fs.MarkHidden("filter-account")
	return cmd
}

func runSubsz(ctx context.Context, o *subszOptions) error {
	opts := o.opts
	if opts.Test != "" {
		opts.Subscriptions = true
	}
	return o.g.runRead(ctx, o.w, func(ctx context.Context, s *session) (*frame, error) {
		res, err := sys.Subsz(ctx, s.nc, s.target(), opts, s.opts()...)
		if err != nil {
			return nil, err
		}
		return subszFrame(res, opts.Subscriptions), nil
	})
}

// subszFrame renders SUBSZ replies: statistics per server, and the list of
// subscriptions first when listed.
func subszFrame(res *sys.Result[sysapi.Subsz], listed bool) *frame {
	sortReplies(res)
	replies := okReplies(res)
	v := &systable.View{}
	if listed {
		v.Add("Subscriptions", subsTable(replies))
	}
	v.Add("Subscription Statistics", subszTable(replies))
	return endpointFrame(res, v, nil)
}

// subszTable is one row of statistics per server.
func subszTable(replies []*sys.Reply[sysapi.Subsz]) *output.Table {
	t := &output.Table{Columns: []output.Column{
		col("server", "Server"), num("subscriptions", "Subs"), num("cache", "Cache"), num("inserts", "Inserts"),
		num("removes", "Removes"), num("matches", "Matches"), num("cache_hit_rate", "Hit Rate"),
		num("max_fanout", "Max Fanout"), num("avg_fanout", "Avg Fanout"),
	}}
	for _, r := range replies {
		d := r.Data
		t.Rows = append(t.Rows, []output.Cell{
			text(serverLabel(r.Server)), count(d.NumSubs), count(d.NumCache), count(d.NumInserts),
			count(d.NumRemoves), count(d.NumMatches), float(d.CacheHitRate, 2),
			count(d.MaxFanout), float(d.AvgFanout, 2),
		})
	}
	return t
}

// subsTable lists subscriptions, sorted by server, account, subject, CID, SID.
func subsTable(replies []*sys.Reply[sysapi.Subsz]) *output.Table {
	t := &output.Table{Columns: []output.Column{
		col("server", "Server"), col("account", "Account"), col("subject", "Subject"), col("queue", "Queue"),
		col("sid", "SID"), num("cid", "CID"), num("msgs", "Msgs"), num("max", "Max"),
	}}
	for _, r := range replies {
		subs := slices.Clone(r.Data.Subs)
		slices.SortStableFunc(subs, func(a, b sysapi.SubDetail) int {
			return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Subject, b.Subject),
				cmp.Compare(a.CID, b.CID), cmp.Compare(a.SID, b.SID))
		})
		for _, d := range subs {
			t.Rows = append(t.Rows, []output.Cell{
				text(serverLabel(r.Server)), text(d.Account), text(d.Subject), text(d.Queue),
				text(d.SID), count(d.CID), count(d.Msgs), count(d.Max),
			})
		}
	}
	return t
}
