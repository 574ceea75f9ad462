//go:build !windows

package session

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// checkPrivateDir refuses a directory that is not the caller's own or whose
// mode has any bit of deny set: session state must not sit where another
// user could read or swap it.
func checkPrivateDir(dir string, deny fs.FileMode) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() {
		return fmt.Errorf("refusing to use %s: it belongs to uid %d", dir, st.Uid)
	}
	if perm := fi.Mode().Perm(); perm&deny != 0 {
		return fmt.Errorf("refusing to use %s: its mode %s lets other users in (chmod 700 it)", dir, perm)
	}
	return nil
}
