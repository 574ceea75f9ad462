//go:build unix

package execute

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/azcontext/azc/profile"
)

// lockPrivateDir takes the lock of the private directory dir for as long
// as this exec runs (release lets it go, after the directory is removed):
// an exec killed before it could remove its directory leaves it unlocked,
// which tells the next exec to remove it (sweepPrivateDirs). The lock file
// gets this process's id only once it is locked: a sweep takes an empty
// one for the lock file of an exec being started, not yet locked.
func lockPrivateDir(dir string) (release func(), err error) {
	f, err := profile.OpenLock(filepath.Join(dir, privateDirLock))
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", dir, err)
	}
	ok, err := profile.TryLock(f)
	if err == nil && !ok {
		err = errors.New("locked by another process")
	}
	if err == nil {
		_, err = f.WriteString(strconv.Itoa(os.Getpid()) + "\n")
	}
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("locking %s: %w", dir, err)
	}
	return func() { _ = profile.CloseLock(f) }, nil
}

// sweepPrivateDirs removes the private directories in parent, other than
// own, of execs that ended without removing them (killed with SIGKILL, or
// the machine stopped): directories of the user's named azc-exec-* whose
// lock file no process holds. A directory without a lock file, or with
// an empty one (one being made, or an older azc's), is left alone, and so
// is anything that is not a directory of the user's. It looks at most once
// per sweepEvery, as the modification time of the file stamp records.
func sweepPrivateDirs(parent, own, stamp string, now time.Time, log *slog.Logger) {
	if !sweepDue(stamp, now) {
		return
	}
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		dir := filepath.Join(parent, e.Name())
		if !strings.HasPrefix(e.Name(), privateDirPrefix) || !e.IsDir() || dir == own {
			continue
		}
		if profile.CheckOwnedDir(dir) != nil {
			continue
		}
		lockPath := filepath.Join(dir, privateDirLock)
		f, err := os.OpenFile(lockPath, os.O_RDWR|syscall.O_NOFOLLOW, 0)
		if err != nil {
			continue
		}
		if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() || fi.Size() == 0 {
			_ = f.Close()
			continue
		}
		if ok, err := profile.TryLock(f); err == nil && ok && profile.LockIsAt(f, lockPath) {
			log.Debug("exec: removing the private directory of an exec that did not end cleanly", "dir", dir)
			_ = os.RemoveAll(dir)
		}
		_ = profile.CloseLock(f)
	}
}

// sweepEvery is how often execs look for the directories of killed ones:
// reading a temporary directory takes about 0.5 ms per 1,000 entries, too
// much for every exec where thousands of files lie.
const sweepEvery = time.Hour

// sweepDue reports whether the last sweep, the modification time of stamp,
// is sweepEvery ago or more (or in the future, or never was), and if so
// records this one.
func sweepDue(stamp string, now time.Time) bool {
	fi, err := os.Lstat(stamp)
	if err == nil && fi.Mode().IsRegular() {
		if age := now.Sub(fi.ModTime()); age >= 0 && age < sweepEvery {
			return false
		}
		if os.Chtimes(stamp, now, now) == nil {
			return true
		}
	}
	_ = profile.WriteFile(stamp, nil)
	return true
}
