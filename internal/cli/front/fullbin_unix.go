//go:build !windows

package front

import "syscall"

// runFull replaces the process with azc-full, with env; it returns only on
// failure.
func runFull(path string, args, env []string) (int, error) {
	argv := append([]string{path}, args...)
	return 0, syscall.Exec(path, argv, env)
}
