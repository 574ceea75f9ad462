package cli

import (
	"os"
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

// TestLibraryImportsNothingOfTheCommandLine: no package outside internal/cli and cmd
// (the library, its internal packages, the emulator, the benchmarks)
// imports internal/cli or a package under it, on any system, in its tests
// either: data flows one way, from the command line to the library
// (docs/architecture.md), so what the library shares with the command
// line lives below both (internal/termsafe).
func TestLibraryImportsNothingOfTheCommandLine(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	t.Parallel()
	const module = "github.com/azcontext/azc"
	cli := func(p string) bool {
		return p == module+"/internal/cli" || strings.HasPrefix(p, module+"/internal/cli/")
	}
	for _, goos := range []string{"linux", "windows", "darwin"} {
		cmd := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}} {{join .TestImports " "}} {{join .XTestImports " "}}`, module+"/...")
		cmd.Env = append(os.Environ(), "GOOS="+goos)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("GOOS=%s go list: %v", goos, err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			f := strings.Fields(line)
			if cli(f[0]) || strings.HasPrefix(f[0], module+"/cmd/") {
				continue
			}
			for _, imp := range f[1:] {
				if cli(imp) {
					t.Errorf("%s imports %s (GOOS=%s)", f[0], imp, goos)
				}
			}
		}
	}
}
