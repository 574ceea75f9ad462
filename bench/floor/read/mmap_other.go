//go:build unix && !linux

package main

import (
	"errors"
	"os"
)

// mapped is the mmap mode, which needs Linux's MAP_POPULATE.
func mapped(*os.File, int) (int, error) {
	return 0, errors.New("the mmap mode runs on Linux only")
}
