package profile

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
)

// errTruncated reports a fault reading a mapped profile: the file shrank
// under the mapping, which only an edit in place does (azc replaces the
// file by rename).
var errTruncated = errors.New("the file was truncated while being read (edited in place?); run the command again")

// errChangedWhileWriting reports that profile.json changed in place (an
// editor) while SetDefault copied it: nothing was replaced.
var errChangedWhileWriting = errors.New("profile.json changed while azc was rewriting it (edited in place?); nothing was written; run the command again")

// source is the bytes of profile.json: read into memory, or a read-only
// mapping of the file (see readSource), which faults when the file is
// truncated under it. Every access to data goes through do.
type source struct {
	data   []byte
	path   string
	mapped bool
	unmap  func() // releases the mapping now; nil when not mapped
}

// close releases a mapping at once, rather than when s is garbage. Nothing
// may read s.data afterwards.
func (s *source) close() {
	if s.unmap != nil {
		s.unmap()
		s.unmap, s.data = nil, nil
	}
}

// do runs fn, which reads s.data. On a mapping, a fault (the file was
// truncated) becomes an error instead of a crash.
func (s *source) do(fn func() error) (err error) {
	if !s.mapped {
		return fn()
	}
	old := debug.SetPanicOnFault(true)
	defer func() {
		debug.SetPanicOnFault(old)
		runtime.KeepAlive(s) // its cleanup unmaps data
		if r := recover(); r != nil {
			if _, ok := r.(interface{ Addr() uintptr }); !ok {
				panic(r)
			}
			err = fmt.Errorf("read profile %s: %w", s.path, errTruncated)
		}
	}()
	return fn()
}

// decode is Decode(s.data). The profile copies what it keeps, so it does
// not refer to a mapping.
func (s *source) decode() (p *Profile, err error) {
	derr := s.do(func() error {
		p, err = Decode(s.data)
		return nil
	})
	if derr != nil {
		return nil, derr
	}
	return p, err
}
