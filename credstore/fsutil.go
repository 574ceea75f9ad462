package credstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

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
// opened as profile.lock is (profile.OpenLock: no symbolic link followed,
// a regular file of the user's), and never deleted: deleting it would let
// two writers lock different inodes.
func lockFile(ctx context.Context, path string, timeout time.Duration) (unlock func(), err error) {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	f, err := profile.OpenLock(path)
	if err != nil {
		return nil, err
	}
	retry := time.NewTicker(lockRetry)
	defer retry.Stop()
	for {
		ok, err := profile.TryLock(f)
		if err != nil {
			_ = f.Close()
			return nil, &LockError{Path: path, Err: err}
		}
		if ok {
			return func() { _ = f.Close() }, nil
		}
		select {
		case <-ctx.Done():
			_ = f.Close()
			err := ctx.Err()
			if errors.Is(err, context.DeadlineExceeded) {
				err = fmt.Errorf("timed out after %s: %w", timeout, err)
			}
			return nil, &LockError{Path: path, Err: err}
		case <-retry.C:
		}
	}
}

// tryLockFile takes the lock lockFile takes if no one holds it, without
// waiting: ok false when it is held.
func tryLockFile(path string) (unlock func(), ok bool, err error) {
	f, err := profile.OpenLock(path)
	if err != nil {
		return nil, false, err
	}
	if ok, err = profile.TryLock(f); err != nil || !ok {
		_ = f.Close()
		return nil, false, err
	}
	return func() { _ = f.Close() }, true, nil
}

// removeFile deletes path (absent is fine) and syncs its directory.
func removeFile(path string) error {
	if err := remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return syncDir(filepath.Dir(path))
}
