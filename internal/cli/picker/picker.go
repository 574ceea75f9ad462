// Package picker is the fuzzy chooser `azc use` opens on a terminal when
// no context is named: type to filter, arrows to move, Enter to pick, Esc
// or Ctrl-C to back out.
package picker

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"

	"golang.org/x/term"
)

// ErrCancelled is returned when the user backs out.
var ErrCancelled = errors.New("cancelled")

// Item is one choice: Label is matched and shown, Detail only shown.
type Item struct {
	Label  string
	Detail string
}

// Filter returns the indexes of items whose label (or detail) contains the
// runes of query in order, case-insensitively, best matches first: a
// contiguous match beats a scattered one, an earlier match a later one.
func Filter(items []Item, query string) []int {
	q := []rune(strings.ToLower(query))
	type scored struct{ i, score int }
	var hits []scored
	for i, it := range items {
		s, ok := score(strings.ToLower(it.Label), q)
		if !ok {
			s, ok = score(strings.ToLower(it.Detail), q)
			s += 1000
		}
		if ok {
			hits = append(hits, scored{i, s})
		}
	}
	// insertion sort keeps equal scores in list order and is fine for the
	// few thousand contexts a person has.
	for a := 1; a < len(hits); a++ {
		for b := a; b > 0 && hits[b].score < hits[b-1].score; b-- {
			hits[b], hits[b-1] = hits[b-1], hits[b]
		}
	}
	out := make([]int, len(hits))
	for k, h := range hits {
		out[k] = h.i
	}
	return out
}

// score is the number of runes skipped between matched runes plus the
// position of the first match; ok is false when q is not a subsequence.
func score(s string, q []rune) (int, bool) {
	if len(q) == 0 {
		return 0, true
	}
	if i := strings.Index(s, string(q)); i >= 0 {
		return i, true
	}
	qi, first, gaps, last := 0, -1, 0, -1
	for pos, r := range []rune(s) {
		if qi < len(q) && r == q[qi] {
			if first < 0 {
				first = pos
			} else {
				gaps += pos - last - 1
			}
			last = pos
			qi++
		}
	}
	if qi < len(q) {
		return 0, false
	}
	return 100 + first + gaps*10, true
}

// Pick runs the picker on the terminal in (put in raw mode meanwhile) and
// draws on the controlling terminal, or on fallback when there is none. It
// returns the index of the chosen item.
func Pick(in *os.File, fallback io.Writer, prompt string, items []Item) (int, error) {
	out := fallback
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		out = tty
	}
	old, err := term.MakeRaw(int(in.Fd()))
	if err != nil {
		return 0, fmt.Errorf("picker: %w", err)
	}
	defer func() { _ = term.Restore(int(in.Fd()), old) }()
	height := 10
	if _, h, err := term.GetSize(int(in.Fd())); err == nil && h > 4 {
		height = min(h-2, 15)
	}
	return run(bufio.NewReader(in), out, prompt, items, height)
}

func run(r *bufio.Reader, out io.Writer, prompt string, items []Item, height int) (int, error) {
	query := []rune{}
	sel := 0
	drawn := 0
	for {
		matches := Filter(items, string(query))
		sel = max(0, min(sel, len(matches)-1))
		drawn = draw(out, prompt, string(query), items, matches, sel, height, drawn)
		rn, _, err := r.ReadRune()
		if err != nil {
			clear(out, drawn)
			return 0, ErrCancelled
		}
		switch rn {
		case '\r', '\n':
			clear(out, drawn)
			if len(matches) == 0 {
				return 0, ErrCancelled
			}
			return matches[sel], nil
		case 3, 4: // Ctrl-C, Ctrl-D
			clear(out, drawn)
			return 0, ErrCancelled
		case 27: // Esc, or the start of an arrow key
			if r.Buffered() == 0 {
				clear(out, drawn)
				return 0, ErrCancelled
			}
			if next, _ := r.Peek(1); len(next) == 0 || next[0] != '[' {
				clear(out, drawn)
				return 0, ErrCancelled
			}
			_, _ = r.ReadByte()
			switch b, _ := r.ReadByte(); b {
			case 'A':
				sel--
			case 'B':
				sel++
			}
		case 16: // Ctrl-P
			sel--
		case 14: // Ctrl-N
			sel++
		case 127, 8:
			if len(query) > 0 {
				query = query[:len(query)-1]
				sel = 0
			}
		case 21: // Ctrl-U
			query, sel = query[:0], 0
		default:
			if unicode.IsPrint(rn) {
				query = append(query, rn)
				sel = 0
			}
		}
	}
}

func draw(out io.Writer, prompt, query string, items []Item, matches []int, sel, height, prev int) int {
	var b strings.Builder
	clearTo(&b, prev)
	fmt.Fprintf(&b, "%s %s\r\n", prompt, query)
	lines := 1
	start := 0
	if sel >= height {
		start = sel - height + 1
	}
	for k := start; k < len(matches) && k < start+height; k++ {
		it := items[matches[k]]
		mark := "  "
		if k == sel {
			mark = "> "
		}
		line := mark + it.Label
		if it.Detail != "" {
			line += "  " + it.Detail
		}
		fmt.Fprintf(&b, "%s\r\n", line)
		lines++
	}
	fmt.Fprintf(&b, "  %d/%d\r\n", len(matches), len(items))
	lines++
	_, _ = io.WriteString(out, b.String())
	return lines
}

func clearTo(b *strings.Builder, lines int) {
	for range lines {
		b.WriteString("\x1b[1A\x1b[2K")
	}
	b.WriteString("\r")
}

func clear(out io.Writer, lines int) {
	var b strings.Builder
	clearTo(&b, lines)
	_, _ = io.WriteString(out, b.String())
}
