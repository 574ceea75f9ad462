// Package light is the command set of the azc binary that users run. It
// links neither MSAL nor azcore nor the ARM client, so that it starts
// within a few milliseconds of a Go "hello world" (DESIGN section 8).
// Commands that need them are listed here by name only: azc shows them in
// help and completion and hands every invocation of them, whole, to
// azc-full (cmdutil.ErrNeedFull). `azc token` is here in full: it answers
// from the encrypted token cache and hands over only when MSAL must
// refresh.
package light

import (
	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/cobrautil"
	"github.com/azcontext/azc/internal/cli/contextcmd"
	"github.com/azcontext/azc/internal/cli/envcmd"
	"github.com/azcontext/azc/internal/cli/sessioncmd"
	"github.com/azcontext/azc/internal/cli/tokencmd"
	"github.com/azcontext/azc/internal/cli/versioncmd"
)

// Commands adds the light command groups and the hand-over entries to root.
func Commands(root *cobra.Command, f *cmdutil.Factory) {
	root.AddCommand(contextcmd.New(f)...)
	root.AddCommand(envcmd.New(f)...)
	root.AddCommand(versioncmd.New(f)...)
	// A warm token comes from the encrypted cache; a refresh is handed over.
	root.AddCommand(tokencmd.New(f, nil))
	sessioncmd.Register(root, f)
	for _, h := range FullOnly() {
		root.AddCommand(handOver(h))
	}
}

// Entry names a command that only azc-full has, as azc's help lists it.
type Entry struct {
	Use     string
	Aliases []string
	Short   string
}

// FullOnly lists the commands azc hands to azc-full. A test checks it
// against azc-full's own command tree.
func FullOnly() []Entry {
	return []Entry{
		{Use: "exec [-c NAME] [--no-server] [--legacy-msi] -- CMD [ARGS...]", Short: "Run a program with a context's credentials"},
		{Use: "login", Aliases: []string{"connect"}, Short: "Sign in to Azure and create a context per subscription"},
		{Use: "logout [ACCOUNT]", Aliases: []string{"disconnect"}, Short: "Sign out: remove an account's tokens, secrets and contexts"},
		{Use: "subscription", Short: "Subscriptions of the signed-in accounts"},
		{Use: "tenant", Short: "Tenants of the signed-in accounts"},
	}
}

// handOver is the stand-in for a command of azc-full: running it, asking
// for its help or completing its arguments (cli.Run checks the annotation
// before cobra prints anything) all hand the invocation over.
func handOver(e Entry) *cobra.Command {
	cmd := &cobra.Command{
		Use:                e.Use,
		Aliases:            e.Aliases,
		Short:              e.Short,
		DisableFlagParsing: true,
		RunE:               func(*cobra.Command, []string) error { return cmdutil.ErrNeedFull },
		Annotations:        map[string]string{cmdutil.HandOverAnnotation: "yes"},
	}
	cmd.SetHelpFunc(func(cmd *cobra.Command, _ []string) { cobrautil.HandOff(cmd) })
	return cmd
}
