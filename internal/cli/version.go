package cli

import (
	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/cmdutil"
)

// newCmdVersion is `azc version`; its JSON shape is cmdutil.VersionInfo.
func newCmdVersion(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print azc's version",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmdutil.PrintVersion(f, outputOf(cmd))
		},
	}
}
