package contextcmd

import (
	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/cmdutil"
)

// ExportOptions are the inputs of `context export`.
type ExportOptions struct {
	Refs            []string
	File            string
	WithCredentials bool
	Force           bool
}

// NewCmdExport returns `context export`; runF replaces the run function in tests.
func NewCmdExport(f *cmdutil.Factory, runF func(*cobra.Command, *ExportOptions) error) *cobra.Command {
	opts := &ExportOptions{}
	cmd := &cobra.Command{
		Use:   "export [NAME…] --file FILE",
		Short: "Save contexts (default: all) to a versioned azc JSON file",
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Refs = args
			if opts.File == "" {
				return cmdutil.UsageErrorf("--file is required (use - for stdout)")
			}
			if runF != nil {
				return runF(cmd, opts)
			}
			return exportRun(f, cmd, opts)
		},
	}
	cmd.Flags().StringVar(&opts.File, "file", "", "the file to write, or - for stdout")
	cmd.Flags().BoolVar(&opts.WithCredentials, "with-credentials", false, "include tokens and secrets (the file is created 0600)")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "overwrite an existing file")
	return cmd
}

// ImportOptions are the inputs of `context import`.
type ImportOptions struct {
	File  string
	Scope string
}

// NewCmdImport returns `context import`; runF replaces the run function in tests.
func NewCmdImport(f *cmdutil.Factory, runF func(*cobra.Command, *ImportOptions) error) *cobra.Command {
	opts := &ImportOptions{}
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Merge contexts from an azc export, an Azure PowerShell context file or an az CLI azureProfile.json",
		Args:  cmdutil.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if runF != nil {
				return runF(cmd, opts)
			}
			return importRun(f, cmd, opts)
		},
	}
	cmdutil.AddScopeFlag(cmd, &opts.Scope)
	return cmd
}

func exportRun(f *cmdutil.Factory, cmd *cobra.Command, opts *ExportOptions) error {
	return cmdutil.Errorf("context export is not available yet")
}

func importRun(f *cmdutil.Factory, cmd *cobra.Command, opts *ImportOptions) error {
	return cmdutil.Errorf("context import is not available yet")
}
