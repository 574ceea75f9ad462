//go:build unix

package credstore

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

// TestADirectoryAzcCannotWriteIsNamedNotTakenForAMissingKeyStore: a state
// directory the user cannot write (mode 0500, as on a read-only mount),
// whose credentials directory exists but holds no data key yet, fails
// Open naming the file it could not create and the way out. It never
// falls back to plaintext saying "no OS key store is available" when the
// key store works and it is the directory that failed. The store is
// opened by this test binary run again, as nobody when the test runs as
// root (whom a mode does not stop).
func TestADirectoryAzcCannotWriteIsNamedNotTakenForAMissingKeyStore(t *testing.T) {
	if os.Getenv("AZC_TEST_RO_DIR") != "" {
		t.Skip("the helper run")
	}
	base, err := os.MkdirTemp("", "azc-ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(filepath.Join(base, "state", credentialsDir), 0o700); os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(base, "credstore.test")
	copyExecutable(t, self, bin)
	dir := filepath.Join(base, "state")
	cdir := filepath.Join(dir, credentialsDir)
	if err := os.MkdirAll(cdir, 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run=^TestHelperOpenInADirectoryAzcCannotWrite$")
	cmd.Env = append(os.Environ(), "AZC_TEST_RO_DIR="+dir)
	if os.Geteuid() == 0 {
		const nobody = 65534
		for _, d := range []string{dir, cdir} {
			if err := os.Chown(d, nobody, nobody); err != nil {
				t.Skipf("cannot give the directory to nobody: %v", err)
			}
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	}
	if err := os.Chmod(cdir, 0o500); err != nil {
		t.Fatal(err)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		if errors.Is(err, syscall.EPERM) {
			t.Skipf("cannot run the helper as another user: %v", err)
		}
		t.Fatalf("the helper: %v: %s", err, out)
	}
	got := string(out)
	lock := filepath.Join(cdir, "datakey.lock")
	for _, want := range []string{"helper: credential store: cannot create " + lock, "hint: ", cdir} {
		if !strings.Contains(got, want) {
			t.Errorf("Open in a directory the user cannot write:\n%s\nwant %q in it", got, want)
		}
	}
	for _, not := range []string{"no OS key store", "unencrypted", "plaintext"} {
		if strings.Contains(got, not) {
			t.Errorf("Open in a directory the user cannot write:\n%s\nsays %q: the key store works, the directory failed", got, not)
		}
	}
}

// TestHelperOpenInADirectoryAzcCannotWrite is the program of
// TestADirectoryAzcCannotWriteIsNamedNotTakenForAMissingKeyStore: it opens
// the store in $AZC_TEST_RO_DIR with a working key store that holds no key
// yet, and prints what Open said.
func TestHelperOpenInADirectoryAzcCannotWrite(t *testing.T) {
	dir := os.Getenv("AZC_TEST_RO_DIR")
	if dir == "" {
		t.Skip("run by TestADirectoryAzcCannotWriteIsNamedNotTakenForAMissingKeyStore")
	}
	s, err := Open(dir, Options{
		testOnlyPlatform: []KeyBackend{&memBackend{keys: map[string][]byte{}}, Plaintext()},
		Warn:             func(m string) { fmt.Printf("warn: %s\n", m) },
	})
	if err == nil {
		fmt.Printf("helper: opened, backend %s\n", s.Backend())
		return
	}
	fmt.Printf("helper: %v\n", err)
	var h interface{ Hint() string }
	if errors.As(err, &h) {
		fmt.Printf("hint: %s\n", h.Hint())
	}
}

func copyExecutable(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
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
