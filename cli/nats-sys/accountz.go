package main

import (
	"context"
	"slices"

	"github.com/spf13/cobra"

	"github.com/natsys/natsys/client/sys"
	"github.com/natsys/natsys/client/sysapi"

	"github.com/natsys/natsys/cli/internal/output"
	"github.com/natsys/natsys/cli/internal/systable"
)

// accountzOptions are the flags of nats-sys accountz.
type accountzOptions struct {
	g    *globalOptions
	w    watchFlags
	opts sysapi.AccountzOptions
}

// newAccountzCmd builds "nats-sys accountz"; runF replaces runAccountz in flag tests.
func newAccountzCmd(g *globalOptions, runF func(context.Context, *accountzOptions) error) *cobra.Command {
	o := &accountzOptions{g: g}
	cmd := newCommand(cmdSpec{
		use:     "accountz",
		aliases: []string{"accounts"},
		short:   "Accounts of every server (ACCOUNTZ); with --account, that account's details",
	}, &o.w, nil, func(ctx context.Context, _ []string) error {
		if runF != nil {
			return runF(ctx, o)
		}
		return runAccountz(ctx, o)
	})
	cmd.Flags().StringVar(&o.opts.Account, "account", "", "show this account's details")
	return cmd
}

func runAccountz(ctx context.Context, o *accountzOptions) error {
	return o.g.runRead(ctx, o.w, func(ctx context.Context, s *session) (*frame, error) {
		res, err := sys.Accountz(ctx, s.nc, s.target(), o.opts, s.opts()...)
		if err != nil {
			return nil, err
		}
		sortReplies(res)
		if o.opts.Account != "" {
			var infos []serverAccount
			for _, r := range okReplies(res) {
				if r.Data.Account != nil {
					infos = append(infos, serverAccount{server: r.Server, info: r.Data.Account})
				}
			}
			return endpointFrame(res, accountView(o.opts.Account, infos), nil), nil
		}
		return endpointFrame(res, (&systable.View{}).Add("Accounts", accountzTable(okReplies(res))), nil), nil
	})
}

// accountzTable lists the accounts of each server, sorted by name.
func accountzTable(replies []*sys.Reply[sysapi.Accountz]) *output.Table {
	t := &output.Table{Columns: []output.Column{col("server", "Server"), col("account", "Account"), col("system_account", "System")}}
	for _, r := range replies {
		for _, a := range slices.Sorted(slices.Values(r.Data.Accounts)) {
			t.Rows = append(t.Rows, []output.Cell{text(serverLabel(r.Server)), text(a), yesNo(a == r.Data.SystemAccount)})
		}
	}
	return t
}
