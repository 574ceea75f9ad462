package cli

import (
	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/cmdutil"
)

func newCmdCompletion(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print a shell completion script",
		Long: `Print a completion script for your shell. For example:

  source <(azc completion bash)
  azc completion zsh > "${fpath[1]}/_azc"
  azc completion fish > ~/.config/fish/completions/azc.fish
  azc completion powershell | Out-String | Invoke-Expression`,
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		Args:      exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ok, err := genCompletion(cmd.Root(), args[0], f.IOStreams.Out)
			if !ok {
				return cmdutil.UsageErrorf("unsupported shell %q: want bash, zsh, fish or powershell", args[0])
			}
			return err
		},
	}
}
