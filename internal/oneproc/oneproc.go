// Package oneproc sets GOMAXPROCS to 1 as early as a package can: the light
// azc is one goroutine's work, and a second P costs it spinning threads,
// their stacks and page faults at start-up (DESIGN section 8). A
// GOMAXPROCS the user set is left alone. Only cmd/azc imports it.
package oneproc

import (
	"runtime"
	"syscall"
)

func init() {
	if _, set := syscall.Getenv("GOMAXPROCS"); !set && runtime.GOMAXPROCS(0) > 1 {
		runtime.GOMAXPROCS(1)
	}
}
