package front

import (
	"os"
	"strings"
	"testing"

	"github.com/azcontext/azc/internal/cli/cmdutil"
)

// TestHandOverLoopIsRefused: an "azc-full" that hands the command back
// (the light azc installed under the wrong name) stops with an error
// instead of exec'ing itself forever.
func TestHandOverLoopIsRefused(t *testing.T) {
	t.Parallel()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"AZC_FULL": self, cmdutil.HandedOverEnv: self}
	ios, _, out, errOut := cmdutil.Test()
	f := cmdutil.NewFactory(ios, func(k string) string { return env[k] }, "v0-test")
	if code := execFull(f, []string{"login"}); code != cmdutil.ExitFailure {
		t.Fatalf("exit %d, want %d", code, cmdutil.ExitFailure)
	}
	if out.Len() != 0 || !strings.Contains(errOut.String(), "is not azc-full") || !strings.Contains(errOut.String(), "go install") {
		t.Fatalf("stdout %q, stderr %q", out, errOut)
	}
}
