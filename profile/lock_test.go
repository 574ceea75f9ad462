package profile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestUpdateTimesOutOnAHeldLock(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	held, err := Open(dir, Options{LockTimeout: 1})
	if err != nil {
		t.Fatal(err)
	}
	h, err := s.acquire(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer h.unlock()
	_, err = held.Update(func(p *Profile) error { p.DefaultContext = "x"; return nil })
	var le *LockTimeoutError
	if !errors.As(err, &le) || le.Path != s.LockPath() {
		t.Fatalf("Update() error = %v, want *LockTimeoutError naming %s", err, s.LockPath())
	}
}

// TestALockTimeoutNamesTheHolder: where the system tells which process
// holds profile.lock (Linux's /proc/locks), a wait that timed out names it,
// by pid and command name, and so does Store.LockHolder (azc doctor):
// the holder may be a script or a stuck process, not another azc.
func TestALockTimeoutNamesTheHolder(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("only Linux says which process holds a lock")
	}
	s, other, unlock := lockedByOneOfTwo(t)
	defer unlock()
	// the waiter's wait goes on after its timeout, to let the lock go
	// once it gets it: it is never the holder while s holds the lock
	waiter, err := Open(filepath.Dir(s.Path()), Options{LockTimeout: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = waiter.Update(func(p *Profile) error { p.DefaultContext = "x"; return nil })
	var le *LockTimeoutError
	if !errors.As(err, &le) {
		t.Fatalf("Update() error = %v, want *LockTimeoutError", err)
	}
	self := fmt.Sprintf("pid %d (", os.Getpid())
	if !strings.HasPrefix(le.Holder, self) || !strings.Contains(err.Error(), "held by "+le.Holder) {
		t.Errorf("Update() error = %v (holder %q), want it held by %s…)", err, le.Holder, self)
	}
	if h := other.LockHolder(); !strings.HasPrefix(h, self) {
		t.Errorf("LockHolder() = %q, want %s…)", h, self)
	}
	free, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if h := free.LockHolder(); h != "" {
		t.Errorf("LockHolder() of a free lock = %q, want none", h)
	}
}

// lockedByOneOfTwo opens two Stores on one directory, s holding the lock.
func lockedByOneOfTwo(t *testing.T) (s, other *Store, unlock func()) {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if other, err = Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	h, err := s.acquire(nil)
	if err != nil {
		t.Fatal(err)
	}
	return s, other, h.unlock
}

func TestALockWaiterGetsTheLockWhenItIsFreed(t *testing.T) {
	t.Parallel()
	s, other, unlock := lockedByOneOfTwo(t)
	done := make(chan error, 1)
	go func() {
		_, err := other.Update(func(p *Profile) error {
			p.DefaultContext = "waited"
			return nil
		})
		done <- err
	}()
	unlock()
	if err := <-done; err != nil {
		t.Fatalf("waiting writer: %v", err)
	}
	p, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if p.Generation != 1 || p.DefaultContext != "waited" {
		t.Errorf("generation %d, default %q; want 1, waited", p.Generation, p.DefaultContext)
	}
}

// TestUpdateRunsFnAgainOnAFileReplacedBeforeTheLock: fn runs first on the
// file as read before the lock; when another writer replaces the file
// before the lock is taken, fn runs again on the fresh profile, and only
// that run's change is written (neither update is lost).
func TestUpdateRunsFnAgainOnAFileReplacedBeforeTheLock(t *testing.T) {
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
	s.testOnlyEarlyRead = func() {
		s.testOnlyEarlyRead = nil
		if _, err := other.Update(func(p *Profile) error { p.PreviousContext = "other's"; return nil }); err != nil {
			t.Error(err)
		}
	}
	runs := 0
	if _, err := s.Update(func(p *Profile) error {
		runs++
		p.DefaultContext = "mine"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	p, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if runs != 2 || p.Generation != 2 || p.DefaultContext != "mine" || p.PreviousContext != "other's" {
		t.Errorf("runs %d, generation %d, default %q, previous %q; want 2, 2, mine, other's", runs, p.Generation, p.DefaultContext, p.PreviousContext)
	}
}

// TestAcquireRunsWaitingOnlyWhenTheLockIsHeld checks that acquire runs the
// caller's waiting work (Update indexes its first read there) while
// another holds the lock, before it gets it, and not when the lock is free.
func TestAcquireRunsWaitingOnlyWhenTheLockIsHeld(t *testing.T) {
	t.Parallel()
	_, other, unlock := lockedByOneOfTwo(t)
	ran := make(chan struct{})
	got := make(chan func(), 1)
	go func() {
		h, err := other.acquire(func() { close(ran) })
		u := func() {}
		if err != nil {
			t.Error(err)
		} else {
			u = h.unlock
		}
		got <- u
	}()
	select {
	case <-ran:
	case u := <-got:
		u()
		t.Fatal("the waiter got a held lock")
	case <-time.After(10 * time.Second):
		t.Fatal("waiting did not run while the lock was held")
	}
	unlock()
	(<-got)()

	h, err := other.acquire(func() { t.Error("waiting ran for a free lock") })
	if err != nil {
		t.Fatal(err)
	}
	h.unlock()
}

// TestInterruptEndsTheWaitForTheLock: Ctrl-C while a write waits for
// profile.lock (Options.Interrupt closed) ends the wait with
// ErrInterrupted and writes nothing, as Ctrl-C promises (exit 130,
// nothing saved), rather than waiting on and saving the change.
func TestInterruptEndsTheWaitForTheLock(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	intr := make(chan struct{})
	waiter, err := Open(dir, Options{Interrupt: intr})
	if err != nil {
		t.Fatal(err)
	}
	h, err := s.acquire(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer h.unlock()
	close(intr)
	_, err = waiter.Update(func(p *Profile) error {
		p.Settings.Autosave = new(false)
		return nil
	})
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("Update() error = %v, want ErrInterrupted", err)
	}
	if _, err := os.Stat(waiter.Path()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("profile.json after the interrupted Update: %v, want none written", err)
	}
	// a switch, which a new install fails at once, waits in a profile
	if err := os.WriteFile(waiter.Path(), []byte(`{"version": 1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := waiter.SetDefault("x"); !errors.Is(err, ErrInterrupted) {
		t.Errorf("SetDefault() error = %v, want ErrInterrupted", err)
	}
}
