//go:build !windows

package credstore

import (
	"os"

	"github.com/azcontext/azc/internal/sysfile"
	"github.com/azcontext/azc/profile"
)

func remove(path string) error { return os.Remove(path) }

// syncDir makes a rename or unlink in dir durable.
func syncDir(dir string) error {
	d, err := sysfile.Open(dir, os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// checkPrivateDir refuses a directory that is a symbolic link, that another
// user owns, or that other users can write to or read, since it holds
// secrets.
func checkPrivateDir(dir string) error {
	if err := profile.CheckOwnedDir(dir); err != nil {
		return err
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return &InsecureError{Path: dir, Mode: perm}
	}
	return nil
}
