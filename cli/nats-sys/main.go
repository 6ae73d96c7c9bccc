// Command nats-sys inspects and manages NATS servers through the system
// account: every monitoring endpoint as a verb (varz, connz, jsz, ...),
// server lists, reports, events, kick and Nagios-style checks. See
// docs/cli.md for commands, output formats and exit codes.
package main

import (
	"context"
	"os"

	"github.com/natsys/natsys/cli/internal/cmdutil"
)

func main() { os.Exit(mainCode()) }

// mainCode runs nats-sys on the process's arguments and returns the exit code.
func mainCode() int {
	f := cmdutil.System("nats-sys")
	ctx, stop := cmdutil.SignalContext(context.Background())
	defer stop()
	return execute(ctx, f, os.Args[1:])
}

// execute runs the command tree with args: the exit code of the error (in
// cmdutil's one place), or, when a check command succeeded in running, its
// Nagios state.
func execute(ctx context.Context, f *cmdutil.Factory, args []string) int {
	g := &globalOptions{f: f, dial: dialClient}
	code := cmdutil.Run(ctx, f, newRoot(g), args)
	if code == 0 {
		return g.nagios
	}
	return code
}
