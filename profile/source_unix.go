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
// must access it
// through do: azc replaces profile.json by rename, which leaves a mapping
// intact, but an editor that truncates the file in place makes reads
// fault. close releases the mapping; else it goes when the source is
// unreachable.
func readSource(path string, whole bool) (*source, error) {
	// syscall, not os.File: an os.File would start Go's network poller
	// (epoll, an eventfd) on the hot path of every command, for nothing.
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err == syscall.EINTR {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	size := st.Size
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG || size <= 0 || size > math.MaxInt32 {
		return readWhole(path)
	}
	flags := syscall.MAP_SHARED
	if whole {
		flags = mmapWhole
	}
	data, err := syscall.Mmap(fd, 0, int(size), syscall.PROT_READ, flags)
	if err != nil {
		return readWhole(path)
	}
	s := &source{data: data, path: path, mapped: true}
	unmap := func(b []byte) { _ = syscall.Munmap(b) }
	c := runtime.AddCleanup(s, unmap, data)
	s.unmap = func() {
		c.Stop()
		unmap(data)
	}
	return s, nil
}

// readPrefix reads at most n bytes from the start of the file at path: nil
// when it does not exist; whole says they are the whole file.
func readPrefix(path string, n int) (data []byte, whole bool, err error) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err == syscall.EINTR {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, &fs.PathError{Op: "open", Path: path, Err: err}
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
