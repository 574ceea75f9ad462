//go:build !unix

package profile

import (
	"errors"
	"io/fs"
	"os"
)

// readSource reads the file at path: nil when it does not exist.
func readSource(path string) (*source, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &source{data: data, path: path}, nil
}
