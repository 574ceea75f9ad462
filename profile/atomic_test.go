package profile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteFileAtomicCheckedLeavesTheFileOnAFailedCheck: when the check
// run before the rename fails (SetDefault's "the file changed in place"),
// the old file stays byte for byte and no temporary file is left.
func TestWriteFileAtomicCheckedLeavesTheFileOnAFailedCheck(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "profile.json")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	ran := false
	err := writeFileAtomicChecked(path, tempPrefix, func() error { ran = true; return errChangedWhileWriting }, []byte("new"))
	if !ran || !errors.Is(err, errChangedWhileWriting) {
		t.Fatalf("check ran %v, error %v", ran, err)
	}
	if data, _ := os.ReadFile(path); string(data) != "old" {
		t.Fatalf("the file holds %q after a failed check", data)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("the directory holds %d entries, want only profile.json", len(entries))
	}
	if err := writeFileAtomicChecked(path, tempPrefix, func() error { return nil }, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); string(data) != "new" {
		t.Fatalf("the file holds %q after a passed check", data)
	}
}
