package profile

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// A document that is not JSON is refused with where the fault is, so that
// the file can be fixed by hand, and the *json.SyntaxError kept for
// callers that look for it.
func TestASyntaxErrorSaysWhere(t *testing.T) {
	for _, tc := range []struct{ doc, where string }{
		{"not json", "line 1, column 2: "},
		{"{\n  \"version\": 1,\n  \"contexts\": [\n    {\"name\": x}\n  ]\n}\n", "line 4, column 14: "},
		{"{\n  \"név\": é}", "line 2, column 10: "},
		{"{\n  \"version\": 1,\n", "line 3, column 1: "},
	} {
		var p Profile
		err := Unmarshal([]byte(tc.doc), &p)
		var se *json.SyntaxError
		if !errors.As(err, &se) {
			t.Fatalf("%q: %v, want a *json.SyntaxError", tc.doc, err)
		}
		if !strings.HasPrefix(err.Error(), tc.where) || !strings.HasSuffix(err.Error(), se.Error()) {
			t.Errorf("%q: %q, want %q followed by %q", tc.doc, err, tc.where, se.Error())
		}
		if _, err := Decode([]byte(tc.doc)); err == nil || !strings.Contains(err.Error(), tc.where) {
			t.Errorf("Decode(%q): %v, want it to say %q", tc.doc, err, tc.where)
		}
	}
}
