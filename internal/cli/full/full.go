// Package full is the command set of azc-full: every azc command,
// including those that link MSAL and the ARM client (login, logout,
// token refresh, subscription and tenant lists, exec). Users run azc
// (package front), which runs the commands on the start-up budget itself
// and hands every other invocation over to azc-full.
package full

import (
	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/accounts"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/contextcmd"
	"github.com/azcontext/azc/internal/cli/environments"
	"github.com/azcontext/azc/internal/cli/execute"
	"github.com/azcontext/azc/internal/cli/sessions"
	"github.com/azcontext/azc/internal/cli/versioncmd"
)

// Commands adds every command group to root. A group is one package under
// internal/cli with a New(f *cmdutil.Factory) []*cobra.Command, and one
// line here; nothing else is set up here (package front's Fast runs a
// command itself only if it is on the start-up budget, with its run
// function in a package that links no cobra).
func Commands(root *cobra.Command, f *cmdutil.Factory) {
	root.AddCommand(contextcmd.New(f)...)
	root.AddCommand(environments.New(f)...)
	root.AddCommand(execute.New(f)...)
	root.AddCommand(accounts.New(f)...)
	root.AddCommand(versioncmd.New(f)...)
	root.AddCommand(sessions.New(f)...)
}
