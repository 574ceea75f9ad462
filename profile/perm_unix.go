//go:build !windows

package profile

import (
	"fmt"
	"os"
)

// checkDir refuses a state directory that group or others can write to.
func checkDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("state directory: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("state directory %s is not a directory", dir)
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return &InsecureDirError{Path: dir, Mode: fi.Mode()}
	}
	return nil
}
