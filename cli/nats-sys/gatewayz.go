package main

import (
	"context"
	"maps"
	"slices"

	"github.com/spf13/cobra"

	"github.com/natsys/natsys/client/sys"
	"github.com/natsys/natsys/client/sysapi"

	"github.com/natsys/natsys/cli/internal/output"
	"github.com/natsys/natsys/cli/internal/systable"
)

// gatewayzOptions are the flags of nats-sys gatewayz.
type gatewayzOptions struct {
	g    *globalOptions
	w    watchFlags
	opts sysapi.GatewayzOptions
}

// newGatewayzCmd builds "nats-sys gatewayz [NAME]"; runF replaces runGatewayz in flag tests.
func newGatewayzCmd(g *globalOptions, runF func(context.Context, *gatewayzOptions) error) *cobra.Command {
	o := &gatewayzOptions{g: g}
	cmd := newCommand(cmdSpec{
		use:     "gatewayz [NAME]",
		aliases: []string{"gateways"},
		short:   "Gateway connections of every server, outbound and inbound (GATEWAYZ)",
		args:    cobra.MaximumNArgs(1),
	}, &o.w, nil, func(ctx context.Context, args []string) error {
		if len(args) == 1 {
			o.opts.Name = args[0]
		}
		if runF != nil {
			return runF(ctx, o)
		}
		return runGatewayz(ctx, o)
	})
	fs := cmd.Flags()
	fs.BoolVar(&o.opts.Accounts, "accounts", false, "include account interest details")
	fs.StringVar(&o.opts.AccountName, "filter-account", "", "only this account's interest")
	fs.BoolVar(&o.opts.AccountSubscriptions, "subscriptions", false, "include account subscriptions")
	return cmd
}

func runGatewayz(ctx context.Context, o *gatewayzOptions) error {
	return o.g.runRead(ctx, o.w, func(ctx context.Context, s *session) (*frame, error) {
		res, err := sys.Gatewayz(ctx, s.nc, s.target(), o.opts, s.opts()...)
		if err != nil {
			return nil, err
		}
		sortReplies(res)
		t, keys := gatewayzTable(okReplies(res))
		fr := endpointFrame(res, (&systable.View{}).Add("Gateways", t), nil)
		fr.keys, fr.rates = keys, trafficRates()
		return fr, nil
	})
}

// gatewayzTable lists outbound then inbound gateway connections by server
// and gateway name.
func gatewayzTable(replies []*sys.Reply[sysapi.Gatewayz]) (*output.Table, []string) {
	t := &output.Table{Columns: []output.Column{
		col("server", "Server"), col("gateway", "Gateway"), col("direction", "Direction"), col("configured", "Configured"),
		num("cid", "CID"), col("addr", "Address"), col("uptime_ns", "Uptime"), col("rtt_ns", "RTT"),
		num("in_msgs", "In Msgs"), num("out_msgs", "Out Msgs"), num("in_bytes", "In Bytes"), num("out_bytes", "Out Bytes"),
		num("accounts", "Accounts"),
	}}
	var keys []string
	add := func(server sysapi.ServerInfo, name, dir string, g *sysapi.RemoteGatewayz) {
		row := []output.Cell{text(serverLabel(server)), text(name), text(dir), yesNo(g.IsConfigured)}
		key := server.ID + "/" + dir + "/" + name
		if c := g.Connection; c != nil {
			row = append(row, count(c.CID), text(hostPort(c.IP, c.Port)), serverDur(c.Uptime), serverDur(c.RTT),
				count(c.InMsgs), count(c.OutMsgs), size(c.InBytes), size(c.OutBytes))
			key += "/" + hostPort(c.IP, c.Port)
		} else {
			row = append(row, make([]output.Cell, 8)...)
		}
		row = append(row, count(len(g.Accounts)))
		t.Rows = append(t.Rows, row)
		keys = append(keys, key)
	}
	for _, r := range replies {
		for _, name := range slices.Sorted(maps.Keys(r.Data.OutboundGateways)) {
			add(r.Server, name, "outbound", r.Data.OutboundGateways[name])
		}
		for _, name := range slices.Sorted(maps.Keys(r.Data.InboundGateways)) {
			for _, g := range r.Data.InboundGateways[name] {
				add(r.Server, name, "inbound", g)
			}
		}
	}
	return t, keys
}
