//go:build !unix

package picker

import "os"

// notifyResize returns no channel: a Windows console reports a new size
// as an input event, not a signal, and the picker redraws on the next key.
func notifyResize() (<-chan os.Signal, func()) { return nil, func() {} }
