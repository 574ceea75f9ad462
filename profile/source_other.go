//go:build !unix

package profile

import (
	"errors"
	"io"
	"io/fs"
	"os"
)

// readSource reads the file at path: nil when it does not exist.
func readSource(path string, _ bool) (*source, error) { return readWhole(path) }

// readPrefix reads at most n bytes from the start of the file at path: nil
// when it does not exist; whole says they are the whole file.
func readPrefix(path string, n int) (data []byte, whole bool, err error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	buf := make([]byte, n+1)
	got, err := io.ReadFull(f, buf)
	switch {
	case err == nil:
		return buf[:n], false, nil
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return buf[:got], true, nil
	}
	return nil, false, err
}

// readWhole reads the file at path into the heap: nil when it does not
// exist.
func readWhole(path string) (*source, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &source{data: data, path: path}, nil
}
