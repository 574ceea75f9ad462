package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoPackageOfAzcWorksAtStartUp: neither binary initializes a package
// of azc's own by running code. GODEBUG=inittrace=1 lists every package
// whose initialization does work (an init function, a package variable
// built by a call or a map literal); each would cost every command's
// start-up, and azc's tables are literals or are built when used.
func TestNoPackageOfAzcWorksAtStartUp(t *testing.T) {
	t.Parallel()
	bin := buildAzc(t)
	for _, path := range []string{bin, filepath.Join(filepath.Dir(bin), "azc-full")} {
		cmd := exec.Command(path, "version")
		cmd.Env = []string{"GODEBUG=inittrace=1", "AZC_CONFIG_DIR=" + filepath.Join(t.TempDir(), "azc"), "PATH=" + os.Getenv("PATH")}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s version: %v\n%s", filepath.Base(path), err, out)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(line, "init github.com/azcontext/azc") {
				t.Errorf("%s: %s", filepath.Base(path), line)
			}
		}
	}
}
