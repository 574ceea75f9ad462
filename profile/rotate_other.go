//go:build !linux

package profile

import "os"

// rotates says writeChecked writes through writeRotating, which needs to
// exchange two names in one step: only Linux does here.
const rotates = false

func exchange(string, string) error { return errNoExchange }

func openSpare(string) (*os.File, int64) { return nil, 0 }
