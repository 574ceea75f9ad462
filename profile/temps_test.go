package profile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestFindTempsFindsWriteFilesTemporaryFiles: the temporary file of every
// WriteFile is one FindTemps finds (and so `azc doctor` reports and
// RemoveStaleTemps removes once old), and no file azc keeps is.
func TestFindTempsFindsWriteFilesTemporaryFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var temps []string
	for _, target := range []string{"meta.json", "0123abcd", "x.hold", "d.pem", "export.json.tmp", ".hidden"} {
		for range 20 {
			p := tempPath(filepath.Join(dir, target))
			if !isTempName(filepath.Base(p)) {
				t.Fatalf("isTempName(%q) = false for WriteFile's temporary file", filepath.Base(p))
			}
			if err := os.WriteFile(p, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			temps = append(temps, p)
		}
	}
	for _, kept := range []string{FileName, FileName + ".tmp", BackupName, BackupName + ".tmp", LockName, "meta.json", "datakey.lock", "0123abcd.lock", "x.hold", ".tmp1", "..tmp1", ".x.tmp", ".x.tmp-1", ".x.tmpABC", ".x.tmp12345678901234"} {
		if err := os.WriteFile(filepath.Join(dir, kept), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, ".d.tmp1"), 0o700); err != nil {
		t.Fatal(err)
	}
	found, err := FindTemps(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range found {
		got[f.Path] = true
	}
	for _, p := range temps {
		if !got[p] {
			t.Errorf("FindTemps missed %s", p)
		}
	}
	if len(found) != len(temps) {
		t.Errorf("FindTemps found %d files, want the %d temporary files alone", len(found), len(temps))
	}

	old := time.Now().Add(-2 * StaleTempAge)
	if err := os.Chtimes(temps[0], old, old); err != nil {
		t.Fatal(err)
	}
	if n, err := RemoveStaleTemps(dir, time.Now()); n != 1 || err != nil {
		t.Errorf("RemoveStaleTemps = %d, %v; want 1 removed", n, err)
	}
	if _, err := os.Lstat(temps[0]); err == nil {
		t.Errorf("RemoveStaleTemps left %s", temps[0])
	}
	if _, err := os.Lstat(temps[1]); err != nil {
		t.Errorf("RemoveStaleTemps removed the young %s", temps[1])
	}
}

// TestAFailedWriteFileLeavesNoTemporaryFile: a WriteFile whose rename
// fails (a directory with files in it where the file goes) removes its
// temporary file, which is still its own: only a writer stopped before its
// rename leaves one for FindTemps.
func TestAFailedWriteFileLeavesNoTemporaryFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	target := filepath.Join(dir, "blob")
	if err := os.MkdirAll(filepath.Join(target, "in-the-way"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(target, []byte("secret")); err == nil {
		t.Fatal("WriteFile over a directory with files in it succeeded")
	}
	if temps, err := FindTemps(dir); err != nil || len(temps) != 0 {
		t.Errorf("FindTemps after the failed write: %v, %v; want none", temps, err)
	}
}

// TestAWriteStoppedBeforeItsRenameLeavesNoTemporaryFile: a write that
// ready stops (profile.lock or profile.json replaced while it was held)
// removes its temporary file, as a failed rename does. The file is still
// open when ready runs, and Windows removes no open file: it must be
// closed first.
func TestAWriteStoppedBeforeItsRenameLeavesNoTemporaryFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path, tmp := filepath.Join(dir, FileName), filepath.Join(dir, tempName)
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stopped")
	if err := writeAtomic(path, tmp, &content{head: []byte("new")}, "", nil, func() error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("writeAtomic stopped by ready: %v, want ready's error", err)
	}
	if _, err := os.Lstat(tmp); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Lstat(%s) after the stopped write: %v; want it removed", tmp, err)
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != "old" {
		t.Errorf("%s = %q, %v; want the old file", path, got, err)
	}
}
