package profile

import (
	"strings"
	"testing"
)

func FuzzFoldKey(f *testing.F) {
	for _, s := range [][2]string{{"k", "\u212a"}, {"S", "\u017f"}, {"Prod", "PROD"}, {"\xff", "\xfe"}, {"Σσς", "σΣΣ"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if got, want := foldKey(a) == foldKey(b), strings.EqualFold(a, b); got != want {
			t.Fatalf("foldKey(%q) == foldKey(%q) is %v, EqualFold is %v", a, b, got, want)
		}
	})
}
