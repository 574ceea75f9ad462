//go:build !windows

package session

import (
	"fmt"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"

	"github.com/azcontext/azc/profile"
)

// checkPrivateDir refuses a directory that is a symbolic link, that is
// not the caller's own or that group or others can write to, as the state
// directory is refused (profile.CheckOwnedDir), or whose mode has any bit
// of deny set: session state must not sit where another user could read
// or swap it.
func checkPrivateDir(dir string, deny fs.FileMode) error {
	if err := profile.CheckOwnedDir(dir); err != nil {
		return err
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if perm := fi.Mode().Perm(); perm&deny != 0 {
		return fmt.Errorf("refusing to use %s: its mode %s lets other users in (chmod 700 it)", dir, profile.ModeText(fi.Mode()))
	}
	return nil
}

// canMakeIn reports why a directory cannot be made in dir, as mkdir would
// (ENOENT, EACCES, EROFS, ENOTDIR), without making one: nil when it can.
func canMakeIn(dir string) error { return unix.Access(dir, unix.W_OK|unix.X_OK) }
