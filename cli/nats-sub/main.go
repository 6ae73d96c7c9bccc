// Command nats-sub subscribes to NATS subjects and prints the messages it
// receives. See docs/cli.md for flags, output formats and exit codes.
package main

import (
	"os"

	"github.com/natsys/natsys/cli/internal/cmdutil"
)

func main() { os.Exit(cmdutil.Main("nats-sub", newRootCmd)) }
