// Package secret holds values that must never reach logs, errors or output:
// tokens, client secrets and keys. Every way of printing a String redacts it;
// Reveal gives the value to the code that needs it.
package secret

import (
	"crypto/subtle"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
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

// scrubPatterns are Scrub's patterns, compiled on Scrub's first call that
// needs them, not when a command starts (every command links this package).
var scrubPatterns = sync.OnceValue(func() (p struct{ jwt, bearer, param *regexp.Regexp }) {
	p.jwt = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]*)?`)
	p.bearer = regexp.MustCompile(`(?i)\bbearer\s+[^\s"',;]+`)
	p.param = regexp.MustCompile(`(?i)\b(client_secret|client_assertion|assertion|refresh_token|access_token|id_token|code|code_verifier|device_code|password)=[^&\s"',;]*`)
	return p
})

// Scrub returns text from elsewhere (an identity provider's error
// description, a log value) with what looks like a secret replaced by
// [REDACTED]: a JWT, a bearer token, and the value of a form or query
// parameter that carries a secret (client_secret=…, refresh_token=…,
// client_assertion=…, code=…). Text with nothing to replace is returned as
// is.
func Scrub(s string) string {
	if !strings.Contains(s, "eyJ") && !strings.Contains(s, "=") && !strings.Contains(strings.ToLower(s), "bearer") {
		return s
	}
	p := scrubPatterns()
	s = p.jwt.ReplaceAllString(s, redacted)
	s = p.bearer.ReplaceAllStringFunc(s, func(m string) string { return m[:len("bearer")] + " " + redacted })
	return p.param.ReplaceAllString(s, "${1}="+redacted)
}
