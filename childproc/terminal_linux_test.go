//go:build linux

package childproc_test

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/azcontext/azc/internal/ptytest"
)

// TestCtrlCReachesTheChildOnce runs the runner as the foreground process
// group of a pseudo-terminal and types Ctrl-C: the terminal delivers INT to
// the child itself, so the runner must not send a second one (Terraform
// aborts hard on the second). TERM, which a terminal never sends, is still
// passed on; the child reports how many INTs it saw when TERM arrives.
func TestCtrlCReachesTheChildOnce(t *testing.T) {
	t.Parallel()
	master, slave := ptytest.Open(t)
	// short sleeps, not "read": a signal that arrives just before the
	// shell's read(2) starts never interrupts it (see
	// TestSignalsReachTheChildThroughAzc)
	script := `n=0; trap 'n=$((n+1)); echo "INT $n"' INT; trap 'echo "ints=$n"; exit 42' TERM; ` +
		`echo ready; while :; do sleep 0.05; done`
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperRunner$", "-test.count=1")
	cmd.Env = []string{helperEnvVar + "=" + script, testPATH}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	rd := bufio.NewReader(master)
	waitFor := func(want string) {
		t.Helper()
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				t.Fatalf("reading the terminal while waiting for %q: %v", want, err)
			}
			if strings.Contains(line, want) {
				return
			}
		}
	}
	waitFor("ready")
	if _, err := master.Write([]byte{0x03}); err != nil { // Ctrl-C
		t.Fatal(err)
	}
	waitFor("INT 1")
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			t.Fatalf("reading the terminal: %v", err)
		}
		if strings.Contains(line, "INT 2") {
			t.Fatal("the child got Ctrl-C twice: the runner passed on an INT the terminal had already sent")
		}
		if strings.Contains(line, "ints=") {
			if got := strings.TrimSpace(line); got != "ints=1" {
				t.Fatalf("child reported %q, want ints=1", got)
			}
			break
		}
	}
	err := cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 42 {
		t.Errorf("runner ended with %v (code %d), want 42", err, code)
	}
}
