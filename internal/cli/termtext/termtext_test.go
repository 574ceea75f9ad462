package termtext

import "testing"

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
