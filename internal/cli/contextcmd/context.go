// Package contextcmd is `azc context` and its shortcut `azc use`: list,
// show, select, create, rename, remove, clear, export and import contexts.
// Each command turns argv into an Options struct and calls a run function
// that calls the azc library; the rules live in the library. The run
// functions of list, show and use, and the JSON shapes, are in contexts,
// which links no cobra.
package contextcmd

import (
	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/accounts"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/cobrautil"
	"github.com/azcontext/azc/internal/cli/contexts"
)

// New returns `context` and the top-level `use`.
func New(f *cmdutil.Factory) []*cobra.Command {
	cmd := cobrautil.GroupCommand(&cobra.Command{
		Use:     "context",
		Aliases: []string{"ctx"},
		Short:   "List, select and manage contexts",
	})
	use := NewCmdUse(f, nil)
	use.Aliases = []string{"select"}
	cmd.AddCommand(
		NewCmdList(f, nil),
		NewCmdShow(f, nil),
		use,
		NewCmdSet(f, nil),
		NewCmdRename(f, nil),
		NewCmdRemove(f, nil),
		NewCmdClear(f, nil),
		NewCmdExport(f, nil),
		NewCmdImport(f, nil),
	)
	return []*cobra.Command{cmd, NewCmdUse(f, nil)}
}

// ListOptions are the inputs of `context list`.
type ListOptions struct {
	// Refresh asks ARM again for every account's tenants and subscriptions
	// first (accounts.RefreshAll).
	Refresh bool
}

// NewCmdList returns `context list`; runF replaces the run function in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*cobra.Command, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the contexts, marking the current one",
		Args:    cobrautil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd, opts)
			}
			if opts.Refresh {
				st, err := f.State()
				if err != nil {
					return err
				}
				if err := accounts.RefreshAll(cmd.Context(), f, st); err != nil {
					return err
				}
			}
			return contexts.ListRun(f, cobrautil.OutputOf(cmd))
		},
	}
	cmd.Flags().BoolVar(&opts.Refresh, "refresh", false, "ask ARM again for every account's tenants and subscriptions first")
	return cmd
}

// NewCmdShow returns `context show`; runF replaces the run function in tests.
func NewCmdShow(f *cmdutil.Factory, runF func(*cobra.Command, *contexts.ShowOptions) error) *cobra.Command {
	opts := &contexts.ShowOptions{}
	return &cobra.Command{
		Use:               "show [NAME]",
		Short:             "Show a context (default: the current one)",
		Args:              cobrautil.MaximumNArgs(1),
		ValidArgsFunction: cobrautil.CompleteContextNames(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Ref = args[0]
			} else {
				opts.Ref = cobrautil.ContextRef(f, cmd)
			}
			if runF != nil {
				return runF(cmd, opts)
			}
			return contexts.ShowRun(f, cobrautil.OutputOf(cmd), opts)
		},
	}
}

// NewCmdUse returns `use`; runF replaces the run function in tests.
func NewCmdUse(f *cmdutil.Factory, runF func(*cobra.Command, *contexts.UseOptions) error) *cobra.Command {
	opts := &contexts.UseOptions{}
	cmd := &cobra.Command{
		Use:   "use [NAME | -]",
		Short: "Make a context the default (`-`: the previous one; no name on a terminal: pick one)",
		Long: `Make a context the default of the user profile or of this shell's session.
NAME may be the context's name, its subscription id, its subscription name
when unique, a unique prefix of its name, or Azure PowerShell's long name.
"azc use -" returns to the previous context. Without NAME on a terminal, a
fuzzy picker opens.`,
		Args:              cobrautil.MaximumNArgs(1),
		ValidArgsFunction: cobrautil.CompleteContextNames(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Ref = args[0]
			}
			if runF != nil {
				return runF(cmd, opts)
			}
			return contexts.UseRun(cmd.Context(), f, cobrautil.OutputOf(cmd), opts)
		},
	}
	cobrautil.AddScopeFlag(cmd, &opts.Scope)
	return cmd
}
