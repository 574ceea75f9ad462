package credstore

// platformBackends lists the macOS key store: the login Keychain, reached
// through /usr/bin/security (no cgo).
func platformBackends(func(string) string) []KeyBackend { return []KeyBackend{Keychain()} }

// Keychain returns the backend that keeps the data key in the macOS
// login Keychain.
func Keychain() KeyBackend { return goKeyring{name: keychainName} }
