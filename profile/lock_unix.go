//go:build unix

package profile

import (
	"errors"
	"syscall"
)

// lockShared takes a shared flock on the profile file a reader opened, held
// while the descriptor (or a mapping of it) is open; false when a writer
// holds the file exclusively: it is then no longer profile.json but the
// spare, being overwritten (see writeRotating). A file system without
// flock gives true: there is no lock to take, and writers, which cannot
// lock either, do not reuse the spare. Readers take it on every Unix, not
// only on Linux, where writers rotate: a state directory may be shared
// with a Linux machine (a VM's or a container's mount).
func lockShared(fd int) bool {
	return !errors.Is(flockRetry(fd, syscall.LOCK_SH|syscall.LOCK_NB), syscall.EWOULDBLOCK)
}

func flockRetry(fd, how int) error {
	for {
		err := syscall.Flock(fd, how)
		if err != syscall.EINTR {
			return err
		}
	}
}
