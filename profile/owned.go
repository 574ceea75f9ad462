package profile

import "os"

// OpenOwned opens the file at path for reading with the checks a Store
// makes of profile.json, for the other files of the state directory (the
// credential store's): it refuses a symbolic link, a file that is not
// regular and one another user owns (*UnsafePathError), and returns the
// file's size. A missing file gives an error matching fs.ErrNotExist.
func OpenOwned(path string) (*os.File, int64, error) { return openState(path) }

// CheckOwnedDir checks dir as Open checks the state directory: not a
// symbolic link (*UnsafePathError), a directory the user owns, and not
// writable by other users (*InsecureDirError).
func CheckOwnedDir(dir string) error { return checkDir(dir) }
