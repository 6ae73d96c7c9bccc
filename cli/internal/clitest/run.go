package clitest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/natsys/natsys/cli/internal/cmdutil"
	"github.com/natsys/natsys/cli/internal/exit"
	"github.com/natsys/natsys/cli/internal/iostreams"
	"github.com/natsys/natsys/cli/internal/natsconn"
)

// Invocation describes one command run.
type Invocation struct {
	Args  []string
	Stdin []byte
	// Env is the whole environment the command sees; XDG_CONFIG_HOME and
	// HOME default to an empty temporary folder so that the user's natscli
	// contexts never leak into tests.
	Env map[string]string
	// InTTY and OutTTY pretend stdin/stdout are terminals.
	InTTY, OutTTY bool
	// ErrTTY pretends stderr is a terminal.
	ErrTTY bool
	// Ctx, when set, is the command's context (cancel it with cause
	// exit.ErrInterrupted to simulate Ctrl-C).
	Ctx context.Context
	// Dial replaces the connection dialer (default natsconn.Dial).
	Dial natsconn.Dialer
}

// Result is what a finished command produced.
type Result struct {
	Code   int
	Stdout string
	Stderr string
}

// Running is a command running in the background.
type Running struct {
	Stdout *iostreams.SyncBuffer
	Stderr *iostreams.SyncBuffer
	done   chan struct{} // closed when the command returned
	code   int
	cancel context.CancelCauseFunc
}

// Start runs the command built by newRoot in a goroutine.
func Start(t testing.TB, prog string, newRoot func(*cmdutil.Factory) *cobra.Command, inv Invocation) *Running {
	t.Helper()
	io, in, out, errb := iostreams.Test()
	in.Write(inv.Stdin)
	io.InTTY, io.OutTTY, io.ErrTTY = inv.InTTY, inv.OutTTY, inv.ErrTTY
	env := map[string]string{}
	if _, ok := inv.Env["XDG_CONFIG_HOME"]; !ok {
		dir := t.TempDir()
		env["XDG_CONFIG_HOME"], env["HOME"] = dir, dir
	}
	for k, v := range inv.Env {
		env[k] = v
	}
	dial := inv.Dial
	if dial == nil {
		dial = natsconn.Dial
	}
	f := &cmdutil.Factory{
		Prog: prog, IO: io, Getenv: func(k string) string { return env[k] },
		Now: time.Now, Dial: dial, Version: "0.0.0-test",
	}
	parent := inv.Ctx
	if parent == nil {
		parent = context.Background()
	}
	ctx, cancel := context.WithCancelCause(parent)
	r := &Running{Stdout: out, Stderr: errb, done: make(chan struct{}), cancel: cancel}
	go func() {
		r.code = cmdutil.Run(ctx, f, newRoot(f), inv.Args)
		close(r.done)
	}()
	t.Cleanup(func() {
		cancel(exit.ErrInterrupted)
		select {
		case <-r.done:
		case <-time.After(waitTimeout):
		}
	})
	return r
}

// Run runs the command to completion.
func Run(t testing.TB, prog string, newRoot func(*cmdutil.Factory) *cobra.Command, inv Invocation) *Result {
	t.Helper()
	return Start(t, prog, newRoot, inv).Wait(t)
}

// Interrupt simulates Ctrl-C.
func (r *Running) Interrupt() { r.cancel(exit.ErrInterrupted) }

// Wait waits for the command to end (failing the test after waitTimeout).
func (r *Running) Wait(t testing.TB) *Result {
	t.Helper()
	select {
	case <-r.done:
		return &Result{Code: r.code, Stdout: r.Stdout.String(), Stderr: r.Stderr.String()}
	case <-time.After(waitTimeout):
		t.Fatalf("command did not finish within %s\nstdout: %s\nstderr: %s", waitTimeout, r.Stdout.String(), r.Stderr.String())
		return nil
	}
}

// WaitStderr waits until stderr contains s.
func (r *Running) WaitStderr(t testing.TB, s string) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !strings.Contains(r.Stderr.String(), s) {
		select {
		case <-r.done:
			if strings.Contains(r.Stderr.String(), s) {
				return
			}
			t.Fatalf("command ended (exit %d) before stderr had %q\nstdout: %s\nstderr: %s", r.code, s, r.Stdout.String(), r.Stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("stderr never had %q: %s", s, r.Stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}
