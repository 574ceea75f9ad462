package contextcmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/internal/cli/accounts"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/cobrautil"
	"github.com/azcontext/azc/internal/cli/contexts"
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
	st, err := f.State()
	if err != nil {
		return err
	}
	// no --scope: where the context lives decides
	scope, err := cmdutil.ParseScope(opts.Scope)
	if err != nil {
		return err
	}
	ren, err := st.RenameContext(scope, opts.Old, opts.New, opts.Force)
	if err != nil {
		return err
	}
	if err := accounts.DropCredentials(cmd.Context(), f, st, profile.ScopeUser, ren.Replaced.OrphanedAccounts); err != nil {
		return err
	}
	msg := fmt.Sprintf("renamed context %q to %q", ren.Old, opts.New)
	if ren.Moved {
		msg += " and moved it from this shell's session to the user scope, with its account and tokens"
	}
	for _, c := range ren.Replaced.Contexts {
		msg += fmt.Sprintf("\nremoved context %q, which held that name", c.Name)
	}
	if format, query := cobrautil.OutputFormat(cmd); format == cmdutil.FormatTable && !query {
		return cobrautil.PrintChange(f, cmd, nil, msg)
	}
	out, err := contexts.ShapeOne(st, opts.New)
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
	// Accounts are the ids of accounts whose last context went, and their
	// tokens with it: not those a live shell still holds.
	Accounts []string `json:"accounts"`
	// Default is the context that became the default because the removal
	// took the old one: the first remaining one.
	Default string `json:"default,omitempty"`
	// Current is the context this shell uses when the removal changed it.
	Current string `json:"current,omitempty"`
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
	st, err := f.State()
	if err != nil {
		return err
	}
	// no --scope: where the context lives decides
	scope, err := cmdutil.ParseScope(opts.Scope)
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
	rem, err := st.RemoveContexts(scope, opts.Refs)
	if err != nil {
		return err
	}
	return finishRemoval(f, cmd, st, rem, false)
}

// finishRemoval drops the credentials of the accounts a removal orphaned,
// from the store of the scope each went from, and reports it. A removal
// keeps the tokens of an account a live shell holds; a sign-out (clear)
// does not.
func finishRemoval(f *cmdutil.Factory, cmd *cobra.Command, st *azc.State, rem *azc.Removed, signOut bool) error {
	drop := accounts.DropCredentials
	if signOut {
		drop = accounts.SignOutCredentials
	}
	if err := drop(cmd.Context(), f, st, profile.ScopeUser, rem.User.OrphanedAccounts); err != nil {
		return err
	}
	if err := drop(cmd.Context(), f, st, profile.ScopeProcess, rem.Session.OrphanedAccounts); err != nil {
		return err
	}
	if err := accounts.DropReleased(cmd.Context(), f, st); err != nil {
		return err
	}
	left, err := st.Profile()
	if err != nil {
		return err
	}
	out := Removed{Contexts: []string{}, Accounts: []string{}}
	var b strings.Builder
	line := func(format string, a ...any) {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, format, a...)
	}
	for _, r := range []struct {
		rem   profile.Removal
		where string
		scope profile.Scope
	}{{rem.User, "user scope", profile.ScopeUser}, {rem.Session, "this shell's session", profile.ScopeProcess}} {
		for _, c := range r.rem.Contexts {
			out.Contexts = append(out.Contexts, c.Name)
			line("removed context %q (%s)", c.Name, r.where)
		}
		for _, k := range r.rem.OrphanedAccounts {
			if accountUsed(left, k) {
				continue
			}
			id := k
			if i := strings.LastIndexByte(k, '|'); i >= 0 {
				id = k[i+1:]
			}
			if r.scope == profile.ScopeUser && !signOut {
				if held, err := st.Held(k); err != nil {
					return err
				} else if held {
					line("account %s has no context left; its tokens stay while a shell uses its own copy of one (`azc logout %s` signs it out everywhere)", id, id)
					continue
				}
			}
			out.Accounts = append(out.Accounts, id)
			line("removed account %s: it has no context left", id)
		}
	}
	if rem.Dropped != "" {
		out.Contexts = append(out.Contexts, rem.Dropped)
		line("removed context %q (this shell's own copy)", rem.Dropped)
	}
	if len(out.Contexts) == 0 {
		line("no contexts to remove")
	}
	if rem.Promoted != "" {
		out.Default = rem.Promoted
		line("%q is now the default context (the first remaining one)", rem.Promoted)
	}
	if rem.Unselected || rem.Selected != "" {
		if cur, err := st.Resolve(""); err == nil {
			out.Current = cur.Name
			line("this shell now uses %q", cur.Name)
		} else {
			line("this shell has no context now")
		}
	}
	return cobrautil.PrintChange(f, cmd, out, b.String())
}

func accountUsed(p *profile.Profile, key string) bool {
	for i := range p.Contexts {
		if strings.EqualFold(p.Contexts[i].Account, key) {
			return true
		}
	}
	return false
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
		ok, err := cmdutil.Confirm(cmd.Context(), f.IOStreams, fmt.Sprintf("remove every context and account in the %s?", contexts.Where(st, scope)), "--force")
		if err != nil {
			return err
		}
		if !ok {
			return cmdutil.ErrCancelled
		}
	}
	rem, err := st.Clear(scope)
	if err != nil {
		return err
	}
	return finishRemoval(f, cmd, st, rem, true)
}
