//go:build !unix

package execserve

// IgnoreTerminalStops does nothing where a background process is not
// stopped for using its terminal.
func IgnoreTerminalStops() {}
