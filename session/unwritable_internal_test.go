package session

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/azcontext/azc/profile"
)

// TestAnUnwritableSessionHintsAtXDGRuntimeDir: a session whose directory
// cannot be written (on a file system remounted read-only) fails a change
// with a hint naming XDG_RUNTIME_DIR, which chose the directory, and a new
// session, as the shell's stays where it was made; the hint said to set
// AZC_CONFIG_DIR, which moves no session.
func TestAnUnwritableSessionHintsAtXDGRuntimeDir(t *testing.T) {
	t.Parallel()
	lock := filepath.Join(t.TempDir(), "credentials", "x.lock")
	s := &Session{id: strings.Repeat("0", 32)}
	for name, wrap := range map[string]func(error) error{
		"its own state":     s.wrap,
		"an account's blob": func(err error) error { return named(err, "azurecloud|t|a@example.com") },
	} {
		err := wrap(profile.Unwritable(lock, &fs.PathError{Op: "open", Path: lock, Err: syscall.EROFS}))
		var h interface{ Hint() string }
		if !errors.As(err, &h) || !strings.Contains(h.Hint(), "XDG_RUNTIME_DIR") || strings.Contains(h.Hint(), "AZC_CONFIG_DIR") ||
			!strings.Contains(h.Hint(), "then start a new session with "+HowToStart) {
			t.Errorf("%s: %v: want a hint naming XDG_RUNTIME_DIR and not AZC_CONFIG_DIR, then a new session; got %q", name, err, h.Hint())
		}
	}
}
