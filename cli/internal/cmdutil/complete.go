package cmdutil

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/natsys/natsys/cli/internal/complete"
	"github.com/natsys/natsys/cli/internal/connflags"
	"github.com/natsys/natsys/cli/internal/natsconn"
)

// CompleteSubjects returns a cobra completion function for SUBJECT
// arguments: it connects with the flags given so far (quietly, for at
// most completeTimeout) and offers the subjects that have subscribers
// (see complete.Subjects). maxArgs > 0 stops completing after that many
// arguments. Any failure yields no candidates.
func CompleteSubjects(f *Factory, flags *connflags.Flags, maxArgs int) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if maxArgs > 0 && len(args) >= maxArgs {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []string
		withConn(cmd.Context(), f, flags, func(ctx context.Context, c natsconn.Conn) {
			out, _ = complete.Subjects(ctx, c, toComplete)
		})
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// CompleteServerNames returns a cobra completion function offering the
// names of the servers that answer a $SYS PING (system account users).
func CompleteServerNames(f *Factory, flags *connflags.Flags) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		var out []string
		withConn(cmd.Context(), f, flags, func(ctx context.Context, c natsconn.Conn) {
			out, _ = complete.ServerNames(ctx, c, toComplete)
		})
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// withConn connects quietly (no warnings, no reconnects) and runs fn.
func withConn(parent context.Context, f *Factory, flags *connflags.Flags, fn func(context.Context, natsconn.Conn)) {
	if parent == nil {
		parent = context.Background()
	}
	s, err := flags.Resolve(connflags.Env{Getenv: f.Getenv, DefaultName: f.Prog + "/" + f.Version + " (completion)"})
	if err != nil {
		return
	}
	s.ConnectTimeout = min(s.ConnectTimeout, completeTimeout)
	ctx, cancel := context.WithTimeout(parent, completeTimeout)
	defer cancel()
	c, err := f.Dial(ctx, s, natsconn.Events{})
	if err != nil {
		return
	}
	defer c.Close()
	fn(ctx, c)
}

// RegisterCompletions adds completion of the shared flags: --context
// (the saved natscli contexts) and fixed value lists (values maps a flag
// name to its choices). Flags that do not exist on cmd are skipped.
func RegisterCompletions(cmd *cobra.Command, f *Factory, values map[string][]string) {
	if cmd.Flags().Lookup("context") != nil {
		_ = cmd.RegisterFlagCompletionFunc("context", func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			names, _ := connflags.ContextNames(connflags.ConfigDir(f.Getenv))
			var out []string
			for _, n := range names {
				if strings.HasPrefix(n, toComplete) {
					out = append(out, n)
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		})
	}
	for name, choices := range values {
		if cmd.Flags().Lookup(name) == nil {
			continue
		}
		_ = cmd.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(choices, cobra.ShellCompDirectiveNoFileComp))
	}
}
