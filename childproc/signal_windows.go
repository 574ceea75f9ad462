//go:build windows

package childproc

import "os"

// caught: Ctrl-C and Ctrl-Break reach every process on the console, the
// child included, so they are only kept from ending this process.
func caught() []os.Signal { return []os.Signal{os.Interrupt} }

// forward never sends a signal on: Windows has no way to, and the console
// already told the child.
func forward(os.Signal, bool) bool { return false }

func inTerminalForeground(Spec) bool { return false }

// signalExit: Windows processes have no signal deaths.
func signalExit(*os.ProcessState) (int, bool) { return 0, false }

// Request reports whether sig asks a running program for something rather
// than to stop: no caught signal does on Windows.
func Request(os.Signal) bool { return false }
