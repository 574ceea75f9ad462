//go:build unix

package credstore

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/azcontext/azc/profile"
)

// TestAWaiterOnARemovedLockFileLocksTheNewOne: a credential lock file
// removed while a process waited on it (taken for a stale lock) leaves the
// waiter with the lock of a file no later process opens; it locks the file
// at the path instead, so that it and a later process still exclude each
// other (two token refreshes, or a sign-in and a sign-out, of one account).
func TestAWaiterOnARemovedLockFileLocksTheNewOne(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "account.lock")
	opened, err := profile.OpenLock(path) // the waiter's open, before the removal
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	unlock, err := lockOpened(context.Background(), opened, path, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	later, err := profile.OpenLock(path)
	if err != nil {
		t.Fatal(err)
	}
	defer later.Close()
	if free, err := profile.TryLock(later); err != nil || free {
		t.Errorf("a later process's TryLock of %s = %v, %v; want false: the waiter holds it", path, free, err)
	}
}
