package picker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/azcontext/azc/internal/cli/termtext"
)

var items = []Item{{Label: "Prod"}, {Label: "Dev"}, {Label: "Dev Test"}, {Label: "contoso (app-1)", Details: []string{"tenant"}}, {Label: "Σίσυφος", Details: []string{"Kelvin"}}}

func TestFilter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		query string
		want  []int
	}{
		{"an empty query keeps every item in order", "", []int{0, 1, 2, 3, 4}},
		{"a contiguous match beats a scattered one", "dev", []int{1, 2}},
		{"a subsequence matches", "dtst", []int{2}},
		{"matching ignores case", "PROD", []int{0}},
		{"the detail matches after the labels", "tenant", []int{3}},
		{"nothing matches", "zzz", []int{}},
		// as azc compares context names (profile.SameName): simple case
		// folding, where σ, ς and Σ are one letter, and so are k and the
		// Kelvin sign
		{"matching folds case as names are compared", "ςίσ", []int{4}},
		{"a subsequence folds too", "ςς", []int{4}},
		{"the details fold too", "\u212aelvin", []int{4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := newList(items).filter(tt.query, nil)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("filter(%q) = %v, want %v", tt.query, got, tt.want)
			}
		})
	}
}

// keys sends each string as one read from the terminal, then ends.
func keys(reads ...string) <-chan []byte {
	c := make(chan []byte, len(reads))
	for _, r := range reads {
		c <- []byte(r)
	}
	close(c)
	return c
}

func size(w, h int) func() (int, int) { return func() (int, int) { return w, h } }

func TestRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		reads   []string
		start   int
		want    int
		wantErr error
	}{
		{"enter picks the first item", []string{"\r"}, 0, 0, nil},
		{"enter picks the item it starts on", []string{"\r"}, 2, 2, nil},
		{"typing filters", []string{"test\r"}, 0, 2, nil},
		{"typing starts at the best match", []string{"d", "e", "v", "\r"}, 3, 1, nil},
		{"arrow down moves", []string{"\x1b[B", "\x1b[B", "\r"}, 0, 2, nil},
		{"application-mode arrows move", []string{"\x1bOB", "\r"}, 0, 1, nil},
		{"arrow up stops at the top", []string{"\x1b[A\r"}, 0, 0, nil},
		{"arrow down stops at the bottom", []string{"\x1b[B\x1b[B"}, 3, 0, ErrCancelled},
		{"backspace widens the filter", []string{"pz\x7f\x7f\x0e\r"}, 0, 1, nil},
		{"a character split across reads is typed once", []string{"\xe7", "\x94\x9f\r"}, 0, 0, ErrCancelled},
		{"escape cancels", []string{"\x1b"}, 0, 0, ErrCancelled},
		{"ctrl-c cancels", []string{"de\x03"}, 0, 0, ErrCancelled},
		{"end of input cancels", []string{"de"}, 0, 0, ErrCancelled},
		{"enter with no match cancels", []string{"zzz\r"}, 0, 0, ErrCancelled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := run(context.Background(), keys(tt.reads...), nil, io.Discard, ">", items, tt.start, size(80, 24))
			if !errors.Is(err, tt.wantErr) || (err == nil && got != tt.want) {
				t.Fatalf("run(%q) = %d, %v; want %d, %v", tt.reads, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestRunEndsWithTheContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	never := make(chan []byte)
	if _, err := run(ctx, never, nil, io.Discard, ">", items, 0, size(80, 24)); !errors.Is(err, ErrCancelled) {
		t.Fatalf("run after the context ended = %v, want ErrCancelled", err)
	}
}

// wideItems are contexts with long and wide names, as a picker meets them.
func wideItems(n int) []Item {
	out := make([]Item, n)
	for i := range out {
		out[i] = Item{Label: fmt.Sprintf("生产 🚀 %d %s", i, strings.Repeat("long ", i%30)), Details: []string{fmt.Sprintf("tenant%d.onmicrosoft.com", i), fmt.Sprintf("user%d@contoso.com", i), ""}}
	}
	out[n/2].Label = "Evil\x1b]0;owned\a\x1b[2J"
	out[n/2].Details[2] = "(current)"
	return out
}

func TestDrawFitsTheTerminal(t *testing.T) {
	t.Parallel()
	for _, width := range []int{40, 200} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			t.Parallel()
			var out strings.Builder
			its := wideItems(100)
			_, err := run(context.Background(), keys("\x1b[B", "\x1b[A"), nil, &out, "context>", its, 50, size(width, 12))
			if !errors.Is(err, ErrCancelled) {
				t.Fatal(err)
			}
			screen := out.String()
			if strings.ContainsAny(screen, "\a") || strings.Contains(screen, "\x1b]") || strings.Contains(screen, "\x1b[2J") {
				t.Fatalf("a hostile name reached the terminal: %q", screen)
			}
			// Every redraw erases exactly the lines the last one drew.
			const eraseLine = "\x1b[1A\x1b[2K"
			var frames []string
			lines, rest := 0, screen
			for rest != "" {
				erased := 0
				for strings.HasPrefix(rest, eraseLine) {
					rest, erased = rest[len(eraseLine):], erased+1
				}
				if erased != lines {
					t.Fatalf("a redraw erased %d lines, the last drew %d", erased, lines)
				}
				rest, _ = strings.CutPrefix(rest, "\r\x1b[J")
				body := rest
				if i := strings.Index(rest, eraseLine); i >= 0 {
					body, rest = rest[:i], rest[i:]
				} else {
					rest = ""
				}
				frames = append(frames, body)
				drawn := strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n")
				lines = strings.Count(body, "\r\n")
				tenantAt := -1
				for _, l := range drawn {
					if w := termtext.Width(l); w >= width {
						t.Errorf("at %d columns a line is %d wide: %q", width, w, l)
					}
					if i := strings.Index(l, "tenant"); i >= 0 && !strings.HasPrefix(l, "context>") {
						at := termtext.Width(l[:i])
						if tenantAt >= 0 && at != tenantAt {
							t.Errorf("at %d columns the tenant column moved: %q", width, body)
						}
						tenantAt = at
					}
				}
				if lines > 12 {
					t.Errorf("a frame of %d lines on a 12-line terminal", lines)
				}
			}
			// It starts on the current item.
			if !strings.Contains(frames[0], `> Evil\x1b`) {
				t.Errorf("the first frame does not select the current item: %q", frames[0])
			}
		})
	}
}

// TestDrawKeepsTheNamesOnANarrowTerminal: on a terminal too narrow for
// every column (20 columns, a pane of a split window), the name column
// keeps up to half of the line and the details are cut, where the details
// took the line and every name was drawn as "…".
func TestDrawKeepsTheNamesOnANarrowTerminal(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	_, err := run(context.Background(), keys(), nil, &out, "context>", wideItems(100), 50, size(20, 12))
	if !errors.Is(err, ErrCancelled) {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "> Evil\\x1") {
		t.Errorf("at 20 columns the current context's name is not shown: %q", out.String())
	}
	for _, l := range strings.Split(strings.ReplaceAll(out.String(), "\x1b[1A\x1b[2K", ""), "\r\n") {
		if w := termtext.Width(strings.TrimPrefix(l, "\r")); w >= 20 {
			t.Errorf("at 20 columns a line is %d wide: %q", w, l)
		}
	}
}

func BenchmarkFilter10000(b *testing.B) {
	l := newList(wideItems(10000))
	b.ReportAllocs()
	for b.Loop() {
		l.filter("tnt99", nil)
	}
}

// frames is a terminal that hands each write of the picker's (a whole
// frame) to a channel.
type frames chan string

func (f frames) Write(p []byte) (int, error) {
	f <- string(p)
	return len(p), nil
}

// TestAResizeRedrawsAtOnce: when the terminal's size changes (SIGWINCH),
// the picker draws again at once, within the new width, not at the next
// key, which left the rows of the old width on the screen meanwhile.
func TestAResizeRedrawsAtOnce(t *testing.T) {
	t.Parallel()
	var width atomic.Int32
	width.Store(200)
	out := make(frames, 1)
	in := make(chan []byte)
	resized := make(chan os.Signal, 1)
	done := make(chan error, 1)
	go func() {
		_, err := run(context.Background(), in, resized, out, "context>", wideItems(20), 10, func() (int, int) { return int(width.Load()), 12 })
		done <- err
	}()
	if first := <-out; !strings.Contains(first, "context>") {
		t.Fatalf("the first frame: %q", first)
	}
	width.Store(30)
	resized <- os.Interrupt // any signal: Pick's is SIGWINCH
	var second string
	select {
	case second = <-out:
	case <-time.After(30 * time.Second): // a guard against a hang, not a timing checked
		t.Fatal("no frame drawn on the resize")
	}
	if !strings.Contains(second, "context>") {
		t.Fatalf("no frame drawn on the resize, or another: %q", second)
	}
	for _, line := range strings.Split(second[strings.Index(second, "\r\x1b[J")+4:], "\r\n") {
		if w := termtext.Width(line); w >= 30 {
			t.Errorf("a line of %d columns after a resize to 30: %q", w, line)
		}
	}
	in <- []byte("\x1b")
	<-out
	if err := <-done; !errors.Is(err, ErrCancelled) {
		t.Fatalf("run = %v, want ErrCancelled", err)
	}
}
