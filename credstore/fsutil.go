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
	// Holder names the process that held the lock when the wait ended
	// ("pid 1234 (azc)", profile.LockHolder), or is "" where the system
	// does not tell.
	Holder string
}

func (e *LockError) Error() string {
	if e.Holder != "" {
		return fmt.Sprintf("could not lock %s (held by %s): %v", e.Path, e.Holder, e.Err)
	}
	return fmt.Sprintf("could not lock %s (another azc process may be holding it): %v", e.Path, e.Err)
}

func (e *LockError) Unwrap() error { return e.Err }

// Hint is the way out of a wait that timed out, as for profile.lock
// (profile.LockTimeoutError.Hint); "" for any other failure.
func (e *LockError) Hint() string {
	if !errors.Is(e.Err, context.DeadlineExceeded) {
		return ""
	}
	return (&profile.LockTimeoutError{Path: e.Path, Holder: e.Holder}).Hint()
}

// lockTimeoutError is a lock wait's end at its deadline, said in words
// with how long the wait was allowed (the store's timeout, or the
// caller's shorter deadline); it is context.DeadlineExceeded.
type lockTimeoutError struct{ after time.Duration }

func (e lockTimeoutError) Error() string        { return "timed out after " + e.after.String() }
func (e lockTimeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// waitLimit is how long a wait that starts now may last: timeout, or
// less when ctx's deadline comes first, rounded for a message.
func waitLimit(ctx context.Context, timeout time.Duration) time.Duration {
	limit := timeout
	if d, ok := ctx.Deadline(); ok && (limit <= 0 || time.Until(d) < limit) {
		limit = time.Until(d)
	}
	if limit >= time.Second {
		return limit.Round(time.Second)
	}
	return limit.Round(time.Millisecond)
}

// lockFile takes an exclusive lock on path, creating it (0600) if needed,
// waiting at most timeout (and no longer than ctx allows). The lock file is
// opened as profile.lock is (profile.OpenLock: no symbolic link followed,
// a regular file of the user's), and never deleted: deleting it would let
// two writers lock different inodes (one deleted anyway while a process
// waited on it is not what lockFile locks: lockOpened).
func lockFile(ctx context.Context, path string, timeout time.Duration) (unlock func(), err error) {
	limit := waitLimit(ctx, timeout)
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	f, err := profile.OpenLock(path)
	if err != nil {
		return nil, err
	}
	return lockOpened(ctx, f, path, limit)
}

// lockOpened is lockFile once it opened f, the lock file at path: it waits
// for f's lock until ctx is done, which limit, the wait ctx allows, names. A lock got on a file no longer at path
// (removed or replaced while it waited) is let go and the file at path
// locked instead, as a later process opens that one.
func lockOpened(ctx context.Context, f *os.File, path string, limit time.Duration) (unlock func(), err error) {
	retry := time.NewTicker(lockRetry)
	defer retry.Stop()
	relocks := 0
	for {
		ok, err := profile.TryLock(f)
		if err != nil {
			_ = f.Close()
			return nil, &LockError{Path: path, Err: err}
		}
		if ok && profile.LockIsAt(f, path) {
			return func() { _ = profile.CloseLock(f) }, nil
		}
		if ok {
			_ = profile.CloseLock(f)
			if relocks++; relocks == relockTries {
				return nil, &LockError{Path: path, Err: errReplaced}
			}
			if f, err = profile.OpenLock(path); err != nil {
				return nil, err
			}
			continue
		}
		select {
		case <-ctx.Done():
			holder := profile.LockHolder(f)
			_ = f.Close()
			err := ctx.Err()
			if errors.Is(err, context.DeadlineExceeded) {
				err = lockTimeoutError{after: limit}
			}
			return nil, &LockError{Path: path, Err: err, Holder: holder}
		case <-retry.C:
		}
	}
}

// tryLockFile takes the lock lockFile takes if no one holds it, without
// waiting: ok false when it is held.
func tryLockFile(path string) (unlock func(), ok bool, err error) {
	for range relockTries {
		f, err := profile.OpenLock(path)
		if err != nil {
			return nil, false, err
		}
		if ok, err = profile.TryLock(f); err != nil || !ok {
			_ = f.Close()
			return nil, false, err
		}
		if profile.LockIsAt(f, path) {
			return func() { _ = profile.CloseLock(f) }, true, nil
		}
		_ = profile.CloseLock(f) // removed or replaced meanwhile: the file at path
	}
	return nil, false, &LockError{Path: path, Err: errReplaced}
}

// relockTries bounds how many times a lock is taken again on the file at
// its path when the one locked is no longer there (see lockOpened).
const relockTries = 10

// errReplaced is a lock file that was removed or replaced each time it was
// locked.
var errReplaced = errors.New("the lock file was removed or replaced each time it was locked")

// removeFile deletes path (absent is fine) and syncs its directory.
func removeFile(path string) error {
	if err := remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return syncDir(filepath.Dir(path))
}
