// Package picker is the fuzzy chooser `azc use` opens on a terminal when
// no context is named: type to filter, arrows to move, Enter to pick, Esc
// or Ctrl-C to back out. It draws within the terminal's width and height
// (nothing wraps, so each redraw erases exactly what the last one drew),
// starts on the item the caller names, and keeps the columns of the items
// aligned.
package picker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/term"

	"github.com/azcontext/azc/internal/cli/termtext"
	"github.com/azcontext/azc/internal/termsafe"
	"github.com/azcontext/azc/profile"
)

// ErrCancelled is returned when the user backs out (Esc, Ctrl-C, Ctrl-D,
// the end of input) or the context ends.
var ErrCancelled = errors.New("cancelled")

// Item is one choice: Label is shown first, Details as further aligned
// columns; both are matched.
type Item struct {
	Label   string
	Details []string
}

// list is the items with what filtering and drawing need of them, worked
// out once.
type list struct {
	items []Item
	label []string // profile.NameKey of the label, for matching
	rest  []string // the details joined, NameKey'd
	cells [][]string
	width []int // the natural width of each column
}

func newList(items []Item) *list {
	l := &list{items: items, label: make([]string, len(items)), rest: make([]string, len(items)), cells: make([][]string, len(items))}
	for i, it := range items {
		l.label[i] = profile.NameKey(it.Label)
		l.rest[i] = profile.NameKey(strings.Join(it.Details, "  "))
		row := make([]string, 1+len(it.Details))
		row[0] = termsafe.Escape(it.Label)
		for j, d := range it.Details {
			row[1+j] = termsafe.Escape(d)
		}
		for j, c := range row {
			if j == len(l.width) {
				l.width = append(l.width, 0)
			}
			l.width[j] = max(l.width[j], termtext.Width(c))
		}
		l.cells[i] = row
	}
	return l
}

// filter returns the indexes of the items among (every item when among is
// nil) whose label (or details) contain the runes of query in order,
// ignoring case as context names are compared (profile.SameName: "σ"
// matches "ς"), best matches first: a contiguous match beats a scattered
// one, an earlier match a later one, a label match a detail match; equal
// matches keep the items' order. A query that extends the last one needs
// only the last one's matches.
func (l *list) filter(query string, among []int) []int {
	q := profile.NameKey(query)
	type scored struct{ i, score int }
	if among == nil {
		among = make([]int, len(l.items))
		for i := range among {
			among[i] = i
		}
	} else {
		// in the items' order again, so that equal scores keep it
		among = slices.Clone(among)
		slices.Sort(among)
	}
	hits := make([]scored, 0, len(among))
	for _, i := range among {
		s, ok := score(l.label[i], q)
		if !ok {
			s, ok = score(l.rest[i], q)
			s += 1 << 20
		}
		if ok {
			hits = append(hits, scored{i, s})
		}
	}
	if q != "" {
		slices.SortStableFunc(hits, func(a, b scored) int { return a.score - b.score })
	}
	out := make([]int, len(hits))
	for k, h := range hits {
		out[k] = h.i
	}
	return out
}

// score is the position of the first match, plus ten for each rune
// skipped between matched runes of a scattered match; ok is false when q
// is not a subsequence of s.
func score(s, q string) (int, bool) {
	if q == "" {
		return 0, true
	}
	if i := strings.Index(s, q); i >= 0 {
		return i, true
	}
	want, size := utf8.DecodeRuneInString(q)
	first, gaps, last, pos := -1, 0, -1, 0
	for _, r := range s {
		if r == want {
			if first < 0 {
				first = pos
			} else {
				gaps += pos - last - 1
			}
			last = pos
			q = q[size:]
			if q == "" {
				return 1000 + first + gaps*10, true
			}
			want, size = utf8.DecodeRuneInString(q)
		}
		pos++
	}
	return 0, false
}

// Pick runs the picker on the terminal in (put in raw mode meanwhile),
// starting on items[start], and draws on the controlling terminal, or on
// fallback when there is none. It returns the index of the chosen item, or
// ErrCancelled when the user backs out or ctx ends first.
func Pick(ctx context.Context, in *os.File, fallback io.Writer, prompt string, items []Item, start int) (int, error) {
	out := fallback
	sizeFd := int(in.Fd())
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		out = tty
		sizeFd = int(tty.Fd())
	}
	old, err := term.MakeRaw(int(in.Fd()))
	if err != nil {
		return 0, fmt.Errorf("put the terminal in raw mode: %w", err)
	}
	defer func() { _ = term.Restore(int(in.Fd()), old) }()
	resized, stop := notifyResize()
	defer stop()
	size := func() (int, int) {
		w, h, err := term.GetSize(sizeFd)
		if err != nil {
			return 80, 24
		}
		return w, h
	}
	// The reader stays blocked on the terminal when ctx ends first; the
	// process exits soon after.
	keys := make(chan []byte)
	go func() {
		defer close(keys)
		for {
			buf := make([]byte, 256)
			n, err := in.Read(buf)
			if n > 0 {
				keys <- buf[:n]
			}
			if err != nil {
				return
			}
		}
	}()
	return run(ctx, keys, resized, out, prompt, items, start, size)
}

// maxRows is the most items shown at once.
const maxRows = 15

// run is Pick over keys (each a read from the terminal: an escape sequence
// arrives whole) and out, with the terminal's size from size, drawn again
// at once when resized gets a value (the terminal's new size).
func run(ctx context.Context, keys <-chan []byte, resized <-chan os.Signal, out io.Writer, prompt string, items []Item, start int, size func() (w, h int)) (int, error) {
	l := newList(items)
	var (
		query   []rune
		matches = l.filter("", nil)
		sel     = max(0, min(start, len(items)-1))
		top     = 0
		drawn   = 0
		pending []byte // the start of a character split across reads
	)
	finish := func(i int, err error) (int, error) {
		var b strings.Builder
		erase(&b, drawn)
		_, _ = io.WriteString(out, b.String())
		return i, err
	}
	move := func(by int) { sel = max(0, min(sel+by, len(matches)-1)) }
	last := ""
	refilter := func() {
		var among []int
		if q := string(query); last != "" && strings.HasPrefix(q, last) {
			among = matches
		}
		last = string(query)
		matches = l.filter(last, among)
		sel, top = 0, 0
	}
	for {
		sel = max(0, min(sel, len(matches)-1))
		drawn = draw(out, l, prompt, string(query), matches, sel, &top, drawn, size)
		var chunk []byte
		select {
		case <-ctx.Done():
			return finish(0, ErrCancelled)
		case <-resized:
			continue
		case c, ok := <-keys:
			if !ok {
				return finish(0, ErrCancelled)
			}
			chunk = append(pending, c...)
			pending = nil
		}
		for len(chunk) > 0 {
			b := chunk[0]
			switch {
			case b == '\r' || b == '\n':
				if len(matches) == 0 {
					return finish(0, ErrCancelled)
				}
				return finish(matches[sel], nil)
			case b == 3 || b == 4: // Ctrl-C, Ctrl-D
				return finish(0, ErrCancelled)
			case b == 27: // Esc, or the start of an arrow key
				if len(chunk) < 3 || (chunk[1] != '[' && chunk[1] != 'O') {
					return finish(0, ErrCancelled)
				}
				// a CSI sequence ends with a byte in 0x40–0x7e
				end := 2
				for end < len(chunk) && (chunk[end] < 0x40 || chunk[end] > 0x7e) {
					end++
				}
				if end < len(chunk) {
					switch chunk[end] {
					case 'A':
						move(-1)
					case 'B':
						move(1)
					}
				}
				chunk = chunk[min(end+1, len(chunk)):]
				continue
			case b == 16: // Ctrl-P
				move(-1)
			case b == 14: // Ctrl-N
				move(1)
			case b == 127 || b == 8:
				if len(query) > 0 {
					query = query[:len(query)-1]
					refilter()
				}
			case b == 21: // Ctrl-U
				query = query[:0]
				refilter()
			default:
				if !utf8.FullRune(chunk) {
					pending = append([]byte(nil), chunk...)
					chunk = nil
					continue
				}
				r, n := utf8.DecodeRune(chunk)
				chunk = chunk[n:]
				if unicode.IsPrint(r) {
					query = append(query, r)
					refilter()
				}
				continue
			}
			chunk = chunk[1:]
		}
	}
}

// gap is the space between columns.
const gap = 2

// draw erases the prev lines drawn last time and draws the prompt, the
// visible matches (moving *top so that sel is among them) and a count,
// every line narrower than the terminal; it returns how many lines it drew.
func draw(out io.Writer, l *list, prompt, query string, matches []int, sel int, top *int, prev int, size func() (int, int)) int {
	w, h := size()
	limit := max(w-1, 10) // the last column would wrap on some terminals
	rows := max(1, min(maxRows, h-2))
	if sel < *top {
		*top = sel
	}
	if sel >= *top+rows {
		*top = sel - rows + 1
	}
	widths := fitColumns(l.width, limit-2)

	var b strings.Builder
	erase(&b, prev)
	b.WriteString(termtext.Truncate(prompt+" "+termsafe.Escape(query), limit))
	b.WriteString("\r\n")
	lines := 1
	for k := *top; k < len(matches) && k < *top+rows; k++ {
		var line strings.Builder
		if k == sel {
			line.WriteString("> ")
		} else {
			line.WriteString("  ")
		}
		cells := l.cells[matches[k]]
		for j, c := range cells {
			c = termtext.Truncate(c, widths[j])
			line.WriteString(c)
			if j < len(cells)-1 {
				line.WriteString(strings.Repeat(" ", widths[j]+gap-termtext.Width(c)))
			}
		}
		b.WriteString(termtext.Truncate(strings.TrimRight(line.String(), " "), limit))
		b.WriteString("\r\n")
		lines++
	}
	fmt.Fprintf(&b, "  %d/%d\r\n", len(matches), len(l.items))
	lines++
	_, _ = io.WriteString(out, b.String())
	return lines
}

// fitColumns returns the column widths for a line of limit columns: the
// label (the first column) keeps up to half of the line, the details share
// the rest, then the label takes what they leave. Details that cannot
// share the rest (each keeps termtext.MinColumn) run past the line, which
// draw cuts.
func fitColumns(natural []int, limit int) []int {
	widths := slices.Clone(natural)
	if len(widths) == 1 {
		widths[0] = min(widths[0], limit)
		return widths
	}
	label := min(widths[0], max(limit/2, termtext.MinColumn))
	termtext.Fit(widths[1:], gap, limit-label-gap)
	used := gap * (len(widths) - 1)
	for _, w := range widths[1:] {
		used += w
	}
	widths[0] = max(min(widths[0], limit-used), label)
	return widths
}

// erase moves up over lines drawn lines, clearing each, and clears what
// is below them: rows a terminal made narrower wrapped them onto.
func erase(b *strings.Builder, lines int) {
	for range lines {
		b.WriteString("\x1b[1A\x1b[2K")
	}
	b.WriteString("\r\x1b[J")
}
