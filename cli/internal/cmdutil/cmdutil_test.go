package cmdutil

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/natsys/natsys/cli/internal/connflags"
	"github.com/natsys/natsys/cli/internal/exit"
	"github.com/natsys/natsys/cli/internal/iostreams"
)

func testRoot(f *Factory, run func(*cobra.Command, []string) error) *cobra.Command {
	var flags connflags.Flags
	cmd := &cobra.Command{Use: "tool ARG", Args: UsageArgs(cobra.ExactArgs(1)), RunE: func(c *cobra.Command, a []string) error {
		if _, err := f.Resolve(&flags); err != nil {
			return err
		}
		return run(c, a)
	}}
	flags.Register(cmd.Flags())
	Setup(cmd, f)
	return cmd
}

func TestRun(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		err    error
		code   int
		stdout string
		stderr string
	}{
		{"ok", []string{"a"}, nil, 0, "", ""},
		{"unknown flag", []string{"--nope", "a"}, nil, exit.Usage, "", "tool: error: unknown flag: --nope (try tool --help)\n"},
		{"bad args", []string{}, nil, exit.Usage, "", "accepts 1 arg(s)"},
		{"help", []string{"-h"}, nil, 0, "Usage:", ""},
		{"version", []string{"--version"}, nil, 0, "tool 1.2.3\n", ""},
		{"error redacted", []string{"--password", "hunter22", "--user", "u", "--no-auth-warning", "a"},
			errors.New("failed with hunter22 at nats://u:hunter22@h"), exit.Failed, "", "tool: error: failed with **** at nats://u:****@h\n"},
		{"completion", []string{"completion", "bash"}, nil, 0, "bash completion V2 for tool", ""},
		{"completion usage", []string{"completion"}, nil, exit.Usage, "", "accepts 1 arg(s)"},
		{"password warning", []string{"--password", "p", "--user", "u", "a"}, nil, 0, "", "tool: warning: --password on the command line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			io, _, out, errb := iostreams.Test()
			f := &Factory{Prog: "tool", IO: io, Getenv: func(string) string { return "" }, Now: time.Now, Version: "1.2.3"}
			code := Run(context.Background(), f, testRoot(f, func(*cobra.Command, []string) error { return tt.err }), tt.args)
			if code != tt.code || !strings.Contains(out.String(), tt.stdout) || !strings.Contains(errb.String(), tt.stderr) {
				t.Errorf("code %d stdout %.60q stderr %q", code, out.String(), errb.String())
			}
			if tt.stdout == "" && out.Len() != 0 {
				t.Errorf("unexpected stdout %q", out.String())
			}
			if tt.stderr == "" && errb.Len() != 0 {
				t.Errorf("unexpected stderr %q", errb.String())
			}
		})
	}
}

func TestSignalContextAndInterrupted(t *testing.T) {
	ctx, stop := SignalContext(context.Background())
	if Interrupted(ctx) {
		t.Error("interrupted before any signal")
	}
	stop()
	if Interrupted(ctx) || ctx.Err() == nil {
		t.Error("stop should cancel without the interrupt cause")
	}
	ctx2, cancel := context.WithCancelCause(context.Background())
	cancel(exit.ErrInterrupted)
	if !Interrupted(ctx2) {
		t.Error("not interrupted")
	}
}

func TestRateLimiter(t *testing.T) {
	now := time.Unix(0, 0)
	r := NewRateLimiter(func() time.Time { return now }, time.Second)
	if !r.Allow("a") || r.Allow("a") || !r.Allow("b") {
		t.Fatal("first of each key allowed, repeats not")
	}
	now = now.Add(999 * time.Millisecond)
	if r.Allow("a") {
		t.Error("allowed within the interval")
	}
	now = now.Add(2 * time.Millisecond)
	if !r.Allow("a") {
		t.Error("not allowed after the interval")
	}
}
