package cli

import (
	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/cmdutil"
)

// outputOf returns the -o and --query values cmd was given.
func outputOf(cmd *cobra.Command) cmdutil.Output {
	o := cmdutil.Output{Format: cmdutil.FormatTable}
	if fl := cmd.Flags().Lookup("output"); fl != nil {
		o.Format = fl.Value.String()
	}
	if fl := cmd.Flags().Lookup("query"); fl != nil {
		o.Query = fl.Value.String()
	}
	return o
}

// validateOutputFlags checks -o and --query, so that a bad value fails with
// ExitUsage before the command does any work.
func validateOutputFlags(cmd *cobra.Command) error { return outputOf(cmd).Validate() }

// contextRef is cmdutil.ContextRef of cmd's -c/--context flag.
func contextRef(f *cmdutil.Factory, cmd *cobra.Command) string {
	return cmdutil.ContextRef(f, contextFlag(cmd))
}
