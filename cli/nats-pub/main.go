// Command nats-pub publishes messages to NATS, or sends requests and prints
// the replies. See docs/cli.md for flags, stdin rules and exit codes.
package main

import (
	"os"

	"github.com/natsys/natsys/cli/internal/cmdutil"
)

func main() { os.Exit(cmdutil.Main("nats-pub", newRootCmd)) }
