package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/credstore/desktopkey"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/front"
)

// blobMain is the script program `azcblob`, over the user's credential store
// of $AZC_CONFIG_DIR; it never prints a blob:
//
//	azcblob put KEY FILE       store FILE's bytes under KEY
//	azcblob has KEY [STRING…]  exit 1 unless the blob exists and holds each STRING
//	azcblob absent KEY         exit 1 unless there is no blob under KEY
//	azcblob link-lock KEY TARGET
//	                           make KEY's credential lock file a symbolic
//	                           link to TARGET (a planted link azc refuses)
func blobMain(args []string) int {
	if len(args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: azcblob put|has|absent|link-lock KEY ...")
		return 2
	}
	dir, err := azc.DefaultDir(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	s, err := credstore.Open(dir, credstore.Options{Env: os.Getenv, Desktop: desktopkey.Backend()})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	key := args[1]
	switch args[0] {
	case "put":
		data, err := os.ReadFile(args[2])
		if err == nil {
			err = s.Put(key, data)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
	case "has":
		data, err := s.Get(key)
		if err != nil {
			fmt.Fprintln(os.Stderr, "no blob:", err)
			return 1
		}
		for _, want := range args[2:] {
			if !bytes.Contains(data, []byte(want)) {
				fmt.Fprintf(os.Stderr, "blob lacks string %d\n", slices.Index(args[2:], want))
				return 1
			}
		}
	case "absent":
		if _, err := s.Get(key); !errors.Is(err, credstore.ErrNotFound) {
			fmt.Fprintln(os.Stderr, "blob present or unreadable")
			return 1
		}
	case "link-lock":
		if err := os.Symlink(args[2], s.LockPath(key)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
	default:
		return 2
	}
	return 0
}

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"azc":      func() { os.Exit(front.Main("v0.0.0-test", os.Args[1:])) },
		"azc-full": func() { os.Exit(Main("v0.0.0-test", os.Args[1:])) },
		"azcblob":  func() { os.Exit(blobMain(os.Args[1:])) },
	})
}

// TestScripts runs the end-to-end CLI scripts in testdata/script. Each gets
// its own state directory $WORK/azc (created empty) and a fixture profile
// at $WORK/fixture.json (testdata/fixture.json) to `cp` into it.
func TestScripts(t *testing.T) {
	t.Parallel()
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("AZC_CONFIG_DIR", filepath.Join(env.WorkDir, "azc"))
			env.Setenv("NO_COLOR", "1")
			fixture, err := os.ReadFile(filepath.Join("testdata", "fixture.json"))
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Join(env.WorkDir, "azc"), 0o700); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(env.WorkDir, "fixture.json"), fixture, 0o600)
		},
		Cmds:                map[string]func(*testscript.TestScript, bool, []string){"exitcode": cmdExitCode},
		RequireExplicitExec: true,
	})
}

// TestRunIsolated shows a Factory needs no globals: two runs with their own
// streams and state directories in one process.
func TestRunIsolated(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"a", "b"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			ios, _, out, errOut := cmdutil.Test()
			env := map[string]string{"AZC_CONFIG_DIR": filepath.Join(dir, "azc")}
			f := cmdutil.NewFactory(ios, func(k string) string { return env[k] }, "v1")
			if code := Run(context.Background(), f, []string{"environment", "add", "Emu" + name, "--authority-host", "https://127.0.0.1:1/", "--arm-endpoint", "https://127.0.0.1:1/", "-o", "json"}); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if code := Run(context.Background(), f, []string{"environment", "list", "--query", "[?!builtIn].name", "-o", "tsv"}); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if got, want := out.String(), "Emu"+name+"\n"; !endsWith(got, want) {
				t.Errorf("output %q does not end with %q", got, want)
			}
		})
	}
}

func endsWith(s, suffix string) bool {
	return len(s) >= len(suffix) && s[len(s)-len(suffix):] == suffix
}

// cmdExitCode is the script command `exitcode N PROG ARGS…`: it runs PROG
// like exec and fails unless it exits with code N.
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
