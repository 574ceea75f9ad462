//go:build !linux

package childproc

import "os"

// watchStops returns nil: only Linux reports a child's stops without
// reaping it (waitid with WNOWAIT), so elsewhere azc does not follow them.
func watchStops(int) <-chan struct{} { return nil }

func followStop(*os.Process) {}
