package cli

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/profile"
)

// TestFilesFlagsNameAreReadUpToTheCap: a secret, certificate, token or CA
// file a flag names, or standard input (-), is read only up to
// profile.MaxFileSize; a larger one (a sparse file here, /dev/zero in the
// field) is refused with its path before it is read whole, which ended in
// "fatal error: out of memory", and never cut short to be used as a
// secret.
func TestFilesFlagsNameAreReadUpToTheCap(t *testing.T) {
	t.Parallel()
	big := filepath.Join(t.TempDir(), "big")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, profile.MaxFileSize+1); err != nil {
		t.Fatal(err)
	}
	lab := []string{"--authority-host", "https://127.0.0.1:1/", "--arm-endpoint", "https://127.0.0.1:1/"}
	sp := []string{"login", "--environment", "lab", "--service-principal", "--client-id", "app", "--tenant", "t"}
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"a client secret file", append(sp, "--client-secret-file", big)},
		{"a client secret on standard input", append(sp, "--client-secret-file", "-")},
		{"an access token on standard input", []string{"login", "--environment", "lab", "--access-token-file", "-", "--account-id", "x"}},
		{"a certificate", append(sp, "--certificate", big)},
		{"an access token file", []string{"login", "--environment", "lab", "--access-token-file", big, "--account-id", "x"}},
		{"a CA file", append(append([]string{"environment", "add", "other"}, lab...), "--ca-file", big)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, errOut := cmdutil.Test()
			ios.In = endless{}
			env := map[string]string{"AZC_CONFIG_DIR": filepath.Join(t.TempDir(), "azc")}
			f := cmdutil.NewFactory(ios, func(k string) string { return env[k] }, "v1")
			if code := Run(context.Background(), f, append([]string{"environment", "add", "lab"}, lab...)); code != 0 {
				t.Fatalf("environment add: exit %d: %s", code, errOut)
			}
			errOut.Reset()
			code := Run(context.Background(), f, tc.args)
			name := big
			if slices.Contains(tc.args, "-") {
				name = "standard input"
			}
			if code == 0 || !strings.Contains(errOut.String(), name+" is larger than 64 MiB") {
				t.Fatalf("azc %s: exit %d, stderr %q; want %s refused at the cap", strings.Join(tc.args, " "), code, errOut, name)
			}
		})
	}
}

// endless is standard input with no end, as /dev/zero is.
type endless struct{}

func (endless) Read(p []byte) (int, error) { clear(p); return len(p), nil }
