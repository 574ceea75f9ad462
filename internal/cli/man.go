package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/azcontext/azc/internal/cli/cmdutil"
)

func newCmdMan(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "man DIR",
		Short: "Write a man page for every command into DIR (section 1)",
		Long: `Write a man page for every command into DIR (created if missing): azc.1,
azc-context-list.1 and so on, each with the command's description, flags and
examples. Put them in a directory of MANPATH, such as
~/.local/share/man/man1, and read them with man azc-use. The release
archives and the .deb carry them already. SOURCE_DATE_EPOCH, when set,
dates them.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			header := &doc.GenManHeader{
				Title:   "AZC",
				Section: "1",
				Source:  "azc " + f.Version,
				Manual:  "azc manual",
			}
			root := cmd.Root()
			root.DisableAutoGenTag = true
			if err := doc.GenManTree(root, header, dir); err != nil {
				return fmt.Errorf("write man pages: %w", err)
			}
			return nil
		},
	}
}
