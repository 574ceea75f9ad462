//go:build windows

package profile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// noFollow is 0: os.OpenFile opens a symbolic link's target here (but for
// O_CREATE|O_EXCL, which never follows one). openState and openLock check
// the path with Lstat before they open it instead: a user can make a
// symbolic link in Developer Mode and a junction at any time, and the
// ACLs of the user's profile directories keep other users from making
// either in the state directory between the check and the open.
const noFollow = 0

// nonBlock is 0: Windows has no FIFOs in the file system.
const nonBlock = 0

// openState opens the state file at path for reading, refusing a symbolic
// link and a file that is not regular; it returns the file's size.
// Windows guards ownership with the ACL inherited from the user's profile.
func openState(path string) (*os.File, int64, error) {
	if err := notLink(path); err != nil {
		return nil, 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = notRegularError(path)
	}
	if err != nil {
		_ = f.Close()
		return nil, 0, err
	}
	return f, fi.Size(), nil
}

// links is false: os.FileInfo does not count a file's names here.
func links(fs.FileInfo) (n, ino uint64, ok bool) { return 0, 0, false }

// OwnedByAnother is false: Windows reports no owner in a FileInfo, and the
// ACLs of the user's profile directory keep other users out of it.
func OwnedByAnother(fs.FileInfo) (uid int, ok bool) { return 0, false }

func notLink(path string) error {
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return &UnsafePathError{Path: path, Problem: "is a symbolic link", Fix: fmt.Sprintf("remove the link %s", path)}
	}
	return nil
}

// checkDir checks that a directory of azc's is a directory itself, not a
// symbolic link or a junction to one. Lstat reports a junction (a mount
// point, which any user can make with mklink /J) as irregular, not as a
// directory; a directory with another kind of reparse point (OneDrive's)
// is still a directory.
func checkDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return &UnsafePathError{Path: dir, Problem: "is a symbolic link", Fix: fmt.Sprintf("remove the link %s (azc makes the directory itself)", dir)}
	case !fi.IsDir() && fi.Mode()&fs.ModeIrregular != 0:
		return &UnsafePathError{Path: dir, Problem: "is a junction or another reparse point, not a directory", Fix: fmt.Sprintf("remove it with `rmdir %s` (a junction's target stays); azc makes the directory itself", dir)}
	case !fi.IsDir():
		return &UnsafePathError{Path: dir, Problem: "is not a directory", Fix: fmt.Sprintf("move %s away; azc creates the directory", dir)}
	}
	return nil
}

// openLock opens (creating) the lock file at path.
func openLock(path string) (*os.File, error) {
	if err := notLink(path); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, Unwritable(path, err)
	}
	return f, nil
}

// lockFile takes an exclusive lock on f; with wait false it fails at once
// with errLocked when another process holds it.
func lockFile(f *os.File, wait bool) error {
	flags := uint32(windows.LOCKFILE_EXCLUSIVE_LOCK)
	if !wait {
		flags |= windows.LOCKFILE_FAIL_IMMEDIATELY
	}
	err := windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, 1, 0, new(windows.Overlapped))
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return errLocked
	}
	return err
}

// unlockFile releases f's lock (a child process inherits no handle of
// azc's, so closing alone would do here too).
func unlockFile(f *os.File) {
	_ = windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, new(windows.Overlapped))
}

// renameRetry retries os.Rename for about a second while another process
// (a reader, an antivirus scanner) has the target open without
// FILE_SHARE_DELETE, which makes MoveFileEx fail.
func renameRetry(from, to string) error {
	var err error
	delay := time.Millisecond
	deadline := time.Now().Add(time.Second)
	for {
		err = os.Rename(from, to)
		if err == nil || !transient(err) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(delay)
		delay = min(2*delay, 64*time.Millisecond)
	}
}

func transient(err error) bool {
	return errors.Is(err, windows.ERROR_ACCESS_DENIED) ||
		errors.Is(err, windows.ERROR_SHARING_VIOLATION) ||
		errors.Is(err, windows.ERROR_LOCK_VIOLATION)
}

// inputOpenError is err, unchanged: Windows says what it refused itself.
func inputOpenError(_ string, err error) error { return err }

// syncDir does nothing: Windows has no directory fsync; NTFS journals the
// rename's metadata.
func syncDir(string) error { return nil }

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var c, e, k, u windows.Filetime
	if windows.GetProcessTimes(windows.CurrentProcess(), &c, &e, &k, &u) != nil {
		return 0
	}
	ticks := func(f windows.Filetime) int64 { return int64(f.HighDateTime)<<32 | int64(f.LowDateTime) }
	return time.Duration((ticks(k) + ticks(u)) * 100) // 100 ns ticks
}

// writableDir is nil: on Windows a write that cannot be made says so
// itself, and the ACLs that would tell are not read.
func writableDir(string) error { return nil }

// ownMode gives f, a file azc has just created, the mode perm when it is
// not the one every file is made with: Windows has no umask, and of the
// mode only the owner's write bit means anything.
func ownMode(f *os.File, _ fs.FileInfo, perm fs.FileMode) error {
	if perm == 0o600 {
		return nil
	}
	return f.Chmod(perm)
}

// OwnDirMode does nothing: Windows has no umask to take a directory's
// mode bits, which say nothing of who may write in it.
func OwnDirMode(path string) error { return nil }
