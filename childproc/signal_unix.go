//go:build unix

package childproc

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// caught returns the signals passed on to the child. Catching them also
// keeps them from ending this process (and QUIT from dumping its
// goroutines) while the child runs. USR1 and USR2, which programs take as
// "reopen your logs" or "reload", the Go runtime would otherwise swallow.
func caught() []os.Signal {
	return []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2}
}

// Request reports whether sig is one of the caught signals that ask a
// running program for something (USR1, USR2) rather than to stop. Before
// the child runs there is no one to ask: such a signal is dropped, not
// taken as the end of the start.
func Request(sig os.Signal) bool {
	return sig == syscall.SIGUSR1 || sig == syscall.SIGUSR2
}

// forward decides whether a caught signal is sent on. A terminal sends INT
// and QUIT (Ctrl-C, Ctrl-\) to its whole foreground process group, child
// included: sending them again would make "press Ctrl-C twice to abort"
// programs such as Terraform abort at the first press.
func forward(sig os.Signal, terminalForeground bool) bool {
	if terminalForeground && (sig == syscall.SIGINT || sig == syscall.SIGQUIT) {
		return false
	}
	return true
}

// inTerminalForeground reports whether the child shares this process's
// process group and that group is the foreground group of a terminal the
// child was given.
func inTerminalForeground(s Spec) bool {
	self := unix.Getpgrp()
	for _, stream := range []any{s.Stdin, s.Stdout, s.Stderr} {
		f, ok := stream.(*os.File)
		if !ok || f == nil {
			continue
		}
		rc, err := f.SyscallConn()
		if err != nil {
			continue
		}
		pgrp, ioctlErr := 0, error(nil)
		if err := rc.Control(func(fd uintptr) {
			pgrp, ioctlErr = unix.IoctlGetInt(int(fd), unix.TIOCGPGRP)
		}); err == nil && ioctlErr == nil {
			return pgrp == self
		}
	}
	return false
}

// signalExit gives 128+N for a child ended by signal N.
func signalExit(ps *os.ProcessState) (int, bool) {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal()), true
	}
	return 0, false
}
