package session

import (
	"fmt"
	"io/fs"
	"os"
)

// checkPrivateDir checks that dir is a directory; the ACLs of the user's
// temp and profile directories keep other users out.
func checkPrivateDir(dir string, _ fs.FileMode) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	return nil
}
