//go:build !linux && !windows

package session

import (
	"errors"
	"fmt"
	"syscall"
)

// ownerOf knows only whether pid exists (kill with signal 0).
func ownerOf(pid int) (Owner, error) {
	if pid <= 0 {
		return Owner{}, fmt.Errorf("invalid pid %d", pid)
	}
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return Owner{}, noProcessError(pid)
	} else if err != nil && !errors.Is(err, syscall.EPERM) {
		return Owner{}, err
	}
	return Owner{PID: pid}, nil
}

// parentOf is not known here.
func parentOf(int) (int, error) { return 0, errNoParents }
