//go:build unix

package execserve

import (
	"os/signal"
	"syscall"
)

// IgnoreTerminalStops keeps the server running when it writes to (or
// reads) the terminal it shares with azc and the child: it runs in a
// process group of its own, in the terminal's background, where a write
// to a terminal set to `stty tostop` stops it with SIGTTOU, and a read
// with SIGTTIN. A stopped server would hold the child's token request for
// good, and azc, which waits for the server when the child ends, with it.
// Ignored, the write is made (POSIX), and a read fails.
func IgnoreTerminalStops() { signal.Ignore(syscall.SIGTTOU, syscall.SIGTTIN) }
