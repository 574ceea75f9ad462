package profile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestAWriteOverAFileMountedOnItsOwnNamesIt: profile.json mounted on its
// own (a bind mount of one file, as `docker run -v FILE:…` makes) cannot
// be replaced by a rename, so every write fails. The write names the file
// and the way out (an *UnsafePathError); it said only "rename
// …/profile.json.tmp …/profile.json: device or resource busy". The file
// is unchanged and no temporary file is left. CheckFiles (azc doctor)
// reports it before any write fails; it said every check was ok. A bind
// mount needs root.
func TestAWriteOverAFileMountedOnItsOwnNamesIt(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	if _, err := s.Update(func(p *Profile) error { p.DefaultContext = "a"; return nil }); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "mounted.json")
	data, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount(src, s.Path(), "", syscall.MS_BIND, ""); err != nil {
		t.Skipf("bind mount %s on %s: %v (needs root)", src, s.Path(), err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(s.Path(), 0); err != nil {
			t.Errorf("unmount %s: %v", s.Path(), err)
		}
	})
	// azc doctor reports it before a write fails
	found := false
	for _, c := range CheckFiles(filepath.Dir(s.Path())) {
		var ue *UnsafePathError
		if c.Path == s.Path() && errors.As(c.Err, &ue) && ue.Problem == mountPointError(s.Path()).(*UnsafePathError).Problem {
			found = true
		}
	}
	if !found {
		t.Errorf("CheckFiles does not report %s as a mount point", s.Path())
	}
	_, err = s.Update(func(p *Profile) error { p.DefaultContext = "b"; return nil })
	wantUnsafe(t, err, s.Path(), "is a mount point")
	if p, err := s.Load(); err != nil || p.DefaultContext != "a" {
		t.Errorf("after the failed write: %v, %v; want the profile unchanged", p, err)
	}
	if _, err := os.Lstat(s.Path() + ".tmp"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the failed write left %s.tmp (%v)", s.Path(), err)
	}
}
