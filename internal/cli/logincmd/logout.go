package logincmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/cobrautil"
	"github.com/azcontext/azc/profile"
)

// LogoutOptions is argv of `azc logout`.
type LogoutOptions struct {
	f   *cmdutil.Factory
	cmd *cobra.Command

	Account string
	All     bool
	Scope   string
}

// NewCmdLogout is `azc logout` (alias disconnect).
func NewCmdLogout(f *cmdutil.Factory, runF func(*LogoutOptions) error) *cobra.Command {
	o := &LogoutOptions{f: f}
	cmd := &cobra.Command{
		Use:     "logout [ACCOUNT]",
		Aliases: []string{"disconnect"},
		Short:   "Sign out: remove an account's tokens, secrets and contexts",
		Long: `Sign out (Disconnect-AzAccount): with no argument the current context's
account, or ACCOUNT, the account of --context NAME, or --all. Removes the
account's tokens and secrets and every context of it. Naming an account
that is not signed in fails (exit 1) and changes nothing.`,
		Args: cobrautil.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.cmd = cmd
			if len(args) == 1 {
				o.Account = args[0]
			}
			if runF != nil {
				return runF(o)
			}
			return logoutRun(o)
		},
	}
	cmd.Flags().BoolVar(&o.All, "all", false, "sign every account out")
	cobrautil.AddScopeFlag(cmd, &o.Scope)
	return cmd
}

func logoutRun(o *LogoutOptions) error {
	f := o.f
	st, scope, err := cmdutil.StateAndScope(f, o.Scope)
	if err != nil {
		return err
	}
	merged, err := st.Profile()
	if err != nil {
		return err
	}
	// Which accounts: matched by id or key, case-insensitively.
	var keys []string
	switch {
	case o.All:
		for _, a := range merged.Accounts {
			keys = append(keys, a.Key())
		}
	case o.Account != "":
		var ids []string
		for _, a := range merged.Accounts {
			if strings.EqualFold(a.ID, o.Account) || strings.EqualFold(a.Key(), o.Account) {
				keys = append(keys, a.Key())
			}
			ids = append(ids, a.ID)
		}
		if len(keys) == 0 {
			hint := cmdutil.DidYouMean(cmdutil.Suggest(o.Account, ids), func(s string) string { return fmt.Sprintf("%q", s) })
			if hint == "" {
				hint = "`azc context list` shows the signed-in accounts"
			}
			return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: &profile.NotFoundError{Kind: "account", Ref: o.Account}, Hints: []string{hint}}
		}
	default:
		c, err := st.Resolve(cobrautil.ContextRef(f, o.cmd))
		if err != nil {
			return err
		}
		keys = append(keys, c.Account)
	}
	names := []string{}
	if _, err := st.Update(scope, func(p *profile.Profile) error {
		names = names[:0]
		for _, k := range keys {
			for _, c := range p.RemoveAccount(k).Contexts {
				names = append(names, c.Name)
			}
		}
		return nil
	}); err != nil {
		return err
	}
	// The contexts are gone; now the credentials (see auth.DropCredentials).
	if err := dropCredentials(o.cmd.Context(), f, st, scope, keys); err != nil {
		return err
	}
	msg := fmt.Sprintf("Signed out %d account(s); removed %d context(s).", len(keys), len(names))
	return cobrautil.PrintChange(f, o.cmd, logoutOutput{Accounts: keys, RemovedContexts: names}, msg)
}

type logoutOutput struct {
	Accounts        []string `json:"accounts"`
	RemovedContexts []string `json:"removedContexts"`
}
