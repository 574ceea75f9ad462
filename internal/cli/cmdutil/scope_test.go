package cmdutil

import (
	"testing"

	"github.com/azcontext/azc/profile"
)

// TestScopeNameIsWhatParseScopeReads checks that the name shown for each
// scope is the --scope value that selects it.
func TestScopeNameIsWhatParseScopeReads(t *testing.T) {
	for _, s := range []profile.Scope{profile.ScopeUser, profile.ScopeProcess} {
		got, err := ParseScope(ScopeName(s))
		if err != nil || got != s {
			t.Errorf("ParseScope(ScopeName(%d) = %q) = %d, %v; want %d", s, ScopeName(s), got, err, s)
		}
	}
}
