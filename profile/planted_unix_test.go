//go:build unix

package profile

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
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

// TestCheckFilesWarnsOfWhatIsPlantedAtATemporaryName: a symbolic link, a
// FIFO, a socket or an empty directory at a temporary name of the
// profile's writes (profile.json.tmp, profile.json.bak.tmp) is not a
// write's temporary file: none is written through, and the next write
// removes it. `azc doctor` (CheckFiles; UpdateTemps lists regular files
// only) warns of it, and the command its warning gives removes it.
func TestCheckFilesWarnsOfWhatIsPlantedAtATemporaryName(t *testing.T) {
	t.Parallel()
	plants := map[string]func(t *testing.T, path string){
		"a symbolic link": func(t *testing.T, path string) {
			target := filepath.Join(t.TempDir(), "elsewhere")
			if err := os.WriteFile(target, []byte(`{"version":1}`), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(target, path); err != nil {
				t.Fatal(err)
			}
		},
		"a FIFO": func(t *testing.T, path string) {
			if err := syscall.Mkfifo(path, 0o600); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
		},
		"a socket": plantSocket,
		// os.Remove takes an empty one away as it does a link; one with
		// files in it stops every write (CheckFiles fails it)
		"an empty directory": func(t *testing.T, path string) {
			if err := os.Mkdir(path, 0o700); err != nil {
				t.Fatal(err)
			}
		},
	}
	for _, name := range []string{tempName, BackupName + ".tmp"} {
		for what, plant := range plants {
			t.Run(name+" "+what, func(t *testing.T) {
				t.Parallel()
				dir := newStateDir(t)
				path := filepath.Join(dir, name)
				plant(t, path)
				var found *FileCheck
				for _, c := range CheckFiles(dir) {
					if c.Path == path {
						found = &c
					}
				}
				var ue *UnsafePathError
				if found == nil || found.Warn == nil || !errors.As(found.Warn, &ue) || ue.Path != path {
					t.Fatalf("CheckFiles with %s at %s: %+v, want a warning naming it", what, name, found)
				}
				// the way out it gives removes what is there
				_, cmd, _ := strings.Cut(ue.Fix, "`")
				cmd, _, _ = strings.Cut(cmd, "`")
				if out, err := exec.Command("/bin/sh", "-c", cmd).CombinedOutput(); err != nil {
					t.Errorf("the warning's way out `%s`: %v: %s", cmd, err, out)
				}
				if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("after the warning's way out `%s`, %s: %v, want it gone", cmd, path, err)
				}
			})
		}
	}
}

// TestCheckFilesReportsWhatAStoreRefuses: `azc doctor`'s check of the
// state (CheckFiles) fails each file a Store refuses, naming it: a
// profile.json or profile.lock that is a symbolic link, is not a regular
// file, is writable by others or (as root) another user's, and a state
// directory others can write to.
func TestCheckFilesReportsWhatAStoreRefuses(t *testing.T) {
	t.Parallel()
	type plant func(t *testing.T, dir, path string) error
	link := func(t *testing.T, dir, path string) error {
		return os.Symlink(filepath.Join(t.TempDir(), "elsewhere"), path)
	}
	linkToFile := func(t *testing.T, dir, path string) error {
		target := filepath.Join(t.TempDir(), "elsewhere")
		if err := os.WriteFile(target, []byte(`{"version":1}`), 0o600); err != nil {
			return err
		}
		return os.Symlink(target, path)
	}
	writable := func(t *testing.T, dir, path string) error {
		if err := os.WriteFile(path, []byte(`{"version":1}`), 0o600); err != nil {
			return err
		}
		return os.Chmod(path, 0o666)
	}
	theirs := func(t *testing.T, dir, path string) error {
		if os.Geteuid() != 0 {
			t.Skip("needs root to give a file away")
		}
		if err := os.WriteFile(path, []byte(`{"version":1}`), 0o600); err != nil {
			return err
		}
		return os.Chown(path, os.Geteuid()+1000, -1)
	}
	for _, name := range []string{FileName, LockName} {
		for what, p := range map[string]plant{"a link to nothing": link, "a link to a file": linkToFile, "writable by others": writable, "another user's": theirs} {
			t.Run(name+" "+what, func(t *testing.T) {
				t.Parallel()
				dir := newStateDir(t)
				path := filepath.Join(dir, name)
				if err := p(t, dir, path); err != nil {
					t.Fatal(err)
				}
				var found *FileCheck
				for _, c := range CheckFiles(dir) {
					if c.Path == path {
						found = &c
					}
				}
				var ue *UnsafePathError
				if found == nil || !errors.As(found.Err, &ue) || ue.Path != path {
					t.Errorf("CheckFiles of %s %s: %+v, want it failed with an *UnsafePathError naming it", name, what, found)
				}
			})
		}
	}
	t.Run("a state directory others can write to", func(t *testing.T) {
		t.Parallel()
		dir := newStateDir(t)
		if err := os.Chmod(dir, 0o777); err != nil {
			t.Fatal(err)
		}
		checks := CheckFiles(dir)
		var ide *InsecureDirError
		if len(checks) == 0 || checks[0].Path != dir || !errors.As(checks[0].Err, &ide) {
			t.Errorf("CheckFiles of a directory of mode 0777: %+v, want it failed with an *InsecureDirError", checks)
		}
	})
}

// plantSocket binds a Unix socket at path, which open(2) refuses with
// ENXIO whatever the flags.
func plantSocket(t *testing.T, path string) {
	t.Helper()
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Skipf("cannot bind a socket at %s: %v", path, err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	_ = l.Close()
}

// TestASocketIsRefusedAsNoRegularFile: a socket at profile.json,
// profile.lock or a file OpenOwned opens (a credential blob) is refused
// as a FIFO is, as no regular file, with its path and the way out, not
// with a bare "open …: no such device or address" from every command and
// from doctor.
func TestASocketIsRefusedAsNoRegularFile(t *testing.T) {
	t.Parallel()
	for _, name := range []string{FileName, LockName, "blob"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := openTemp(t)
			path := filepath.Join(filepath.Dir(s.Path()), name)
			plantSocket(t, path)
			var err error
			switch name {
			case FileName:
				_, err = s.Load()
			case LockName:
				_, err = s.Update(func(p *Profile) error { p.DefaultContext = "x"; return nil })
			default:
				_, err = ReadOwned(path)
			}
			wantUnsafe(t, err, path, "is not a regular file")
			if name == "blob" {
				return
			}
			for _, c := range CheckFiles(filepath.Dir(path)) {
				if c.Path == path {
					wantUnsafe(t, c.Err, path, "is not a regular file")
				}
			}
		})
	}
}

// newStateDir makes an empty state directory, 0700, in a temporary
// directory of t's.
func newStateDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "azc")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestADirectoryAtATemporaryName: an empty directory at profile.json.tmp
// is taken away by the next write, as CheckFiles's warning says (it failed
// it, saying it stopped every write); one with a file in it stops every
// write, and CheckFiles fails it.
func TestADirectoryAtATemporaryName(t *testing.T) {
	t.Parallel()
	for _, full := range []bool{false, true} {
		t.Run(fmt.Sprintf("with files %v", full), func(t *testing.T) {
			t.Parallel()
			s := openTemp(t)
			dir := filepath.Dir(s.Path())
			tmp := filepath.Join(dir, tempName)
			if err := os.Mkdir(tmp, 0o700); err != nil {
				t.Fatal(err)
			}
			if full {
				if err := os.WriteFile(filepath.Join(tmp, "f"), nil, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			var check *FileCheck
			for _, c := range CheckFiles(dir) {
				if c.Path == tmp {
					check = &c
				}
			}
			_, err := s.Update(func(p *Profile) error { p.DefaultContext = "x"; return nil })
			if full {
				wantUnsafe(t, err, tmp, "is not a regular file")
				if check == nil || check.Err == nil {
					t.Errorf("CheckFiles: %+v, want it failed", check)
				}
				return
			}
			if err != nil {
				t.Errorf("Update over an empty directory at %s: %v", tempName, err)
			}
			if check == nil || check.Err != nil || check.Warn == nil {
				t.Errorf("CheckFiles: %+v, want a warning only", check)
			}
		})
	}
}
