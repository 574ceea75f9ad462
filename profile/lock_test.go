package profile

import (
	"errors"
	"io/fs"
	"os"
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
	_, err = held.Update(func(*Profile) error { return nil })
	var le *LockTimeoutError
	if !errors.As(err, &le) || le.Path != s.LockPath() {
		t.Fatalf("Update() error = %v, want *LockTimeoutError naming %s", err, s.LockPath())
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
	if _, err := waiter.SetDefault("x"); !errors.Is(err, ErrInterrupted) {
		t.Errorf("SetDefault() error = %v, want ErrInterrupted", err)
	}
}
