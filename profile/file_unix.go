//go:build unix

package profile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
	"time"

	"github.com/azcontext/azc/internal/sysfile"
	"github.com/azcontext/azc/internal/termsafe"
)

// noFollow makes an open fail on a symbolic link.
const noFollow = syscall.O_NOFOLLOW

// nonBlock keeps the open of a FIFO from waiting for a writer.
const nonBlock = syscall.O_NONBLOCK

// openState opens the state file at path for reading, refusing a symbolic
// link (O_NOFOLLOW), a file that is not regular, and one that another user
// owns; it returns the file's size. A missing file gives fs.ErrNotExist.
func openState(path string) (*os.File, int64, error) {
	f, err := sysfile.Open(path, os.O_RDONLY|noFollow|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, 0, openError(path, err)
	}
	fi, err := checkOwned(f, path, false)
	if err != nil {
		_ = f.Close()
		return nil, 0, err
	}
	return f, fi.Size(), nil
}

// checkOwned checks that f, open at path, is a regular file (a directory
// when dir) owned by the effective user and, a file, not writable by group
// or others: another user able to rewrite profile.json could point a cloud
// at a host of theirs and be sent the user's secrets. (checkDir checks a
// directory's mode.)
func checkOwned(f *os.File, path string, dir bool) (fs.FileInfo, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	switch {
	case dir && !fi.IsDir():
		return nil, notDirError(path)
	case !dir && !fi.Mode().IsRegular():
		return nil, notRegularError(path)
	}
	if err := notYours(fi, path); err != nil {
		return nil, err
	}
	if perm := fi.Mode().Perm(); !dir && perm&0o022 != 0 {
		return nil, &UnsafePathError{
			Path:    path,
			Problem: fmt.Sprintf("is writable by other users (mode %s)", ModeText(fi.Mode())),
			Fix:     fmt.Sprintf("check that no one else changed it, then run `chmod 600 %s`", termsafe.ShellWord(path)),
		}
	}
	return fi, nil
}

// notYours is the *UnsafePathError of a file fi at path that another user
// owns, or nil.
func notYours(fi fs.FileInfo, path string) error {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() {
		return &UnsafePathError{
			Path:    path,
			Problem: fmt.Sprintf("is owned by uid %d, not by you (uid %d)", st.Uid, os.Geteuid()),
			Fix:     fmt.Sprintf("check who made it; if it is yours, run `chown %d %s`", os.Geteuid(), termsafe.ShellWord(path)),
		}
	}
	return nil
}

// OwnedByAnother reports the owner of the file fi when it is neither the
// user nor root: a directory of theirs above the state directory lets
// them move it away and put another in its place.
func OwnedByAnother(fi fs.FileInfo) (uid int, ok bool) {
	st, isStat := fi.Sys().(*syscall.Stat_t)
	if !isStat || int(st.Uid) == os.Geteuid() || st.Uid == 0 {
		return 0, false
	}
	return int(st.Uid), true
}

// links is the number of names (hard links) of the file fi and its inode
// number.
func links(fi fs.FileInfo) (n, ino uint64, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return uint64(st.Nlink), st.Ino, true
}

// openError is err, the failure to open the state file at path without
// following a link, as the *UnsafePathError that says what is there when
// that is what failed it: a symbolic link (ELOOP), a directory (EISDIR) or
// a socket (ENXIO, whatever the flags), which is no regular file as a FIFO
// is not; a file the open was denied is named by theirs.
func openError(path string, err error) error {
	switch {
	case errors.Is(err, syscall.ELOOP):
		return symlinkError(path)
	case errors.Is(err, syscall.EISDIR), errors.Is(err, syscall.ENXIO):
		return notRegularError(path)
	}
	return theirs(path, Unwritable(path, err))
}

// inputOpenError is err, the failure to open the file at path that the
// user named to be read (ReadFile), as the *UnsafePathError that says what
// is there when it is a socket, which open(2) refuses with ENXIO whatever
// the flags.
func inputOpenError(path string, err error) error {
	if errors.Is(err, syscall.ENXIO) {
		return &UnsafePathError{Path: path, Problem: "is a socket, which azc cannot read as a file", Fix: "name the file itself, or a pipe (`<(…)`) that gives its contents"}
	}
	return err
}

// theirs is err, the failure to open path, unless the open was denied:
// because another user owns the file it says so, as checkOwned says of
// another user's file that could be opened; a file of the user's that its
// mode denies them is named with the chmod that fixes it.
func theirs(path string, err error) error {
	if !errors.Is(err, fs.ErrPermission) {
		return err
	}
	fi, lerr := os.Lstat(path)
	if lerr != nil {
		return err
	}
	if nerr := notYours(fi, path); nerr != nil {
		return nerr
	}
	mode := "600"
	if fi.IsDir() {
		mode = "700"
	}
	return &UnsafePathError{
		Path:    path,
		Problem: fmt.Sprintf("cannot be opened by you (mode %s)", ModeText(fi.Mode())),
		Fix:     fmt.Sprintf("give it back the mode azc makes it with `chmod %s %s`", mode, termsafe.ShellWord(path)),
	}
}

func notDirError(path string) error {
	return &UnsafePathError{Path: path, Problem: "is not a directory", Fix: fmt.Sprintf("move %s away; azc creates the directory", path)}
}

func symlinkError(path string) error {
	return &UnsafePathError{Path: path, Problem: "is a symbolic link", Fix: fmt.Sprintf("remove the link %s (azc makes the file itself)", path)}
}

// checkDir refuses a directory of azc's (the state directory, the
// credential store's, a session's) that is a symbolic link, that another
// user owns, or that group or others can write to.
func checkDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return &UnsafePathError{Path: dir, Problem: "is a symbolic link", Fix: fmt.Sprintf("remove the link %s (azc makes the directory itself)", dir)}
	}
	if !fi.IsDir() {
		// Not opened: the open of a FIFO waits for a writer, and one
		// planted at $TMPDIR/azc-<uid> would hang every new shell.
		return notDirError(dir)
	}
	// O_DIRECTORY and O_NONBLOCK: one swapped in since the Lstat is
	// refused, not waited on.
	f, err := sysfile.Open(dir, os.O_RDONLY|noFollow|syscall.O_DIRECTORY|syscall.O_NONBLOCK, 0)
	if errors.Is(err, syscall.ENOTDIR) {
		return notDirError(dir)
	}
	if err != nil {
		return theirs(dir, err)
	}
	defer f.Close()
	if fi, err = checkOwned(f, dir, true); err != nil {
		return err
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return &InsecureDirError{Path: dir, Mode: fi.Mode()}
	}
	return nil
}

// openLock opens (creating, 0600) the lock file at path without following
// a symbolic link, and checks that it is a regular file of the user's; one
// of the user's that the user cannot write is named so, with the chmod
// (theirs).
func openLock(path string) (*os.File, error) {
	f, err := sysfile.Open(path, os.O_RDWR|os.O_CREATE|noFollow, 0o600)
	if err != nil {
		return nil, openError(path, err)
	}
	fi, err := checkOwned(f, path, false)
	if err == nil && fi.Mode().Perm()&0o600 != 0o600 {
		// made under a umask that takes the owner's bits (see ownMode):
		// the next open, for writing, would be refused
		err = ownMode(f, fi, 0o600)
	}
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return f, nil
}

// ownMode gives f, a file azc has just created (fi its Stat, nil when
// that failed), the mode perm when the process's umask took bits of it:
// a umask of 0277 made profile.json and profile.lock 0400, and the next
// command could not open the lock to write.
func ownMode(f *os.File, fi fs.FileInfo, perm fs.FileMode) error {
	if fi != nil && fi.Mode().Perm() == perm {
		return nil
	}
	return f.Chmod(perm)
}

// OwnDirMode gives the directory path, which the caller has just made
// with mode 0700 (os.Mkdir, os.MkdirTemp), that mode when the process's
// umask took bits of it (0277 made it 0500: a directory azc cannot write
// in). A symbolic link put in its place meanwhile is not followed.
func OwnDirMode(path string) error {
	f, err := sysfile.Open(path, os.O_RDONLY|noFollow|syscall.O_DIRECTORY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Mode().Perm() == 0o700 {
		return nil
	}
	return f.Chmod(0o700)
}

// lockFile takes an exclusive lock on f; with wait false it fails at once
// with errLocked when another process holds it.
func lockFile(f *os.File, wait bool) error {
	how := syscall.LOCK_EX
	if !wait {
		how |= syscall.LOCK_NB
	}
	for {
		err := syscall.Flock(int(f.Fd()), how)
		switch err {
		case syscall.EINTR:
			continue
		case syscall.EWOULDBLOCK:
			return errLocked
		}
		return err
	}
}

// unlockFile releases f's lock, which every copy of its descriptor shares.
func unlockFile(f *os.File) { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }

// renameRetry is rename(2): on Unix a rename over an open file succeeds.
// (os.Rename would first stat the target to refuse a directory, which
// rename(2) refuses too.)
func renameRetry(from, to string) error {
	for {
		err := syscall.Rename(from, to)
		switch err {
		case nil:
			return nil
		case syscall.EINTR:
			continue
		}
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
	}
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := sysfile.Open(dir, os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// writableDir is nil when the user can create files in dir, the state
// directory, else the *UnwritableError every write there would fail with
// (a read-only mount, a mode without write for its owner), for `azc
// doctor`. access(2) answers as a write would: root passes a mode, not a
// read-only file system.
func writableDir(dir string) error {
	const wOK = 2
	for {
		err := syscall.Access(dir, wOK)
		switch {
		case err == syscall.EINTR:
			continue
		case errors.Is(err, syscall.EROFS), errors.Is(err, fs.ErrPermission):
			return &UnwritableError{Path: dir, Dir: dir, ReadOnlyFS: errors.Is(err, syscall.EROFS), Exists: true, Err: err}
		}
		return nil
	}
}
