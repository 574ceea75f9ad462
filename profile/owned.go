package profile

import "os"

// OpenOwned opens the file at path for reading with the checks a Store
// makes of profile.json, for the other files of the state directory (the
// credential store's): it refuses a symbolic link, a file that is not
// regular and one another user owns (*UnsafePathError), and returns the
// file's size. A missing file gives an error matching fs.ErrNotExist.
func OpenOwned(path string) (*os.File, int64, error) { return openState(path) }

// ReadOwned reads the file at path as OpenOwned opens it, refusing one
// larger than MaxFileSize (*TooLargeError) before reading it, and reading
// no more than that should it grow meanwhile.
func ReadOwned(path string) ([]byte, error) {
	f, size, err := openCapped(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readLimited(f, path, size)
}

// CheckLinks reports, as a *LinkedError, a state file f, open at path,
// that has names besides path and those of ours that name it too (the
// names azc itself links to the file: profile.json.bak, of profile.json).
// nil where the system does not count a file's names (Windows).
func CheckLinks(f *os.File, path string, ours ...string) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	n, ino, ok := links(fi)
	if !ok || n <= 1 {
		return nil
	}
	other := int(n) - 1
	for _, o := range ours {
		if li, err := os.Lstat(o); err == nil && os.SameFile(fi, li) {
			other--
		}
	}
	if other <= 0 {
		return nil
	}
	return &LinkedError{Path: path, Other: other, Inode: ino}
}

// CheckOwnedDir checks dir as Open checks the state directory: not a
// symbolic link (*UnsafePathError), a directory the user owns, and not
// writable by other users (*InsecureDirError).
func CheckOwnedDir(dir string) error { return checkDir(dir) }

// OpenLock opens (creating, 0600) the lock file at path as a Store opens
// profile.lock, for the credential store's locks: without following a
// symbolic link, and refusing a file that is not regular or is another
// user's (*UnsafePathError).
func OpenLock(path string) (*os.File, error) { return openLock(path) }

// TryLock takes an exclusive lock on f, a file OpenLock opened, without
// waiting: false when another process holds it. CloseLock releases it.
func TryLock(f *os.File) (bool, error) {
	switch err := lockFile(f, false); err {
	case nil:
		return true, nil
	case errLocked:
		return false, nil
	default:
		return false, err
	}
}

// CloseLock closes f, a lock file OpenLock opened, releasing the lock it
// holds first: a child process that another goroutine starts meanwhile
// holds a copy of f's descriptor from its fork to its exec, and closing f
// alone would leave the lock held until then.
func CloseLock(f *os.File) error {
	unlockFile(f)
	return f.Close()
}

// LockIsAt reports whether f, a lock file OpenLock opened at path, is
// still the file at path. One removed or replaced since (taken for a stale
// lock) is locked by no later process, which opens the new file: a caller
// that locked f lets it go and locks the file at path instead.
func LockIsAt(f *os.File, path string) bool { return sameFileAt(f, path) }

// LockHolder names the process that holds the lock of the open lock file
// f ("pid 1234 (azc)"), for the errors of a lock wait that timed out and
// for azc doctor, where the system tells (Linux, from /proc/locks); else,
// or when no process holds it by then, "".
func LockHolder(f *os.File) string { return lockHolder(f) }
