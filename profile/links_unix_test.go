//go:build unix

package profile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestCheckFilesWarnsOfAProfileWithNamesAzcDoesNotMake: a hard link to
// profile.json (or its backup) from elsewhere keeps what the file held
// once azc replaces it by rename, and CheckFiles names the file with
// how many other names it has; profile.json.bak, which azc itself makes a
// hard link of profile.json, is no such name.
func TestCheckFilesWarnsOfAProfileWithNamesAzcDoesNotMake(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		link   func(t *testing.T, path, bak string) // makes the links
		linked string                               // the file CheckFiles warns of: "profile", "backup" or ""
	}{
		{"no links", func(t *testing.T, path, bak string) {}, ""},
		{"the backup, as a write makes it", func(t *testing.T, path, bak string) {
			if err := os.Remove(bak); err != nil {
				t.Fatal(err)
			}
			if err := os.Link(path, bak); err != nil {
				t.Fatal(err)
			}
		}, ""},
		{"a name elsewhere", func(t *testing.T, path, bak string) {
			if err := os.Link(path, filepath.Join(t.TempDir(), "copy.json")); err != nil {
				t.Fatal(err)
			}
		}, "profile"},
		{"the backup and a name elsewhere", func(t *testing.T, path, bak string) {
			if err := os.Remove(bak); err != nil {
				t.Fatal(err)
			}
			if err := os.Link(path, bak); err != nil {
				t.Fatal(err)
			}
			if err := os.Link(path, filepath.Join(t.TempDir(), "copy.json")); err != nil {
				t.Fatal(err)
			}
		}, "profile"},
		{"a name of the backup elsewhere", func(t *testing.T, path, bak string) {
			if err := os.Link(bak, filepath.Join(t.TempDir(), "copy.json")); err != nil {
				t.Fatal(err)
			}
		}, "backup"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := openTemp(t)
			for _, on := range []bool{true, false} { // the second write makes the backup
				if _, err := s.Update(func(p *Profile) error { p.Settings.Autosave = &on; return nil }); err != nil {
					t.Fatal(err)
				}
			}
			dir := filepath.Dir(s.Path())
			bak := filepath.Join(dir, BackupName)
			tc.link(t, s.Path(), bak)
			want := map[string]string{"profile": s.Path(), "backup": bak}[tc.linked]
			found := false
			for _, c := range CheckFiles(dir) {
				if c.Err != nil {
					t.Errorf("CheckFiles: %s: %v", c.Path, c.Err)
				}
				if c.Warn == nil {
					continue
				}
				var le *LinkedError
				if c.Path == want && errors.As(c.Warn, &le) && le.Path == want && le.Other == 1 {
					found = true
				} else {
					t.Errorf("CheckFiles warns of %s: %v", c.Path, c.Warn)
				}
			}
			if want != "" && !found {
				t.Errorf("CheckFiles does not warn of %s's other name", want)
			}
		})
	}
}
