package picker

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"
)

var items = []Item{{Label: "Prod"}, {Label: "Dev"}, {Label: "Dev Test"}, {Label: "contoso (app-1)", Detail: "tenant"}}

func TestFilter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		query string
		want  []int
	}{
		{"an empty query keeps every item in order", "", []int{0, 1, 2, 3}},
		{"a contiguous match beats a scattered one", "dev", []int{1, 2}},
		{"a subsequence matches", "dtst", []int{2}},
		{"matching ignores case", "PROD", []int{0}},
		{"the detail matches after the labels", "tenant", []int{3}},
		{"nothing matches", "zzz", []int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Filter(items, tt.query)
			if len(got) != len(tt.want) {
				t.Fatalf("Filter(%q) = %v, want %v", tt.query, got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("Filter(%q) = %v, want %v", tt.query, got, tt.want)
				}
			}
		})
	}
}

func TestRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		keys    string
		want    int
		wantErr error
	}{
		{"enter picks the first item", "\r", 0, nil},
		{"typing filters", "test\r", 2, nil},
		{"arrow down moves", "\x1b[B\x1b[B\r", 2, nil},
		{"arrow up stops at the top", "\x1b[A\r", 0, nil},
		{"backspace widens the filter", "pz\x7f\x7f\x0e\r", 1, nil},
		{"escape cancels", "\x1b", 0, ErrCancelled},
		{"ctrl-c cancels", "de\x03", 0, ErrCancelled},
		{"end of input cancels", "de", 0, ErrCancelled},
		{"enter with no match cancels", "zzz\r", 0, ErrCancelled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := run(bufio.NewReader(strings.NewReader(tt.keys)), io.Discard, ">", items, 10)
			if !errors.Is(err, tt.wantErr) || (err == nil && got != tt.want) {
				t.Fatalf("run(%q) = %d, %v; want %d, %v", tt.keys, got, err, tt.want, tt.wantErr)
			}
		})
	}
}
