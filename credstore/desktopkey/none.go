//go:build !linux && !darwin

// Package desktopkey is credstore's client of the desktop's key store on
// Linux (the Secret Service) and macOS (the Keychain). Other platforms
// have none that credstore uses: Backend returns nil.
package desktopkey

import "github.com/azcontext/azc/credstore"

// Backend returns nil: this platform's key store (DPAPI on Windows) is
// credstore's own.
func Backend() credstore.KeyBackend { return nil }
