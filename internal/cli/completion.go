package cli

import (
	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/profile"
)

func newCmdCompletion(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print a shell completion script",
		Long: `Print the completion script of a shell (bash, zsh, fish or powershell) on
stdout: TAB then completes azc's commands, flags and their values, and the
names of the contexts the shell sees. azc init loads it already, with a
session and the prompt; this is for completion alone, or to install it for
every shell, as the .deb does for bash, zsh and fish.`,
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		Args:      exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ok, err := genCompletion(cmd.Root(), args[0], f.IOStreams.Out)
			if !ok {
				return cmdutil.UsageErrorf("unsupported shell %s: want bash, zsh, fish or powershell", profile.QuoteShort(args[0]))
			}
			return err
		},
	}
}
