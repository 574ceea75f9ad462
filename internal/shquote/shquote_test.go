package shquote

import (
	"os/exec"
	"testing"
)

func TestQuote(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"/usr/bin/azc", "/usr/bin/azc"},
		{"alice@contoso.com", "alice@contoso.com"},
		{"", "''"},
		{"azurecloud|t|alice@contoso.com", "'azurecloud|t|alice@contoso.com'"},
		{"o'brien", `'o'\''brien'`},
		{"a b", "'a b'"},
		{"$HOME", "'$HOME'"},
	} {
		if got := Quote(tc.in); got != tc.want {
			t.Errorf("Quote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// TestQuoteRoundTrip has sh read each quoted word back.
func TestQuoteRoundTrip(t *testing.T) {
	t.Parallel()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	for _, s := range []string{"plain", "", "a|b", "o'brien", "two words", "$(false)`x`\\\n\t*?[", "ü ✓"} {
		out, err := exec.Command(sh, "-c", "printf %s "+Quote(s)).Output()
		if err != nil || string(out) != s {
			t.Errorf("sh read %s as %q (%v), want %q", Quote(s), out, err, s)
		}
	}
}
