package termsafe

import (
	"os/exec"
	"strings"
	"testing"
)

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain text is kept", "Contoso Prod", "Contoso Prod"},
		{"wide characters are kept", "生产 🚀", "生产 🚀"},
		{"a hostile title and clear screen are spelled out", "Evil\x1b]0;owned\a\x1b[2J", `Evil\x1b]0;owned\a\x1b[2J`},
		{"newlines and tabs are spelled out", "a\nb\tc\r", `a\nb\tc\r`},
		{"C1 controls are spelled out", "a\u009bb", `a\u009bb`},
		{"DEL is spelled out", "a\x7f", `a\x7f`},
		{"bidi overrides are spelled out", "abc\u202edcba", `abc\u202edcba`},
		{"invalid UTF-8 is spelled out byte by byte", "a\xffb", `a\xffb`},
		{"invisible characters are spelled out", "Pro\u200bd\u2060\ufeff\u200e\u061c\u00ad", `Pro\u200bd\u2060\ufeff\u200e\u061c\u00ad`},
		{"format characters beyond the BMP are spelled out whole", "a\U000e0001b", `a\U000e0001b`},
		{"line and paragraph separators are spelled out", "a\u2028b\u2029", `a\u2028b\u2029`},
		{"joiners inside emoji and words are kept", "👨\u200d👩\u200d👧 family, می\u200cخواهم", "👨\u200d👩\u200d👧 family, می\u200cخواهم"},
		{"a flag's tag characters are kept", "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f", "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Escape(tc.in)
			if got != tc.want {
				t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if strings.ContainsAny(got, "\x1b\a\n\r\t\x7f") {
				t.Errorf("Escape(%q) = %q still holds a control byte", tc.in, got)
			}
		})
	}
}

func FuzzEscape(f *testing.F) {
	f.Add("Evil\x1b]0;owned\a\x1b[2J")
	f.Add("生产 🚀\u202e\xff")
	f.Fuzz(func(t *testing.T, s string) {
		got := Escape(s)
		for i := 0; i < len(got); i++ {
			if c := got[i]; c < 0x20 || c == 0x7f {
				t.Fatalf("Escape(%q) = %q holds byte %#x", s, got, c)
			}
		}
		for _, r := range got {
			if needsEscape(r, len(string(r))) && r != '\ufffd' {
				t.Fatalf("Escape(%q) = %q holds %U", s, got, r)
			}
		}
	})
}

// TestPrintableASCII: every byte outside space to '~', at every position
// of strings up to 20 bytes long, makes the string not printable ASCII;
// and a string that is, Escape returns as it is.
func TestPrintableASCII(t *testing.T) {
	for c := range 256 {
		for n := range 20 {
			for k := range n + 1 {
				s := strings.Repeat("a", k) + string([]byte{byte(c)}) + strings.Repeat("~", n-k)
				want := c >= 0x20 && c <= 0x7e
				if got := PrintableASCII(s); got != want {
					t.Fatalf("PrintableASCII(%q) = %v, want %v", s, got, want)
				}
				if want && Escape(s) != s {
					t.Fatalf("Escape(%q) = %q", s, Escape(s))
				}
			}
		}
	}
	if !PrintableASCII("") {
		t.Error(`PrintableASCII("") = false`)
	}
}

// TestShellWord: a word holding nothing Escape spells out is
// shquote.Quote's; one holding a control character, a direction override
// or a byte that is not UTF-8 is written in ANSI-C quoting, all printable
// ASCII (Escape leaves it as it is), which bash reads back as the word:
// Escape's spelling inside '…' was printed in hints, and pasted as
// another word.
func TestShellWord(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"Prod", "Prod"},
		{"Dev Test", "'Dev Test'"},
		{"café ✓", "'café ✓'"},
		{"Dx\x1b[31mred", `$'Dx\x1b[31mred'`},
		{"a\tb\nc", `$'a\tb\nc'`},
		{"o'brien\x07", `$'o\'brien\a'`},
		{`back\slash` + "\x00", `$'back\\slash\x00'`},
		{"rtl\u202eé", `$'rtl\u202eé'`},
		{"bad\xffbyte", `$'bad\xffbyte'`},
	} {
		got := ShellWord(tc.in)
		if got != tc.want {
			t.Errorf("ShellWord(%q) = %s, want %s", tc.in, got, tc.want)
		}
		if Escape(got) != got {
			t.Errorf("ShellWord(%q) = %q, which Escape changes", tc.in, got)
		}
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	for _, s := range []string{"Dx\x1b[31mred", "a\tb\nc", "o'brien\x07", `back\slash` + "\x01", "rtl\u202eé", "bad\xffbyte", "x\x1b7f"} {
		out, err := exec.Command(bash, "-c", "printf %s "+ShellWord(s)).Output()
		if err != nil || string(out) != s {
			t.Errorf("bash read %s as %q (%v), want %q", ShellWord(s), out, err, s)
		}
	}
}
