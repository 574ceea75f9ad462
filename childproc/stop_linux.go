//go:build linux

package childproc

import (
	"errors"
	"os"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// cldStopped is the si_code of a waitid report of a stopped child
// (CLD_STOPPED, include/uapi/asm-generic/siginfo.h).
const cldStopped = 5

// watchStops returns a channel that receives each time the child pid stops
// (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU), until it ends. It reads the child's
// changes without reaping it, which is Wait's. The continued reports from
// before a stop are consumed before the stop is told, so that one found
// after it (continuedSince) means the child was continued since.
func watchStops(pid int) <-chan struct{} {
	c := make(chan struct{}, 1)
	go func() {
		for {
			var info unix.Siginfo
			if err := waitid(pid, &info, unix.WSTOPPED|unix.WEXITED|unix.WNOWAIT); err != nil || info.Code != cldStopped {
				return // it ended (Wait reaps it), or is no child to wait for
			}
			continuedSince(pid)
			// Consume the stop, which the next waitid then waits past; none
			// is there when the child was continued meanwhile.
			if err := waitid(pid, &info, unix.WSTOPPED|unix.WNOHANG); err != nil || info.Signo == 0 {
				continue
			}
			select {
			case c <- struct{}{}:
			default: // one not yet followed is enough
			}
		}
	}()
	return c
}

// followStop stops this process, as the child has stopped (and has not been
// continued since, as when a Ctrl-Z stopped both): the shell that started
// it then sees its job stopped, as it would see the child run directly,
// and takes the terminal back. Once this process is continued (fg, bg,
// kill -CONT), so is the child.
func followStop(p *os.Process) {
	if continuedSince(p.Pid) {
		return
	}
	stopSelf()
	_ = p.Signal(syscall.SIGCONT)
	continuedSince(p.Pid)
}

// stopSelf stops this process and returns once it is continued. The stop
// is sent to the calling thread: one sent to the process may be taken by
// another thread, and this one would run on, continuing the child, until
// the stop reached it.
func stopSelf() {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	_ = unix.Tgkill(unix.Getpid(), unix.Gettid(), unix.SIGSTOP)
}

// continuedSince reports whether the child was continued since its last
// stop was told, consuming the reports that say so.
func continuedSince(pid int) bool {
	continued := false
	for {
		var info unix.Siginfo
		if err := waitid(pid, &info, unix.WCONTINUED|unix.WNOHANG); err != nil || info.Signo == 0 {
			return continued
		}
		continued = true
	}
}

// waitid is unix.Waitid for one process, retried when a signal
// interrupts it.
func waitid(pid int, info *unix.Siginfo, options int) error {
	for {
		if err := unix.Waitid(unix.P_PID, pid, info, options, nil); !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}
