//go:build unix

package childproc_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/azcontext/azc/childproc"
)

const testPATH = "PATH=/usr/local/bin:/usr/bin:/bin"

func TestRunExitCodes(t *testing.T) {
	t.Parallel()
	notExec := filepath.Join(t.TempDir(), "not-executable")
	if err := os.WriteFile(notExec, []byte("#!/bin/sh\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		args     []string
		want     int
		wantErr  bool
		notFound bool
	}{
		{"a child that succeeds", []string{"sh", "-c", "exit 0"}, 0, false, false},
		{"a child that exits 7", []string{"sh", "-c", "exit 7"}, 7, false, false},
		{"a child that exits 255", []string{"sh", "-c", "exit 255"}, 255, false, false},
		{"a child killed by TERM reports 128+15", []string{"sh", "-c", "kill -TERM $$"}, 143, false, false},
		{"a child killed by KILL reports 128+9", []string{"sh", "-c", "kill -KILL $$"}, 137, false, false},
		{"a command not in PATH", []string{"azc-no-such-command"}, 127, true, true},
		{"a path that does not exist", []string{"/nonexistent/cmd"}, 127, true, true},
		{"a file that is not executable", []string{notExec}, 126, true, false},
		{"no command", nil, 127, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, err := childproc.Run(t.Context(), childproc.Spec{Args: tc.args, Env: []string{testPATH}})
			if code != tc.want || (err != nil) != tc.wantErr {
				t.Fatalf("Run = %d, %v; want %d, error %v", code, err, tc.want, tc.wantErr)
			}
			if tc.notFound && !errors.Is(err, exec.ErrNotFound) && !errors.Is(err, os.ErrNotExist) {
				t.Errorf("error %v is neither exec.ErrNotFound nor fs.ErrNotExist", err)
			}
		})
	}
}

// helloDir returns a directory of its own holding azc-test-hello, which
// is echo.
func helloDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	// A symlink, not a written script: writing an executable while other
	// tests fork risks ETXTBSY (golang.org/issue/22315).
	echo, err := exec.LookPath("/bin/echo")
	if err != nil {
		t.Skip(err)
	}
	if err := os.Symlink(echo, filepath.Join(dir, "azc-test-hello")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestRunLooksUpTheCommandInTheChildsPATH(t *testing.T) {
	t.Parallel()
	dir := helloDir(t)
	var out bytes.Buffer
	code, err := childproc.Run(t.Context(), childproc.Spec{
		Args:   []string{"azc-test-hello", "hi"},
		Env:    []string{"PATH=relative:" + dir},
		Stdout: &out,
	})
	if err != nil || code != 0 {
		t.Fatalf("Run = %d, %v", code, err)
	}
	if got := out.String(); got != "hi\n" {
		t.Errorf("child printed %q", got)
	}
	// The same name is not found with the PATH of this process.
	if code, err := childproc.Run(t.Context(), childproc.Spec{Args: []string{"azc-test-hello"}, Env: []string{testPATH}}); code != childproc.ExitNotFound || !errors.Is(err, exec.ErrNotFound) {
		t.Errorf("with another PATH: Run = %d, %v; want 127, not found", code, err)
	}
}

// On Unix variable names are case-sensitive: `path` or `Path` is not the
// PATH a shell, env or the child itself looks commands up in, wherever it
// comes in the environment.
func TestRunLooksUpTheCommandInPATHNotInAVariableOfAnotherCase(t *testing.T) {
	t.Parallel()
	dir := helloDir(t)
	for _, name := range []string{"path", "Path"} {
		code, err := childproc.Run(t.Context(), childproc.Spec{Args: []string{"azc-test-hello"}, Env: []string{testPATH, name + "=" + dir}})
		if code != childproc.ExitNotFound || !errors.Is(err, exec.ErrNotFound) {
			t.Errorf("with %s naming the command's directory after PATH: Run = %d, %v; want 127, not found", name, code, err)
		}
	}
}

func TestRunGivesTheChildExactlyItsEnvironment(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	env := []string{testPATH, "ONLY=this"}
	code, err := childproc.Run(t.Context(), childproc.Spec{Args: []string{"env"}, Env: env, Stdout: &out})
	if err != nil || code != 0 {
		t.Fatalf("Run = %d, %v", code, err)
	}
	if got := strings.Fields(out.String()); strings.Join(got, " ") != strings.Join(env, " ") {
		t.Errorf("child saw %q, want %q", got, env)
	}
}

func TestRunHandsOverFilesAndDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in, err := os.Open(writeFile(t, dir, "in", "from stdin\n"))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(filepath.Join(dir, "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	errf, err := os.Create(filepath.Join(dir, "err"))
	if err != nil {
		t.Fatal(err)
	}
	defer errf.Close()
	code, err := childproc.Run(t.Context(), childproc.Spec{
		Args:  []string{"sh", "-c", "cat; pwd; echo oops >&2; exit 3"},
		Env:   []string{testPATH},
		Dir:   dir,
		Stdin: in, Stdout: out, Stderr: errf,
	})
	if err != nil || code != 3 {
		t.Fatalf("Run = %d, %v", code, err)
	}
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(dir, "out")); got != "from stdin\n"+realDir+"\n" {
		t.Errorf("stdout %q", got)
	}
	if got := readFile(t, filepath.Join(dir, "err")); got != "oops\n" {
		t.Errorf("stderr %q", got)
	}
}

func TestCancellingTheContextKillsTheChild(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	// w is Run's until Run returns: the child can print "ready" before
	// Start, which reads w's descriptor, has returned in this process.
	defer w.Close()
	type result struct {
		code int
		err  error
	}
	done := make(chan result, 1)
	go func() {
		code, err := childproc.Run(ctx, childproc.Spec{Args: []string{"sh", "-c", "echo ready; exec sleep 600"}, Env: []string{testPATH}, Stdout: w})
		done <- result{code, err}
	}()
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil || line != "ready\n" {
		t.Fatalf("read %q, %v", line, err)
	}
	cancel()
	if res := <-done; res.code != 128+int(syscall.SIGKILL) {
		t.Errorf("Run = %d, %v; want %d", res.code, res.err, 128+int(syscall.SIGKILL))
	}
}

// TestASignalQueuedBeforeRunReachesTheChild: a signal the caller's
// channel (Spec.Signals) caught while it prepared the child is passed on
// once the child exists, so the child ends with it instead of running on.
func TestASignalQueuedBeforeRunReachesTheChild(t *testing.T) {
	t.Parallel()
	sigs := make(chan os.Signal, 1)
	sigs <- syscall.SIGTERM
	code, err := childproc.Run(t.Context(), childproc.Spec{Args: []string{"sh", "-c", "exec sleep 600"}, Env: []string{testPATH}, Signals: sigs})
	if err != nil || code != 128+int(syscall.SIGTERM) {
		t.Errorf("Run = %d, %v; want %d", code, err, 128+int(syscall.SIGTERM))
	}
}

// helperEnvVar makes TestHelperRunner act as a stand-in for azc exec: it
// runs the script in its value through childproc.Run and exits with the
// code Run returns.
const helperEnvVar = "AZC_CHILDPROC_TEST_HELPER"

func TestHelperRunner(t *testing.T) {
	script := os.Getenv(helperEnvVar)
	if script == "" {
		t.Skip("runs only as the child of TestSignalsArePassedOn")
	}
	code, err := childproc.Run(context.Background(), childproc.Spec{
		Args: []string{"sh", "-c", script}, Env: []string{testPATH},
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

// TestSignalsArePassedOn sends each signal to a process running a child
// through Run (the test binary re-run as TestHelperRunner): the child's trap
// must see it, the runner must survive it, and the runner's exit code must
// be the child's. The child says "ready" on the shared stdout pipe once its
// trap is set; that line is the only synchronisation.
func TestSignalsArePassedOn(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2} {
		name := strings.TrimPrefix(sigName(sig), "SIG")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// The shell waits in short foreground sleeps: it runs a trap
			// when the command it waits for ends, so a signal that comes
			// just before a blocking builtin such as "read" would wait
			// for ever, while here it is seen within one sleep.
			script := fmt.Sprintf(`trap 'echo got %[1]s; exit 42' %[1]s; echo ready; while :; do sleep 0.05; done`, name)
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperRunner$", "-test.count=1")
			cmd.Env = []string{helperEnvVar + "=" + script, testPATH}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			stdin, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			defer stdin.Close()
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			rd := bufio.NewReader(stdout)
			if line, err := rd.ReadString('\n'); err != nil || line != "ready\n" {
				_ = cmd.Process.Kill()
				t.Fatalf("read %q, %v; stderr %s", line, err, stderr.String())
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			rest, err := io.ReadAll(rd)
			if err != nil {
				t.Fatal(err)
			}
			err = cmd.Wait()
			if got := string(rest); got != "got "+name+"\n" {
				t.Errorf("child printed %q after ready; stderr %s", got, stderr.String())
			}
			if code := cmd.ProcessState.ExitCode(); code != 42 {
				t.Errorf("runner ended with %v (code %d), want the child's 42; stderr %s", err, code, stderr.String())
			}
		})
	}
}

func sigName(s syscall.Signal) string {
	switch s {
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGHUP:
		return "SIGHUP"
	case syscall.SIGQUIT:
		return "SIGQUIT"
	case syscall.SIGUSR1:
		return "SIGUSR1"
	case syscall.SIGUSR2:
		return "SIGUSR2"
	}
	return s.String()
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestACommandThatCannotRunIsNamedOnce: the error of a child that cannot
// be started says what and why once, in words, without os/exec's or the
// system call's ("executable file not found in $PATH" after "not found in
// the program's PATH"; "stat ./x: no such file or directory").
func TestACommandThatCannotRunIsNamedOnce(t *testing.T) {
	t.Parallel()
	notExec := filepath.Join(t.TempDir(), "not-executable")
	if err := os.WriteFile(notExec, []byte("#!/bin/sh\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, want string }{
		{"azc-no-such-command", `"azc-no-such-command" not found in the program's PATH`},
		{"./azc-no-such-command", `"./azc-no-such-command" cannot be run: no such file or directory`},
		{notExec, strconv.Quote(notExec) + " cannot be run: permission denied"},
	} {
		_, err := childproc.Run(t.Context(), childproc.Spec{Args: []string{tc.name}, Env: []string{testPATH}})
		if err == nil || err.Error() != tc.want {
			t.Errorf("Run(%s): %v, want %q", tc.name, err, tc.want)
		}
	}
}
