package credstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"

	"github.com/azcontext/azc/profile"
)

// lockRetry is how often a waiting writer retries a held lock.
const lockRetry = 5 * time.Millisecond

// LockError reports a lock that could not be taken in time.
type LockError struct {
	Path string // the lock file
	Err  error
}

func (e *LockError) Error() string {
	return fmt.Sprintf("could not lock %s (another azc process may be holding it): %v", e.Path, e.Err)
}

func (e *LockError) Unwrap() error { return e.Err }

// lockFile takes an exclusive lock on path, creating it (0600) if needed,
// waiting at most timeout (and no longer than ctx allows). The lock file is
// never deleted: deleting it would let two writers lock different inodes.
func lockFile(ctx context.Context, path string, timeout time.Duration) (unlock func(), err error) {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	if err := checkLockFile(path); err != nil {
		return nil, err
	}
	fl := flock.New(path, flock.SetPermissions(0o600))
	ok, err := fl.TryLockContext(ctx, lockRetry)
	if err != nil || !ok {
		if err == nil {
			err = errors.New("lock not acquired")
		}
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("timed out after %s: %w", timeout, err)
		}
		_ = fl.Close()
		return nil, &LockError{Path: path, Err: err}
	}
	return func() { _ = fl.Unlock() }, nil
}

// tryLockFile takes the lock lockFile takes if no one holds it, without
// waiting: ok false when it is held.
func tryLockFile(path string) (unlock func(), ok bool, err error) {
	if err := checkLockFile(path); err != nil {
		return nil, false, err
	}
	fl := flock.New(path, flock.SetPermissions(0o600))
	if ok, err = fl.TryLock(); err != nil || !ok {
		_ = fl.Close()
		return nil, false, err
	}
	return func() { _ = fl.Unlock() }, true, nil
}

// checkLockFile refuses a lock file that is a symbolic link, not a regular
// file or another user's; a missing one is made by the lock.
func checkLockFile(path string) error {
	f, _, err := profile.OpenOwned(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// writeFileAtomic replaces path with data: a temp file in the same
// directory is written, synced, closed and renamed over path, then the
// directory is synced, so a crash leaves either the old or the new file.
func writeFileAtomic(path string, data []byte) (err error) {
	dir, base := filepath.Split(path)
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		_ = f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := rename(tmp, path); err != nil {
		return err
	}
	return syncDir(dir)
}

// removeFile deletes path (absent is fine) and syncs its directory.
func removeFile(path string) error {
	if err := remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return syncDir(filepath.Dir(path))
}
