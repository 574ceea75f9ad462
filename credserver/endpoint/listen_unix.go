//go:build unix

package endpoint

import (
	"fmt"
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// Listen opens a TCP socket listening on 127.0.0.1 with a port the system
// picks, close-on-exec, and returns it with its address, "127.0.0.1:<port>".
// net.FileListener serves on it; connections wait in its backlog until
// then.
func Listen() (*os.File, string, error) {
	// As the net package does where SOCK_CLOEXEC is missing: no fork may
	// copy the descriptor before it is close-on-exec.
	syscall.ForkLock.RLock()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err == nil {
		unix.CloseOnExec(fd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return nil, "", fmt.Errorf("listen on 127.0.0.1: socket: %w", err)
	}
	fail := func(op string, err error) (*os.File, string, error) {
		_ = unix.Close(fd)
		return nil, "", fmt.Errorf("listen on 127.0.0.1: %s: %w", op, err)
	}
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		return fail("bind", err)
	}
	if err := unix.Listen(fd, unix.SOMAXCONN); err != nil {
		return fail("listen", err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return fail("getsockname", err)
	}
	in4, ok := sa.(*unix.SockaddrInet4)
	if !ok {
		return fail("getsockname", fmt.Errorf("address %T is not IPv4", sa))
	}
	return os.NewFile(uintptr(fd), "credential server listener"), Loopback + ":" + strconv.Itoa(in4.Port), nil
}
