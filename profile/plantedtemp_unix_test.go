//go:build unix

package profile

import (
	"os"
	"path/filepath"
	"testing"
)

// TestAFilePlantedAtTheTemporaryNameIsNotWrittenThrough: a write makes its
// temporary file anew (O_EXCL, O_NOFOLLOW), so that a symbolic link or a
// hard link left at profile.json.tmp, by a crash or by someone else, is
// never written through: the file it names keeps what it held, and
// profile.json becomes a file of its own with the change.
func TestAFilePlantedAtTheTemporaryNameIsNotWrittenThrough(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"symbolic link", "hard link"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			s := openTemp(t)
			victim := filepath.Join(filepath.Dir(s.Path()), "victim")
			if err := os.WriteFile(victim, []byte("keep me"), 0o600); err != nil {
				t.Fatal(err)
			}
			plant := os.Symlink
			if kind == "hard link" {
				plant = os.Link
			}
			if err := plant(victim, s.tmp); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Update(func(p *Profile) error { p.DefaultContext = "x"; return nil }); err != nil {
				t.Fatal(err)
			}
			if b, err := os.ReadFile(victim); err != nil || string(b) != "keep me" {
				t.Errorf("the file the %s at %s names holds %q (%v), want it untouched", kind, s.tmp, b, err)
			}
			p, err := s.Load()
			if err != nil || p.DefaultContext != "x" {
				t.Fatalf("Load after the write: %+v, %v", p, err)
			}
			fi, err := os.Lstat(s.Path())
			vi, verr := os.Lstat(victim)
			if err != nil || verr != nil || !fi.Mode().IsRegular() || os.SameFile(fi, vi) {
				t.Errorf("profile.json is %v (%v), want a regular file of its own", fi, err)
			}
		})
	}
}
