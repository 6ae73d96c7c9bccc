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

// routezOptions are the flags of nats-sys routez.
type routezOptions struct {
	g    *globalOptions
	w    watchFlags
	opts sysapi.RoutezOptions
}

// newRoutezCmd builds "nats-sys routez"; runF replaces runRoutez in flag tests.
func newRoutezCmd(g *globalOptions, runF func(context.Context, *routezOptions) error) *cobra.Command {
	o := &routezOptions{g: g}
	cmd := newCommand(cmdSpec{
		use:     "routez",
		aliases: []string{"routes"},
		short:   "Route connections of every server, in one table (ROUTEZ)",
	}, &o.w, nil, func(ctx context.Context, _ []string) error {
		if runF != nil {
			return runF(ctx, o)
		}
		return runRoutez(ctx, o)
	})
	cmd.Flags().BoolVar(&o.opts.Subscriptions, "subscriptions", false, "include each route's subscriptions")
	return cmd
}

func runRoutez(ctx context.Context, o *routezOptions) error {
	return o.g.runRead(ctx, o.w, func(ctx context.Context, s *session) (*frame, error) {
		res, err := sys.Routez(ctx, s.nc, s.target(), o.opts, s.opts()...)
		if err != nil {
			return nil, err
		}
		sortReplies(res)
		t, keys := routezTable(okReplies(res), o.opts.Subscriptions)
		fr := endpointFrame(res, (&systable.View{}).Add("Routes", t), nil)
		fr.keys, fr.rates = keys, trafficRates()
		return fr, nil
	})
}

// routezTable lists routes by server, remote name and RID.
func routezTable(replies []*sys.Reply[sysapi.Routez], subs bool) (*output.Table, []string) {
	t := &output.Table{Columns: []output.Column{
		col("server", "Server"), num("rid", "RID"), col("remote_name", "Remote"), col("remote_id", "Remote ID"),
		col("account", "Account"), col("addr", "Address"), col("solicited", "Solicited"), col("uptime_ns", "Uptime"),
		col("rtt_ns", "RTT"), num("pending_bytes", "Pending"), num("in_msgs", "In Msgs"), num("out_msgs", "Out Msgs"),
		num("in_bytes", "In Bytes"), num("out_bytes", "Out Bytes"), num("subscriptions", "Subs"), col("compression", "Compression"),
	}}
	if subs {
		t.Columns = append(t.Columns, col("subscriptions_list", "Subscriptions"))
	}
	var keys []string
	for _, r := range replies {
		routes := slices.Clone(r.Data.Routes)
		slices.SortStableFunc(routes, func(a, b *sysapi.RouteInfo) int {
			return cmp.Or(cmp.Compare(a.RemoteName, b.RemoteName), cmp.Compare(a.RID, b.RID))
		})
		for _, rt := range routes {
			row := []output.Cell{
				text(serverLabel(r.Server)), count(rt.RID), text(rt.RemoteName), text(rt.RemoteID),
				text(rt.Account), text(hostPort(rt.IP, rt.Port)), yesNo(rt.DidSolicit), serverDur(rt.Uptime),
				serverDur(rt.RTT), size(rt.Pending), count(rt.InMsgs), count(rt.OutMsgs),
				size(rt.InBytes), size(rt.OutBytes), count(rt.NumSubs), text(rt.Compression),
			}
			if subs {
				row = append(row, list(slices.Sorted(slices.Values(rt.Subs))))
			}
			t.Rows = append(t.Rows, row)
			keys = append(keys, r.Server.ID+"/route/"+rt.RemoteID+"/"+rt.Account)
		}
	}
	return t, keys
}
