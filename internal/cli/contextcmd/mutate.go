package contextcmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/cobrautil"
	"github.com/azcontext/azc/internal/cli/contextrun"
	"github.com/azcontext/azc/profile"
)

// RenameOptions are the inputs of `context rename`.
type RenameOptions struct {
	Old, New string
	Force    bool
	Scope    string
}

// NewCmdRename returns `context rename`; runF replaces the run function in tests.
func NewCmdRename(f *cmdutil.Factory, runF func(*cobra.Command, *RenameOptions) error) *cobra.Command {
	opts := &RenameOptions{}
	cmd := &cobra.Command{
		Use:               "rename OLD NEW",
		Aliases:           []string{"mv"},
		Short:             "Rename a context; the default follows",
		Args:              cobrautil.ExactArgs(2),
		ValidArgsFunction: cobrautil.CompleteContextNames(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Old, opts.New = args[0], args[1]
			if runF != nil {
				return runF(cmd, opts)
			}
			return renameRun(f, cmd, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "replace an existing context called NEW")
	cobrautil.AddScopeFlag(cmd, &opts.Scope)
	return cmd
}

func renameRun(f *cmdutil.Factory, cmd *cobra.Command, opts *RenameOptions) error {
	st, scope, err := cmdutil.StateAndScope(f, opts.Scope)
	if err != nil {
		return err
	}
	var oldName string
	_, err = st.Update(scope, func(p *profile.Profile) error {
		c, err := p.Find(opts.Old)
		if err != nil {
			return err
		}
		oldName = c.Name
		_, err = p.RenameContext(opts.Old, opts.New, opts.Force)
		return err
	})
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("renamed context %q to %q", oldName, opts.New)
	if format, query := cobrautil.OutputFormat(cmd); format == cmdutil.FormatTable && !query {
		return cobrautil.PrintChange(f, cmd, nil, msg)
	}
	out, err := contextrun.ShapeOne(st, opts.New)
	if err != nil {
		return err
	}
	return cobrautil.PrintChange(f, cmd, out, msg)
}

// RemoveOptions are the inputs of `context remove`.
type RemoveOptions struct {
	Refs  []string
	Force bool
	Scope string
}

// Removed is the JSON shape of what `context remove` and `context clear` removed.
type Removed struct {
	Contexts []string `json:"contexts"`
	// Accounts are the ids of accounts whose last context went.
	Accounts []string `json:"accounts"`
}

// NewCmdRemove returns `context remove`; runF replaces the run function in tests.
func NewCmdRemove(f *cmdutil.Factory, runF func(*cobra.Command, *RemoveOptions) error) *cobra.Command {
	opts := &RemoveOptions{}
	cmd := &cobra.Command{
		Use:               "remove NAME…",
		Aliases:           []string{"rm"},
		Short:             "Remove contexts (asks before removing the default unless --force)",
		Args:              cobrautil.MinimumNArgs(1),
		ValidArgsFunction: cobrautil.CompleteContextNames(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Refs = args
			if runF != nil {
				return runF(cmd, opts)
			}
			return removeRun(f, cmd, opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Force, "force", "f", false, "remove the default context without asking")
	cobrautil.AddScopeFlag(cmd, &opts.Scope)
	return cmd
}

func removeRun(f *cmdutil.Factory, cmd *cobra.Command, opts *RemoveOptions) error {
	st, scope, err := cmdutil.StateAndScope(f, opts.Scope)
	if err != nil {
		return err
	}
	if !opts.Force {
		view, err := st.Profile()
		if err != nil {
			return err
		}
		for _, ref := range opts.Refs {
			c, err := view.Find(ref)
			if err != nil {
				return err
			}
			if strings.EqualFold(c.Name, view.DefaultContext) {
				ok, err := cmdutil.Confirm(cmd.Context(), f.IOStreams, fmt.Sprintf("remove %q, the default context?", c.Name), "--force")
				if err != nil {
					return err
				}
				if !ok {
					return cmdutil.ErrCancelled
				}
			}
		}
	}
	var rem profile.Removal
	var acctIDs []string
	_, err = st.Update(scope, func(p *profile.Profile) error {
		rem = profile.Removal{}
		acctIDs = nil
		ids := map[string]string{}
		for _, a := range p.Accounts {
			ids[a.Key()] = a.ID
		}
		for _, ref := range opts.Refs {
			r, err := p.RemoveContext(ref)
			if err != nil {
				return err
			}
			rem.Contexts = append(rem.Contexts, r.Contexts...)
			rem.OrphanedAccounts = append(rem.OrphanedAccounts, r.OrphanedAccounts...)
		}
		for _, k := range rem.OrphanedAccounts {
			acctIDs = append(acctIDs, ids[k])
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := dropCredentials(cmd.Context(), f, st, scope, rem.OrphanedAccounts); err != nil {
		return err
	}
	return printRemoved(f, cmd, rem, acctIDs)
}

func printRemoved(f *cmdutil.Factory, cmd *cobra.Command, rem profile.Removal, acctIDs []string) error {
	out := Removed{Contexts: []string{}, Accounts: []string{}}
	for _, c := range rem.Contexts {
		out.Contexts = append(out.Contexts, c.Name)
	}
	out.Accounts = append(out.Accounts, acctIDs...)
	var b strings.Builder
	for i, n := range out.Contexts {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "removed context %q", n)
	}
	if len(out.Contexts) == 0 {
		b.WriteString("no contexts to remove")
	}
	for _, a := range out.Accounts {
		fmt.Fprintf(&b, "\nremoved account %s: it has no context left", a)
	}
	return cobrautil.PrintChange(f, cmd, out, b.String())
}

// ClearOptions are the inputs of `context clear`.
type ClearOptions struct {
	Force bool
	Scope string
}

// NewCmdClear returns `context clear`; runF replaces the run function in tests.
func NewCmdClear(f *cmdutil.Factory, runF func(*cobra.Command, *ClearOptions) error) *cobra.Command {
	opts := &ClearOptions{}
	cmd := &cobra.Command{
		Use:   "clear",
		Short: "Remove every context and account (asks unless --force)",
		Args:  cobrautil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd, opts)
			}
			return clearRun(f, cmd, opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Force, "force", "f", false, "do not ask")
	cobrautil.AddScopeFlag(cmd, &opts.Scope)
	return cmd
}

func clearRun(f *cmdutil.Factory, cmd *cobra.Command, opts *ClearOptions) error {
	st, scope, err := cmdutil.StateAndScope(f, opts.Scope)
	if err != nil {
		return err
	}
	if !opts.Force {
		ok, err := cmdutil.Confirm(cmd.Context(), f.IOStreams, fmt.Sprintf("remove every context and account in the %s scope?", contextrun.ScopeName(scope)), "--force")
		if err != nil {
			return err
		}
		if !ok {
			return cmdutil.ErrCancelled
		}
	}
	var rem profile.Removal
	var ids []string
	_, err = st.Update(scope, func(p *profile.Profile) error {
		ids = nil
		for _, a := range p.Accounts {
			ids = append(ids, a.ID)
		}
		rem = p.Clear()
		return nil
	})
	if err != nil {
		return err
	}
	if err := dropCredentials(cmd.Context(), f, st, scope, rem.OrphanedAccounts); err != nil {
		return err
	}
	return printRemoved(f, cmd, rem, ids)
}
