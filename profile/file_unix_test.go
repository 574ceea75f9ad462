//go:build unix

package profile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestUnsafeStateIsRefusedWithItsPath: a state directory, profile.json or
// profile.lock that another user owns, or that is a symbolic link, is
// refused with an error naming it and a hint; nothing is read or created
// through it.
func TestUnsafeStateIsRefusedWithItsPath(t *testing.T) {
	t.Parallel()
	other := os.Geteuid() + 1000 // chown needs root; the link cases do not
	root := os.Geteuid() == 0

	t.Run("a state directory that is a link", func(t *testing.T) {
		base := t.TempDir()
		real := filepath.Join(base, "real")
		if err := os.Mkdir(real, 0o700); err != nil {
			t.Fatal(err)
		}
		link := filepath.Join(base, "azc")
		if err := os.Symlink(real, link); err != nil {
			t.Fatal(err)
		}
		_, err := Open(link, Options{})
		wantUnsafe(t, err, link, "is a symbolic link")
		if hint := err.(*UnsafePathError).Hint(); !strings.Contains(hint, "AZC_CONFIG_DIR="+real) || strings.Contains(hint, "file") {
			t.Errorf("the hint %q does not point AZC_CONFIG_DIR at the directory the link names", hint)
		}
	})
	for _, kind := range []string{"file", "fifo"} {
		t.Run("a state directory that is a "+kind, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "azc")
			var err error
			if kind == "fifo" {
				err = syscall.Mkfifo(dir, 0o600)
			} else {
				err = os.WriteFile(dir, nil, 0o600)
			}
			if err != nil {
				t.Fatal(err)
			}
			_, err = Open(dir, Options{})
			wantUnsafe(t, err, dir, "is not a directory")
		})
	}
	t.Run("a profile.json that is a link", func(t *testing.T) {
		s := openTemp(t)
		target := filepath.Join(t.TempDir(), "elsewhere.json")
		if err := os.WriteFile(target, []byte(`{"version":1}`), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, s.Path()); err != nil {
			t.Fatal(err)
		}
		_, err := s.Load()
		wantUnsafe(t, err, s.Path(), "is a symbolic link")
		// The same error names links in credential and session stores,
		// which AZC_CONFIG_DIR does not place: the hint is about the link.
		if hint, want := err.(*UnsafePathError).Hint(), "remove the link "+s.Path()+" (azc makes the file itself)"; hint != want {
			t.Errorf("hint %q, want %q", hint, want)
		}
		_, err = s.View()
		wantUnsafe(t, err, s.Path(), "is a symbolic link")
		_, err = s.Update(func(p *Profile) error { p.DefaultContext = "x"; return nil })
		wantUnsafe(t, err, s.Path(), "is a symbolic link")
	})
	t.Run("a profile.lock that is a link", func(t *testing.T) {
		s := openTemp(t)
		planted := filepath.Join(t.TempDir(), "planted")
		if err := os.Symlink(planted, s.LockPath()); err != nil {
			t.Fatal(err)
		}
		_, err := s.Update(func(p *Profile) error { p.DefaultContext = "x"; return nil })
		wantUnsafe(t, err, s.LockPath(), "is a symbolic link")
		if _, err := os.Lstat(planted); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("the lock was created through the link (%v)", err)
		}
		_, err = s.LockFree()
		wantUnsafe(t, err, s.LockPath(), "is a symbolic link")
	})
	t.Run("a profile.lock that is a directory", func(t *testing.T) {
		s := openTemp(t)
		if err := os.Mkdir(s.LockPath(), 0o700); err != nil {
			t.Fatal(err)
		}
		_, err := s.Update(func(p *Profile) error { p.DefaultContext = "x"; return nil })
		wantUnsafe(t, err, s.LockPath(), "is not a regular file")
	})
	t.Run("a profile.json another user owns", func(t *testing.T) {
		if !root {
			t.Skip("needs root to give a file away")
		}
		s := openTemp(t)
		if _, err := s.Update(func(p *Profile) error { p.DefaultContext = "x"; return nil }); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(s.Path(), other, -1); err != nil {
			t.Fatal(err)
		}
		_, err := s.Load()
		wantUnsafe(t, err, s.Path(), "is owned by uid")
	})
	t.Run("a profile.lock another user owns", func(t *testing.T) {
		if !root {
			t.Skip("needs root to give a file away")
		}
		s := openTemp(t)
		if err := os.WriteFile(s.LockPath(), nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(s.LockPath(), other, -1); err != nil {
			t.Fatal(err)
		}
		_, err := s.Update(func(p *Profile) error { p.DefaultContext = "x"; return nil })
		wantUnsafe(t, err, s.LockPath(), "is owned by uid")
	})
	t.Run("a profile.json or profile.lock others can write", func(t *testing.T) {
		for _, mode := range []os.FileMode{0o666, 0o620} {
			s := openTemp(t)
			if _, err := s.Update(func(p *Profile) error { p.DefaultContext = "x"; return nil }); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(s.Path(), mode); err != nil {
				t.Fatal(err)
			}
			_, err := s.Load()
			wantUnsafe(t, err, s.Path(), "is writable by other users")
			_, err = s.View()
			wantUnsafe(t, err, s.Path(), "is writable by other users")
			_, err = s.Update(func(p *Profile) error { p.DefaultContext = "y"; return nil })
			wantUnsafe(t, err, s.Path(), "is writable by other users")
			if err := os.Chmod(s.Path(), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Load(); err != nil {
				t.Fatalf("a profile.json only its owner can write: %v, want it read", err)
			}
			if err := os.Chmod(s.LockPath(), mode); err != nil {
				t.Fatal(err)
			}
			_, err = s.Update(func(p *Profile) error { p.DefaultContext = "y"; return nil })
			wantUnsafe(t, err, s.LockPath(), "is writable by other users")
		}
	})
	t.Run("a state directory another user owns", func(t *testing.T) {
		if !root {
			t.Skip("needs root to give a directory away")
		}
		dir := filepath.Join(t.TempDir(), "azc")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(dir, other, -1); err != nil {
			t.Fatal(err)
		}
		_, err := Open(dir, Options{})
		wantUnsafe(t, err, dir, "is owned by uid")
	})
}

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(stateDir(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func wantUnsafe(t *testing.T, err error, path, problem string) {
	t.Helper()
	var ue *UnsafePathError
	if !errors.As(err, &ue) || ue.Path != path || !strings.Contains(err.Error(), problem) || ue.Hint() == "" {
		t.Fatalf("error %v, want an *UnsafePathError for %s that %s, with a hint", err, path, problem)
	}
}

// TestAFileOverTheCapIsRefusedUnread: a profile.json or import file over
// MaxFileSize is refused with its path before it is read (a sparse file:
// reading it would take 64 MiB), and so is a stream with no end.
func TestAFileOverTheCapIsRefusedUnread(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	if err := os.WriteFile(s.Path(), []byte(`{"version":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(s.Path(), MaxFileSize+1); err != nil {
		t.Fatal(err)
	}
	var tl *TooLargeError
	if _, err := s.Load(); !errors.As(err, &tl) || tl.Path != s.Path() {
		t.Fatalf("Load of a file over the cap: %v", err)
	}
	if _, err := s.Update(func(*Profile) error { return nil }); !errors.As(err, &tl) {
		t.Fatalf("Update over a file over the cap: %v", err)
	}
	if _, err := ReadFile(s.Path()); !errors.As(err, &tl) {
		t.Fatalf("ReadFile of a file over the cap: %v", err)
	}
	// A stream one MiB over the cap first: without the cap it ends, and
	// the test fails, where /dev/zero below would be read until memory
	// runs out.
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	go func() {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer w.Close()
		_, _ = io.Copy(w, io.LimitReader(zeros{}, MaxFileSize+1<<20))
	}()
	if _, err := ReadFile(fifo); !errors.As(err, &tl) {
		t.Fatalf("ReadFile of a stream over the cap: %v", err)
	}
	if _, err := ReadFile("/dev/zero"); !errors.As(err, &tl) || tl.Path != "/dev/zero" {
		t.Fatalf("ReadFile(/dev/zero): %v", err)
	}
	f, err := os.Open("/dev/zero")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := ReadLimited(f, "standard input"); !errors.As(err, &tl) || !strings.Contains(err.Error(), "standard input is larger than 64 MiB") {
		t.Fatalf("ReadLimited of an endless stream: %v", err)
	}
	data := []byte(strings.Repeat("x", 100_000))
	if got, err := ReadLimited(strings.NewReader(string(data)), "x"); err != nil || string(got) != string(data) {
		t.Fatalf("ReadLimited of 100 kB: %d bytes, %v", len(got), err)
	}
}

// TestAProfileOverTheCapOffersTheBackup: azc never writes a profile.json
// over MaxFileSize (Update refuses the change), so one there is damaged
// (a sparse file, another program's): every read refuses it unread, as
// a *TooLargeError still, and names it unusable with the last good copy
// to restore, as a damaged profile.json is named, where its hint was to
// check that it was "the file you meant", with the sizes of exports.
func TestAProfileOverTheCapOffersTheBackup(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	for _, name := range []string{"a", "b"} { // the second write links the first as the backup
		if _, err := s.Update(func(p *Profile) error {
			return p.SetEnvironment(Environment{Name: name, AuthorityHost: "https://127.0.0.1:1/", ARMEndpoint: "https://127.0.0.1:1/"})
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Truncate(s.Path(), MaxFileSize+1); err != nil {
		t.Fatal(err)
	}
	for _, read := range []struct {
		name string
		fn   func() error
	}{
		{"Load", func() error { _, err := s.Load(); return err }},
		{"View", func() error { _, err := s.View(); return err }},
		{"ViewKeeping", func() error { _, err := s.ViewKeeping("x"); return err }},
		{"Settings", func() error { _, err := s.Settings(); return err }},
		{"SetDefault", func() error { _, err := s.SetDefault("x"); return err }},
		{"Update", func() error { _, err := s.Update(func(*Profile) error { return nil }); return err }},
	} {
		err := read.fn()
		var tl *TooLargeError
		var ce *CorruptError
		if !errors.As(err, &tl) || !errors.As(err, &ce) || ce.Backup != filepath.Join(filepath.Dir(s.Path()), BackupName) || !strings.Contains(ce.Hint(), "cp ") {
			t.Errorf("%s of a profile.json over the cap: %v; want a *TooLargeError in a *CorruptError that offers the backup", read.name, err)
		}
	}
}

// TestSameStateComparesTheWholeFile: sameState tells the file that was read
// from any other, whatever the length, and a missing file from a present
// one.
func TestSameStateComparesTheWholeFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "profile.json")
	big := strings.Repeat("0123456789abcdef", 10000) // over the 32 KiB buffer
	for _, tc := range []struct {
		name, file, text string
		exists, ok, want bool
	}{
		{"both missing", "", "", false, false, true},
		{"missing, read present", "", "x", false, true, false},
		{"present, read missing", "x", "", true, false, false},
		{"the same", big, big, true, true, true},
		{"another length", big + "x", big, true, true, false},
		{"a change past the first buffer", big[:100000] + "X" + big[100001:], big, true, true, false},
		{"a change in the first byte", "X" + big[1:], big, true, true, false},
	} {
		_ = os.Remove(path)
		if tc.exists {
			if err := os.WriteFile(path, []byte(tc.file), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := sameState(path, tc.text, tc.ok); err != nil || got != tc.want {
			t.Errorf("%s: sameState = %v, %v; want %v", tc.name, got, err, tc.want)
		}
	}
}

// TestAChangeThatWouldPassTheCapWritesNothing: a change that would make
// profile.json larger than MaxFileSize (two imports of contexts with huge
// fields) is refused before anything is written, so azc never writes a
// profile it would then refuse to read.
func TestAChangeThatWouldPassTheCapWritesNothing(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	huge := strings.Repeat("t", MaxFileSize/2+1)
	add := func(name string) func(*Profile) error {
		return func(p *Profile) error {
			p.Contexts = append(p.Contexts, Context{Name: name, Account: "k", Environment: "AzureCloud", Tenant: Tenant{ID: huge + name}})
			return nil
		}
	}
	if _, err := s.Update(add("a")); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	var tl *TooLargeError
	if _, err := s.Update(add("b")); !errors.As(err, &tl) || tl.Path != s.Path() || !strings.Contains(err.Error(), "nothing was written") {
		t.Fatalf("Update past the cap: %v", err)
	}
	if after, err := os.ReadFile(s.Path()); err != nil || string(after) != string(before) {
		t.Fatalf("the profile changed (%d bytes, was %d): %v", len(after), len(before), err)
	}
	if _, err := s.Load(); err != nil {
		t.Fatalf("the profile no longer loads: %v", err)
	}
}

// TestALeftoverDirectoryInTheWayOfAWriteIsNamed: a directory (not empty)
// where a write puts its temporary file or the backup fails the write
// with its path and the way out, and CheckFiles (`azc doctor`) reports it.
func TestALeftoverDirectoryInTheWayOfAWriteIsNamed(t *testing.T) {
	t.Parallel()
	for _, name := range []string{FileName + ".tmp", BackupName, BackupName + ".tmp"} {
		t.Run(name, func(t *testing.T) {
			s := openTemp(t)
			if _, err := s.Update(func(p *Profile) error { p.DefaultContext = "a"; return nil }); err != nil {
				t.Fatal(err)
			}
			in := filepath.Join(filepath.Dir(s.Path()), name)
			if err := os.MkdirAll(filepath.Join(in, "inside"), 0o700); err != nil {
				t.Fatal(err)
			}
			_, err := s.Update(func(p *Profile) error { p.DefaultContext = "b"; return nil })
			wantUnsafe(t, err, in, "is not a regular file")
			if p, err := s.Load(); err != nil || p.DefaultContext != "a" {
				t.Errorf("after the failed write: %v, %v; want the profile unchanged", p, err)
			}
			found := false
			for _, c := range CheckFiles(filepath.Dir(s.Path())) {
				var ue *UnsafePathError
				if c.Path == in && errors.As(c.Err, &ue) {
					found = true
				}
			}
			if !found {
				t.Errorf("CheckFiles does not report %s", in)
			}
		})
	}
}

// TestReadFileOfADirectoryHints: a directory named where a file is read
// (an import, a secret file) is an error with its path and a hint.
func TestReadFileOfADirectoryHints(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := ReadFile(dir)
	wantUnsafe(t, err, dir, "is a directory")
}

// TestReadFileOfASocketHints: a Unix socket named where a file is read
// (`azc context import`, `--client-secret-file`, `--ca-file`), which
// open(2) refuses whatever the flags, is an error with its path and a
// hint, as a directory is, not a bare "open …: no such device or
// address".
func TestReadFileOfASocketHints(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "sock")
	plantSocket(t, path)
	_, err := ReadFile(path)
	wantUnsafe(t, err, path, "is a socket")
	_, err = ReadRegularFile(path)
	wantUnsafe(t, err, path, "is a socket")
}

// TestAzTokenCacheThatIsNoRegularFileIsRefusedUnread: az's token cache,
// which the user did not name, is refused when it is a FIFO (which no one
// may ever write to) or a device, not waited on or read without end;
// the file the user named may be a pipe (`azc context import <(…)`).
func TestAzTokenCacheThatIsNoRegularFileIsRefusedUnread(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cache := filepath.Join(dir, "msal_token_cache.json")
	if err := syscall.Mkfifo(cache, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := ReadAzureCLITokenCache(filepath.Join(dir, "azureProfile.json"))
		done <- err
	}()
	select {
	case err := <-done:
		wantUnsafe(t, err, cache, "is not a regular file")
	case <-time.After(time.Minute):
		// free the reader so the test ends
		if f, err := os.OpenFile(cache, os.O_WRONLY, 0); err == nil {
			_ = f.Close()
		}
		t.Fatal("ReadAzureCLITokenCache waited for a writer of the FIFO")
	}

	link := filepath.Join(t.TempDir(), "msal_token_cache.json")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	_, err := ReadAzureCLITokenCache(filepath.Join(filepath.Dir(link), "azureProfile.json"))
	wantUnsafe(t, err, link, "is not a regular file")

	// a FIFO named by the user is read to its end
	named := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(named, 0o600); err != nil {
		t.Fatal(err)
	}
	go func() {
		if f, err := os.OpenFile(named, os.O_WRONLY, 0); err == nil {
			_, _ = f.WriteString(`{"version":1}`)
			_ = f.Close()
		}
	}()
	if data, err := ReadFile(named); err != nil || string(data) != `{"version":1}` {
		t.Fatalf("ReadFile of a FIFO the user named = %q, %v", data, err)
	}
}

// TestWriteFileReplacesTheFileWhole checks WriteFile, the write of the
// state files written without profile.lock: the file is replaced (mode
// 0600, a link at path replaced, not followed) and no temporary file is
// left beside it.
func TestWriteFileReplacesTheFileWhole(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "blob")
	if err := os.Symlink(victim, path); err != nil {
		t.Fatal(err)
	}
	for _, data := range []string{"first", "second, longer"} {
		if err := WriteFile(path, []byte(data)); err != nil {
			t.Fatalf("WriteFile: %v", err)
		}
		fi, err := os.Lstat(path)
		if err != nil {
			t.Fatal(err)
		}
		if !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
			t.Errorf("after WriteFile: mode %v, want a regular file 0600", fi.Mode())
		}
		if got, _ := os.ReadFile(path); string(got) != data {
			t.Errorf("after WriteFile: %q, want %q", got, data)
		}
	}
	if got, _ := os.ReadFile(victim); string(got) != "keep" {
		t.Errorf("the link's target was written: %q", got)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("files left beside it: %q, want blob and victim", names)
	}
}

// TestCheckFilesReportsABackupAzcWouldNotOffer: profile.json.bak, the copy
// a corrupt profile's hint offers to restore, is checked as profile.json
// is (not a link, a regular file of the user's, not writable by others):
// one that is not is never offered, and CheckFiles (`azc doctor`) says
// why, as it does of a directory there.
func TestCheckFilesReportsABackupAzcWouldNotOffer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, problem string
		plant         func(t *testing.T, bak string)
	}{
		{"a link", "is a symbolic link", func(t *testing.T, bak string) {
			target := filepath.Join(t.TempDir(), "elsewhere.json")
			if err := os.WriteFile(target, []byte(`{"version":1}`), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(target, bak); err != nil {
				t.Fatal(err)
			}
		}},
		{"a FIFO", "is not a regular file", func(t *testing.T, bak string) {
			if err := syscall.Mkfifo(bak, 0o600); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
		}},
		{"writable by others", "is writable by other users", func(t *testing.T, bak string) {
			if err := os.WriteFile(bak, []byte(`{"version":1}`), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(bak, 0o666); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := openTemp(t)
			dir := filepath.Dir(s.Path())
			bak := filepath.Join(dir, BackupName)
			tc.plant(t, bak)
			found := false
			for _, c := range CheckFiles(dir) {
				var ue *UnsafePathError
				if c.Path == bak && errors.As(c.Err, &ue) && ue.Problem[:min(len(ue.Problem), len(tc.problem))] == tc.problem {
					found = true
				} else if c.Err != nil {
					t.Errorf("CheckFiles: %s: %v", c.Path, c.Err)
				}
			}
			if !found {
				t.Errorf("CheckFiles does not report %s that %s", bak, tc.problem)
			}
		})
	}
}

// TestCheckOwnedDirNamesNoStateDirectory: CheckOwnedDir checks the
// credential store's and the sessions' directories too, and its errors
// call them by their paths alone, never "state directory": a
// credentials directory azc cannot open is named by its path. The state
// directory's own errors keep the name.
func TestCheckOwnedDirNamesNoStateDirectory(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "credentials")
	err := CheckOwnedDir(missing)
	if err == nil || !strings.Contains(err.Error(), missing) || strings.Contains(err.Error(), "state directory") {
		t.Errorf("CheckOwnedDir of a missing directory: %v, want its path and not \"state directory\"", err)
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var ue *UnsafePathError
	if err := CheckOwnedDir(file); !errors.As(err, &ue) || ue.Path != file || strings.Contains(ue.Fix, "state directory") {
		t.Errorf("CheckOwnedDir of a file: %v (hint %q), want an *UnsafePathError naming it, its hint not about the state directory", err, ue.Hint())
	}
	if err := checkStateDir(missing); err == nil || !strings.HasPrefix(err.Error(), "state directory: ") {
		t.Errorf("checkStateDir of a missing directory: %v, want it called the state directory", err)
	}
}

// TestAFileOfYoursYouCannotOpenSaysHowToFixIt: an open of a state file or
// directory of the user's denied by its mode (chmod 000) is an
// *UnsafePathError whose hint gives the chmod that fixes it, not a bare
// "open …: permission denied". (The denial is made up: root, which runs
// these tests, is never denied.)
func TestAFileOfYoursYouCannotOpenSaysHowToFixIt(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "profile.json")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{file: "chmod 600 " + file, dir: "chmod 700 " + dir} {
		denied := &fs.PathError{Op: "open", Path: path, Err: syscall.EACCES}
		var ue *UnsafePathError
		if err := theirs(path, denied); !errors.As(err, &ue) || ue.Path != path || !strings.Contains(ue.Hint(), want) {
			t.Errorf("theirs(%s, EACCES) = %v, want an *UnsafePathError whose hint says %q", path, err, want)
		}
	}
}
