//go:build !unix

package sysfile

import (
	"io/fs"
	"os"
)

// Open is os.OpenFile: what Open saves is Unix's.
func Open(path string, flag int, perm fs.FileMode) (*os.File, error) {
	return os.OpenFile(path, flag, perm)
}
