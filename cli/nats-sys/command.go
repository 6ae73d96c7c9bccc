package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/natsys/natsys/cli/internal/cmdutil"
	"github.com/natsys/natsys/cli/internal/exit"
)

// cmdSpec describes a command's name and help.
type cmdSpec struct {
	use     string
	aliases []string
	short   string
	long    string
	example string
	args    cobra.PositionalArgs
}

// newCommand builds a command from spec: validate runs first (its errors
// exit 2), then run. w, when not nil, adds --watch to the command.
func newCommand(spec cmdSpec, w *watchFlags, validate func(args []string) error, run func(ctx context.Context, args []string) error) *cobra.Command {
	args := spec.args
	if args == nil {
		args = cobra.NoArgs
	}
	cmd := &cobra.Command{
		Use:     spec.use,
		Aliases: spec.aliases,
		Short:   spec.short,
		Long:    spec.long,
		Example: spec.example,
		Args:    cmdutil.UsageArgs(args),
		RunE: func(cmd *cobra.Command, args []string) error {
			if w != nil {
				if err := w.validate(); err != nil {
					return exit.WithCode(exit.Usage, err)
				}
			}
			if validate != nil {
				if err := validate(args); err != nil {
					return exit.WithCode(exit.Usage, err)
				}
			}
			return run(cmd.Context(), args)
		},
	}
	if w != nil {
		w.register(cmd.Flags())
	}
	return cmd
}
