//go:build windows

package childproc

import "strings"

// isPathVar reports whether the variable name is the PATH commands are
// looked up in: on Windows names are case-insensitive (`Path` is usual).
func isPathVar(name string) bool { return strings.EqualFold(name, "PATH") }
