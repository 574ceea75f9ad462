//go:build unix

package picker

import (
	"os"
	"os/signal"
	"syscall"
)

// notifyResize returns a channel that gets a value when the terminal's
// size changes (SIGWINCH), and the function that stops it.
func notifyResize() (<-chan os.Signal, func()) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGWINCH)
	return c, func() { signal.Stop(c) }
}
