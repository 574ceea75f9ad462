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
			if err := selectAccount(s, state, "emu|t|alice@contoso.test"); err != nil {
				t.Fatal(err)
			}
			id, _, _ := session.ParseEnv(env)
			path := filepath.Join(state, "holds", id+".hold")
			plant(t, path, kind)
			unsafePath(t, selectAccount(s, state, "emu|t|bob@fabrikam.test"), path)
		})
	}
}

// TestUnsafeSessionDirectoriesAreRefused: Open checks the directories of
// a session as New does when it makes them: a session directory that is
// a symbolic link (to a copy of it), or that another user owns, and a
// sessions or runtime directory that others can enter or write to, or that
// another user owns, is refused with its path.
func TestUnsafeSessionDirectoriesAreRefused(t *testing.T) {
	t.Parallel()
	root := os.Geteuid() == 0
	cases := []struct {
		name  string
		root  bool                        // needs root (chown)
		spoil func(rt, dir string) string // returns the path the error names
	}{
		{"a session directory that is a link", false, func(rt, dir string) string {
			elsewhere := filepath.Join(t.TempDir(), "copy")
			if err := os.Rename(dir, elsewhere); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(elsewhere, dir); err != nil {
				t.Fatal(err)
			}
			return dir
		}},
		{"a session directory others can enter", false, func(rt, dir string) string {
			if err := os.Chmod(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			return dir
		}},
		{"a runtime directory others can write to", false, func(rt, dir string) string {
			if err := os.Chmod(rt, 0o777); err != nil {
				t.Fatal(err)
			}
			return rt
		}},
		{"a session directory another user owns", true, func(rt, dir string) string {
			if err := os.Chown(dir, os.Geteuid()+1000, -1); err != nil {
				t.Fatal(err)
			}
			return dir
		}},
		{"a sessions directory another user owns", true, func(rt, dir string) string {
			if err := os.Chown(filepath.Dir(dir), os.Geteuid()+1000, -1); err != nil {
				t.Fatal(err)
			}
			return filepath.Dir(dir)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if c.root && !root {
				t.Skip("needs root to give a directory away")
			}
			rt := t.TempDir()
			s, env := newSession(t, rt)
			path := c.spoil(rt, s.Dir())
			_, err := session.Open(rt, env)
			if err == nil || !strings.Contains(err.Error(), path) || strings.Contains(err.Error(), path+"/") {
				t.Fatalf("Open = %v, want a refusal naming %s", err, path)
			}
		})
	}
}

// TestCheckNamesASessionFileThatIsNotTheUsers: Check reports each file
// of the session's store that is a symbolic link or another user's, as
// `azc doctor` shows it; every read of it refuses it too.
func TestCheckNamesASessionFileThatIsNotTheUsers(t *testing.T) {
	t.Parallel()
	rt := t.TempDir()
	s, _ := newSession(t, rt)
	if err := s.UpdateSelections(func(sel *session.Selections) error {
		sel.Current = &session.Selection{Context: profile.Context{Name: "Dev"}}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if r, err := s.Check(); err != nil || len(r.Unsafe) != 0 || r.Blobs != 2 {
		t.Fatalf("Check of a sound session = %+v, %v", r, err)
	}
	entries, err := os.ReadDir(filepath.Join(s.Dir(), "credentials"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		plant(t, filepath.Join(s.Dir(), "credentials", e.Name()), "link")
	}
	r, err := s.Check()
	if err != nil || len(r.Unsafe) != len(entries) {
		t.Fatalf("Check = %+v, %v; want each of the %d files named", r, err, len(entries))
	}
	for _, e := range r.Unsafe {
		if !strings.Contains(e.Error(), "is a symbolic link") {
			t.Errorf("Check: %v", e)
		}
	}
	if _, err := s.Selections(); err == nil || !strings.Contains(err.Error(), "is a symbolic link") {
		t.Errorf("Selections = %v, want the link refused", err)
	}
}

// TestUnsafeHoldsAreRefused: every reader of the hold records (HeldAccounts,
// ReleaseHolds, CheckHolds for `azc doctor`) refuses, with its path, a
// record that is a symbolic link or a FIFO, rather than skip it (the
// account it holds would read as free), and a holds directory that is a
// link or that others can enter.
func TestUnsafeHoldsAreRefused(t *testing.T) {
	t.Parallel()
	setup := func(t *testing.T) (state, holds, record string) {
		rt, state := t.TempDir(), t.TempDir()
		s, env := newSession(t, rt)
		if err := selectAccount(s, state, "emu|t|alice@contoso.test"); err != nil {
			t.Fatal(err)
		}
		id, _, _ := session.ParseEnv(env)
		holds = filepath.Join(state, "holds")
		return state, holds, filepath.Join(holds, id+".hold")
	}
	readers := func(t *testing.T, state, path string) {
		t.Helper()
		_, err := session.HeldAccounts(state)
		wantNamed(t, "HeldAccounts", err, path)
		_, err = session.ReleaseHolds(state)
		wantNamed(t, "ReleaseHolds", err, path)
		_, err = session.CheckHolds(state)
		wantNamed(t, "CheckHolds", err, path)
	}
	for _, kind := range []string{"link", "fifo"} {
		t.Run("a record, "+kind, func(t *testing.T) {
			t.Parallel()
			state, _, record := setup(t)
			if n, err := session.CheckHolds(state); err != nil || n != 1 {
				t.Fatalf("CheckHolds of sound records = %d, %v", n, err)
			}
			plant(t, record, kind)
			readers(t, state, record)
		})
	}
	t.Run("a holds directory that is a link", func(t *testing.T) {
		t.Parallel()
		state, holds, _ := setup(t)
		elsewhere := filepath.Join(t.TempDir(), "holds")
		if err := os.Rename(holds, elsewhere); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(elsewhere, holds); err != nil {
			t.Fatal(err)
		}
		readers(t, state, holds)
	})
	t.Run("a holds directory others can enter", func(t *testing.T) {
		t.Parallel()
		state, holds, _ := setup(t)
		if err := os.Chmod(holds, 0o755); err != nil {
			t.Fatal(err)
		}
		readers(t, state, holds)
	})
}

func wantNamed(t *testing.T, what string, err error, path string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("%s = %v, want a refusal naming %s", what, err, path)
	}
}

// TestASharedRuntimeDirectoryIsRefusedBeforeAnythingIsMadeInIt: an
// XDG_RUNTIME_DIR that every user shares (sticky and writable by all, as
// /tmp) is refused before azc makes its directories there (it made
// azc/sessions, then refused), and the hint names the variable that chose
// it, not AZC_CONFIG_DIR, which does not place sessions.
func TestASharedRuntimeDirectoryIsRefusedBeforeAnythingIsMadeInIt(t *testing.T) {
	t.Parallel()
	rt := t.TempDir()
	if err := os.Chmod(rt, 0o777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	_, _, err := session.New(rt, os.Getpid())
	var ide *profile.InsecureDirError
	if !errors.As(err, &ide) || ide.Path != rt {
		t.Fatalf("New in a shared runtime directory: %v, want a *profile.InsecureDirError naming %s", err, rt)
	}
	var h interface{ Hint() string }
	if !errors.As(err, &h) || !strings.Contains(h.Hint(), "XDG_RUNTIME_DIR") || strings.Contains(h.Hint(), "AZC_CONFIG_DIR") {
		t.Errorf("hint %q, want it to name XDG_RUNTIME_DIR", h.Hint())
	}
	if entries, err := os.ReadDir(rt); err != nil || len(entries) != 0 {
		t.Errorf("the shared directory holds %v, %v; want nothing made in it", entries, err)
	}
}

// TestARuntimeDirectoryThatIsAFIFOIsRefusedUnopened: without
// XDG_RUNTIME_DIR sessions live in $TMPDIR/azc-<uid>, a name any user can
// take first in a shared /tmp. A FIFO planted there (or at the azc or
// sessions directory under it) is refused with its path, not opened: the
// open of a FIFO waits for a writer, and `azc session start`, run by
// every new shell, waited forever.
func TestARuntimeDirectoryThatIsAFIFOIsRefusedUnopened(t *testing.T) {
	t.Parallel()
	for _, under := range []string{"", "azc", "azc/sessions"} {
		t.Run("at "+under, func(t *testing.T) {
			t.Parallel()
			rt := filepath.Join(t.TempDir(), "azc-1000")
			fifo := filepath.Join(rt, under)
			if err := os.MkdirAll(filepath.Dir(fifo), 0o700); err != nil {
				t.Fatal(err)
			}
			plant(t, fifo, "fifo")
			_, _, err := session.New(rt, os.Getpid())
			unsafePath(t, err, fifo)
			if !strings.Contains(err.Error(), "is not a directory") {
				t.Errorf("New = %v, want it to say the path is not a directory", err)
			}
			// Another user's FIFO in a shared /tmp cannot be moved away:
			// the hint of the runtime directory offers one of the user's.
			var ue *profile.UnsafePathError
			if errors.As(err, &ue) && under == "" && !strings.Contains(ue.Hint(), "XDG_RUNTIME_DIR") {
				t.Errorf("hint %q, want it to offer XDG_RUNTIME_DIR", ue.Hint())
			}
		})
	}
}

// TestAHoldsDirectoryThatIsNoDirectoryIsNamedByHold: Hold (every `azc
// use` in a session) names a holds directory that is a file or a FIFO
// with what to do, as its other readers do; it said "open
// …/ID.hold: not a directory".
func TestAHoldsDirectoryThatIsNoDirectoryIsNamedByHold(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"fifo", "file"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			rt, state := t.TempDir(), t.TempDir()
			s, _ := newSession(t, rt)
			holds := session.HoldsDir(state)
			if kind == "file" {
				if err := os.WriteFile(holds, nil, 0o600); err != nil {
					t.Fatal(err)
				}
			} else {
				plant(t, holds, "fifo")
			}
			err := selectAccount(s, state, "emu|t|alice@contoso.test")
			unsafePath(t, err, holds)
		})
	}
}
