// Package cmdutil is what every natsys CLI shares around cobra: the Factory
// of injected dependencies (IO streams, environment, clock, connection
// dialer), the Run/Main entry points that map errors to exit codes in one
// place, signal handling, --version and shell completion.
package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/natsys/natsys/cli/internal/connflags"
	"github.com/natsys/natsys/cli/internal/exit"
	"github.com/natsys/natsys/cli/internal/iostreams"
	"github.com/natsys/natsys/cli/internal/natsconn"
)

// Version is the version printed by --version; the build sets it with
// -ldflags "-X github.com/natsys/natsys/cli/internal/cmdutil.Version=...".
var Version = "0.1.0-dev"

// Factory carries what commands need from the outside world, so tests can
// replace every part of it.
type Factory struct {
	// Prog is the program name used in messages ("nats-sub").
	Prog string
	IO   *iostreams.IO
	// Getenv looks up environment variables.
	Getenv func(string) string
	// Now is the clock.
	Now func() time.Time
	// Dial opens NATS connections.
	Dial natsconn.Dialer
	// Version is printed by --version.
	Version string

	settings *connflags.Settings
}

// System returns the Factory of the real process.
func System(prog string) *Factory {
	return &Factory{
		Prog:    prog,
		IO:      iostreams.System(),
		Getenv:  os.Getenv,
		Now:     time.Now,
		Dial:    natsconn.Dial,
		Version: Version,
	}
}

// Resolve resolves the connection flags against f's environment, writes
// the secret warnings to stderr, and remembers the settings so that Run
// redacts their secrets from any error message.
func (f *Factory) Resolve(flags *connflags.Flags) (*connflags.Settings, error) {
	s, err := flags.Resolve(connflags.Env{Getenv: f.Getenv, DefaultName: f.Prog + "/" + f.Version})
	if err != nil {
		return nil, err
	}
	f.settings = s
	for _, w := range s.Warnings {
		fmt.Fprintln(f.IO.Err, f.Prog+": "+w)
	}
	return s, nil
}

// Redact removes credentials (URL userinfo, and the password and token of
// the resolved settings) from msg.
func (f *Factory) Redact(msg string) string {
	return f.settings.Redact(msg)
}

// Setup applies the shared cobra configuration to root: streams, silent
// errors (Run prints them), usage errors for bad flags, --version and the
// completion command.
func Setup(root *cobra.Command, f *Factory) {
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.Err)
	root.SilenceErrors = true
	root.SilenceUsage = true
	root.Version = f.Version
	// Declared here so cobra does not take -v for it (-v is kept for verbose).
	root.Flags().Bool("version", false, "print the version and exit")
	root.SetVersionTemplate("{{.Name}} {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return exit.WithCode(exit.Usage, err)
	})
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(newCompletionCmd(f))
}

// Run executes root with args and returns the exit code, printing a
// one-line error on stderr when there is one.
func Run(ctx context.Context, f *Factory, root *cobra.Command, args []string) int {
	root.SetArgs(args)
	_, err := root.ExecuteContextC(ctx)
	if err != nil && !errors.As(err, new(*exit.Error)) && isCobraUsage(err) {
		err = exit.WithCode(exit.Usage, err)
	}
	return exit.Report(f.IO.Err, f.Prog, err, f.Redact)
}

// isCobraUsage recognises the usage errors cobra returns without going
// through the flag error function (unknown subcommand, bad arguments).
func isCobraUsage(err error) bool {
	var u interface{ IsUsage() bool }
	return errors.As(err, &u) && u.IsUsage()
}

// Main is the whole of a CLI's main: it runs the command tree built by
// newRoot on the process's arguments, with Ctrl-C/SIGTERM cancelling the
// context (cause exit.ErrInterrupted) and writes to a closed pipe failing
// with EPIPE instead of killing the process. It returns the exit code.
func Main(prog string, newRoot func(*Factory) *cobra.Command) int {
	f := System(prog)
	ctx, stop := SignalContext(context.Background())
	defer stop()
	return Run(ctx, f, newRoot(f), os.Args[1:])
}

// SignalContext returns a context cancelled with cause exit.ErrInterrupted
// on the first SIGINT or SIGTERM; a second signal kills the process as
// usual. It also makes writes to a closed pipe return EPIPE.
func SignalContext(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	pipe := make(chan os.Signal, 1)
	signal.Notify(pipe, syscall.SIGPIPE)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			signal.Stop(sigs)
			cancel(exit.ErrInterrupted)
		case <-done:
		}
	}()
	return ctx, func() {
		close(done)
		signal.Stop(sigs)
		signal.Stop(pipe)
		cancel(context.Canceled)
	}
}

// Interrupted reports whether ctx was cancelled by Ctrl-C/SIGTERM.
func Interrupted(ctx context.Context) bool {
	return errors.Is(context.Cause(ctx), exit.ErrInterrupted)
}

func newCompletionCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:       "completion bash|zsh|fish|powershell",
		Short:     "Print a shell completion script",
		Long:      "Print a completion script for the shell, e.g. `source <(" + f.Prog + " completion bash)`.",
		Args:      usageArgs(cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs)),
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		RunE: func(cmd *cobra.Command, args []string) error {
			root := cmd.Root()
			out := f.IO.Out
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(out, true)
			case "zsh":
				return root.GenZshCompletion(out)
			case "fish":
				return root.GenFishCompletion(out, true)
			default:
				return root.GenPowerShellCompletionWithDesc(out)
			}
		},
	}
}

// usageArgs wraps a positional-argument validator so its errors exit 2.
func usageArgs(v cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		return exit.WithCode(exit.Usage, v(cmd, args))
	}
}

// UsageArgs is usageArgs for the commands' own validators.
func UsageArgs(v cobra.PositionalArgs) cobra.PositionalArgs { return usageArgs(v) }

// RateLimiter lets each distinct message through at most once per interval
// (repeated warnings such as slow-consumer reports).
type RateLimiter struct {
	mu    sync.Mutex
	now   func() time.Time
	every time.Duration
	last  map[string]time.Time
}

// NewRateLimiter returns a limiter using clock now.
func NewRateLimiter(now func() time.Time, every time.Duration) *RateLimiter {
	return &RateLimiter{now: now, every: every, last: map[string]time.Time{}}
}

// Allow reports whether key may be printed now.
func (r *RateLimiter) Allow(key string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	t := r.now()
	if last, ok := r.last[key]; ok && t.Sub(last) < r.every {
		return false
	}
	if len(r.last) >= rateLimiterKeys {
		clear(r.last)
	}
	r.last[key] = t
	return true
}
