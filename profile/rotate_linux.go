package profile

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// rotates says writeChecked writes through writeRotating: Linux exchanges
// two names in one step (renameat2 RENAME_EXCHANGE).
const rotates = true

// exchange swaps the names a and b in one step: each then names the other's
// file. It fails with errNoExchange where the file system cannot, and with
// fs.ErrNotExist when either is missing.
func exchange(a, b string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	switch err {
	case nil:
		return nil
	case unix.EINVAL, unix.ENOSYS, unix.EOPNOTSUPP, unix.EXDEV, unix.EPERM:
		// EPERM: a sandbox (seccomp) that refuses renameat2; a rename
		// that is truly not allowed fails on its own.
		return errNoExchange
	}
	return &os.LinkError{Op: "exchange", Old: a, New: b, Err: err}
}

// openSpare opens the spare at path to be overwritten in place, holding an
// exclusive flock on it until the file is closed, and returns its size; nil
// when there is no spare or it must not be written through: not a regular
// file of ours with one name (a symbolic or hard link would carry the write
// elsewhere), or a reader still holds it (see lockShared).
func openSpare(path string) (*os.File, int64) {
	fd, err := syscall.Open(path, syscall.O_WRONLY|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, 0
	}
	var st syscall.Stat_t
	if syscall.Fstat(fd, &st) != nil || st.Mode&syscall.S_IFMT != syscall.S_IFREG ||
		st.Nlink != 1 || int(st.Uid) != os.Geteuid() || st.Mode&0o077 != 0 ||
		flockRetry(fd, syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		_ = syscall.Close(fd)
		return nil, 0
	}
	return os.NewFile(uintptr(fd), path), st.Size
}
