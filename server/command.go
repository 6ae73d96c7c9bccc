package server

import (
	"errors"
	"fmt"
	"io"
)

// commandName prefixes the command's error messages.
const commandName = "nats-server"

// Main runs the nats-server command: argv is the full command line (program
// name first). It parses the flags and the configuration file, then checks
// the file (-t), prints help or version, sends a signal (--signal), or runs
// a server until it shuts down, handling process signals. It returns the
// process exit code. Output goes to stdout and stderr, like the reference's.
func Main(argv []string, stdout, stderr io.Writer) int {
	var args []string
	if len(argv) > 1 {
		args = argv[1:]
	}
	cmd, err := ParseCommandLine(args)
	if err != nil {
		var ue *UsageError
		if errors.As(err, &ue) {
			fmt.Fprintln(stderr, ue.Error())
			fmt.Fprint(stdout, usageText)
			return 0
		}
		fmt.Fprintf(stderr, "%s: %s\n", commandName, err)
		return 1
	}
	switch cmd.Action {
	case ActionHelp:
		fmt.Fprint(stdout, usageText)
		return 0
	case ActionVersion:
		fmt.Fprintf(stdout, "%s: v%s\n", commandName, Version)
		return 0
	case ActionHelpTLS:
		fmt.Fprint(stdout, tlsHelpText)
		return 0
	case ActionSignal:
		if err := SendSignal(cmd.Signal); err != nil {
			fmt.Fprintf(stderr, "%s: %s\n", commandName, err)
			return 1
		}
		return 0
	case ActionCheckConfig:
		if cmd.Warnings != nil {
			// -t refuses a file with warnings.
			fmt.Fprintf(stderr, "%s: %s\n", commandName, cmd.Warnings)
			return 1
		}
		o := cmd.Options
		fmt.Fprintf(stderr, "%s: configuration file %s is valid (%s)\n", commandName, o.ConfigFile, o.ConfigDigest)
		return 0
	}
	if cmd.Warnings != nil {
		fmt.Fprint(stderr, cmd.Warnings.Error())
	}
	if len(argv) > 0 {
		cmd.Options.Cmdline = append([]string{argv[0]}, cmd.Options.Cmdline...)
	}
	return runServer(cmd.Options, stderr)
}

// runServer starts a server with o and waits until it shuts down: it writes
// the PID file before listening and the ports file once listening (removed
// at shutdown), and handles the process signals.
func runServer(o *Options, stderr io.Writer) int {
	s, err := New(o)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %s\n", commandName, err)
		return 1
	}
	if o.PidFile != "" {
		if err := WritePIDFile(o.PidFile); err != nil {
			s.Logger().Fatalf("%v", err)
			return 1
		}
	}
	stop := s.HandleSignals()
	defer stop()
	if err := s.Start(); err != nil {
		// Start logged the failure at FTL.
		return 1
	}
	if err := s.WritePortsFile(o.PortsFileDir); err != nil {
		s.Logger().Errorf("%v", err)
	}
	s.WaitForShutdown()
	if dir := s.getOpts().PortsFileDir; dir != "" {
		if err := RemovePortsFile(dir); err != nil {
			s.Logger().Errorf("%v", err)
		}
	}
	return 0
}
