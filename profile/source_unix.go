//go:build unix

package profile

import (
	"errors"
	"io/fs"
	"math"
	"runtime"
	"syscall"
)

// readSource reads the file at path: nil when it does not exist. whole
// says the caller reads all of it, not just the header. A regular,
// non-empty file is mapped read-only instead of copied into the heap: on
// the hot path of every command, a 500 KB profile costs a few page faults
// of the page cache's pages rather than a fresh buffer's hundred. Readers
// must access it through do: azc replaces profile.json by rename, which
// leaves a mapping intact (the mapping's shared lock keeps a writer from
// reusing the file; see lockShared), but an editor that truncates the file
// in place makes reads fault. close releases the mapping; else it goes
// when the source is unreachable.
func readSource(path string, whole bool) (*source, error) {
	fd, locked, err := openShared(path)
	if fd < 0 || err != nil {
		return nil, err
	}
	keep := false
	defer func() {
		if !keep {
			_ = syscall.Close(fd)
		}
	}()
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	size := st.Size
	if !locked || st.Mode&syscall.S_IFMT != syscall.S_IFREG || size <= 0 || size > math.MaxInt32 {
		return readAll(fd, path)
	}
	flags := syscall.MAP_SHARED
	if whole {
		flags = mmapWhole
	}
	data, err := syscall.Mmap(fd, 0, int(size), syscall.PROT_READ, flags)
	if err != nil {
		return readAll(fd, path)
	}
	// The descriptor stays open with the mapping: it holds the shared
	// lock that keeps writers from reusing the file (see lockShared).
	keep = true
	s := &source{data: data, path: path, mapped: true}
	m := mapping{data: data, fd: fd}
	c := runtime.AddCleanup(s, mapping.release, m)
	s.unmap = func() {
		c.Stop()
		m.release()
	}
	return s, nil
}

// mapping is a mapped profile and the descriptor it came from.
type mapping struct {
	data []byte
	fd   int
}

func (m mapping) release() {
	_ = syscall.Munmap(m.data)
	_ = syscall.Close(m.fd)
}

// openShared opens the profile at path for reading with lockShared's lock
// held while the descriptor is open: -1 when the file does not exist.
// locked is false only when someone holds the file locked exclusively and
// keeps it (not a writer of azc's): the caller then copies the file rather
// than map it, so that it holds nothing a writer could reuse.
func openShared(path string) (fd int, locked bool, err error) {
	for try := 0; ; try++ {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err == syscall.EINTR {
			continue
		}
		if errors.Is(err, fs.ErrNotExist) {
			return -1, false, nil
		}
		if err != nil {
			return -1, false, &fs.PathError{Op: "open", Path: path, Err: err}
		}
		if lockShared(fd) {
			return fd, true, nil
		}
		if try == 100 {
			return fd, false, nil
		}
		// A writer is overwriting the file in place: it was
		// profile.json two writes ago, and path names another file by
		// now (a writer unlocks the spare before it becomes
		// profile.json).
		_ = syscall.Close(fd)
	}
}

// readAll reads the rest of the file open at fd into the heap.
func readAll(fd int, path string) (*source, error) {
	data := []byte{}
	buf := make([]byte, 32<<10)
	for {
		n, err := syscall.Read(fd, buf)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			return &source{data: data, path: path}, nil
		}
		data = append(data, buf[:n]...)
	}
}

// readPrefix reads at most n bytes from the start of the file at path: nil
// when it does not exist; whole says they are the whole file.
func readPrefix(path string, n int) (data []byte, whole bool, err error) {
	fd, _, err := openShared(path)
	if fd < 0 || err != nil {
		return nil, false, err
	}
	defer syscall.Close(fd)
	buf := make([]byte, n+1) // one more: a full buffer then means more follows
	got := 0
	for got < len(buf) {
		m, err := syscall.Read(fd, buf[got:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, false, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if m == 0 {
			break
		}
		got += m
	}
	if got > n {
		return buf[:n], false, nil
	}
	return buf[:got], true, nil
}
