//go:build unix

package session_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/session"
)

// nobody is the user the read-only test runs its check as when it runs as
// root, whom a directory's mode does not stop.
const nobody = 65534

// TestASessionDirectoryYouCannotWriteIsReported: a shell's session whose
// directory the user cannot write (mode 0500, as on a runtime directory
// remounted read-only) fails every change the shell makes; CheckWritable
// (`azc doctor`) says so, with the way out: the directory made writable,
// or XDG_RUNTIME_DIR set elsewhere and a new session started, as the
// shell's stays where it was made. As root it runs this test binary as
// nobody; otherwise in this process.
func TestASessionDirectoryYouCannotWriteIsReported(t *testing.T) {
	if dir := os.Getenv("AZC_TEST_RO_SESSION"); dir != "" {
		fmt.Println(checkReadOnlySession(t, dir))
		return
	}
	base, err := os.MkdirTemp("", "azc-ro-session")
	if err != nil {
		t.Fatal(err)
	}
	rt := filepath.Join(base, "rt")
	t.Cleanup(func() {
		_ = filepath.Walk(base, func(p string, _ os.FileInfo, _ error) error { return os.Chmod(p, 0o700) })
		os.RemoveAll(base)
	})
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(rt, 0o700); err != nil {
		t.Fatal(err)
	}
	var got string
	if os.Geteuid() != 0 {
		got = checkReadOnlySession(t, rt)
	} else {
		self, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		// a copy nobody can run: the test binary's directory is root's alone
		bin := filepath.Join(base, "session.test")
		data, err := os.ReadFile(self)
		if err == nil {
			err = os.WriteFile(bin, data, 0o755)
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(rt, nobody, nobody); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "-test.run=^TestASessionDirectoryYouCannotWriteIsReported$")
		cmd.Env = append(os.Environ(), "AZC_TEST_RO_SESSION="+rt)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
		out, err := cmd.CombinedOutput()
		if errors.Is(err, syscall.EPERM) {
			t.Skipf("cannot run the check as another user: %v", err)
		}
		if err != nil {
			t.Fatalf("the check as uid %d: %v: %s", nobody, err, out)
		}
		got = string(out)
	}
	for _, want := range []string{"the directory " + rt + "/", "is not writable by you",
		"or set XDG_RUNTIME_DIR to a directory you can write, then start a new session with " + session.HowToStart} {
		if !strings.Contains(got, want) {
			t.Errorf("the check of a session of mode 0500: %s; want %q", got, want)
		}
	}
}

// checkReadOnlySession starts a session in the runtime directory rt, takes
// the write permission of its directory away, and returns what
// CheckWritable says of it: its error and hint.
func checkReadOnlySession(t *testing.T, rt string) string {
	s, _, err := session.New(rt, os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CheckWritable(); err != nil {
		t.Fatalf("a new session: %v", err)
	}
	if err := os.Chmod(s.Dir(), 0o500); err != nil {
		t.Fatal(err)
	}
	err = s.CheckWritable()
	var uw *profile.UnwritableError
	if !errors.As(err, &uw) {
		t.Fatalf("CheckWritable of a session of mode 0500 = %v, want an *UnwritableError", err)
	}
	return err.Error() + "; " + uw.Hint()
}
