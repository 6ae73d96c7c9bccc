package main

import (
	"github.com/spf13/cobra"

	"github.com/natsys/natsys/cli/internal/cmdutil"
	"github.com/natsys/natsys/cli/internal/output"
)

// newRootCmd builds the nats-sys command tree.
func newRootCmd(f *cmdutil.Factory) *cobra.Command {
	g := &globalOptions{f: f, dial: dialClient}
	return newRoot(g)
}

// newRoot builds the tree around g (tests replace g.dial).
func newRoot(g *globalOptions) *cobra.Command {
	root := &cobra.Command{
		Use:   "nats-sys",
		Short: "Inspect and manage NATS servers through the system account",
		Long: `nats-sys talks to NATS servers through the system account ($SYS.REQ.*):
every monitoring endpoint is a verb (varz, connz, subsz, jsz, accountz, routez,
gatewayz, leafz, healthz, statsz), plus server lists, reports, events, kick
and Nagios-style checks.

Requests fan out to every server; the expected number of replies is found
automatically (or --expect N / --servers a,b). Missing servers are named on
stderr and make the command exit 3.

Exit codes: 0 ok, 1 failed (an error reply, unknown CID), 2 usage,
3 incomplete (missing servers, no reply before --timeout), 4 cannot connect,
5 not authorised (including: the user is not in the system account).
check commands exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.`,
		Example: `  nats-sys list
  nats-sys connz --sort msgs_from --limit 10
  nats-sys varz --json | jq .data.mem
  nats-sys report connections --account APP --top 5
  nats-sys ping --expect 3`,
		Args: cmdutil.UsageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	g.register(root.PersistentFlags())
	for _, c := range []*cobra.Command{
		newVarzCmd(g, nil), newConnzCmd(g, nil), newSubszCmd(g, nil), newJszCmd(g, nil),
		newAccountzCmd(g, nil), newRoutezCmd(g, nil), newGatewayzCmd(g, nil), newLeafzCmd(g, nil),
		newHealthzCmd(g, nil), newStatszCmd(g, nil), newAccountCmd(g),
		newListCmd(g, nil), newPingCmd(g, nil), newInfoCmd(g, nil), newReportCmd(g), newKickCmd(g, nil), newLDMCmd(g), newEventsCmd(g, nil), newCheckCmd(g), newTopCmd(g, nil),
	} {
		root.AddCommand(c)
	}
	cmdutil.Setup(root, g.f)
	return root
}

// formatHelp is the help text of -o.
var formatHelp = "output format: " + output.FormatList() + " (default: table on a terminal, plain otherwise; env NATSYS_OUTPUT)"
