//go:build linux

package execute_test

import (
	"bufio"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/azcontext/azc/emulator"
)

// openPTY returns the master and the slave of a new pseudo-terminal.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetUint32(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.FormatUint(uint64(n), 10), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return m, s
}

// TestTheServerWarnsOnATerminalThatStopsBackgroundWriters: azc exec runs in
// the foreground of a terminal set to stop the background processes that
// write to it (stty tostop), and the child asks for a token the identity
// provider refuses, which the server, in a process group of its own, tells
// the terminal. The warning must be shown and azc end
// with the child. (The server was stopped by SIGTTOU as it wrote: the
// child's request hung, and azc, which waits for the server, never ended.)
func TestTheServerWarnsOnATerminalThatStopsBackgroundWriters(t *testing.T) {
	t.Parallel()
	master, slave := openPTY(t)
	tio, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	tio.Lflag |= unix.TOSTOP
	if err := unix.IoctlSetTermios(int(slave.Fd()), unix.TCSETS, tio); err != nil {
		t.Fatal(err)
	}
	w := newWorld(t, 1)
	w.emu.SetFault(emulator.RouteToken, emulator.Fault{Status: http.StatusBadRequest, Description: "refused-for-the-test"})
	// The ARM token is cached since the sign-in; the other spelling of
	// ARM's audience is not, so the child's request reaches the provider.
	cmd := exec.Command(bin.azc, "exec", "-c", w.ids[0].context, "--", "sh", "-c",
		`timeout 30 "$0" -cred mi -scope https://management.azure.com/.default -echo "$1" -ca "$2" >/dev/null 2>&1; echo "probe ended $?"`,
		bin.probe, w.echoURL(), w.caFile)
	cmd.Env = w.env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	read := make(chan string, 100)
	go func() {
		rd := bufio.NewReader(master)
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				close(read)
				return
			}
			read <- line
		}
	}()
	lines := (<-chan string)(read)
	ended := make(chan error, 1)
	go func() { ended <- cmd.Wait() }()
	var out strings.Builder
	timeout := time.After(90 * time.Second)
	for done := false; !done; {
		select {
		case line, ok := <-lines:
			if !ok {
				lines = nil
				continue
			}
			out.WriteString(line)
		case <-ended:
			done = true
		case <-timeout:
			t.Fatalf("azc exec did not end; the terminal showed:\n%s", out.String())
		}
	}
	// what is left on the terminal
	for drain := time.After(time.Second); lines != nil; {
		select {
		case line, ok := <-lines:
			if !ok {
				lines = nil
			}
			out.WriteString(line)
		case <-drain:
			lines = nil
		}
	}
	if !strings.Contains(out.String(), "refused-for-the-test") {
		t.Errorf("the server's warning did not reach the terminal:\n%s", out.String())
	}
	if testing.Verbose() {
		t.Logf("the terminal showed:\n%s", out.String())
	}
}
