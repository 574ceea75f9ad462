//go:build !linux && !darwin && !windows

package credstore

// platformBackends is empty where azc knows no OS key store: blobs fall
// back to plaintext (or Open fails when encryption is required).
func platformBackends(func(string) string, KeyBackend) ([]KeyBackend, error) { return nil, nil }
