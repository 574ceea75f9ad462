// Package versioncmd is `azc version`.
package versioncmd

import (
	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/cobrautil"
)

// Info is the JSON shape of `azc version -o json`.
type Info = cmdutil.VersionInfo

// New returns the version command.
func New(f *cmdutil.Factory) []*cobra.Command {
	return []*cobra.Command{{
		Use:   "version",
		Short: "Print azc's version",
		Args:  cobrautil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmdutil.PrintVersion(f, cobrautil.OutputOf(cmd))
		},
	}}
}
