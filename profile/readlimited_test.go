package profile

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// zeros is a stream with no end, as /dev/zero is.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestAStreamOverTheCapTakesNoMoreThanTheCap: a stream with no end
// (`azc context import /dev/zero`, or it on standard input) is refused
// having allocated about MaxFileSize, not a multiple of it (a buffer
// grown and copied over would allocate several times the cap for an
// input azc refuses). Not parallel: it counts the bytes the whole process
// allocates.
func TestAStreamOverTheCapTakesNoMoreThanTheCap(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := ReadLimited(zeros{}, "standard input")
	runtime.ReadMemStats(&after)
	var tl *TooLargeError
	if !errors.As(err, &tl) {
		t.Fatalf("ReadLimited of an endless stream: %v, want a *TooLargeError", err)
	}
	if got, most := after.TotalAlloc-before.TotalAlloc, uint64(MaxFileSize)*5/4; got > most {
		t.Errorf("ReadLimited of an endless stream allocated %d MiB before refusing it, want at most %d MiB", got>>20, most>>20)
	}
}

// TestReadLimitedKeepsEveryByte: a stream read in pieces of odd sizes
// comes back whole and in order, at every size around the buffers'.
func TestReadLimitedKeepsEveryByte(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 511, 512, 513, 4 << 10, 1<<20 - 1, 1 << 20, 1<<20 + 1, 5<<20 + 3} {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(i * 7 / 3)
		}
		got, err := ReadLimited(&oddReader{r: bytes.NewReader(data)}, "x")
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("ReadLimited of %d bytes: %d bytes back, equal %v, %v", n, len(got), bytes.Equal(got, data), err)
		}
		got, err = readLimited(&oddReader{r: bytes.NewReader(data)}, "x", int64(n/2))
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("readLimited of %d bytes with a size of %d: %d bytes back, %v", n, n/2, len(got), err)
		}
	}
	exact := make([]byte, MaxFileSize)
	if got, err := ReadLimited(&oddReader{r: bytes.NewReader(exact)}, "x"); err != nil || len(got) != MaxFileSize {
		t.Fatalf("ReadLimited of exactly MaxFileSize bytes: %d, %v", len(got), err)
	}
}

// oddReader hands out at most 1, 2, … 9999 bytes a read, in turn.
type oddReader struct {
	r *bytes.Reader
	i int
}

func (o *oddReader) Read(p []byte) (int, error) {
	o.i = o.i%9999 + 1
	return o.r.Read(p[:min(len(p), o.i)])
}

var _ io.Reader = (*oddReader)(nil)

// TestARegularFileOverTheCapIsRefusedUnread: standard input redirected
// from a file (`azc context import - < big.json`) is a regular file whose
// size is known: one over the cap is refused before a byte is read, as
// ReadFile refuses it by name, not after MaxFileSize has been read into
// memory. What is left of a file read from an offset is what counts.
func TestARegularFileOverTheCapIsRefusedUnread(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, MaxFileSize+1); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var tl *TooLargeError
	if _, err := ReadLimited(f, "standard input"); !errors.As(err, &tl) {
		t.Fatalf("ReadLimited of a file over the cap: %v, want a *TooLargeError", err)
	}
	if at, err := f.Seek(0, io.SeekCurrent); err != nil || at != 0 {
		t.Fatalf("ReadLimited read %d bytes (%v) of a file over the cap before refusing it, want none", at, err)
	}
	// Past its first 2 bytes, the file holds MaxFileSize-1: read whole.
	if _, err := f.Seek(2, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadLimited(f, "standard input"); err != nil || len(got) != MaxFileSize-1 {
		t.Fatalf("ReadLimited of the file's last MaxFileSize-1 bytes: %d bytes, %v", len(got), err)
	}
}

// TestAProfileOverTheCapIsRefusedBeforeItIsRead: a profile.json over
// MaxFileSize (sparse here) is refused by its size, before a byte of it is
// read, by every read of the Store and by the readers of other files (an
// import, a CA file, a credential blob): none allocates anything like the
// file's size. Not parallel: it counts the
// bytes the whole process allocates.
func TestAProfileOverTheCapIsRefusedBeforeItIsRead(t *testing.T) {
	dir := stateDir(t)
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.Path(), []byte(`{"version":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(s.Path(), MaxFileSize+1); err != nil {
		t.Fatal(err)
	}
	reads := map[string]func() error{
		"Load":       func() error { _, err := s.Load(); return err },
		"View":       func() error { _, err := s.View(); return err },
		"Settings":   func() error { _, err := s.Settings(); return err },
		"Update":     func() error { _, err := s.Update(func(*Profile) error { return nil }); return err },
		"SetDefault": func() error { _, err := s.SetDefault("x"); return err },
		// an import file, a CA file
		"ReadFile":        func() error { _, err := ReadFile(s.Path()); return err },
		"ReadRegularFile": func() error { _, err := ReadRegularFile(s.Path()); return err },
		"ReadOwned":       func() error { _, err := ReadOwned(s.Path()); return err },
	}
	for name, read := range reads {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		err := read()
		runtime.ReadMemStats(&after)
		var tl *TooLargeError
		if !errors.As(err, &tl) || tl.Path != s.Path() {
			t.Errorf("%s of a profile over the cap: %v, want a *TooLargeError naming it", name, err)
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
			t.Errorf("%s of a profile over the cap allocated %d MiB before refusing it, want under 1 MiB", name, got>>20)
		}
	}
}
