// Package termsafe makes text from files and the network safe to print
// on a terminal: Escape spells out control characters (so a subscription
// named "\x1b]0;owned\a" cannot retitle a window or clear a screen), and
// ShellWord quotes a string as one word to paste into a shell, in a form
// Escape leaves as it is. The library's hints and the command line's
// messages both use it, so it imports neither.
package termsafe

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/azcontext/azc/internal/shquote"
)

// Escape returns s with every control character (C0, DEL, C1), bidirectional
// override or isolate, invisible format character (zero-width space, direction
// mark; not the joiners emoji and words need), line or paragraph separator
// and invalid UTF-8 byte spelled out as Go escapes
// (`\x1b`, `\a`, `\u202e`), so that printing it moves no cursor and sends
// no command to the terminal. Text with nothing to escape is returned as
// is, without allocating.
func Escape(s string) string {
	if PrintableASCII(s) {
		return s
	}
	i := 0
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if needsEscape(r, size) {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !needsEscape(r, size) {
			b.WriteString(s[i : i+size])
			i += size
			continue
		}
		writeEscape(&b, r, s[i])
		i += size
	}
	return b.String()
}

// writeEscape writes the escape of r, a rune needsEscape holds for (first
// the byte c of its string): Go's, which bash's ANSI-C quoting reads
// alike (\x1b, \t, \u202e; \xff for a byte that is not UTF-8).
func writeEscape(b *strings.Builder, r rune, c byte) {
	switch {
	case r == utf8.RuneError:
		fmt.Fprintf(b, `\x%02x`, c)
	case r == '\a':
		b.WriteString(`\a`)
	case r == '\b':
		b.WriteString(`\b`)
	case r == '\t':
		b.WriteString(`\t`)
	case r == '\n':
		b.WriteString(`\n`)
	case r == '\r':
		b.WriteString(`\r`)
	case r < 0x80:
		fmt.Fprintf(b, `\x%02x`, r)
	case r > 0xffff:
		fmt.Fprintf(b, `\U%08x`, r)
	default:
		fmt.Fprintf(b, `\u%04x`, r)
	}
}

// ShellWord returns s as a word for a hint to paste into a shell: the word
// shquote.Quote makes when s holds nothing Escape spells out; else s in
// ANSI-C quoting ($'…', which bash, zsh and ksh read), each character
// Escape would spell out written as Escape writes it (writeEscape), which
// that quoting reads back, and ' and \ escaped. Either is left as it is
// by Escape, so printing it sends nothing to the terminal, and pasting it
// gives s back: Escape's spelling of shquote.Quote's word printed safely
// but pasted as another word, a backslash where s has its escape.
func ShellWord(s string) string {
	if Escape(s) == s { // nothing to escape: no copy made
		return shquote.Quote(s)
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString("$'")
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\\' || r == '\'':
			b.WriteByte('\\')
			b.WriteRune(r)
		case needsEscape(r, size):
			writeEscape(&b, r, s[i])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('\'')
	return b.String()
}

// PrintableASCII reports whether s is printable ASCII (space to '~'), as
// nearly every name and id is: Escape returns it as it is, and it takes
// one terminal column a byte.
func PrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// Unsafe reports whether the character r must not reach a terminal as it
// is: Escape spells it out.
func Unsafe(r rune) bool { return needsEscape(r, utf8.RuneLen(r)) }

// needsEscape reports whether the rune r (size bytes long in its string)
// must not reach a terminal as it is.
func needsEscape(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size == 1:
		return true
	case unicode.IsControl(r):
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		// bidirectional embeddings, overrides and isolates reorder what
		// follows them on the line
		return true
	case r == 0x2028, r == 0x2029:
		// line and paragraph separators
		return true
	case r == 0x200c, r == 0x200d, r >= 0xe0020 && r <= 0xe007f:
		// joiners (emoji sequences, Persian and Indic words) and tag
		// characters (subdivision flags) are part of what they join
		return false
	case unicode.Is(unicode.Cf, r):
		// other invisible format characters (zero-width space, word
		// joiner, BOM, direction marks, soft hyphen) make two names that
		// differ look the same
		return true
	}
	return false
}
