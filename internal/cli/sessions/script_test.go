package sessions_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/azcontext/azc/internal/cli"
	"github.com/azcontext/azc/internal/cli/front"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"azc":      func() { os.Exit(front.Main("v0.0.0-test", os.Args[1:])) },
		"azc-full": func() { os.Exit(cli.Main("v0.0.0-test", os.Args[1:])) },
	})
}

// TestScripts runs testdata/script: scope and autosave rules, sessions and
// their error paths. Each script gets its own state directory $WORK/azc,
// a fixture profile at $WORK/fixture.json, and $OWNER, the pid of a
// process that outlives the script (this test), to own its sessions.
func TestScripts(t *testing.T) {
	t.Parallel()
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("AZC_CONFIG_DIR", filepath.Join(env.WorkDir, "azc"))
			env.Setenv("NO_COLOR", "1")
			env.Setenv("OWNER", strconv.Itoa(os.Getpid()))
			fixture, err := os.ReadFile(filepath.Join("testdata", "fixture.json"))
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Join(env.WorkDir, "azc"), 0o700); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(env.WorkDir, "fixture.json"), fixture, 0o600)
		},
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"exitcode":      cmdExitCode,
			"setenv-stdout": cmdSetenvStdout,
		},
		RequireExplicitExec: true,
	})
}

// cmdExitCode is `exitcode N PROG ARGS…`: run PROG like exec and fail
// unless it exits with code N.
func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N program args...")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: %v", err)
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exitcode: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with code %d, want %d", args[1], got, want)
	}
}

// cmdSetenvStdout is `setenv-stdout NAME`: set NAME to the last command's
// stdout, trimmed — the script's $(…).
func cmdSetenvStdout(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: setenv-stdout NAME")
	}
	ts.Setenv(args[0], strings.TrimSpace(ts.ReadFile("stdout")))
}
