package contexts_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/emulator/emulatortest"
	"github.com/azcontext/azc/internal/cli"
	"github.com/azcontext/azc/internal/cli/cmdutil"
)

// TestAnImportKeepsHowTheProfilesAccountsSignIn: importing a file that
// says otherwise of how an account of the profile signs in (a
// Save-AzContext file of Connect-AzAccount -AccessToken for a signed-in
// user; an export whose service principal proves itself with a
// certificate, for one signed in here with a secret) keeps the accounts as
// they sign in here, as their blobs stay: both still get tokens from the
// emulator, and a warning says what was not imported.
func TestAnImportKeepsHowTheProfilesAccountsSignIn(t *testing.T) {
	t.Parallel()
	s := emulatortest.Start(t, nil)
	dir := t.TempDir()
	write := func(name, data string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	ca := filepath.Join(dir, "ca.pem")
	if err := s.WriteCAFile(ca); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"AZC_CONFIG_DIR": filepath.Join(dir, "azc"), "NO_COLOR": "1"}
	run := func(args ...string) (int, string, string) {
		ios, _, out, errOut := cmdutil.Test()
		f := cmdutil.NewFactory(ios, func(k string) string { return env[k] }, "v0-test")
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		code := cli.Run(ctx, f, args)
		return code, out.String(), errOut.String()
	}
	must := func(args ...string) string {
		t.Helper()
		code, out, errOut := run(args...)
		if code != 0 {
			t.Fatalf("azc %s: exit %d: %s", strings.Join(args, " "), code, errOut)
		}
		return out
	}
	must("environment", "add", "emu", "--authority-host", s.AuthorityHost(), "--arm-endpoint", s.ARMEndpoint(),
		"--arm-audience", s.ARMAudience(), "--ca-file", ca, "-o", "none")
	s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, emulator.DefaultUser) })
	must("login", "--environment", "emu", "--device-code", "--subscription", emulator.DefaultSubscriptionID, "--context-name", "Alice", "-o", "none")
	must("login", "--environment", "emu", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID,
		"--tenant", emulator.DefaultHomeTenantID, "--client-secret-file", write("secret", emulator.DefaultServicePrincipalSecret),
		"--subscription", emulator.DefaultSubscriptionID, "--context-name", "Deploy", "-o", "none")

	// the service principal's export, as another machine, where it signs
	// in with a certificate, would write it
	var export map[string]any
	if err := json.Unmarshal([]byte(must("context", "export", "Deploy", "--with-credentials", "--file", "-")), &export); err != nil {
		t.Fatal(err)
	}
	for _, a := range export["accounts"].([]any) {
		a.(map[string]any)["credential"] = "certificate"
	}
	for k := range export["credentials"].(map[string]any) {
		export["credentials"].(map[string]any)[k] = "eyJ2ZXJzaW9uIjoxLCJjZXJ0aWZpY2F0ZSI6Im5vdCB0aGlzIG1hY2hpbmUncyJ9"
	}
	data, err := json.Marshal(export)
	if err != nil {
		t.Fatal(err)
	}
	ps := fmt.Sprintf(`{"DefaultContextKey": "Old", "EnvironmentTable": {}, "Contexts": {"Old": {
		"Account": {"Id": %q, "Type": "AccessToken", "ExtendedProperties": {"AccessToken": "raw-token-secret", "Tenants": %q}},
		"Tenant": {"Id": %[2]q}, "Subscription": {"Id": %[3]q, "Name": "Contoso Dev", "State": "Enabled"},
		"Environment": {"Name": "emu"}}}}`, emulator.DefaultUser, emulator.DefaultHomeTenantID, emulator.DefaultSubscriptionID)
	for _, file := range []string{write("export.json", string(data)), write("ps.json", ps)} {
		code, out, errOut := run("context", "import", file, "-o", "json")
		if code != 0 {
			t.Fatalf("import %s: exit %d: %s", file, code, errOut)
		}
		if !strings.Contains(out, "kept as it signs in here") {
			t.Errorf("import %s: no warning that an account was kept as it signs in here:\n%s", file, out)
		}
		if strings.Contains(out+errOut, "raw-token-secret") {
			t.Errorf("import %s shows the raw token:\n%s%s", file, out, errOut)
		}
	}
	for _, name := range []string{"Alice", "Deploy", "Old"} {
		if code, _, errOut := run("token", "-c", name, "-o", "none"); code != 0 {
			t.Errorf("azc token -c %s after the imports: exit %d: %s", name, code, errOut)
		}
	}
}
