//go:build unix

package accounts_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/azcontext/azc/emulator"
)

// blobName is the file name of a credential blob (docs/credentials.md).
var blobName = regexp.MustCompile(`^[0-9a-f]{64}$`)

// TestAForcedContextNameTriesTheLockOfTheAccountItReplacesFirst: `azc login
// --force --context-name NAME`, where NAME is the last context of another
// account, removes that account with its tokens; it tries that account's
// credential lock before it writes anything, so a lock it cannot take (a
// symbolic link someone planted) fails it with the profile and every blob
// as they were, never with tokens on disk that nothing names.
func TestAForcedContextNameTriesTheLockOfTheAccountItReplacesFirst(t *testing.T) {
	t.Parallel()
	h, s := newHarness(t)
	h.env["AZURE_CLIENT_SECRET"] = emulator.DefaultServicePrincipalSecret
	h.addEmu2(s)
	login := func(env string, force ...string) (int, string) {
		args := append([]string{"login", "--environment", env, "--service-principal", "--client-id", emulator.DefaultServicePrincipalID,
			"--tenant", emulator.DefaultHomeTenantID, "--skip-population", "--context-name", "ci", "-o", "none"}, force...)
		code, _, stderr := h.run(args...)
		return code, stderr
	}
	if code, stderr := login("emu"); code != 0 {
		t.Fatalf("login: exit %d: %s", code, stderr)
	}
	creds := filepath.Join(h.env["AZC_CONFIG_DIR"], "credentials")
	blobs := func() []string {
		t.Helper()
		entries, err := os.ReadDir(creds)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			if blobName.MatchString(e.Name()) {
				out = append(out, e.Name())
			}
		}
		return out
	}
	first := blobs()
	if len(first) != 1 {
		t.Fatalf("blobs after one sign-in: %q", first)
	}
	lock := filepath.Join(creds, first[0]+".lock")
	planted := filepath.Join(t.TempDir(), "planted")
	if err := os.Remove(lock); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if err := os.Symlink(planted, lock); err != nil {
		t.Fatal(err)
	}
	profile := filepath.Join(h.env["AZC_CONFIG_DIR"], "profile.json")
	before, err := os.ReadFile(profile)
	if err != nil {
		t.Fatal(err)
	}
	code, stderr := login("emu2", "--force")
	if code == 0 || !strings.Contains(stderr, "azc: error: lock the credentials of account "+emulator.DefaultServicePrincipalID+": "+lock+" is a symbolic link") {
		t.Fatalf("login --force over a context whose lock cannot be taken: exit %d: %s", code, stderr)
	}
	if after, err := os.ReadFile(profile); err != nil || string(after) != string(before) {
		t.Fatalf("the failed login changed the profile (%v):\n%s\nnow\n%s", err, before, after)
	}
	if got := blobs(); len(got) != 1 || got[0] != first[0] {
		t.Fatalf("the failed login changed the blobs: %q, were %q", got, first)
	}
	if _, err := os.Lstat(planted); !os.IsNotExist(err) {
		t.Fatalf("the lock was made through the link (%v)", err)
	}
	if err := os.Remove(lock); err != nil {
		t.Fatal(err)
	}
	if code, stderr := login("emu2", "--force"); code != 0 {
		t.Fatalf("login --force: exit %d: %s", code, stderr)
	}
	if got := strings.TrimSpace(h.ok("context", "list", "-o", "tsv", "--query", "[].[name, environment]")); got != "ci\temu2" {
		t.Fatalf("contexts after login --force: %q", got)
	}
	if got := blobs(); len(got) != 1 || got[0] == first[0] {
		t.Fatalf("blobs after login --force: %q; the replaced account's was %s", got, first[0])
	}
}
