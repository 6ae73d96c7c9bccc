package main

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/natsys/natsys/client/sys"
	"github.com/natsys/natsys/client/sysapi"

	"github.com/natsys/natsys/cli/internal/exit"
	"github.com/natsys/natsys/cli/internal/output"
	"github.com/natsys/natsys/cli/internal/systable"
)

// healthzOptions are the flags of nats-sys healthz.
type healthzOptions struct {
	g    *globalOptions
	w    watchFlags
	opts sysapi.HealthzOptions
}

// newHealthzCmd builds "nats-sys healthz"; runF replaces runHealthz in flag tests.
func newHealthzCmd(g *globalOptions, runF func(context.Context, *healthzOptions) error) *cobra.Command {
	o := &healthzOptions{g: g}
	cmd := newCommand(cmdSpec{
		use:     "healthz",
		aliases: []string{"health", "jetstream-health"},
		short:   "Health of every server (HEALTHZ); exit 1 when a server is not ok",
	}, &o.w, nil, func(ctx context.Context, _ []string) error {
		if runF != nil {
			return runF(ctx, o)
		}
		return runHealthz(ctx, o)
	})
	fs := cmd.Flags()
	fs.BoolVarP(&o.opts.JSEnabledOnly, "js-enabled", "J", false, "only check that JetStream is enabled")
	fs.BoolVarP(&o.opts.JSServerOnly, "server-only", "S", false, "only check the server, not its JetStream assets")
	fs.StringVar(&o.opts.Account, "account", "", "check this account's JetStream assets")
	fs.StringVar(&o.opts.Stream, "stream", "", "check this stream (with --account)")
	fs.StringVar(&o.opts.Consumer, "consumer", "", "check this consumer (with --account and --stream)")
	fs.BoolVar(&o.opts.Details, "details", false, "list every error")
	return cmd
}

func runHealthz(ctx context.Context, o *healthzOptions) error {
	return o.g.runRead(ctx, o.w, func(ctx context.Context, s *session) (*frame, error) {
		res, err := sys.Healthz(ctx, s.nc, s.target(), o.opts, s.opts()...)
		if err != nil {
			return nil, err
		}
		sortReplies(res)
		replies := okReplies(res)
		fr := endpointFrame(res, (&systable.View{}).Add("Health", healthzTable(replies)), nil)
		if fr.err == nil {
			var bad []string
			for _, r := range replies {
				if r.Data.Status != sysapi.HealthStatusOK {
					bad = append(bad, serverLabel(r.Server))
				}
			}
			if len(bad) > 0 {
				fr.err = exit.FailedErrorf("not healthy: %s", strings.Join(bad, ", "))
			}
		}
		return fr, nil
	})
}

// healthzTable is one row per server.
func healthzTable(replies []*sys.Reply[sysapi.HealthStatus]) *output.Table {
	t := &output.Table{Columns: []output.Column{
		col("server", "Server"), col("cluster", "Cluster"), col("domain", "Domain"), col("status", "Status"),
		num("status_code", "Code"), col("error", "Error"),
	}}
	for _, r := range replies {
		h := r.Data
		var errs []string
		if h.Error != "" {
			errs = append(errs, h.Error)
		}
		for _, e := range h.Errors {
			errs = append(errs, strings.TrimSpace(string(e.Type)+" "+e.Error))
		}
		t.Rows = append(t.Rows, []output.Cell{
			text(serverLabel(r.Server)), text(r.Server.Cluster), text(r.Server.Domain), text(h.Status),
			count(h.StatusCode), {Value: strings.Join(errs, "; ")},
		})
	}
	return t
}
