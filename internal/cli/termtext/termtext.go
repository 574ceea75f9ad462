// Package termtext measures text on a terminal: Width counts columns as a
// terminal draws them (East Asian wide characters and emoji take two),
// Truncate shortens text to a width, ending it with "…", and Fit narrows
// a table's columns to a line. The text it measures holds no control
// character: it is escaped first (internal/termsafe).
package termtext

import (
	"strings"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// Width is the number of terminal columns s takes (East Asian wide
// characters and emoji count two, combining marks none: Unicode's East
// Asian Width and grapheme clusters, by github.com/rivo/uniseg). s holds
// no control character (see termsafe.Escape).
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
		// down to the next widest column at most; by one column when
		// another is as wide, so that the widest take turns
		next := MinColumn
		for i, w := range widths {
			if i != widest && w > next && w <= widths[widest] {
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
