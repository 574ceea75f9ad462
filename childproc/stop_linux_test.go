package childproc_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/azcontext/azc/internal/ptytest"
)

// TestAChildThatStopsItselfStopsTheRunner: a program that stops itself
// (ssh's ~^Z, a shell's suspend, a REPL that sends itself TSTP) in the
// foreground of a terminal stops its runner too (the test binary re-run as
// TestHelperRunner), so that the shell that started azc exec sees the job
// stopped, as it would see the program run directly, and gets the terminal
// back; continuing the runner (fg, bg, kill -CONT) continues the program.
// Otherwise the runner waits on for a program no one will continue.
func TestAChildThatStopsItselfStopsTheRunner(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperRunner$", "-test.count=1")
	cmd.Env = []string{helperEnvVar + "=kill -STOP $$; echo resumed", testPATH}
	// a session of its own, whose terminal's foreground it is (so that all
	// of it can be killed if it hangs)
	_, tty := ptytest.Open(t)
	cmd.Stdin = tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	// files, read only at the end: no copying goroutine races the test
	dir := t.TempDir()
	stdout, stderr := createFile(t, dir, "stdout"), createFile(t, dir, "stderr")
	cmd.Stdout, cmd.Stderr = stdout, stderr
	out := func() string { return readFile(t, stdout.Name()) }
	errOut := func() string { return readFile(t, stderr.Name()) }
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	defer func() { _ = syscall.Kill(-pid, syscall.SIGKILL) }()
	// How the runner changes next, seen as its shell sees it, without
	// reaping it.
	changed := make(chan int32, 1)
	go func() {
		var info unix.Siginfo
		err := unix.Waitid(unix.P_PID, pid, &info, unix.WSTOPPED|unix.WEXITED|unix.WNOWAIT, nil)
		for errors.Is(err, syscall.EINTR) {
			err = unix.Waitid(unix.P_PID, pid, &info, unix.WSTOPPED|unix.WEXITED|unix.WNOWAIT, nil)
		}
		changed <- info.Code
	}()
	const cldStopped = 5 // CLD_STOPPED
	select {
	case code := <-changed:
		if code != cldStopped {
			t.Fatalf("the runner ended (si_code %d) instead of stopping; stdout %q, stderr %s", code, out(), errOut())
		}
	case <-time.After(time.Minute):
		t.Fatalf("the runner did not stop in a minute while its child was stopped; stderr %s", errOut())
	}
	if err := cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil || out() != "resumed\n" {
			t.Errorf("the continued runner ended with %v, its child printing %q; stderr %s", err, out(), errOut())
		}
	case <-time.After(time.Minute):
		t.Fatalf("the continued runner did not end in a minute: its child was not continued; stderr %s", errOut())
	}
}

// TestAChildStoppedWithoutATerminalLeavesTheRunnerRunning: without a
// terminal (a script, a job in the background) no shell continues the
// runner, so a stopped program does not stop it: the runner stopped with
// it stayed stopped when the program was continued alone (kill -CONT of
// its pid), its credential server stopped with it, and the program's end
// left a zombie and a script that never returned.
func TestAChildStoppedWithoutATerminalLeavesTheRunnerRunning(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pid")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperRunner$", "-test.count=1")
	cmd.Env = []string{helperEnvVar + "=echo $$ >" + pidFile + "; kill -STOP $$; echo resumed", testPATH}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, stderr := createFile(t, dir, "stdout"), createFile(t, dir, "stderr")
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }()
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	// the program's pid, once it is stopped
	child := 0
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the program did not stop in a minute; stderr %s", readFile(t, stderr.Name()))
		}
		if b, err := os.ReadFile(pidFile); err == nil && len(b) > 0 && b[len(b)-1] == '\n' {
			if _, err := fmt.Sscan(string(b), &child); err == nil && procState(child) == 'T' {
				break
			}
		}
	}
	// a runner that follows the stop does so within this while
	for end := time.Now().Add(500 * time.Millisecond); time.Now().Before(end) && procState(cmd.Process.Pid) != 'T'; {
		time.Sleep(10 * time.Millisecond)
	}
	if err := syscall.Kill(child, syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-waited:
		if err != nil || readFile(t, stdout.Name()) != "resumed\n" {
			t.Errorf("the runner ended with %v, its program printing %q; stderr %s", err, readFile(t, stdout.Name()), readFile(t, stderr.Name()))
		}
	case <-time.After(time.Minute):
		t.Fatalf("the runner did not end in a minute after its program was continued (runner state %c)", procState(cmd.Process.Pid))
	}
}

// procState is the state letter of process pid (/proc/PID/stat), or 0.
func procState(pid int) byte {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	if i := strings.LastIndexByte(string(b), ')'); i >= 0 && i+2 < len(b) {
		return b[i+2]
	}
	return 0
}

func createFile(t *testing.T, dir, name string) *os.File {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

// TestAShellThatSuspendsItselfGetsTheTerminalBack runs, in a real bash on a
// pseudo-terminal, the runner with an interactive bash as its child, which
// takes the terminal in a process group of its own. `suspend` in the inner
// shell must give the outer one its prompt and a stopped job, and `fg` must
// bring back the inner shell, reading the terminal, not one that finds the
// terminal another group's and ends.
func TestAShellThatSuspendsItselfGetsTheTerminalBack(t *testing.T) {
	t.Parallel()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skipf("no bash here: %v", err)
	}
	master, slave := ptytest.Open(t)
	outer := exec.Command(bash, "--norc", "--noprofile", "-i")
	outer.Env = []string{testPATH, "PS1=outer$ "}
	outer.Stdin, outer.Stdout, outer.Stderr = slave, slave, slave
	outer.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := outer.Start(); err != nil {
		t.Fatal(err)
	}
	// the whole session: both shells and the runner
	defer func() { _ = syscall.Kill(-outer.Process.Pid, syscall.SIGKILL); _ = outer.Wait() }()
	chunks := make(chan string, 64)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			if err != nil {
				close(chunks)
				return
			}
			chunks <- string(buf[:n])
		}
	}()
	var seen strings.Builder
	// waitFor reads the terminal until it shows one of wants after what
	// earlier calls consumed, and returns the one it showed first.
	waitFor := func(wants ...string) string {
		t.Helper()
		for {
			s := seen.String()
			first, at := "", -1
			for _, w := range wants {
				if i := strings.Index(s, w); i >= 0 && (at < 0 || i < at) {
					first, at = w, i
				}
			}
			if at >= 0 {
				rest := s[at+len(first):]
				seen.Reset()
				seen.WriteString(rest)
				return first
			}
			select {
			case c, ok := <-chunks:
				if !ok {
					t.Fatalf("the terminal closed while waiting for %q", wants)
				}
				seen.WriteString(c)
			case <-time.After(time.Minute):
				t.Fatalf("the terminal did not show %q in a minute; it shows %q", wants, s)
			}
		}
	}
	typeLine := func(line string) {
		t.Helper()
		if _, err := master.Write([]byte(line + "\n")); err != nil {
			t.Fatal(err)
		}
	}
	waitFor("outer$ ")
	// (the prompt is spelled so that the terminal's echo of the line does
	// not show it)
	typeLine(helperEnvVar + `='PS1="in""ner$ " exec bash --norc --noprofile -i' ` + os.Args[0] + ` -test.run=^TestHelperRunner$ -test.count=1`)
	waitFor("inner$ ")
	typeLine("suspend")
	waitFor("Stopped")
	waitFor("outer$ ")
	typeLine("fg")
	typeLine("echo inner-$((6*7))")
	waitFor("inner-42")
	if got := waitFor("inner$ ", "outer$ "); got != "inner$ " {
		t.Fatal("after fg the outer shell ran the command: the inner one had ended")
	}
	typeLine("exit")
	typeLine("echo runner=$?")
	waitFor("runner=0")
}
