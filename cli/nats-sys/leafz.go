package main

import (
	"cmp"
	"context"
	"slices"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/natsys/natsys/client/sys"
	"github.com/natsys/natsys/client/sysapi"

	"github.com/natsys/natsys/cli/internal/output"
	"github.com/natsys/natsys/cli/internal/systable"
)

// leafzOptions are the flags of nats-sys leafz.
type leafzOptions struct {
	g    *globalOptions
	w    watchFlags
	opts sysapi.LeafzOptions
}

// newLeafzCmd builds "nats-sys leafz"; runF replaces runLeafz in flag tests.
func newLeafzCmd(g *globalOptions, runF func(context.Context, *leafzOptions) error) *cobra.Command {
	o := &leafzOptions{g: g}
	cmd := newCommand(cmdSpec{
		use:     "leafz",
		aliases: []string{"leafnodes", "leafs"},
		short:   "Leafnode connections of every server, in one table (LEAFZ)",
	}, &o.w, nil, func(ctx context.Context, _ []string) error {
		if runF != nil {
			return runF(ctx, o)
		}
		return runLeafz(ctx, o)
	})
	fs := cmd.Flags()
	fs.BoolVar(&o.opts.Subscriptions, "subscriptions", false, "include each leafnode's subscriptions")
	fs.StringVar(&o.opts.Account, "account", "", "only leafnodes of this account")
	return cmd
}

func runLeafz(ctx context.Context, o *leafzOptions) error {
	return o.g.runRead(ctx, o.w, func(ctx context.Context, s *session) (*frame, error) {
		res, err := sys.Leafz(ctx, s.nc, s.target(), o.opts, s.opts()...)
		if err != nil {
			return nil, err
		}
		sortReplies(res)
		t, keys := leafzTable(okReplies(res), o.opts.Subscriptions)
		fr := endpointFrame(res, (&systable.View{}).Add("Leafnodes", t), nil)
		fr.keys, fr.rates = keys, trafficRates()
		return fr, nil
	})
}

// leafzTable lists leafnode connections by server, name and ID.
func leafzTable(replies []*sys.Reply[sysapi.Leafz], subs bool) (*output.Table, []string) {
	t := &output.Table{Columns: []output.Column{
		col("server", "Server"), num("id", "ID"), col("name", "Name"), col("account", "Account"), col("addr", "Address"),
		col("rtt_ns", "RTT"), num("in_msgs", "In Msgs"), num("out_msgs", "Out Msgs"), num("in_bytes", "In Bytes"),
		num("out_bytes", "Out Bytes"), num("subscriptions", "Subs"), col("compression", "Compression"), col("spoke", "Spoke"),
	}}
	if subs {
		t.Columns = append(t.Columns, col("subscriptions_list", "Subscriptions"))
	}
	var keys []string
	for _, r := range replies {
		leafs := slices.Clone(r.Data.Leafs)
		slices.SortStableFunc(leafs, func(a, b *sysapi.LeafInfo) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
		for _, l := range leafs {
			row := []output.Cell{
				text(serverLabel(r.Server)), count(l.ID), text(l.Name), text(l.Account), text(hostPort(l.IP, l.Port)),
				serverDur(l.RTT), count(l.InMsgs), count(l.OutMsgs), size(l.InBytes),
				size(l.OutBytes), count(l.NumSubs), text(l.Compression), yesNo(l.IsSpoke),
			}
			if subs {
				row = append(row, list(slices.Sorted(slices.Values(l.Subs))))
			}
			t.Rows = append(t.Rows, row)
			keys = append(keys, r.Server.ID+"/"+strconv.FormatUint(l.ID, 10))
		}
	}
	return t, keys
}
