// Package versioncmd is `azc version`.
package versioncmd

import (
	"runtime"

	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/cmdutil"
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
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			info := Info{Version: f.Version, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
			return cmdutil.Print(f, cmd, info, func() *cmdutil.Table {
				return &cmdutil.Table{Rows: [][]string{{"azc " + info.Version + " (" + info.Go + ", " + info.Platform + ")"}}}
			})
		},
	}}
}
