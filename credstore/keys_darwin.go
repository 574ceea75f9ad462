package credstore

// platformBackends lists the macOS key store: the login Keychain
// (desktop, Options.Desktop).
func platformBackends(_ func(string) string, desktop KeyBackend) ([]KeyBackend, error) {
	if desktop == nil {
		return nil, &DesktopNotLinkedError{Backend: KeychainName}
	}
	return []KeyBackend{desktop}, nil
}
