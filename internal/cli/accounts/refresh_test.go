package accounts_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/azcontext/azc/emulator"
)

// TestARefreshGoesOnPastAnAccountThatFails: `context list --refresh` (and
// the lists' --refresh) refreshes every account it can when one fails —
// here the first, whose cloud refuses it — and then fails naming that one
// and its cloud, rather than leave every account after the first failure
// unrefreshed.
func TestARefreshGoesOnPastAnAccountThatFails(t *testing.T) {
	t.Parallel()
	h, s := newHarness(t)
	other := addRefusing(t, h)
	h.env["AZURE_CLIENT_SECRET"] = emulator.DefaultServicePrincipalSecret
	for _, env := range []string{"refusing", "emu"} { // the failing account first
		h.ok("login", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID,
			"--tenant", emulator.DefaultHomeTenantID, "--environment", env, "-o", "none")
	}
	other.SetFault(emulator.RouteTenants, emulator.Fault{Status: 403})
	for _, args := range [][]string{
		{"context", "list", "--refresh", "-o", "none"},
		{"subscription", "list", "--refresh", "-o", "none"},
		{"tenant", "list", "--refresh", "-o", "none"},
	} {
		before := s.Count(emulator.RouteSubscriptions, "")
		code, _, errOut := h.run(args...)
		if code == 0 {
			t.Errorf("azc %s with an account its cloud refuses: exit 0", strings.Join(args, " "))
		}
		if !strings.Contains(errOut, "refresh "+emulator.DefaultServicePrincipalID+" (refusing)") || !strings.Contains(errOut, "403") {
			t.Errorf("azc %s: the error does not name the account that failed, its cloud and why:\n%s", strings.Join(args, " "), errOut)
		}
		if s.Count(emulator.RouteSubscriptions, "") == before {
			t.Errorf("azc %s stopped at the first account: the second was not refreshed", strings.Join(args, " "))
		}
	}
}

// TestARefreshNamesEachAccountThatFailedApart: when several accounts fail
// a refresh — one whose cloud refuses it, one whose credential blob is
// damaged — the others are still refreshed, and the one error line gives
// each failure apart ("; "), where errors.Join's line break, printed as a
// space, ran one account's reason into the next account's name.
func TestARefreshNamesEachAccountThatFailedApart(t *testing.T) {
	t.Parallel()
	h, s := newHarness(t)
	other := addRefusing(t, h)
	h.addEmu2(s)
	h.env["AZURE_CLIENT_SECRET"] = emulator.DefaultServicePrincipalSecret
	for _, env := range []string{"refusing", "emu", "emu2"} {
		h.ok("login", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID,
			"--tenant", emulator.DefaultHomeTenantID, "--environment", env, "-o", "none")
	}
	other.SetFault(emulator.RouteTenants, emulator.Fault{Status: 403})
	sum := sha256.Sum256([]byte("emu|" + emulator.DefaultHomeTenantID + "|" + emulator.DefaultServicePrincipalID))
	if err := os.WriteFile(filepath.Join(h.env["AZC_CONFIG_DIR"], "credentials", hex.EncodeToString(sum[:])), []byte("damaged"), 0o600); err != nil {
		t.Fatal(err)
	}
	before := s.Count(emulator.RouteSubscriptions, "")
	code, _, errOut := h.run("context", "list", "--refresh", "-o", "none")
	if code == 0 {
		t.Fatalf("context list --refresh with two accounts that fail: exit 0")
	}
	refusing := "refresh " + emulator.DefaultServicePrincipalID + " (refusing)"
	damaged := "; refresh " + emulator.DefaultServicePrincipalID + " (emu): "
	if lines := strings.Split(strings.TrimSpace(errOut), "\n"); !strings.Contains(lines[len(lines)-2], refusing) || !strings.Contains(lines[len(lines)-2], damaged) ||
		!strings.Contains(lines[len(lines)-2], "corrupt") {
		t.Errorf("the error does not give each account that failed apart (%q, then %q):\n%s", refusing, damaged, errOut)
	}
	if s.Count(emulator.RouteSubscriptions, "") == before {
		t.Errorf("the account of emu2 was not refreshed:\n%s", errOut)
	}
}

// addRefusing starts a second emulator, whose faults a test sets, and adds
// it as the environment "refusing".
func addRefusing(t *testing.T, h *harness) *emulator.Server {
	t.Helper()
	other, err := emulator.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.Close() })
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := other.WriteCAFile(ca); err != nil {
		t.Fatal(err)
	}
	h.ok("environment", "add", "refusing", "--authority-host", other.AuthorityHost(), "--arm-endpoint", other.ARMEndpoint(),
		"--arm-audience", other.ARMAudience(), "--ca-file", ca, "-o", "none")
	return other
}
