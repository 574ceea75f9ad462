package termtext

import (
	"slices"
	"testing"
)

func TestWidthAndTruncate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    string
		width int
		trunc int
		want  string
	}{
		{"ASCII fits", "Dev", 3, 3, "Dev"},
		{"wide characters count two", "生产 🚀", 7, 7, "生产 🚀"},
		{"ASCII is cut with an ellipsis", "Contoso Production", 18, 8, "Contoso…"},
		{"a wide character that would straddle the edge goes whole", "生产环境", 8, 4, "生…"},
		{"nothing fits in no width", "abc", 3, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Width(tc.in); got != tc.width {
				t.Errorf("Width(%q) = %d, want %d", tc.in, got, tc.width)
			}
			got := Truncate(tc.in, tc.trunc)
			if got != tc.want {
				t.Errorf("Truncate(%q, %d) = %q, want %q", tc.in, tc.trunc, got, tc.want)
			}
			if Width(got) > tc.trunc {
				t.Errorf("Truncate(%q, %d) is %d columns wide", tc.in, tc.trunc, Width(got))
			}
		})
	}
}

// TestFitCutsColumnsOfOneWidthTogether: columns that are all as wide as
// the widest are cut a column at a time in turn, never the first of them
// down to MinColumn while the others stay whole: a context list at 80
// columns showed every name as "Gen…" beside whole ids and tenants.
func TestFitCutsColumnsOfOneWidthTogether(t *testing.T) {
	for _, tc := range []struct {
		name    string
		widths  []int
		limit   int
		want    []int
		wantCut bool
	}{
		{"a list of long names at 80 columns", []int{1, 150, 150, 36, 21, 18}, 80, []int{1, 13, 14, 14, 14, 14}, true},
		{"equal columns share the cut", []int{20, 20, 20}, 40, []int{12, 12, 12}, true},
		{"the widest goes first", []int{40, 10, 10}, 40, []int{16, 10, 10}, true},
		{"none below the minimum", []int{10, 10}, 4, []int{MinColumn, MinColumn}, true},
		{"a line that fits is left alone", []int{10, 10}, 22, []int{10, 10}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := slices.Clone(tc.widths)
			if cut := Fit(got, 2, tc.limit); cut != tc.wantCut || !slices.Equal(got, tc.want) {
				t.Errorf("Fit(%v, 2, %d) = %v, %v; want %v, %v", tc.widths, tc.limit, got, cut, tc.want, tc.wantCut)
			}
		})
	}
}
