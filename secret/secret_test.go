package secret

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestEveryFormRedacts(t *testing.T) {
	t.Parallel()
	const v = "s3cr3t-value"
	s := New(v)
	var logBuf bytes.Buffer
	slog.New(slog.NewTextHandler(&logBuf, nil)).Info("m", "k", s)
	j, err := json.Marshal(struct{ S String }{s})
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{
		"%v": fmt.Sprintf("%v", s), "%s": fmt.Sprintf("%s", s), "%q": fmt.Sprintf("%q", s),
		"%#v": fmt.Sprintf("%#v", s), "%x": fmt.Sprintf("%x", s), "%+v struct": fmt.Sprintf("%+v", struct{ S String }{s}),
		"slog": logBuf.String(), "json": string(j), "error": fmt.Errorf("wrap %v", s).Error(),
	} {
		if strings.Contains(out, v) {
			t.Errorf("%s leaks the secret: %s", name, out)
		}
		if !strings.Contains(out, redacted) {
			t.Errorf("%s does not say it redacted: %s", name, out)
		}
	}
	if s.Reveal() != v {
		t.Fatalf("Reveal = %q", s.Reveal())
	}
}

func TestEqual(t *testing.T) {
	t.Parallel()
	if !New("a").Equal(New("a")) || New("a").Equal(New("b")) || New("a").Equal(New("")) {
		t.Fatal("Equal is wrong")
	}
	if !New("").IsZero() || New("x").IsZero() {
		t.Fatal("IsZero is wrong")
	}
}

func TestScrub(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		{"text without secrets is kept", "AADSTS90002: tenant \"x\" not found", "AADSTS90002: tenant \"x\" not found"},
		{"a JWT", "token eyJhbGciOi.eyJzdWIiOi.c2ln here", "token [REDACTED] here"},
		{"a bearer token", "Authorization: Bearer abc.def", "Authorization: Bearer [REDACTED]"},
		{"an echoed form", "got client_id=a&client_secret=s3cr3t&grant_type=refresh_token&refresh_token=rt1",
			"got client_id=a&client_secret=[REDACTED]&grant_type=refresh_token&refresh_token=[REDACTED]"},
		{"a query's code", "redirect?code=abc&state=x", "redirect?code=[REDACTED]&state=x"},
		{"an upper-case parameter", "CLIENT_SECRET=abc", "CLIENT_SECRET=[REDACTED]"},
		{"a parameter whose name only ends like one", "zipcode=12345", "zipcode=12345"},
	} {
		if got := Scrub(tc.in); got != tc.want {
			t.Errorf("%s: Scrub(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

func TestRedactReplacesEachValueAsItIsAndFormEncoded(t *testing.T) {
	got := Redact("bad secret a+b/c= (a%2Bb%2Fc%3D), again a+b/c=; keep this", New("a+b/c="), New(""))
	want := "bad secret [REDACTED] ([REDACTED]), again [REDACTED]; keep this"
	if got != want {
		t.Errorf("Redact = %q, want %q", got, want)
	}
}
