package cmdutil

import (
	"errors"
	"strings"
	"testing"
)

// The hint of a version mismatch offers `go install …@VERSION` only for a
// version go install takes: a build of a checkout ("dev", or a
// pseudo-version stamped "+dirty") gets the build that works instead.
func TestAVersionMismatchHintsAnInstallThatWorks(t *testing.T) {
	for _, tc := range []struct{ version, want, not string }{
		{"v1.2.3", "go install github.com/azcontext/azc/cmd/azc@v1.2.3", ""},
		{"v0.0.0-20261207120000-0123456789ab", "cmd/azc@v0.0.0-20261207120000-0123456789ab", ""},
		{"dev", "go build ./cmd/azc ./cmd/azc-full", "@dev"},
		{"v0.0.0-20261207120000-0123456789ab+dirty", "go build ./cmd/azc ./cmd/azc-full", "go install"},
	} {
		err := CheckFrontVersion("/bin/azc", tc.version, "/bin/azc-full", "v9.9.9")
		var ee *ExitError
		if !errors.As(err, &ee) || len(ee.Hints) != 1 {
			t.Fatalf("%s: %v", tc.version, err)
		}
		if h := ee.Hints[0]; !strings.Contains(h, tc.want) || tc.not != "" && strings.Contains(h, tc.not) {
			t.Errorf("%s: hint %q, want %q and not %q", tc.version, h, tc.want, tc.not)
		}
	}
}
