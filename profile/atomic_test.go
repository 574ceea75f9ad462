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

// TestStaleTempsGoOnAFailedWrite: a temporary file a dead writer left is
// removed after a successful write, and also after a failed one (on a full
// disk it may be what made the write fail).
func TestStaleTempsGoOnAFailedWrite(t *testing.T) {
	t.Parallel()
	for _, fail := range []bool{false, true} {
		s, err := Open(filepath.Join(t.TempDir(), "azc"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Update(func(p *Profile) error { p.DefaultContext = "x"; return nil }); err != nil {
			t.Fatal(err)
		}
		stale := filepath.Join(s.Dir(), tempPrefix+"12345")
		if err := os.WriteFile(stale, []byte("half a profile"), 0o600); err != nil {
			t.Fatal(err)
		}
		check := func() error { return nil }
		if fail {
			check = func() error { return errChangedWhileWriting }
		}
		p := New()
		p.Generation = 9
		err = s.writeChecked(encodeChange(p, nil, nil), nil, check)
		if fail != (err != nil) {
			t.Fatalf("fail %v: writeChecked = %v", fail, err)
		}
		if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("fail %v: the stale temporary file is still there (%v)", fail, err)
		}
	}
}
