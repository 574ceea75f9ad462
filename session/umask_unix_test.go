//go:build unix

package session_test

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/azcontext/azc/session"
)

// TestAUmaskTakesNoModeFromASessionsFiles: the runtime directories a new
// session makes, the session's own directory and files, and the holds
// directory in the state directory have the modes azc gives them (0700,
// 0600) whatever the umask of the process that made them: under umask
// 0277 they were 0500, and the session, built in a directory of its own
// it could not write in, failed to start.
func TestAUmaskTakesNoModeFromASessionsFiles(t *testing.T) {
	t.Parallel()
	rt, state := filepath.Join(t.TempDir(), "run"), t.TempDir()
	if err := os.Mkdir(rt, 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), helperEnv+"=umask", "AZC_TEST_RUNTIME_DIR="+rt, "AZC_TEST_STATE_DIR="+state)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the helper: %v\n%s", err, out)
	}
	var n int
	for _, root := range []string{filepath.Join(rt, "azc"), session.HoldsDir(state)} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			fi, err := d.Info()
			if err != nil {
				return err
			}
			n++
			want := fs.FileMode(0o600)
			if fi.IsDir() {
				want = 0o700
			}
			if got := fi.Mode().Perm(); got != want {
				t.Errorf("%s: mode %v under umask 0277, want %v", path, got, want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n < 6 {
		t.Fatalf("the helper made %d files and directories, want the session's and a hold", n)
	}
}

// umaskHelper is the program of TestAUmaskTakesNoModeFromASessionsFiles:
// under umask 0277 it starts a session in $AZC_TEST_RUNTIME_DIR and has
// it hold an account in $AZC_TEST_STATE_DIR.
func umaskHelper() int {
	syscall.Umask(0o277)
	s, _, err := session.New(os.Getenv("AZC_TEST_RUNTIME_DIR"), os.Getpid())
	if err == nil {
		var settle func() error
		if settle, err = s.Hold(os.Getenv("AZC_TEST_STATE_DIR"), "azurecloud|t|user@example.com"); err == nil {
			err = settle()
		}
	}
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		return 1
	}
	return 0
}
