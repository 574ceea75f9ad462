//go:build unix

package accounts_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/azcontext/azc/emulator"
)

// TestASignOutThatCannotLockTheCredentialsChangesNothing: a sign-out or a
// removal of contexts whose account's credential lock file azc refuses (a
// symbolic link someone planted) fails before it removes anything, so the
// account keeps its contexts and `azc logout` can be run again once the
// link is gone; it never leaves tokens on disk that no context or account
// names.
func TestASignOutThatCannotLockTheCredentialsChangesNothing(t *testing.T) {
	t.Parallel()
	h, _ := newHarness(t)
	h.env["AZURE_CLIENT_SECRET"] = emulator.DefaultServicePrincipalSecret
	h.ok("login", "--environment", "emu", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID,
		"--tenant", emulator.DefaultHomeTenantID, "-o", "none")
	acct := strings.Fields(h.ok("context", "list", "-o", "tsv", "--query", "[0].account.id"))
	if len(acct) != 1 {
		t.Fatalf("account %q", acct)
	}
	keys, err := filepath.Glob(filepath.Join(h.env["AZC_CONFIG_DIR"], "credentials", "*.lock"))
	if err != nil {
		t.Fatal(err)
	}
	var lock string
	for _, k := range keys {
		if filepath.Base(k) != "datakey.lock" {
			lock = k
		}
	}
	if lock == "" {
		t.Fatalf("no credential lock among %q", keys)
	}
	blob := strings.TrimSuffix(lock, ".lock")
	planted := filepath.Join(t.TempDir(), "planted")
	if err := os.Remove(lock); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(planted, lock); err != nil {
		t.Fatal(err)
	}
	before := h.ok("context", "list", "-o", "json")
	name := strings.TrimSpace(h.ok("context", "show", "-o", "tsv", "--query", "name"))
	for _, args := range [][]string{{"logout", "--all"}, {"logout", acct[0]}, {"logout"}, {"context", "clear", "--force"}, {"context", "remove", "--force", name}} {
		code, _, stderr := h.run(args...)
		if code == 0 || !strings.Contains(stderr, lock) {
			t.Fatalf("azc %s: exit %d, %s", strings.Join(args, " "), code, stderr)
		}
		if after := h.ok("context", "list", "-o", "json"); after != before {
			t.Fatalf("azc %s failed but removed contexts:\n%s\nnow\n%s", strings.Join(args, " "), before, after)
		}
	}
	if _, err := os.Lstat(planted); !os.IsNotExist(err) {
		t.Fatalf("the lock was made through the link (%v)", err)
	}
	if err := os.Remove(lock); err != nil {
		t.Fatal(err)
	}
	h.ok("logout", "--all", "-o", "none")
	if _, err := os.Stat(blob); !os.IsNotExist(err) {
		t.Fatalf("the tokens stayed after the sign-out: %v", err)
	}
}
