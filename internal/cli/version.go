package cli

import (
	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/cobrautil"
)

// newCmdVersion is `azc version`; its JSON shape is cmdutil.VersionInfo.
func newCmdVersion(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print azc's version",
		Args:  cobrautil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmdutil.PrintVersion(f, cobrautil.OutputOf(cmd))
		},
	}
}
