// Package secret holds values that must never reach logs, errors or output:
// tokens, client secrets and keys. Every way of printing a String redacts it;
// Reveal gives the value to the code that needs it.
package secret

import (
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"unicode/utf8"
)

const redacted = "[REDACTED]"

// String is a secret string. Its zero value is the empty secret. It is not
// comparable with == (the func field prevents it); use Equal, which runs in
// constant time.
type String struct {
	v string
	_ [0]func()
}

// New wraps v.
func New(v string) String { return String{v: v} }

// Reveal returns the secret value. Call it only where the value is sent to
// the party entitled to it.
func (s String) Reveal() string { return s.v }

// IsZero reports whether the secret is empty.
func (s String) IsZero() bool { return s.v == "" }

// Equal compares two secrets in constant time.
func (s String) Equal(o String) bool {
	return subtle.ConstantTimeCompare([]byte(s.v), []byte(o.v)) == 1
}

// String redacts.
func (s String) String() string { return redacted }

// GoString redacts.
func (s String) GoString() string { return redacted }

// Format redacts under every verb.
func (s String) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue redacts in slog output.
func (s String) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON redacts: a secret never travels through encoding/json by accident.
func (s String) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText redacts.
func (s String) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// Scrub returns text from elsewhere (an identity provider's error
// description, a log value) with what looks like a secret replaced by
// [REDACTED]: a JWT, a bearer token, and the value of a form or query
// parameter that carries a secret (client_secret=…, refresh_token=…,
// client_assertion=…, code=…). Text with nothing to replace is returned as
// is.
//
// The rule is three regular expressions, applied in turn (FuzzScrub holds
// Scrub to them):
//
//	eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]*)?  → [REDACTED]
//	(?i)\bbearer\s+[^\s"',;]+                           → bearer [REDACTED]
//	(?i)\b(client_secret|…|password)=[^&\s"',;]*         → $1=[REDACTED]
//
// It matches them by hand: package regexp and the Unicode tables it keeps
// would add 0.1–0.2 ms to the start of every azc command, which all link
// this package (docs/benchmarks.md).
func Scrub(s string) string {
	s = replaceAll(s, matchJWT)
	s = replaceAll(s, matchBearer)
	return replaceAll(s, matchParam)
}

// Redact returns s with every occurrence of each non-empty value, as it is
// and as a form or query encodes it, replaced by [REDACTED]: the secrets a
// request carried, which a provider's error may quote bare, where Scrub's
// patterns cannot tell an opaque value from text.
func Redact(s string, values ...String) string {
	for _, v := range values {
		if v.v == "" {
			continue
		}
		s = strings.ReplaceAll(s, v.v, redacted)
		if q := url.QueryEscape(v.v); q != v.v {
			s = strings.ReplaceAll(s, q, redacted)
		}
	}
	return s
}

// secretParams are the parameters whose values Scrub replaces, in the
// order the regular expression tries them.
var secretParams = [...]string{"client_secret", "client_assertion", "assertion", "refresh_token",
	"access_token", "id_token", "code", "code_verifier", "device_code", "password"}

// replaceAll replaces each match of match in s, leftmost first and not
// overlapping, as regexp.ReplaceAllString does. match reports the end of
// the match at i and its replacement, or -1.
func replaceAll(s string, match func(s string, i int) (end int, repl string)) string {
	var b strings.Builder
	done := 0 // s[:done] is in b
	for i := 0; i < len(s); {
		end, repl := match(s, i)
		if end < 0 {
			i++
			continue
		}
		b.WriteString(s[done:i])
		b.WriteString(repl)
		done, i = end, end
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

// matchJWT matches eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]*)?
func matchJWT(s string, i int) (int, string) {
	if !strings.HasPrefix(s[i:], "eyJ") {
		return -1, ""
	}
	j := base64URL(s, i+len("eyJ"))
	if j == len(s) || s[j] != '.' {
		return -1, ""
	}
	j = base64URL(s, j+1)
	if j < len(s) && s[j] == '.' {
		j = base64URL(s, j+1)
	}
	return j, redacted
}

// base64URL returns the end of the run of [A-Za-z0-9_-] at i.
func base64URL(s string, i int) int {
	for i < len(s) && (isWord(s[i]) || s[i] == '-') {
		i++
	}
	return i
}

// matchBearer matches (?i)\bbearer\s+[^\s"',;]+ and keeps "bearer" as
// written.
func matchBearer(s string, i int) (int, string) {
	n, ok := foldPrefix(s[i:], "bearer")
	if !ok || !wordStart(s, i) {
		return -1, ""
	}
	j := i + n
	k := j
	for k < len(s) && isSpace(s[k]) {
		k++
	}
	if k == j {
		return -1, ""
	}
	end := k
	for end < len(s) && !isSpace(s[end]) && !strings.ContainsRune(`"',;`, rune(s[end])) {
		end++
	}
	if end == k {
		return -1, ""
	}
	return end, s[i:j] + " " + redacted
}

// matchParam matches (?i)\b(client_secret|…)=[^&\s"',;]* and keeps the
// parameter's name as written.
func matchParam(s string, i int) (int, string) {
	if !wordStart(s, i) {
		return -1, ""
	}
	for _, name := range secretParams {
		n, ok := foldPrefix(s[i:], name)
		if !ok || i+n == len(s) || s[i+n] != '=' {
			continue
		}
		end := i + n + 1
		for end < len(s) && !isSpace(s[end]) && !strings.ContainsRune(`&"',;`, rune(s[end])) {
			end++
		}
		return end, s[i:i+n] + "=" + redacted
	}
	return -1, ""
}

// foldPrefix reports whether s begins with lit (ASCII) under Unicode
// simple folding, as (?i) matches it, and the length of that prefix of s.
func foldPrefix(s, lit string) (int, bool) {
	n := 0
	for k := 0; k < len(lit); k++ {
		if n == len(s) {
			return 0, false
		}
		r, size := utf8.DecodeRuneInString(s[n:])
		if r == utf8.RuneError && size == 1 || !strings.EqualFold(string(r), lit[k:k+1]) {
			return 0, false
		}
		n += size
	}
	return n, true
}

// wordStart reports whether \b holds before s[i], a word character: the
// rune before it, if any, is not one (\b knows only ASCII word characters).
func wordStart(s string, i int) bool {
	return i == 0 || !isWord(s[i-1])
}

// isWord reports whether c is an ASCII word character, [0-9A-Za-z_].
func isWord(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
}

// isSpace reports whether c is in \s, [\t\n\f\r ].
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}
