//go:build !unix

package profile

// readSource reads the file at path: nil when it does not exist.
func readSource(path string, _ bool) (*source, error) { return readWhole(path) }
