package front_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// build builds pkg with main.version set to version into dir/name.
func build(t *testing.T, dir, name, pkg, version string) string {
	t.Helper()
	out := filepath.Join(dir, name)
	if runtime.GOOS == "windows" {
		out += ".exe"
	}
	cmd := exec.Command("go", "build", "-ldflags", "-X main.version="+version, "-o", out, pkg)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
	return out
}

// TestHandOverChecksTheVersion runs a real azc beside a real azc-full: a
// command handed over runs when both are one version, and is refused,
// naming both versions and the fix, when azc-full is another. azc's own
// commands and azc-full run directly do not depend on the pair.
func TestHandOverChecksTheVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds azc and azc-full")
	}
	t.Parallel()
	match, other := t.TempDir(), t.TempDir()
	azc := build(t, match, "azc", "github.com/azcontext/azc/cmd/azc", "v1.2.3")
	build(t, match, "azc-full", "github.com/azcontext/azc/cmd/azc-full", "v1.2.3")
	full2 := build(t, other, "azc-full", "github.com/azcontext/azc/cmd/azc-full", "v1.3.0")
	state := t.TempDir()
	run := func(full, prog string, args ...string) (string, string, int) {
		t.Helper()
		cmd := exec.Command(prog, args...)
		cmd.Env = append(os.Environ(), "AZC_CONFIG_DIR="+state, "AZC_FULL="+full, "NO_COLOR=1")
		var out, errOut strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return out.String(), errOut.String(), code
	}

	out, errOut, code := run(filepath.Join(match, "azc-full"), azc, "environment", "list", "-o", "json")
	if code != 0 || !strings.Contains(out, "AzureCloud") {
		t.Fatalf("same version: exit %d, stdout %q, stderr %q", code, out, errOut)
	}

	out, errOut, code = run(full2, azc, "environment", "list", "-o", "json")
	if code != 1 || out != "" {
		t.Fatalf("azc-full of another version: exit %d, stdout %q; want exit 1 and no output", code, out)
	}
	want := "azc: error: " + azc + " is version v1.2.3 but " + full2 + " is version v1.3.0: azc and azc-full must come from one release\n" +
		"azc: hint: install azc and azc-full from one release archive or package, or with go install github.com/azcontext/azc/cmd/azc@v1.2.3 github.com/azcontext/azc/cmd/azc-full@v1.2.3; or set AZC_FULL to an azc-full of version v1.2.3\n"
	if errOut != want {
		t.Fatalf("stderr:\n%s\nwant:\n%s", errOut, want)
	}

	if out, errOut, code = run(full2, azc, "version"); code != 0 || !strings.Contains(out, "v1.2.3") {
		t.Fatalf("azc version beside another azc-full: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if out, errOut, code = run(full2, full2, "version"); code != 0 || !strings.Contains(out, "v1.3.0") {
		t.Fatalf("azc-full run directly: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
