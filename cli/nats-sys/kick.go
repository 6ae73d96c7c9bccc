package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/natsys/natsys/client/sys"
	"github.com/natsys/natsys/client/sysapi"

	"github.com/natsys/natsys/cli/internal/exit"
	"github.com/natsys/natsys/cli/internal/output"
	"github.com/natsys/natsys/cli/internal/systable"
)

// kickSchema is the JSON schema name of nats-sys kick.
const kickSchema = "natsys.sys.kick/v1"

// kickOptions are the flags of nats-sys kick.
type kickOptions struct {
	g        *globalOptions
	cid      uint64
	serverID string
	user     string
	account  string
	name     string
	subject  string
	dryRun   bool
	yes      bool
	ldm      bool
}

// newKickCmd builds "nats-sys kick"; runF replaces runKick in flag tests.
func newKickCmd(g *globalOptions, runF func(context.Context, *kickOptions) error) *cobra.Command {
	o := &kickOptions{g: g}
	cmd := newCommand(cmdSpec{
		use:   "kick",
		short: "Disconnect client connections, chosen by CID and server or by filters",
		long: `Disconnect connections ($SYS.REQ.SERVER.<id>.KICK). Choose them with --cid and
--server-id (a server name or ID; CIDs are unique per server only), or with
--filter-user, --account, --conn-name REGEX and --subject S (connections with
a subscription a message on S reaches) across every server (add --cid to
narrow). --user and --name stay the connection and server-filter flags. --dry-run lists the matches without kicking; more than one match
needs --yes. --ldm asks the clients to move to another server (lame duck)
instead of closing them. Exit 1 when a server reports an error (e.g. an
unknown CID) or nothing matches. JSON: schema ` + kickSchema + `.`,
		example: `  nats-sys kick --cid 12 --server-id n1
  nats-sys kick --account APP --conn-name '^orders-' --dry-run
  nats-sys kick --filter-user bob --yes
  nats-sys kick --account APP --subject orders.new --dry-run`,
	}, nil, func([]string) error {
		if o.cid == 0 && o.user == "" && o.account == "" && o.name == "" && o.subject == "" {
			return errors.New("choose connections with --cid, --filter-user, --account, --conn-name or --subject")
		}
		if _, err := regexp.Compile(o.name); err != nil {
			return fmt.Errorf("--conn-name: %w", err)
		}
		return nil
	}, func(ctx context.Context, _ []string) error {
		if runF != nil {
			return runF(ctx, o)
		}
		return runKick(ctx, o)
	})
	fs := cmd.Flags()
	fs.Uint64Var(&o.cid, "cid", 0, "the connection's CID")
	fs.StringVar(&o.serverID, "server-id", "", "the server (name or ID) the connection is on")
	fs.StringVar(&o.user, "filter-user", "", "connections of this user")
	fs.StringVar(&o.account, "account", "", "connections of this account")
	fs.StringVar(&o.name, "conn-name", "", "connections whose name matches this regular expression")
	fs.StringVar(&o.subject, "subject", "", "connections with interest in this subject (CONNZ filter_subject)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "list the matching connections, kick nothing")
	fs.BoolVar(&o.yes, "yes", false, "kick more than one connection")
	fs.BoolVar(&o.ldm, "ldm", false, "send the clients to another server (lame duck mode) instead of closing them")
	return cmd
}

func runKick(ctx context.Context, o *kickOptions) error {
	s, err := o.g.open(ctx)
	if err != nil {
		return err
	}
	defer s.close()
	rctx, cancel := s.timeout(ctx)
	defer cancel()
	if o.cid != 0 && o.serverID != "" && o.user == "" && o.account == "" && o.name == "" && o.subject == "" && !o.dryRun {
		return s.callError(rctx, o.kickOne(rctx, s))
	}
	target := s.target()
	if o.serverID != "" {
		target = sys.Server(o.serverID)
	}
	all, err := fetchInterested(rctx, s, target, sysapi.ConnzOptions{CID: o.cid, User: o.user, Account: o.account, FilterSubject: o.subject})
	if err != nil {
		return s.callError(rctx, err)
	}
	re := regexp.MustCompile(o.name)
	var matches []connRow
	for _, r := range all.rows {
		if (o.cid == 0 || r.conn.CID == o.cid) && re.MatchString(r.conn.Name) {
			matches = append(matches, r)
		}
	}
	sortConns(matches, "", false)
	switch {
	case len(matches) == 0:
		return exit.FailedErrorf("no connection matches%s", missingNote(all.cov))
	case len(matches) > 1 && !o.yes && !o.dryRun:
		_ = s.printKick(matches, nil, "not kicked")
		return exit.WithCode(exit.Usage, fmt.Errorf("%d connections match; add --yes to kick them all, or --dry-run to list them", len(matches)))
	}
	results := make([]string, len(matches))
	var failed int
	for i, m := range matches {
		if o.dryRun {
			results[i] = "dry run"
			continue
		}
		if err := o.send(rctx, s, m.server.ID, m.conn.CID); err != nil {
			results[i] = "error: " + err.Error()
			failed++
			continue
		}
		results[i] = o.verb()
	}
	if err := s.printKick(matches, results, ""); err != nil {
		return err
	}
	if failed > 0 {
		return exit.FailedErrorf("%d of %d kicks failed", failed, len(matches))
	}
	return all.cov.err()
}

// fetchInterested is fetchAllConns, except that a subject filter without
// an account is asked account by account: the server applies CONNZ
// filter_subject only together with an account.
func fetchInterested(ctx context.Context, s *session, target sys.Target, opts sysapi.ConnzOptions) (*allConns, error) {
	if opts.FilterSubject == "" || opts.Account != "" {
		return fetchAllConns(ctx, s, target, opts)
	}
	subject := opts.FilterSubject
	opts.FilterSubject = ""
	all, err := fetchAllConns(ctx, s, target, opts)
	if err != nil {
		return nil, err
	}
	var accounts []string
	for _, r := range all.rows {
		if !slices.Contains(accounts, r.conn.Account) {
			accounts = append(accounts, r.conn.Account)
		}
	}
	all.rows = nil
	for _, acc := range accounts {
		opts.Account, opts.FilterSubject = acc, subject
		some, err := fetchAllConns(ctx, s, target, opts)
		if err != nil {
			return nil, fmt.Errorf("connections of account %s with interest in %s: %w", acc, subject, err)
		}
		all.rows = append(all.rows, some.rows...)
		all.failures = append(all.failures, some.failures...)
	}
	return all, nil
}

// kickOne kicks --cid on --server-id without looking it up first, so the
// server's own answer (e.g. "no such client or leafnode id") is reported.
func (o *kickOptions) kickOne(ctx context.Context, s *session) error {
	if err := o.send(ctx, s, o.serverID, o.cid); err != nil {
		var apiErr *sysapi.APIError
		if errors.As(err, &apiErr) {
			action := "kick"
			if o.ldm {
				action = "ldm"
			}
			return exit.FailedErrorf("%s CID %d on %s: %s", action, o.cid, o.serverID, apiErr.Description)
		}
		return err
	}
	fmt.Fprintf(s.g.f.IO.Err, "%s: %s CID %d on %s\n", s.g.f.Prog, o.verb(), o.cid, o.serverID)
	return nil
}

func (o *kickOptions) send(ctx context.Context, s *session, server string, cid uint64) error {
	var err error
	if o.ldm {
		_, err = sys.LDM(ctx, s.nc, server, cid)
	} else {
		_, err = sys.Kick(ctx, s.nc, server, cid)
	}
	return err
}

func (o *kickOptions) verb() string {
	if o.ldm {
		return "lame duck sent"
	}
	return "kicked"
}

// printKick prints the matched connections with the outcome of each.
func (s *session) printKick(rows []connRow, results []string, all string) error {
	t := &output.Table{Schema: kickSchema, Columns: []output.Column{
		col("server", "Server"), col("server_id", "Server ID"), num("cid", "CID"), col("name", "Name"),
		col("account", "Account"), col("user", "User"), col("addr", "Address"), col("result", "Result"),
	}}
	for i, r := range rows {
		res := all
		if results != nil {
			res = results[i]
		}
		c := r.conn
		t.Rows = append(t.Rows, []output.Cell{
			text(serverLabel(r.server)), text(r.server.ID), count(c.CID), text(c.Name),
			text(c.Account), text(c.AuthorizedUser), text(hostPort(c.IP, c.Port)), text(res),
		})
	}
	t.Extra = map[string]any{"generated": s.now().UTC().Format(time.RFC3339)}
	fr := &frame{view: (&systable.View{}).Add("Connections", t), doc: t}
	return s.print(fr, false)
}

// missingNote mentions missing servers in a "no match" message.
func missingNote(c coverage) string {
	if err := c.err(); err != nil {
		return " (" + strings.TrimSpace(err.Error()) + ")"
	}
	return ""
}

// newLDMCmd builds "nats-sys ldm": kick's selection, but the clients are
// asked to move to another server ($SYS.REQ.SERVER.<id>.LDM) instead.
func newLDMCmd(g *globalOptions) *cobra.Command {
	cmd := newKickCmd(g, nil)
	cmd.Use = "ldm"
	cmd.Short = "Send client connections to another server (lame duck mode for clients), chosen as in kick"
	cmd.Example = `  nats-sys ldm --cid 12 --server-id n1
  nats-sys ldm --account APP --yes`
	_ = cmd.Flags().Set("ldm", "true")
	_ = cmd.Flags().MarkHidden("ldm")
	return cmd
}
