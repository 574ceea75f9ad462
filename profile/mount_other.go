//go:build !linux

package profile

// mountedOnItsOwn reports whether path is a file mounted on its own,
// where the system says so cheaply: only Linux does (statx).
func mountedOnItsOwn(string) bool { return false }
