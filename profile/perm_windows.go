//go:build windows

package profile

import (
	"fmt"
	"os"
)

// checkDir checks that the state directory is a directory. Windows guards
// it with the ACL inherited from the user's profile directory; mode bits
// say nothing there.
func checkDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("state directory: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("state directory %s is not a directory", dir)
	}
	return nil
}
