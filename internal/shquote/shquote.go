// Package shquote quotes words for a POSIX shell (sh, bash, zsh), so that
// a command azc prints or writes can be pasted or sourced as it is.
package shquote

import "strings"

// Quote returns s as one word for a POSIX shell: as it is when it holds
// only letters, digits and /._-:+=,@ (and is not empty), else in single
// quotes.
func Quote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-:+=,@", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
