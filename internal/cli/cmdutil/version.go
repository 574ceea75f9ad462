package cmdutil

import "runtime"

// VersionInfo is the JSON shape of `azc version -o json`.
type VersionInfo struct {
	Version  string `json:"version"`
	Go       string `json:"go"`
	Platform string `json:"platform"`
}

// PrintVersion is `azc version` in the output out: the running binary's
// version, Go version and platform.
func PrintVersion(f *Factory, out Output) error {
	info := VersionInfo{Version: f.Version(), Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	return out.Print(f, info, func() *Table {
		return &Table{Rows: [][]string{{"azc " + info.Version + " (" + info.Go + ", " + info.Platform + ")"}}}
	})
}
