//go:build unix

package profile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// otherUID is the user the test runs azc's checks as: nobody.
const otherUID = 65534

// TestAFileAnotherUserKeepsFromYouIsNamedAsTheirs: a state directory,
// profile.json or profile.lock of another user that the user cannot even
// open is refused as the files of another user are that the user can
// open: with the owner and the way out, not "open …: permission denied",
// which would leave them guessing why (azc run as one user on another's
// AZC_CONFIG_DIR). It runs this test binary as nobody, so it needs root.
func TestAFileAnotherUserKeepsFromYouIsNamedAsTheirs(t *testing.T) {
	if os.Getenv("AZC_TEST_OTHER_DIR") != "" {
		t.Skip("the helper run")
	}
	if os.Geteuid() != 0 {
		t.Skip("runs itself as another user: needs root")
	}
	base, err := os.MkdirTemp("", "azc-other")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(base, "profile.test")
	copyFile(t, self, bin, 0o755)

	// Root's state directory, which nobody cannot open.
	rootDir := filepath.Join(base, "root")
	if err := os.Mkdir(rootDir, 0o700); err != nil {
		t.Fatal(err)
	}
	// Nobody's state directory holding root's profile.json and
	// profile.lock, which nobody cannot open.
	mine := func(name string) string {
		d := filepath.Join(base, name)
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(d, otherUID, otherUID); err != nil {
			t.Fatal(err)
		}
		return d
	}
	withProfile, withLock := mine("profile"), mine("lock")
	if err := os.WriteFile(filepath.Join(withProfile, FileName), []byte(`{"version":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(withLock, LockName), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ dir, path, op string }{
		{rootDir, rootDir, "open"},
		{withProfile, filepath.Join(withProfile, FileName), "load"},
		{withLock, filepath.Join(withLock, LockName), "update"},
		{withProfile, filepath.Join(withProfile, FileName), "check"},
	} {
		cmd := exec.Command(bin, "-test.run=^TestHelperAsAnotherUser$")
		cmd.Env = append(os.Environ(), "AZC_TEST_OTHER_DIR="+tc.dir, "AZC_TEST_OTHER_OP="+tc.op)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: otherUID, Gid: otherUID}}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("the helper as uid %d: %v: %s", otherUID, err, out)
		}
		want := fmt.Sprintf("%s is owned by uid 0, not by you (uid %d)", tc.path, otherUID)
		if !strings.Contains(string(out), want) {
			t.Errorf("%s of %s as uid %d: %s; want %q", tc.op, tc.dir, otherUID, out, want)
		}
	}
}

// TestHelperAsAnotherUser is TestAFileAnotherUserKeepsFromYouIsNamedAsTheirs's
// program, run as another user: it opens, loads or updates the store in
// $AZC_TEST_OTHER_DIR and prints the error.
func TestHelperAsAnotherUser(t *testing.T) {
	dir := os.Getenv("AZC_TEST_OTHER_DIR")
	if dir == "" {
		t.Skip("run by TestAFileAnotherUserKeepsFromYouIsNamedAsTheirs")
	}
	var err error
	if op := os.Getenv("AZC_TEST_OTHER_OP"); op == "check" {
		for _, c := range CheckFiles(dir) {
			if c.Err != nil {
				err = errors.Join(err, c.Err)
			}
			if c.Warn != nil {
				err = errors.Join(err, c.Warn)
			}
		}
	} else if s, oerr := Open(dir, Options{}); oerr != nil || op == "open" {
		err = oerr
	} else if op == "load" {
		_, err = s.Load()
	} else {
		_, err = s.Update(func(p *Profile) error { p.DefaultContext = "x"; return nil })
	}
	fmt.Printf("helper: %v\n", err)
	var h interface{ Hint() string }
	if errors.As(err, &h) {
		fmt.Printf("hint: %s\n", h.Hint())
	}
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestAReadOnlyLockFileIsNamedWithTheFix: a profile.lock of the user's
// that the user cannot write (mode 0400: a chmod -R a-w, a restored
// backup) stops every write; the write and `azc doctor` say what is wrong
// with it and that chmod 600 fixes it, not "open …: permission denied"
// (the write) and ok (doctor's check of the lock file). It runs this test
// binary as nobody, as root can open the file for writing whatever its
// mode, so it needs root.
func TestAReadOnlyLockFileIsNamedWithTheFix(t *testing.T) {
	if os.Getenv("AZC_TEST_OTHER_DIR") != "" {
		t.Skip("the helper run")
	}
	if os.Geteuid() != 0 {
		t.Skip("runs itself as another user: needs root")
	}
	base, err := os.MkdirTemp("", "azc-other")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(base, "profile.test")
	copyFile(t, self, bin, 0o755)
	dir := filepath.Join(base, "state")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(dir, LockName)
	if err := os.WriteFile(lock, nil, 0o400); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dir, lock} {
		if err := os.Chown(p, otherUID, otherUID); err != nil {
			t.Fatal(err)
		}
	}
	for _, op := range []string{"update", "check"} {
		cmd := exec.Command(bin, "-test.run=^TestHelperAsAnotherUser$")
		cmd.Env = append(os.Environ(), "AZC_TEST_OTHER_DIR="+dir, "AZC_TEST_OTHER_OP="+op)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: otherUID, Gid: otherUID}}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("the helper as uid %d: %v: %s", otherUID, err, out)
		}
		for _, want := range []string{lock + " cannot be opened by you (mode 0400)", "`chmod 600 " + lock + "`"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("%s as uid %d: %s; want %q", op, otherUID, out, want)
			}
		}
	}
}

// TestAStateDirectoryYouCannotWriteIsNamedByTheWriteAndTheCheck: a state
// directory of the user's that the user cannot write (mode 0500, as on a
// read-only mount) fails a write with the *UnwritableError naming it and
// the way out, not "open …: permission denied", and CheckFiles (`azc
// doctor`) warns of it, though reads work. As root, whom a mode does not
// stop, it runs this test binary as nobody; otherwise in this process.
func TestAStateDirectoryYouCannotWriteIsNamedByTheWriteAndTheCheck(t *testing.T) {
	if os.Getenv("AZC_TEST_OTHER_DIR") != "" {
		t.Skip("the helper run")
	}
	base, err := os.MkdirTemp("", "azc-ro")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(base, "state")
	t.Cleanup(func() { _ = os.Chmod(dir, 0o700); os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	want := []string{"cannot create " + filepath.Join(dir, LockName) + ": the directory " + dir + " is not writable by you", "chmod u+w"}
	if os.Geteuid() != 0 {
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		s, err := Open(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Update(func(p *Profile) error { p.DefaultContext = "x"; return nil })
		var uw *UnwritableError
		if !errors.As(err, &uw) || !strings.Contains(err.Error(), want[0]) || !strings.Contains(uw.Hint(), want[1]) {
			t.Errorf("Update in a directory of mode 0500: %v; want %q", err, want[0])
		}
		if c := CheckFiles(dir)[0]; !errors.As(c.Warn, &uw) || c.Err != nil {
			t.Errorf("CheckFiles' state directory: %+v; want a warning that it cannot be written", c)
		}
		return
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(base, "profile.test")
	copyFile(t, self, bin, 0o755)
	if err := os.Chown(dir, otherUID, otherUID); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	for _, op := range []string{"update", "check"} {
		cmd := exec.Command(bin, "-test.run=^TestHelperAsAnotherUser$")
		cmd.Env = append(os.Environ(), "AZC_TEST_OTHER_DIR="+dir, "AZC_TEST_OTHER_OP="+op)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: otherUID, Gid: otherUID}}
		out, err := cmd.CombinedOutput()
		if err != nil {
			if errors.Is(err, syscall.EPERM) {
				t.Skipf("cannot run the helper as another user: %v", err)
			}
			t.Fatalf("the helper as uid %d: %v: %s", otherUID, err, out)
		}
		w := want
		if op == "check" {
			w = []string{"cannot write " + dir + ": the directory " + dir + " is not writable by you"}
		}
		for _, want := range w {
			if !strings.Contains(string(out), want) {
				t.Errorf("%s as uid %d: %s; want %q", op, otherUID, out, want)
			}
		}
	}
}
