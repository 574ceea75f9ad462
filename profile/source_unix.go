//go:build unix

package profile

import (
	"errors"
	"io"
	"io/fs"
	"math"
	"os"
	"runtime"
	"syscall"
)

// readSource reads the file at path: nil when it does not exist. A regular,
// non-empty file is mapped read-only instead of copied into the heap: on
// the hot path of every command, a 500 KB profile costs a few page faults
// of the page cache's pages rather than a fresh buffer's hundred. Readers
// must access it
// through do: azc replaces profile.json by rename, which leaves a mapping
// intact, but an editor that truncates the file in place makes reads
// fault. close releases the mapping; else it goes when the source is
// unreachable.
func readSource(path string) (*source, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := fi.Size()
	if !fi.Mode().IsRegular() || size <= 0 || size > math.MaxInt32 {
		data, err := io.ReadAll(f)
		return &source{data: data, path: path}, err
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		data, err := io.ReadAll(f)
		return &source{data: data, path: path}, err
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
