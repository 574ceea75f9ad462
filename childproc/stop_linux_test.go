package childproc_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestAChildThatStopsItselfStopsTheRunner: a program that stops itself
// (ssh's ~^Z, a shell's suspend, a REPL that sends itself TSTP) stops its
// runner too (the test binary re-run as TestHelperRunner), so that the
// shell that started azc exec sees the job stopped, as it would see the
// program run directly, and gets the terminal back; continuing the runner
// (fg, bg, kill -CONT) continues the program. Otherwise the runner waits
// on for a program no one will continue.
func TestAChildThatStopsItselfStopsTheRunner(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperRunner$", "-test.count=1")
	cmd.Env = []string{helperEnvVar + "=kill -STOP $$; echo resumed", testPATH}
	// a group of its own, so that all of it can be killed if it hangs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
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

func createFile(t *testing.T, dir, name string) *os.File {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}
