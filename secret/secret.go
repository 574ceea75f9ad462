// Package secret holds values that must never reach logs, errors or output:
// tokens, client secrets and keys. Every way of printing a String redacts it;
// Reveal gives the value to the code that needs it.
package secret

import (
	"crypto/subtle"
	"fmt"
	"log/slog"
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
