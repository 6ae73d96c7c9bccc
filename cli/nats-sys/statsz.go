package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/natsys/natsys/client/sys"
	"github.com/natsys/natsys/client/sysapi"

	"github.com/natsys/natsys/cli/internal/output"
	"github.com/natsys/natsys/cli/internal/systable"
)

// statszOptions are the flags of nats-sys statsz.
type statszOptions struct {
	g *globalOptions
	w watchFlags
}

// newStatszCmd builds "nats-sys statsz"; runF replaces runStatsz in flag tests.
func newStatszCmd(g *globalOptions, runF func(context.Context, *statszOptions) error) *cobra.Command {
	o := &statszOptions{g: g}
	return newCommand(cmdSpec{
		use:   "statsz",
		short: "Statistics of every server (STATSZ): connections, traffic, memory, CPU",
	}, &o.w, nil, func(ctx context.Context, _ []string) error {
		if runF != nil {
			return runF(ctx, o)
		}
		return runStatsz(ctx, o)
	})
}

func runStatsz(ctx context.Context, o *statszOptions) error {
	return o.g.runRead(ctx, o.w, func(ctx context.Context, s *session) (*frame, error) {
		res, err := sys.Statsz(ctx, s.nc, s.target(), s.opts()...)
		if err != nil {
			return nil, err
		}
		sortReplies(res)
		t, keys := statszTable(okReplies(res))
		fr := endpointFrame(res, (&systable.View{}).Add("Server Statistics", t), nil)
		fr.keys = keys
		fr.rates = []systable.RateSpec{
			{Col: "received_msgs", Title: "Msgs/s In"}, {Col: "sent_msgs", Title: "Msgs/s Out"},
			{Col: "received_bytes", Title: "Bytes/s In", Bytes: true}, {Col: "sent_bytes", Title: "Bytes/s Out", Bytes: true},
		}
		return fr, nil
	})
}

// statszTable is one row per server; keys are the server IDs.
func statszTable(replies []*sys.Reply[sysapi.ServerStats]) (*output.Table, []string) {
	t := &output.Table{Columns: []output.Column{
		col("server", "Server"), col("cluster", "Cluster"), num("connections", "Conns"), num("total_connections", "Total Conns"),
		num("active_accounts", "Accounts"), num("subscriptions", "Subs"), num("received_msgs", "Recv Msgs"),
		num("sent_msgs", "Sent Msgs"), num("received_bytes", "Recv Bytes"), num("sent_bytes", "Sent Bytes"),
		num("slow_consumers", "Slow"), num("mem", "Mem"), num("cpu", "CPU %"), num("cores", "Cores"),
		num("routes", "Routes"), num("gateways", "GWs"), num("active_servers", "Servers"),
	}}
	var keys []string
	for _, r := range replies {
		st := r.Data
		t.Rows = append(t.Rows, []output.Cell{
			text(serverLabel(r.Server)), text(r.Server.Cluster), count(st.Connections), count(st.TotalConnections),
			count(st.ActiveAccounts), count(st.NumSubs), count(st.Received.Msgs),
			count(st.Sent.Msgs), size(st.Received.Bytes), size(st.Sent.Bytes),
			count(st.SlowConsumers), size(st.Mem), percent(st.CPU), count(st.Cores),
			count(len(st.Routes)), count(len(st.Gateways)), count(st.ActiveServers),
		})
		keys = append(keys, r.Server.ID)
	}
	return t, keys
}
