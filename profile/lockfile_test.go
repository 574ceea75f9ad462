//go:build unix

package profile

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestAWriterWhoseLockFileWasRemovedWritesNothing: profile.lock removed
// while a writer holds it (rm profile.lock, taking it for a stale lock)
// lets the next writer create and lock a new file and write meanwhile; the
// first writer then writes nothing, with a *LockReplacedError, instead of
// replacing the profile with one that drops the other's change.
func TestAWriterWhoseLockFileWasRemovedWritesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	other, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// A change between the first read and the lock makes fn run again
	// under the lock, where it plays the user and the next writer.
	s.testOnlyEarlyRead = func() {
		s.testOnlyEarlyRead = nil
		if _, err := other.Update(func(p *Profile) error { p.PreviousContext = "before"; return nil }); err != nil {
			t.Error(err)
		}
	}
	runs := 0
	_, err = s.Update(func(p *Profile) error {
		runs++
		if runs == 2 {
			if err := os.Remove(s.LockPath()); err != nil {
				t.Error(err)
			}
			if _, err := other.Update(func(p *Profile) error { p.PreviousContext = "while held"; return nil }); err != nil {
				t.Error(err)
			}
		}
		p.DefaultContext = "mine"
		return nil
	})
	var le *LockReplacedError
	if !errors.As(err, &le) || le.Path != s.LockPath() {
		t.Errorf("Update() error = %v, want *LockReplacedError naming %s", err, s.LockPath())
	}
	p, err := other.Load()
	if err != nil {
		t.Fatal(err)
	}
	if runs != 2 || p.PreviousContext != "while held" || p.DefaultContext != "" {
		t.Errorf("runs %d, previous %q, default %q; want 2, the change made while the lock was held, none", runs, p.PreviousContext, p.DefaultContext)
	}
}

// TestAWaiterOnARemovedLockFileLocksTheNewOne: a writer waiting on
// profile.lock when it is removed gets the old file's lock once its holder
// lets go, which no later writer opens; it locks the file at the path
// instead, so that it and a later writer still exclude each other.
func TestAWaiterOnARemovedLockFileLocksTheNewOne(t *testing.T) {
	t.Parallel()
	_, other, unlock := lockedByOneOfTwo(t)
	u, err := other.acquire(func() {
		if err := os.Remove(other.LockPath()); err != nil {
			t.Error(err)
		}
		unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	defer u.unlock()
	later, err := OpenLock(other.LockPath())
	if err != nil {
		t.Fatal(err)
	}
	defer later.Close()
	if free, err := TryLock(later); err != nil || free {
		t.Errorf("a later writer's TryLock of %s = %v, %v; want false: the waiter holds it", other.LockPath(), free, err)
	}
}

// TestAWriterDoesNotReplaceAFileWrittenWhileItHeldTheLock: a program that
// replaces profile.json without azc's lock (an editor, a script's mv, or
// an azc that locked a profile.lock put in place of the one held and then
// moved away) while a writer holds the lock: the writer's change was made
// on the file it read under the lock, so it writes nothing rather than
// drop the other program's change, and says so.
func TestAWriterDoesNotReplaceAFileWrittenWhileItHeldTheLock(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	other, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Update(func(p *Profile) error { p.PreviousContext = "before"; return nil }); err != nil {
		t.Fatal(err)
	}
	// A change between the first read and the lock makes fn run again
	// under the lock, where it plays the other program.
	s.testOnlyEarlyRead = func() {
		s.testOnlyEarlyRead = nil
		if _, err := other.Update(func(p *Profile) error { p.PreviousContext = "early"; return nil }); err != nil {
			t.Error(err)
		}
	}
	runs := 0
	_, err = s.Update(func(p *Profile) error {
		runs++
		if runs == 2 {
			theirs := p.Clone()
			theirs.PreviousContext = "while held"
			data, err := Encode(theirs)
			if err != nil {
				t.Fatal(err)
			}
			tmp := s.Path() + ".theirs"
			if err := os.WriteFile(tmp, data, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(tmp, s.Path()); err != nil {
				t.Fatal(err)
			}
		}
		p.DefaultContext = "mine"
		return nil
	})
	var re *ReplacedWhileLockedError
	if !errors.As(err, &re) || re.Path != s.Path() {
		t.Errorf("Update() error = %v, want *ReplacedWhileLockedError naming %s", err, s.Path())
	}
	p, err := other.Load()
	if err != nil {
		t.Fatal(err)
	}
	if runs != 2 || p.PreviousContext != "while held" || p.DefaultContext != "" {
		t.Errorf("runs %d, previous %q, default %q; want 2, the change made while the lock was held, none", runs, p.PreviousContext, p.DefaultContext)
	}
}

// TestAWriteThatWritesNothingKeepsTheBackup: a writer that finds
// profile.json replaced while it held the lock writes nothing, the backup
// included: a program that left a damaged profile.json meanwhile must not
// make it the backup too, where it would take the last good copy's place.
func TestAWriteThatWritesNothingKeepsTheBackup(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	other, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"first", "second"} {
		if _, err := other.Update(func(p *Profile) error { p.PreviousContext = name; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	s.testOnlyEarlyRead = func() {
		s.testOnlyEarlyRead = nil
		if _, err := other.Update(func(p *Profile) error { p.PreviousContext = "early"; return nil }); err != nil {
			t.Error(err)
		}
	}
	var bak []byte
	runs := 0
	_, err = s.Update(func(p *Profile) error {
		runs++
		if runs == 2 {
			if bak, err = os.ReadFile(s.bak); err != nil {
				t.Fatal(err)
			}
			tmp := s.Path() + ".theirs"
			if err := os.WriteFile(tmp, []byte(`{"version":1,"gen`), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(tmp, s.Path()); err != nil {
				t.Fatal(err)
			}
		}
		p.DefaultContext = "mine"
		return nil
	})
	var re *ReplacedWhileLockedError
	if !errors.As(err, &re) {
		t.Fatalf("Update() error = %v, want *ReplacedWhileLockedError", err)
	}
	if got, err := os.ReadFile(s.bak); err != nil || string(got) != string(bak) {
		t.Errorf("%s after a write that wrote nothing = %q, %v; want it as it was, %q", s.bak, got, err, bak)
	}
}

// TestAWriteDoesNotRenameATemporaryFileItDidNotMake: profile.json.tmp
// removed and made again by someone else between a write's creation of it
// and its rename (a second writer that took it for a stale one, when
// profile.lock was removed): the write renames nothing, so that the other
// file, perhaps half written, never becomes profile.json.
func TestAWriteDoesNotRenameATemporaryFileItDidNotMake(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path, tmp := filepath.Join(dir, FileName), filepath.Join(dir, tempName)
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := writeAtomic(path, tmp, &content{head: []byte("mine")}, "", nil, func() error {
		if err := os.Remove(tmp); err != nil {
			t.Fatal(err)
		}
		return os.WriteFile(tmp, []byte("half of theirs"), 0o600)
	})
	if err == nil {
		t.Error("writeAtomic over a temporary file made again meanwhile succeeded")
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != "old" {
		t.Errorf("%s = %q, %v; want the old file", path, got, err)
	}
	if got, err := os.ReadFile(tmp); err != nil || string(got) != "half of theirs" {
		t.Errorf("%s = %q, %v; want the other's file left to its writer", tmp, got, err)
	}
}

// TestCloseLockReleasesTheLockACopyOfItsDescriptorHolds: a child process
// another goroutine starts while a lock is held has a copy of the lock
// file's descriptor from its fork to its exec (a duplicate stands in for
// it here); CloseLock releases the lock all the same, where closing the
// file alone would leave it held by the copy, and the next writer would
// wait.
func TestCloseLockReleasesTheLockACopyOfItsDescriptorHolds(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "profile.lock")
	f, err := OpenLock(path)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := TryLock(f); err != nil || !ok {
		t.Fatalf("TryLock = %v, %v; want true", ok, err)
	}
	copyFD, err := syscall.Dup(int(f.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(copyFD)
	if err := CloseLock(f); err != nil {
		t.Fatal(err)
	}
	next, err := OpenLock(path)
	if err != nil {
		t.Fatal(err)
	}
	defer CloseLock(next)
	if ok, err := TryLock(next); err != nil || !ok {
		t.Errorf("TryLock after CloseLock = %v, %v; want true: the lock is released though a copy of its descriptor is open", ok, err)
	}
}
