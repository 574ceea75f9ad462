//go:build unix && !linux

package profile

import "syscall"

// mmapWhole maps a profile.json that is read whole; only Linux has
// MAP_POPULATE.
const mmapWhole = syscall.MAP_SHARED
