package session

import (
	"errors"
	"io/fs"
	"os"
	"syscall"

	"github.com/azcontext/azc/profile"
)

// checkPrivateDir refuses a directory that is a symbolic link or a
// junction, or not a directory, as the state directory is refused
// (profile.CheckOwnedDir); the ACLs of the user's temp and profile
// directories keep other users out, and Go's mode bits do not describe
// them.
func checkPrivateDir(dir string, _ fs.FileMode) error { return profile.CheckOwnedDir(dir) }

// canMakeIn reports why a directory cannot be made in dir, as mkdir would,
// without making one: dir must be a directory (its ACL is not read).
func canMakeIn(dir string) error {
	fi, err := os.Stat(dir)
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
		return pe.Err
	}
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return syscall.ENOTDIR
	}
	return nil
}
