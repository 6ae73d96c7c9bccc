package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/natsys/natsys/client/sys"
	"github.com/natsys/natsys/client/sysapi"

	"github.com/natsys/natsys/cli/internal/cmdutil"
	"github.com/natsys/natsys/cli/internal/output"
	"github.com/natsys/natsys/cli/internal/systable"
)

// newAccountCmd builds "nats-sys account" and its verbs.
func newAccountCmd(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "account",
		Aliases: []string{"acct"},
		Short:   "Account-scoped system services ($SYS.REQ.ACCOUNT.<acc>.*)",
		Args:    cmdutil.UsageArgs(cobra.NoArgs),
		RunE:    func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newAccountInfoCmd(g, nil), newAccountConnzCmd(g, nil), newAccountSubszCmd(g, nil), newAccountJszCmd(g, nil))
	return cmd
}

// accountArg validates the ACCOUNT argument.
func accountArg(args []string) error {
	if len(args) != 1 {
		return errors.New("exactly one ACCOUNT is required")
	}
	if args[0] == "" || strings.ContainsAny(args[0], " \t.*>") {
		return fmt.Errorf("invalid account name %q", args[0])
	}
	return nil
}

// accountInfoOptions are the flags of nats-sys account info.
type accountInfoOptions struct {
	g       *globalOptions
	w       watchFlags
	account string
}

// newAccountInfoCmd builds "nats-sys account info ACC".
func newAccountInfoCmd(g *globalOptions, runF func(context.Context, *accountInfoOptions) error) *cobra.Command {
	o := &accountInfoOptions{g: g}
	return newCommand(cmdSpec{
		use:     "info ACCOUNT",
		aliases: []string{"i"},
		short:   "An account on every server: details, imports, exports, mappings (ACCOUNT.<acc>.INFO)",
		args:    cobra.ArbitraryArgs,
	}, &o.w, accountArg, func(ctx context.Context, args []string) error {
		o.account = args[0]
		if runF != nil {
			return runF(ctx, o)
		}
		return runAccountInfo(ctx, o)
	})
}

func runAccountInfo(ctx context.Context, o *accountInfoOptions) error {
	return o.g.runRead(ctx, o.w, func(ctx context.Context, s *session) (*frame, error) {
		res, err := sys.AccountInfo(ctx, s.nc, o.account, s.opts()...)
		if err != nil {
			return nil, err
		}
		restrict(res, s.g.servers)
		sortReplies(res)
		var infos []serverAccount
		for _, r := range okReplies(res) {
			infos = append(infos, serverAccount{server: r.Server, info: r.Data})
		}
		return endpointFrame(res, accountView(o.account, infos), nil), nil
	})
}

// serverAccount is one server's view of an account.
type serverAccount struct {
	server sysapi.ServerInfo
	info   *sysapi.AccountInfo
}

// accountView renders account details per server, then the imports,
// exports and mappings (the same on every server; shown once).
func accountView(account string, infos []serverAccount) *systable.View {
	v := &systable.View{Heading: "Account information for account " + account}
	t := &output.Table{Columns: []output.Column{
		col("server", "Server"), col("account", "Account"), col("complete", "Complete"), col("expired", "Expired"),
		col("system_account", "System Account"), col("jetstream", "JetStream"), num("client_connections", "Conns"),
		num("leafnode_connections", "Leafs"), num("subscriptions", "Subs"), col("updated", "Updated"), col("tag", "Tag"),
	}}
	for _, a := range infos {
		i := a.info
		t.Rows = append(t.Rows, []output.Cell{
			text(serverLabel(a.server)), text(i.AccountName), yesNo(i.Complete), yesNo(i.Expired),
			yesNo(i.IsSystem), yesNo(i.JetStream), count(i.ClientCnt),
			count(i.LeafCnt), count(i.SubCnt), when(i.LastUpdate), text(i.NameTag),
		})
	}
	v.Add("Details", t)
	if len(infos) == 0 {
		return v
	}
	first := infos[0].info
	v.Add("Imports", importsTable(first.Imports))
	v.Add("Exports", exportsTable(first.Exports))
	v.Add("Mappings", mappingsTable(first.Mappings))
	return v
}

func importsTable(imps []sysapi.ExtImport) *output.Table {
	t := &output.Table{Columns: []output.Column{
		col("local_subject", "Local Subject"), col("subject", "Subject"), col("to", "To"), col("account", "From Account"),
		col("type", "Type"), col("share", "Share"), col("invalid", "Invalid"),
	}}
	sorted := slices.Clone(imps)
	slices.SortStableFunc(sorted, func(a, b sysapi.ExtImport) int {
		return cmp.Or(cmp.Compare(a.LocalSubject, b.LocalSubject), cmp.Compare(a.Subject, b.Subject), cmp.Compare(a.Account, b.Account))
	})
	for _, i := range sorted {
		t.Rows = append(t.Rows, []output.Cell{
			text(i.LocalSubject), text(i.Subject), text(i.To), text(i.Account), text(i.Type), yesNo(i.Share), yesNo(i.Invalid),
		})
	}
	return t
}

func exportsTable(exps []sysapi.ExtExport) *output.Table {
	t := &output.Table{Columns: []output.Column{
		col("subject", "Subject"), col("type", "Type"), col("token_required", "Token Required"),
		col("response_type", "Response Type"), col("approved_accounts", "Approved Accounts"), col("description", "Description"),
	}}
	sorted := slices.Clone(exps)
	slices.SortStableFunc(sorted, func(a, b sysapi.ExtExport) int { return cmp.Compare(a.Subject, b.Subject) })
	for _, e := range sorted {
		t.Rows = append(t.Rows, []output.Cell{
			text(e.Subject), text(e.Type), yesNo(e.TokenReq), text(e.ResponseType), list(e.ApprovedAccounts), text(e.Description),
		})
	}
	return t
}

func mappingsTable(m map[string][]*sysapi.MapDest) *output.Table {
	t := &output.Table{Columns: []output.Column{
		col("source", "Source"), col("destination", "Destination"), num("weight", "Weight"), col("cluster", "Cluster"),
	}}
	for _, src := range slices.Sorted(maps.Keys(m)) {
		for _, d := range m[src] {
			t.Rows = append(t.Rows, []output.Cell{text(src), text(d.Subject), count(int(d.Weight)), text(d.Cluster)})
		}
	}
	return t
}

// accountConnzOptions are the flags of nats-sys account connz.
type accountConnzOptions struct {
	g       *globalOptions
	w       watchFlags
	c       connzFlags
	account string
}

// newAccountConnzCmd builds "nats-sys account connz ACC".
func newAccountConnzCmd(g *globalOptions, runF func(context.Context, *accountConnzOptions) error) *cobra.Command {
	o := &accountConnzOptions{g: g}
	cmd := newCommand(cmdSpec{
		use:   "connz ACCOUNT",
		short: "Connections of one account on every server (ACCOUNT.<acc>.CONNZ)",
		args:  cobra.ArbitraryArgs,
	}, &o.w, func(args []string) error {
		if err := accountArg(args); err != nil {
			return err
		}
		_, err := o.c.options()
		return err
	}, func(ctx context.Context, args []string) error {
		o.account = args[0]
		if runF != nil {
			return runF(ctx, o)
		}
		return runAccountConnz(ctx, o)
	})
	o.c.register(cmd.Flags(), true)
	return cmd
}

func runAccountConnz(ctx context.Context, o *accountConnzOptions) error {
	opts, _ := o.c.options()
	return o.g.runRead(ctx, o.w, func(ctx context.Context, s *session) (*frame, error) {
		res, err := sys.AccountConnz(ctx, s.nc, o.account, opts, s.opts()...)
		if err != nil {
			return nil, err
		}
		restrict(res, s.g.servers)
		return connzFrame(s, res, opts, o.c.reverse), nil
	})
}

// accountSubszOptions are the flags of nats-sys account subsz.
type accountSubszOptions struct {
	g       *globalOptions
	w       watchFlags
	opts    sysapi.SubszOptions
	account string
}

// newAccountSubszCmd builds "nats-sys account subsz ACC".
func newAccountSubszCmd(g *globalOptions, runF func(context.Context, *accountSubszOptions) error) *cobra.Command {
	o := &accountSubszOptions{g: g}
	cmd := newCommand(cmdSpec{
		use:   "subsz ACCOUNT",
		short: "Subscriptions of one account on every server (ACCOUNT.<acc>.SUBSZ)",
		args:  cobra.ArbitraryArgs,
	}, &o.w, accountArg, func(ctx context.Context, args []string) error {
		o.account = args[0]
		if runF != nil {
			return runF(ctx, o)
		}
		return runAccountSubsz(ctx, o)
	})
	fs := cmd.Flags()
	fs.StringVar(&o.opts.Test, "filter-subject", "", "only subscriptions a message on this literal subject would reach")
	fs.IntVar(&o.opts.Limit, "limit", 0, "at most N subscriptions per server (server default 1024)")
	fs.IntVar(&o.opts.Offset, "offset", 0, "skip the first N subscriptions of each server")
	return cmd
}

func runAccountSubsz(ctx context.Context, o *accountSubszOptions) error {
	return o.g.runRead(ctx, o.w, func(ctx context.Context, s *session) (*frame, error) {
		res, err := sys.AccountSubsz(ctx, s.nc, o.account, o.opts, s.opts()...)
		if err != nil {
			return nil, err
		}
		restrict(res, s.g.servers)
		return subszFrame(res, true), nil
	})
}

// accountJszOptions are the flags of nats-sys account jsz.
type accountJszOptions struct {
	g       *globalOptions
	w       watchFlags
	opts    sysapi.JSzOptions
	account string
}

// newAccountJszCmd builds "nats-sys account jsz ACC".
func newAccountJszCmd(g *globalOptions, runF func(context.Context, *accountJszOptions) error) *cobra.Command {
	o := &accountJszOptions{g: g}
	cmd := newCommand(cmdSpec{
		use:   "jsz ACCOUNT",
		short: "JetStream usage of one account on every server (ACCOUNT.<acc>.JSZ)",
		long: `Ask every server for the account's JetStream details. A server without
JetStream gets the row "JetStream is not enabled on <server>" (exit 0).`,
		args: cobra.ArbitraryArgs,
	}, &o.w, accountArg, func(ctx context.Context, args []string) error {
		o.account = args[0]
		if runF != nil {
			return runF(ctx, o)
		}
		return runAccountJsz(ctx, o)
	})
	fs := cmd.Flags()
	fs.BoolVar(&o.opts.Streams, "streams", false, "include stream details")
	fs.BoolVar(&o.opts.Consumer, "consumer", false, "include consumer details")
	fs.BoolVar(&o.opts.Config, "config", false, "include configuration")
	return cmd
}

// jsNotEnabled reports whether a reply is the "jetstream not enabled" error.
func jsNotEnabled[T any](r *sys.Reply[T]) bool {
	return r.Err != nil && strings.Contains(strings.ToLower(r.Err.Description), "jetstream not enabled")
}

func runAccountJsz(ctx context.Context, o *accountJszOptions) error {
	return o.g.runRead(ctx, o.w, func(ctx context.Context, s *session) (*frame, error) {
		res, err := sys.AccountJsz(ctx, s.nc, o.account, o.opts, s.opts()...)
		if err != nil {
			return nil, err
		}
		restrict(res, s.g.servers)
		sortReplies(res)
		v := (&systable.View{}).Add("JetStream usage of account "+o.account, accountJszTable(res))
		if o.opts.Streams {
			st := streamsColumns()
			for _, r := range okReplies(res) {
				addStreams(st, serverLabel(r.Server), r.Data)
			}
			v.Add("Streams", st)
		}
		return endpointFrame(res, v, jsNotEnabled[sysapi.AccountDetail]), nil
	})
}

// accountJszTable is one row per server; servers without JetStream say so.
func accountJszTable(res *sys.Result[sysapi.AccountDetail]) *output.Table {
	t := &output.Table{Columns: []output.Column{
		col("server", "Server"), col("status", "Status"), num("memory", "Memory"),
		num("storage", "File"), num("reserved_memory", "Reserved Mem"), num("reserved_storage", "Reserved File"),
		num("api_total", "API Req"), num("api_errors", "API Err"),
	}}
	for i := range res.Replies {
		r := &res.Replies[i]
		name := serverLabel(r.Server)
		switch {
		case jsNotEnabled(r):
			row := make([]output.Cell, len(t.Columns))
			row[0], row[1] = text(name), text(jsDisabled(name))
			t.Rows = append(t.Rows, row)
		case r.OK() && r.Data != nil:
			a := r.Data
			t.Rows = append(t.Rows, []output.Cell{
				text(name), text("enabled"), usize(a.Memory),
				usize(a.Store), usize(a.ReservedMemory), usize(a.ReservedStore),
				count(a.API.Total), count(a.API.Errors),
			})
		}
	}
	return t
}
