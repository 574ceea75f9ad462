//go:build !windows

package profile

import "os"

// renameRetry is os.Rename: on Unix a rename over an open file succeeds.
func renameRetry(from, to string) error { return os.Rename(from, to) }

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
