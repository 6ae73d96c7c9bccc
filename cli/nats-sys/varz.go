package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/natsys/natsys/client/sys"
	"github.com/natsys/natsys/client/sysapi"

	"github.com/natsys/natsys/cli/internal/cmdutil"
	"github.com/natsys/natsys/cli/internal/exit"
	"github.com/natsys/natsys/cli/internal/output"
	"github.com/natsys/natsys/cli/internal/systable"
)

// varzOptions are the flags of nats-sys varz.
type varzOptions struct {
	g *globalOptions
	w watchFlags
}

// newVarzCmd builds "nats-sys varz"; runF replaces runVarz in flag tests.
func newVarzCmd(g *globalOptions, runF func(context.Context, *varzOptions) error) *cobra.Command {
	o := &varzOptions{g: g}
	cmd := &cobra.Command{
		Use:     "varz",
		Aliases: []string{"variables", "var"},
		Short:   "General information and counters of every server (VARZ)",
		Long: `Ask every server for VARZ and print one row per server. With --json, print
the replies exactly as the servers sent them, one per line.`,
		Args: cmdutil.UsageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.w.validate(); err != nil {
				return exit.WithCode(exit.Usage, err)
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runVarz(cmd.Context(), o)
		},
	}
	o.w.register(cmd.Flags())
	return cmd
}

func runVarz(ctx context.Context, o *varzOptions) error {
	return o.g.runRead(ctx, o.w, func(ctx context.Context, s *session) (*frame, error) {
		res, err := sys.Varz(ctx, s.nc, s.target(), sysapi.VarzOptions{}, s.opts()...)
		if err != nil {
			return nil, err
		}
		sortReplies(res)
		t, keys := varzTable(okReplies(res))
		fr := endpointFrame(res, (&systable.View{}).Add("Server Variables", t), nil)
		fr.keys, fr.rates = keys, trafficRates()
		return fr, nil
	})
}

// varzTable is one row per server; keys are the server IDs.
func varzTable(replies []*sys.Reply[sysapi.Varz]) (*output.Table, []string) {
	t := &output.Table{Columns: []output.Column{
		col("server", "Server"), col("version", "Version"), col("addr", "Host"), col("uptime_ns", "Uptime"),
		num("connections", "Conns"), num("total_connections", "Total Conns"), num("subscriptions", "Subs"),
		num("slow_consumers", "Slow"), num("in_msgs", "In Msgs"), num("out_msgs", "Out Msgs"),
		num("in_bytes", "In Bytes"), num("out_bytes", "Out Bytes"), num("mem", "Mem"), num("cpu", "CPU %"),
		num("cores", "Cores"), num("routes", "Routes"), num("leafnodes", "Leafs"),
	}}
	var keys []string
	for _, r := range replies {
		v := r.Data
		t.Rows = append(t.Rows, []output.Cell{
			text(serverLabel(r.Server)), text(v.Version), text(hostPort(v.Host, v.Port)), serverDur(v.Uptime),
			count(v.Connections), count(v.TotalConnections), count(v.Subscriptions),
			count(v.SlowConsumers), count(v.InMsgs), count(v.OutMsgs),
			size(v.InBytes), size(v.OutBytes), size(v.Mem), percent(v.CPU),
			count(v.Cores), count(v.Routes), count(v.Leafs),
		})
		keys = append(keys, r.Server.ID)
	}
	return t, keys
}
