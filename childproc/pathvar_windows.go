//go:build windows

package childproc

import "strings"

// sameVar reports whether two variable names are one variable: on
// Windows names are case-insensitive (`Path` is usual for PATH).
func sameVar(a, b string) bool { return strings.EqualFold(a, b) }
