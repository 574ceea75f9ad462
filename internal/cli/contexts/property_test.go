package contexts

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseProperty(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, key, value string
		wantErr              bool
	}{
		{"key and value", "team=blue", "team", "blue", false},
		{"the value may hold =", "q=a=b", "q", "a=b", false},
		{"an empty value is allowed (it removes the key)", "team=", "team", "", false},
		{"the key is trimmed", " team =x", "team", "x", false},
		{"no = is an error", "team", "", "", true},
		{"an empty key is an error", "=x", "", "", true},
		{"a newline in the key is an error", "a\nb=x", "", "", true},
		// JSON holds UTF-8 only: \xff was saved as U+FFFD, another value
		{"a key that is not UTF-8 is an error", "\xff=x", "", "", true},
		{"a value that is not UTF-8 is an error", "k=a\xffb", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, v, err := ParseProperty(tt.in)
			if (err != nil) != tt.wantErr || k != tt.key || v != tt.value {
				t.Fatalf("ParseProperty(%q) = %q, %q, %v", tt.in, k, v, err)
			}
		})
	}
}

func FuzzParseProperty(f *testing.F) {
	for _, s := range []string{"a=b", "=", "a=", "=b", "a==b", " a =b", "\n=x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, v, err := ParseProperty(s)
		if err != nil {
			return
		}
		if k == "" || k != strings.TrimSpace(k) || strings.ContainsAny(k, "\x00\n\r") || !utf8.ValidString(k) || !utf8.ValidString(v) {
			t.Fatalf("bad key %q from %q", k, s)
		}
		if !strings.HasSuffix(s, "="+v) {
			t.Fatalf("value %q is not the text after the first = in %q", v, s)
		}
		m, err := applyProperties(map[string]string{k: "old"}, []string{s})
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := m[k]; (v == "" && ok) || (v != "" && got != v) {
			t.Fatalf("applyProperties(%q) = %v", s, m)
		}
	})
}
