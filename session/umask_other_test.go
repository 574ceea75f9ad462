//go:build !unix

package session_test

// umaskHelper is not run here: there is no umask.
func umaskHelper() int { return 2 }
