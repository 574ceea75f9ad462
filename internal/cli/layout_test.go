package cli

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBehaviourPackagesLinkNoCobra: the packages that hold what commands
// do are testable without cobra; all cobra wiring is in this package
// (docs/architecture.md, "Command code").
func TestBehaviourPackagesLinkNoCobra(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	t.Parallel()
	for _, pkg := range []string{"contexts", "accounts", "tokens", "sessions", "environments", "execute", "cmdutil", "front", "picker", "termtext"} {
		out, err := exec.Command("go", "list", "-deps", "github.com/azcontext/azc/internal/cli/"+pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		for _, d := range strings.Fields(string(out)) {
			if strings.HasPrefix(d, "github.com/spf13/") || d == "github.com/azcontext/azc/internal/cli" {
				t.Errorf("internal/cli/%s links %s", pkg, d)
			}
		}
	}
}
