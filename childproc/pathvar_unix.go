//go:build unix

package childproc

// isPathVar reports whether the variable name is the PATH commands are
// looked up in: on Unix names are case-sensitive, so `path` is another
// variable, which no shell searches.
func isPathVar(name string) bool { return name == "PATH" }
