//go:build unix

package sysfile

import (
	"io/fs"
	"os"
	"syscall"
)

// Open opens the file at path as os.OpenFile(path, flag, perm) does, with
// O_CLOEXEC, and returns it in blocking mode, never offered to the
// poller: os.NewFile leaves a blocking descriptor out of it. O_NONBLOCK
// in flag applies to the open alone (so that a FIFO does not make it
// wait). Only perm's permission bits are used. Errors are *fs.PathError,
// as os.OpenFile's.
func Open(path string, flag int, perm fs.FileMode) (*os.File, error) {
	fd, err := open(path, flag|syscall.O_CLOEXEC, uint32(perm.Perm()))
	if err == nil && flag&syscall.O_NONBLOCK != 0 {
		if err = syscall.SetNonblock(fd, false); err != nil {
			_ = syscall.Close(fd)
		}
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}

func open(path string, flag int, perm uint32) (int, error) {
	for {
		fd, err := syscall.Open(path, flag, perm)
		if err != syscall.EINTR {
			return fd, err
		}
	}
}
