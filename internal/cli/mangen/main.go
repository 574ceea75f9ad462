// Command mangen renders azc's man pages, through cobra/doc, into the
// current directory: `go generate ./internal/cli/manpage` runs it there.
// The pages carry manpage.VersionMark and manpage.MarkDate where `azc man`
// puts the version and the date.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra/doc"

	"github.com/azcontext/azc/internal/cli"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/manpage"
)

func main() {
	if err := generate("."); err != nil {
		fmt.Fprintf(os.Stderr, "mangen: %v\n", err)
		os.Exit(1)
	}
}

// generate replaces the pages in dir with freshly rendered ones, marked
// for manpage.Write.
func generate(dir string) error {
	old, err := filepath.Glob(filepath.Join(dir, "*.1"))
	if err != nil {
		return err
	}
	for _, p := range old {
		if err := os.Remove(p); err != nil {
			return err
		}
	}
	return render(dir, manpage.VersionMark, manpage.MarkDate())
}

// render writes a page for every command of azc-full's tree into dir as
// cobra/doc renders it for version and date.
func render(dir, version string, date time.Time) error {
	ios, _, _, _ := cmdutil.Test()
	f := cmdutil.NewFactory(ios, func(string) string { return "" }, version)
	root := cli.NewCmdRoot(f, func() {})
	root.DisableAutoGenTag = true
	header := &doc.GenManHeader{
		Title:   "AZC",
		Section: "1",
		Date:    &date,
		Source:  "azc " + version,
		Manual:  "azc manual",
	}
	return doc.GenManTree(root, header, dir)
}
