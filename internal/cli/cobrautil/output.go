package cobrautil

import (
	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/cmdutil"
)

// OutputOf returns the -o and --query values cmd was given.
func OutputOf(cmd *cobra.Command) cmdutil.Output {
	o := cmdutil.Output{Format: cmdutil.FormatTable}
	if fl := cmd.Flags().Lookup("output"); fl != nil {
		o.Format = fl.Value.String()
	}
	if fl := cmd.Flags().Lookup("query"); fl != nil {
		o.Query = fl.Value.String()
	}
	return o
}

// ValidateOutputFlags checks -o and --query, so that a bad value fails with
// ExitUsage before the command does any work.
func ValidateOutputFlags(cmd *cobra.Command) error { return OutputOf(cmd).Validate() }

// Print writes value to f's stdout in the format -o asks for, after applying
// --query (JMESPath on the JSON form). value must marshal to the command's
// documented JSON shape (a struct with json tags, or a slice of them). table
// builds the -o table view; when it is nil, or when --query is given, the
// table is derived from the JSON form.
func Print(f *cmdutil.Factory, cmd *cobra.Command, value any, table func() *cmdutil.Table) error {
	return OutputOf(cmd).Print(f, value, table)
}

// ContextRef returns the context a command should use when it is not given
// one as an argument: the -c/--context flag, else $AZC_CONTEXT, else ""
// (which azc.State.Resolve takes as "the default"). DESIGN section 3.
func ContextRef(f *cmdutil.Factory, cmd *cobra.Command) string {
	if c := ContextFlag(cmd); c != "" {
		return c
	}
	return f.Getenv("AZC_CONTEXT")
}

// OutputFormat returns the -o value and whether --query was given.
func OutputFormat(cmd *cobra.Command) (format string, query bool) {
	o := OutputOf(cmd)
	return o.Format, o.Query != ""
}

// PrintChange reports the result of a state-changing command: with the
// default table output, message goes to stderr and stdout stays empty; with
// any other format (or --query), value is printed as Print does.
func PrintChange(f *cmdutil.Factory, cmd *cobra.Command, value any, message string) error {
	return OutputOf(cmd).PrintChange(f, value, message)
}
