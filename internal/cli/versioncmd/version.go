// Package versioncmd is `azc version`.
package versioncmd

import (
	"runtime"

	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/cobrautil"
)

// Info is the JSON shape of `azc version -o json`.
type Info struct {
	Version  string `json:"version"`
	Go       string `json:"go"`
	Platform string `json:"platform"`
}

// New returns the version command.
func New(f *cmdutil.Factory) []*cobra.Command {
	return []*cobra.Command{{
		Use:   "version",
		Short: "Print azc's version",
		Args:  cobrautil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			info := Info{Version: f.Version, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
			return cobrautil.Print(f, cmd, info, func() *cmdutil.Table {
				return &cmdutil.Table{Rows: [][]string{{"azc " + info.Version + " (" + info.Go + ", " + info.Platform + ")"}}}
			})
		},
	}}
}
