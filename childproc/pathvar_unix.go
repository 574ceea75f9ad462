//go:build unix

package childproc

// sameVar reports whether two variable names are one variable: on Unix
// names are case-sensitive, so `path` is another variable than PATH,
// which no shell searches.
func sameVar(a, b string) bool { return a == b }
