//go:build windows

package credstore

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/windows"

	"github.com/azcontext/azc/profile"
)

// Windows refuses to rename over or delete a file that another process
// (often a virus scanner) has open; such errors pass within about a second.
const shareRetryFor = time.Second

func retrySharing(op func() error) error {
	deadline := time.Now().Add(shareRetryFor)
	for {
		err := op()
		if err == nil || time.Now().After(deadline) || !isSharingError(err) {
			return err
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func isSharingError(err error) bool {
	return errors.Is(err, windows.ERROR_ACCESS_DENIED) ||
		errors.Is(err, windows.ERROR_SHARING_VIOLATION) ||
		errors.Is(err, windows.ERROR_LOCK_VIOLATION)
}

func remove(path string) error { return retrySharing(func() error { return os.Remove(path) }) }

// syncDir does nothing: Windows has no fsync of a directory; NTFS
// journals the rename's metadata, so a crash leaves the old blob or the
// new one (whose data was flushed before the rename), never a mix.
func syncDir(string) error { return nil }

// checkPrivateDir checks that dir is a directory and not a link: the ACLs
// of the user's profile directory keep other users out, and Go's mode bits
// do not describe them.
func checkPrivateDir(dir string) error { return profile.CheckOwnedDir(dir) }
