package contextcmd

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/profile"
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
	if opts.WithCredentials {
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: errors.New("--with-credentials is not supported by this build yet"),
			Hints: []string{"export without it and sign in again on the other machine"}}
	}
	st, err := f.State()
	if err != nil {
		return err
	}
	p, err := st.Profile()
	if err != nil {
		return err
	}
	data, err := profile.Export(p, opts.Refs)
	if err != nil {
		return err
	}
	if opts.File == "-" {
		_, err := f.IOStreams.Out.Write(data)
		return err
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if opts.Force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	file, err := os.OpenFile(opts.File, flags, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return cmdutil.WithHint(fmt.Errorf("%s already exists", opts.File), cmdutil.ExitFailure, "pass --force to overwrite it")
	}
	if err != nil {
		return err
	}
	if _, err := file.Write(data); err != nil {
		file.Close()
		return err
	}
	if err := file.Close(); err != nil {
		return err
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "exported to %s\n", opts.File)
	return nil
}

// ImportResult is the JSON shape of `context import`.
type ImportResult struct {
	Format       string   `json:"format"`
	Added        []string `json:"added"`
	Updated      []string `json:"updated"`
	Environments []string `json:"environments"`
	Default      string   `json:"default,omitempty"`
	Warnings     []string `json:"warnings"`
}

func importRun(f *cmdutil.Factory, cmd *cobra.Command, opts *ImportOptions) error {
	var data []byte
	var err error
	if opts.File == "-" {
		data, err = io.ReadAll(f.IOStreams.In)
	} else {
		data, err = os.ReadFile(opts.File)
	}
	if err != nil {
		return err
	}
	imp, err := profile.Import(data)
	if err != nil {
		return cmdutil.WithHint(fmt.Errorf("%s: %w", opts.File, err), cmdutil.ExitFailure,
			"azc reads its own exports, Azure PowerShell's Save-AzContext / AzureRmContext.json and az's azureProfile.json")
	}
	st, err := f.State()
	if err != nil {
		return err
	}
	scope, err := cmdutil.ChangeScope(f, st, opts.Scope)
	if err != nil {
		return err
	}
	var res profile.MergeResult
	if _, err := st.Update(scope, func(p *profile.Profile) error {
		res = p.Merge(imp)
		return nil
	}); err != nil {
		return err
	}
	out := ImportResult{Format: string(imp.Format), Added: nonNil(res.Added), Updated: nonNil(res.Updated),
		Environments: nonNil(res.Environments), Default: res.Default, Warnings: nonNil(append(imp.Warnings, res.Warnings...))}
	for _, w := range out.Warnings {
		fmt.Fprintf(f.IOStreams.ErrOut, "azc: warning: %s\n", w)
	}
	msg := fmt.Sprintf("imported %s: %d added, %d updated (%s scope)", out.Format, len(out.Added), len(out.Updated), ScopeName(scope))
	if out.Default != "" {
		msg += fmt.Sprintf("; default is now %q", out.Default)
	}
	return cmdutil.PrintChange(f, cmd, out, msg)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
