//go:build !windows

package cli

import (
	"os"
	"syscall"
)

// runFull replaces the process with azc-full; it returns only on failure.
func runFull(path string, args []string) (int, error) {
	argv := append([]string{path}, args...)
	return 0, syscall.Exec(path, argv, os.Environ())
}
