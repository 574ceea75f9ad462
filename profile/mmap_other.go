//go:build unix && !linux

package profile

import "syscall"

// mmapFlags maps profile.json shared; only Linux has MAP_POPULATE.
const mmapFlags = syscall.MAP_SHARED
