package accounts_test

import (
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
	other, err := emulator.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	t.Cleanup(func() { _ = other.Close() })
	if err := other.WriteCAFile(ca); err != nil {
		t.Fatal(err)
	}
	h.ok("environment", "add", "refusing", "--authority-host", other.AuthorityHost(), "--arm-endpoint", other.ARMEndpoint(),
		"--arm-audience", other.ARMAudience(), "--ca-file", ca, "-o", "none")
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
