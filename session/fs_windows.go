package session

import (
	"io/fs"

	"github.com/azcontext/azc/profile"
)

// checkPrivateDir refuses a directory that is a symbolic link or a
// junction, or not a directory, as the state directory is refused
// (profile.CheckOwnedDir); the ACLs of the user's temp and profile
// directories keep other users out, and Go's mode bits do not describe
// them.
func checkPrivateDir(dir string, _ fs.FileMode) error { return profile.CheckOwnedDir(dir) }
