package secret

import (
	"regexp"
	"testing"
)

// Scrub's rule as the three regular expressions its doc gives.
var (
	jwtPattern    = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]*)?`)
	bearerPattern = regexp.MustCompile(`(?i)\bbearer\s+[^\s"',;]+`)
	paramPattern  = regexp.MustCompile(`(?i)\b(client_secret|client_assertion|assertion|refresh_token|access_token|id_token|code|code_verifier|device_code|password)=[^&\s"',;]*`)
)

// scrubByRegexp applies the regular expressions in turn.
func scrubByRegexp(s string) string {
	s = jwtPattern.ReplaceAllString(s, redacted)
	s = bearerPattern.ReplaceAllStringFunc(s, func(m string) string { return m[:len("bearer")] + " " + redacted })
	return paramPattern.ReplaceAllString(s, "${1}="+redacted)
}

// FuzzScrub holds the hand-written Scrub to the regular expressions.
func FuzzScrub(f *testing.F) {
	for _, s := range []string{
		"", "AADSTS90002: tenant \"x\" not found", "token eyJhbGciOi.eyJzdWIiOi.c2ln here",
		"eyJ.", "eyJa", "eyJeyJa.b.c.d", "Authorization: Bearer abc.def", "bearer", "bearer ;x", "xbearer abc",
		"_bearer abc", "ébearer abc", "BEARER\t\f x", "bearer\vx", "got client_id=a&client_secret=s3cr3t&refresh_token=rt1",
		"redirect?code=abc&state=x", "code_verifier=v", "device_code=d", "CLIENT_SECRET=abc", "zipcode=12345",
		"client_ſecret=x", "refresh_toKen=y", "password=", "password", "id_token=a b", "\xffcode=x", "code=\xff\xfe;",
		"Bearer eyJa.b", "assertion=a=b", "client_assertion=x,y",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Scrub(s), scrubByRegexp(s); got != want {
			t.Fatalf("Scrub(%q) = %q, the regular expressions give %q", s, got, want)
		}
	})
}
