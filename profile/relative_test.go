package profile

import (
	"errors"
	"strings"
	"testing"
)

// TestOpenRefusesARelativeDirectory: a relative state directory (a Go
// caller's Options.Dir, as azc.DefaultDir refuses a relative
// AZC_CONFIG_DIR) is an *UnsafePathError naming it: the store, its lock
// and its backup would be another directory's after the program's next
// chdir.
func TestOpenRefusesARelativeDirectory(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{"azc", "./azc", "../azc/state"} {
		s, err := Open(dir, Options{})
		var ue *UnsafePathError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), "is not an absolute path") || ue.Fix == "" {
			t.Errorf("Open(%q) = %v, %v; want an *UnsafePathError saying it is not an absolute path, with a fix", dir, s, err)
		}
	}
}
