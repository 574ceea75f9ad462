//go:build unix

package credstore

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// TestAUmaskTakesNoModeFromTheStoresFiles: the credential store's
// directory (and the state directory above it, when Open makes it), its
// blobs, their lock files and meta.json have the modes azc gives them
// (0700, 0600) whatever the umask of the process that made them: made
// under umask 0277 the directory was 0500 and each lock file 0400, which
// the next write could not open.
func TestAUmaskTakesNoModeFromTheStoresFiles(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "azc")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWriteUnderUmask$", "-test.count=1")
	cmd.Env = append(os.Environ(), "AZC_TEST_UMASK_DIR="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the helper: %v\n%s", err, out)
	}
	entries, err := os.ReadDir(filepath.Join(dir, credentialsDir))
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{dir, filepath.Join(dir, credentialsDir)}
	for _, e := range entries {
		paths = append(paths, filepath.Join(dir, credentialsDir, e.Name()))
	}
	if len(paths) < 5 {
		t.Fatalf("the helper left %d files in the store, want a blob, its lock and meta.json", len(entries))
	}
	for _, path := range paths {
		fi, err := os.Lstat(path)
		if err != nil {
			t.Fatal(err)
		}
		want := os.FileMode(0o600)
		if fi.IsDir() {
			want = 0o700
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %v under umask 0277, want %v", path, got, want)
		}
	}
}

// TestHelperWriteUnderUmask is the program of
// TestAUmaskTakesNoModeFromTheStoresFiles: under umask 0277 it opens the
// store in $AZC_TEST_UMASK_DIR and writes a blob twice.
func TestHelperWriteUnderUmask(t *testing.T) {
	dir := os.Getenv("AZC_TEST_UMASK_DIR")
	if dir == "" {
		t.Skip("run by TestAUmaskTakesNoModeFromTheStoresFiles")
	}
	syscall.Umask(0o277)
	s := openFixed(t, dir, make([]byte, 32))
	for i := range 2 {
		if err := s.Put("azurecloud|t|user@example.com", fmt.Appendf(nil, "blob %d", i)); err != nil {
			t.Fatal(err)
		}
	}
}
