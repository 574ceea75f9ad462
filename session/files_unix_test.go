//go:build unix

package session_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/session"
)

// plant replaces the file at path by what an attacker with a foothold, or
// a slip, leaves there: a symbolic link to a copy of it, or a FIFO that no
// one writes to.
func plant(t *testing.T, path, kind string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	_ = os.Remove(path)
	switch kind {
	case "link":
		elsewhere := filepath.Join(t.TempDir(), "copy")
		if err := os.WriteFile(elsewhere, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(elsewhere, path); err != nil {
			t.Fatal(err)
		}
	case "fifo":
		if err := syscall.Mkfifo(path, 0o600); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
	}
}

func unsafePath(t *testing.T, err error, path string) {
	t.Helper()
	var ue *profile.UnsafePathError
	if !errors.As(err, &ue) || ue.Path != path || !strings.Contains(err.Error(), path) {
		t.Fatalf("error %v, want an *UnsafePathError naming %s", err, path)
	}
}

// TestUnsafeSessionFilesAreRefused: a session's owner record and a
// shell's hold record are read as the profile is: one that is a symbolic
// link or not a regular file is refused with its path, never followed
// (a link to /dev/zero read without end) nor waited on (a FIFO); the
// sweep removes a session whose owner record is such a file.
func TestUnsafeSessionFilesAreRefused(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"link", "fifo"} {
		t.Run("owner record, "+kind, func(t *testing.T) {
			t.Parallel()
			rt := t.TempDir()
			s, env := newSession(t, rt)
			path := filepath.Join(s.Dir(), "owner.json")
			plant(t, path, kind)
			_, err := session.Open(rt, env)
			unsafePath(t, err, path)
			if n, err := session.GC(rt, nil); err != nil || n != 1 {
				t.Fatalf("GC removed %d, %v; want the session", n, err)
			}
		})
		t.Run("hold record, "+kind, func(t *testing.T) {
			t.Parallel()
			rt, state := t.TempDir(), t.TempDir()
			s, env := newSession(t, rt)
			if err := s.Hold(state, "emu|t|alice@contoso.test"); err != nil {
				t.Fatal(err)
			}
			id, _, _ := session.ParseEnv(env)
			path := filepath.Join(state, "holds", id+".hold")
			plant(t, path, kind)
			unsafePath(t, s.Hold(state, "emu|t|bob@fabrikam.test"), path)
		})
	}
}
