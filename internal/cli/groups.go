package cli

import (
	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/contextcmd"
	"github.com/azcontext/azc/internal/cli/envcmd"
	"github.com/azcontext/azc/internal/cli/execcmd"
	"github.com/azcontext/azc/internal/cli/logincmd"
	"github.com/azcontext/azc/internal/cli/sessioncmd"
	"github.com/azcontext/azc/internal/cli/versioncmd"
)

// addCommandGroups lists every command group. A new group is one package
// under internal/cli with a New(f *cmdutil.Factory) []*cobra.Command, and
// one line here.
func addCommandGroups(root *cobra.Command, f *cmdutil.Factory) {
	root.AddCommand(contextcmd.New(f)...)
	root.AddCommand(envcmd.New(f)...)
	root.AddCommand(execcmd.New(f)...)
	root.AddCommand(logincmd.New(f)...)
	root.AddCommand(versioncmd.New(f)...)
	sessioncmd.Register(root, f)
	root.AddCommand(newCmdCompletion(f))
}
