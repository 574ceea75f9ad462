// Package termtext makes text from files and the network safe and
// measurable on a terminal: Escape spells out control characters (so a
// subscription named "\x1b]0;owned\a" cannot retitle a window or clear a
// screen), Width counts columns as a terminal draws them (East Asian wide
// characters and emoji take two) and Truncate shortens text to a width,
// ending it with "…".
package termtext

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"

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
// that quoting reads back, and ' and \ escaped. Either is left as it is by Escape, so printing it sends nothing
// to the terminal, and pasting it gives s back: Escape's spelling of
// shquote.Quote's word printed safely but pasted as another word, a
// backslash where s has its escape.
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
// nearly every name and id is: Escape returns it as it is, and its Width
// is its length.
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

// Width is the number of terminal columns s takes (East Asian wide
// characters and emoji count two, combining marks none: Unicode's East
// Asian Width and grapheme clusters, by github.com/rivo/uniseg). s holds
// no control character (see Escape).
func Width(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return uniseg.StringWidth(s)
		}
	}
	return len(s)
}

// Truncate shortens s to at most width columns, ending it with "…" when
// anything was cut; a character (a grapheme cluster: an emoji with its
// modifiers, a letter with its accents) that would straddle the edge goes
// whole.
func Truncate(s string, width int) string {
	if Width(s) <= width {
		return s
	}
	if width <= 0 {
		return ""
	}
	var b strings.Builder
	used, state := 0, -1
	rest := s
	for rest != "" {
		var cluster string
		var w int
		cluster, rest, w, state = uniseg.FirstGraphemeClusterInString(rest, state)
		if used+w > width-1 { // one column for "…"
			break
		}
		b.WriteString(cluster)
		used += w
	}
	b.WriteString("…")
	return b.String()
}

// MinColumn is the narrowest Fit cuts a column to (when it was wider).
const MinColumn = 4

// Fit narrows the widest of the column widths, in place, until a line of
// them with gap columns between each is at most limit columns (no limit
// when 0), cutting none below MinColumn, and reports whether it narrowed
// any. The widest columns go first and shrink together, so that short
// columns (an id, a state) stay whole while long names are cut.
func Fit(widths []int, gap, limit int) bool {
	if limit <= 0 || len(widths) == 0 {
		return false
	}
	total := gap * (len(widths) - 1)
	for _, w := range widths {
		total += w
	}
	cut := false
	for total > limit {
		widest := 0
		for i, w := range widths {
			if w > widths[widest] {
				widest = i
			}
		}
		if widths[widest] <= MinColumn {
			break
		}
		// down to the next widest column at most
		next := MinColumn
		for i, w := range widths {
			if i != widest && w > next && w < widths[widest] {
				next = w
			}
		}
		by := max(1, min(total-limit, widths[widest]-next))
		widths[widest] -= by
		total -= by
		cut = true
	}
	return cut
}
