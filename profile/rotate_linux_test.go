package profile

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"syscall"
	"testing"
	"time"
)

// rotatingStore is a store whose profile has three contexts, written once.
func rotatingStore(t *testing.T, noRotate bool) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "azc"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.noRotate = noRotate
	if _, err := s.Update(func(p *Profile) error {
		for _, sub := range []string{"a", "b", "c"} {
			c := Context{
				Account:      "azurecloud|t1|user@contoso.com",
				Tenant:       Tenant{ID: "t1"},
				Subscription: &Subscription{ID: sub, Name: "sub " + sub, TenantID: "t1"},
			}
			if _, err := p.UpsertContext(c, UpsertOptions{MakeDefault: sub == "a"}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return s
}

// switchTo makes the i-th write, from "sub a" the default: SetDefault and
// Update take turns, and each changes the default.
func switchTo(s *Store, i int) error {
	ref := []string{"sub b", "sub c", "sub a"}[i%3]
	if i%2 == 0 {
		_, err := s.SetDefault(ref)
		return err
	}
	_, err := s.Update(func(p *Profile) error {
		_, err := p.SetDefault(ref)
		return err
	})
	return err
}

func inodeOf(t *testing.T, path string) uint64 {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Lstat(path, &st); err != nil {
		t.Fatal(err)
	}
	return st.Ino
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	sort.Strings(got)
	return got
}

// TestWritesRotateThreeFiles: once there is a spare, each write goes into
// it: the new profile.json is the file that was the spare, the old one is
// the backup, the old backup the spare, and no other file appears (a
// temporary file a dead writer left goes).
func TestWritesRotateThreeFiles(t *testing.T) {
	t.Parallel()
	s := rotatingStore(t, false)
	for i := 0; i < 9; i++ {
		before, err := os.ReadFile(s.path)
		if err != nil {
			t.Fatal(err)
		}
		var spare uint64
		if i >= 2 {
			spare = inodeOf(t, s.spare)
			// what a writer that died while writing a new file leaves
			if err := os.WriteFile(filepath.Join(s.dir, freshName), []byte("half a profile"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if err := switchTo(s, i); err != nil {
			t.Fatal(err)
		}
		if bak, err := os.ReadFile(s.bak); err != nil || !bytes.Equal(bak, before) {
			t.Fatalf("write %d: the backup is not the profile it replaced (%v)", i, err)
		}
		if _, err := s.Load(); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
		if i >= 2 {
			if got := inodeOf(t, s.path); got != spare {
				t.Fatalf("write %d went to file %d, not into the spare %d", i, got, spare)
			}
		}
		if i >= 1 {
			want := []string{FileName, BackupName, SpareName, LockName}
			sort.Strings(want)
			if got := names(t, s.dir); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("write %d: the directory holds %v, want %v", i, got, want)
			}
		}
	}
}

// TestRotatingWritesWhatLinkingWrites: the two ways of writing leave the
// same profile.json and profile.json.bak, write after write.
func TestRotatingWritesWhatLinkingWrites(t *testing.T) {
	t.Parallel()
	rotating, linking := rotatingStore(t, false), rotatingStore(t, true)
	for i := 0; i < 7; i++ {
		for _, s := range []*Store{rotating, linking} {
			if err := switchTo(s, i); err != nil {
				t.Fatal(err)
			}
		}
		for _, name := range []string{FileName, BackupName} {
			r, err := os.ReadFile(filepath.Join(rotating.dir, name))
			if err != nil {
				t.Fatal(err)
			}
			l, err := os.ReadFile(filepath.Join(linking.dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(r, l) {
				t.Fatalf("write %d: %s differs:\n%s\nwant\n%s", i, name, r, l)
			}
		}
	}
	if _, err := os.Lstat(linking.spare); !os.IsNotExist(err) {
		t.Fatalf("the linking way left a spare: %v", err)
	}
}

// TestAReaderKeepsItsBytes: a file a reader has open (mapped) is never
// written over, however many writes pass meanwhile.
func TestAReaderKeepsItsBytes(t *testing.T) {
	t.Parallel()
	s := rotatingStore(t, false)
	for i := 0; i < 3; i++ {
		if err := switchTo(s, i); err != nil {
			t.Fatal(err)
		}
	}
	src, err := readSource(s.path, true)
	if err != nil {
		t.Fatal(err)
	}
	want := bytes.Clone(src.data)
	for i := 3; i < 9; i++ {
		if err := switchTo(s, i); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(src.data, want) {
			t.Fatalf("write %d changed the bytes of a file a reader has open", i)
		}
	}
	if _, err := Decode(src.data); err != nil {
		t.Fatal(err)
	}
	src.close()
	// The file held was dropped from the rotation (a new file took its
	// place); with the reader gone, writes go into the spare again.
	for i := 9; i < 12; i++ {
		spare := inodeOf(t, s.spare)
		if err := switchTo(s, i); err != nil {
			t.Fatal(err)
		}
		if got := inodeOf(t, s.path); got != spare {
			t.Fatalf("write %d went to file %d, not into the spare %d", i, got, spare)
		}
	}
}

// TestReadersDuringRotatingWrites: readers that hold what they read for a
// while, beside writers in other stores: every reader sees a whole profile
// whose bytes do not change while it holds them.
func TestReadersDuringRotatingWrites(t *testing.T) {
	t.Parallel()
	s := rotatingStore(t, false)
	const writers, writes, readers = 3, 30, 4
	var wg sync.WaitGroup
	errs := make(chan error, writers+readers)
	stop := make(chan struct{})
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ws, err := Open(s.dir, Options{})
			if err != nil {
				errs <- err
				return
			}
			for i := 0; i < writes; i++ {
				if err := switchTo(ws, w+i); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	var rg sync.WaitGroup
	for r := 0; r < readers; r++ {
		rg.Add(1)
		go func() {
			defer rg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				src, err := readSource(s.path, true)
				if err != nil {
					errs <- err
					return
				}
				first := bytes.Clone(src.data)
				time.Sleep(time.Duration(rand.IntN(8)) * time.Millisecond)
				same := bytes.Equal(first, src.data)
				src.close()
				if !same {
					errs <- fmt.Errorf("a file changed while a reader held it")
					return
				}
				if _, err := Decode(first); err != nil {
					errs <- fmt.Errorf("a reader read a broken profile: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	rg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// TestTheSpareIsNotWrittenThrough: a spare that is a symbolic link, has a
// second name, or can be read by others is replaced, never written
// through; what it pointed at stays as it was.
func TestTheSpareIsNotWrittenThrough(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"symlink", "hardlink", "mode"} {
		t.Run(kind, func(t *testing.T) {
			s := rotatingStore(t, false)
			if err := switchTo(s, 0); err != nil {
				t.Fatal(err)
			}
			victim := filepath.Join(t.TempDir(), "victim")
			if err := os.WriteFile(victim, []byte("keep me"), 0o600); err != nil {
				t.Fatal(err)
			}
			_ = os.Remove(s.spare)
			var err error
			switch kind {
			case "symlink":
				err = os.Symlink(victim, s.spare)
			case "hardlink":
				err = os.Link(victim, s.spare)
			case "mode":
				victim = s.spare
				err = os.WriteFile(s.spare, []byte("keep me"), 0o644)
				if err == nil {
					err = os.Chmod(s.spare, 0o644)
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			held := inodeOf(t, victim)
			if err := switchTo(s, 1); err != nil {
				t.Fatal(err)
			}
			if kind != "mode" {
				if data, err := os.ReadFile(victim); err != nil || string(data) != "keep me" {
					t.Fatalf("the spare's target holds %q (%v)", data, err)
				}
			}
			if inodeOf(t, s.path) == held {
				t.Fatal("the write went into the refused spare")
			}
			var st syscall.Stat_t
			if err := syscall.Lstat(s.spare, &st); err != nil || st.Mode&syscall.S_IFMT != syscall.S_IFREG || st.Nlink != 1 || st.Mode&0o777 != 0o600 {
				t.Fatalf("the new spare is mode %o with %d links (%v)", st.Mode, st.Nlink, err)
			}
		})
	}
}

// TestAForeignLockDoesNotStopReaders: a shared lock that keeps failing
// because some other program holds profile.json itself locked is not a
// writer's: the reader reads on, from a copy.
func TestAForeignLockDoesNotStopReaders(t *testing.T) {
	t.Parallel()
	s := rotatingStore(t, false)
	f, err := os.Open(s.path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(); err != nil {
		t.Fatal(err)
	}
	// It holds nothing a writer could reuse once the foreign lock goes:
	// a copy, not a mapping.
	src, err := readSource(s.path, true)
	if err != nil || src.mapped {
		t.Fatalf("a reader under a foreign lock mapped the file (err %v)", err)
	}
	if _, err := s.Settings(); err != nil {
		t.Fatal(err)
	}
	if err := switchTo(s, 1); err != nil {
		t.Fatal(err)
	}
}

// TestAFreshFileThatWillNotGoIsNotInTheWay: when the rotating writer's
// temporary name is taken by something it cannot remove (a directory), the
// write takes another name.
func TestAFreshFileThatWillNotGoIsNotInTheWay(t *testing.T) {
	t.Parallel()
	s := rotatingStore(t, false)
	if err := os.Mkdir(filepath.Join(s.dir, freshName), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.dir, freshName, "x"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := switchTo(s, i); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	if _, err := s.Load(); err != nil {
		t.Fatal(err)
	}
}
