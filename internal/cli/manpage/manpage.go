// Package manpage holds azc's man pages (section 1), one for every command
// users see, and writes them out with the version and date filled in. The
// pages are rendered at development time by internal/cli/mangen, from the
// command tree through cobra/doc, so that azc-full links neither cobra/doc
// nor its markdown renderer, whose package initialisation every start of
// azc-full would pay.
package manpage

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/azcontext/azc/profile"
)

//go:generate go run github.com/azcontext/azc/internal/cli/mangen

// The rendered pages carry VersionMark and MarkDate in their .TH line;
// Write puts the real version and date there.
const (
	// VersionMark stands for azc's version.
	VersionMark = "@AZC_VERSION@"
	// dateMark is MarkDate as a man page's header shows it.
	dateMark = "Jan 2000"
)

// MarkDate is the date mangen renders the pages with, which Write
// replaces.
func MarkDate() time.Time {
	return time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)
}

//go:embed *.1
var pages embed.FS

// Write writes every page into dir, creating dir if missing, with version
// and date (shown as month and year) in each page's .TH line.
func Write(dir, version string, date time.Time) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	names, err := fs.Glob(pages, "*.1")
	if err != nil {
		return err
	}
	marked := th(dateMark, VersionMark)
	real := th(date.Format("Jan 2006"), escape(version))
	for _, name := range names {
		page, err := pages.ReadFile(name)
		if err != nil {
			return err
		}
		text := string(page)
		if strings.Count(text, marked) != 1 {
			return fmt.Errorf("%s: no header line %q", name, marked)
		}
		text = strings.Replace(text, marked, real, 1)
		// Put in place by a rename (profile.WriteFileMode), as install(1)
		// does: DIR may be shared (/tmp/man), and what is at the page's
		// name is replaced, never opened: a symbolic link another user
		// left there would have the page written through it onto a file
		// of the user's, a FIFO would wait for a reader for ever.
		if err := profile.WriteFileMode(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// th is a page's .TH line as go-md2man renders mangen's header.
func th(date, version string) string {
	return `.TH "AZC" "1" "` + date + `" "azc ` + version + `" "azc manual"` + "\n"
}

// escape escapes version for roff text as go-md2man does: a backslash is
// doubled.
func escape(version string) string {
	return strings.ReplaceAll(version, `\`, `\\`)
}
