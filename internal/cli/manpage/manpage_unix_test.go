//go:build unix

package manpage

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestWriteReplacesWhatIsInThePagesPlace: DIR may be shared (/tmp/man),
// and what another user left at a page's name there is replaced, never
// written through: a symbolic link to a file of the user's (which was
// overwritten with the page, as root any file) or a FIFO (whose open
// waited for a reader for ever). Each page is a regular file, 0644.
func TestWriteReplacesWhatIsInThePagesPlace(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"link", "fifo"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			victim := filepath.Join(t.TempDir(), "victim")
			if err := os.WriteFile(victim, []byte("mine"), 0o600); err != nil {
				t.Fatal(err)
			}
			planted := filepath.Join(dir, "azc.1")
			var err error
			if kind == "link" {
				err = os.Symlink(victim, planted)
			} else {
				err = syscall.Mkfifo(planted, 0o666)
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := Write(dir, "v1", time.Unix(0, 0)); err != nil {
				t.Fatal(err)
			}
			if b, err := os.ReadFile(victim); err != nil || string(b) != "mine" {
				t.Errorf("the file the link named holds %q (%v), want it untouched", b, err)
			}
			fi, err := os.Lstat(planted)
			if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o644 {
				t.Fatalf("azc.1 is %v (%v), want a regular file, 0644", fi.Mode(), err)
			}
			if b, _ := os.ReadFile(planted); !strings.Contains(string(b), `"azc v1"`) {
				t.Errorf("azc.1 holds no page:\n%s", b)
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), ".") {
					t.Errorf("temporary file %s left", e.Name())
				}
			}
		})
	}
}
