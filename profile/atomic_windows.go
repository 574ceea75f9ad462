//go:build windows

package profile

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

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

// syncDir is a no-op: Windows has no directory fsync; NTFS journals the
// rename's metadata.
func syncDir(string) error { return nil }
