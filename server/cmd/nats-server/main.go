// Command nats-server runs a natsys server: a drop-in replacement for the
// nats-server binary (same flags, configuration files and signals). The
// logic lives in package server (server.Main) so that it can be tested.
package main

import (
	"os"

	"github.com/natsys/natsys/server"
)

func main() {
	os.Exit(server.Main(os.Args, os.Stdout, os.Stderr))
}
