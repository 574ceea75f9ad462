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
// world is an emulator and a state directory whose environment "emu" it
// is, for azc commands run in-process.
type world struct {
	t   *testing.T
	s   *emulator.Server
	dir string
	env map[string]string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{t: t, s: emulatortest.Start(t, nil), dir: t.TempDir()}
	w.env = map[string]string{"AZC_CONFIG_DIR": filepath.Join(w.dir, "azc"), "NO_COLOR": "1"}
	ca := filepath.Join(w.dir, "ca.pem")
	if err := w.s.WriteCAFile(ca); err != nil {
		t.Fatal(err)
	}
	w.must("environment", "add", "emu", "--authority-host", w.s.AuthorityHost(), "--arm-endpoint", w.s.ARMEndpoint(),
		"--arm-audience", w.s.ARMAudience(), "--ca-file", ca, "-o", "none")
	return w
}

func (w *world) write(name, data string) string {
	path := filepath.Join(w.dir, name)
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		w.t.Fatal(err)
	}
	return path
}

func (w *world) run(args ...string) (code int, out, errOut string) {
	ios, _, stdout, stderr := cmdutil.Test()
	f := cmdutil.NewFactory(ios, func(k string) string { return w.env[k] }, "v0-test")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	code = cli.Run(ctx, f, args)
	return code, stdout.String(), stderr.String()
}

func (w *world) must(args ...string) string {
	w.t.Helper()
	code, out, errOut := w.run(args...)
	if code != 0 {
		w.t.Fatalf("azc %s: exit %d: %s", strings.Join(args, " "), code, errOut)
	}
	return out
}

func TestAnImportKeepsHowTheProfilesAccountsSignIn(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.s.OnDeviceCode(func(code string) { _ = w.s.ApproveDeviceCode(code, emulator.DefaultUser) })
	w.must("login", "--environment", "emu", "--device-code", "--subscription", emulator.DefaultSubscriptionID, "--context-name", "Alice", "-o", "none")
	w.must("login", "--environment", "emu", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID,
		"--tenant", emulator.DefaultHomeTenantID, "--client-secret-file", w.write("secret", emulator.DefaultServicePrincipalSecret),
		"--subscription", emulator.DefaultSubscriptionID, "--context-name", "Deploy", "-o", "none")

	// the service principal's export, as another machine, where it signs
	// in with a certificate, would write it
	var export map[string]any
	if err := json.Unmarshal([]byte(w.must("context", "export", "Deploy", "--with-credentials", "--file", "-")), &export); err != nil {
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
	for _, file := range []string{w.write("export.json", string(data)), w.write("ps.json", ps)} {
		code, out, errOut := w.run("context", "import", file, "-o", "json")
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
		if code, _, errOut := w.run("token", "-c", name, "-o", "none"); code != 0 {
			t.Errorf("azc token -c %s after the imports: exit %d: %s", name, code, errOut)
		}
	}
}

// TestAnImportStoresAPowerShellServicePrincipalsSecret: a Save-AzContext
// file saved with -WithCredential holds a service principal's secret
// (ServicePrincipalSecret), which Import-AzContext moves into its key
// store: azc stores it as the account's credentials, so the service
// principal gets tokens on a machine it never signed in on, and the secret
// is never printed.
func TestAnImportStoresAPowerShellServicePrincipalsSecret(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ps := fmt.Sprintf(`{"DefaultContextKey": "Deploy", "EnvironmentTable": {}, "Contexts": {"Deploy": {
		"Account": {"Id": %q, "Type": "ServicePrincipal", "ExtendedProperties": {"ServicePrincipalSecret": %q, "Tenants": %q}},
		"Tenant": {"Id": %[3]q}, "Subscription": {"Id": %[4]q, "Name": "Contoso Dev", "State": "Enabled"},
		"Environment": {"Name": "emu"}}}}`, emulator.DefaultServicePrincipalID, emulator.DefaultServicePrincipalSecret,
		emulator.DefaultHomeTenantID, emulator.DefaultSubscriptionID)
	for _, args := range [][]string{
		{"context", "import", w.write("ps.json", ps), "-o", "json"},
		{"token", "-c", "Deploy", "-o", "none"},
	} {
		code, out, errOut := w.run(args...)
		if code != 0 {
			t.Errorf("azc %s: exit %d: %s", strings.Join(args, " "), code, errOut)
		}
		if strings.Contains(out+errOut, emulator.DefaultServicePrincipalSecret) {
			t.Errorf("azc %s shows the secret:\n%s%s", strings.Join(args, " "), out, errOut)
		}
	}
}

// TestAnImportNeverSendsAnAccountsCredentialsToAnotherCloud: an account is
// of one cloud (its key begins with its environment). A file whose context
// names a signed-in service principal's account but another cloud, one
// the file adds with the endpoints of its choice, and makes it the
// default, would have the next `azc token` send the service principal's
// secret to that cloud's authority host. The context is left out with a
// warning: nothing reaches the other host.
func TestAnImportNeverSendsAnAccountsCredentialsToAnotherCloud(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.must("login", "--environment", "emu", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID,
		"--tenant", emulator.DefaultHomeTenantID, "--client-secret-file", w.write("secret", emulator.DefaultServicePrincipalSecret),
		"--subscription", emulator.DefaultSubscriptionID, "--context-name", "Deploy", "-o", "none")
	other := emulatortest.Start(t, nil)
	ca := filepath.Join(w.dir, "other-ca.pem")
	if err := other.WriteCAFile(ca); err != nil {
		t.Fatal(err)
	}
	file := fmt.Sprintf(`{"kind": "azc.contexts", "version": 1, "defaultContext": "Team",
		"environments": [{"name": "teamcloud", "authorityHost": %q, "armEndpoint": %q, "armAudience": %q, "caFile": %q}],
		"contexts": [{"name": "Team", "account": "emu|%s|%s", "environment": "teamcloud", "tenant": {"id": %[5]q},
			"subscription": {"id": %q, "name": "Contoso Dev", "state": "Enabled", "tenantId": %[5]q}}]}`,
		other.AuthorityHost(), other.ARMEndpoint(), other.ARMAudience(), ca,
		emulator.DefaultHomeTenantID, emulator.DefaultServicePrincipalID, emulator.DefaultSubscriptionID)
	code, out, errOut := w.run("context", "import", w.write("team.json", file), "-o", "json")
	if code != 0 || !strings.Contains(out, `context \"Team\" skipped`) {
		t.Errorf("import: exit %d, %s%s; want the context left out with a warning", code, out, errOut)
	}
	w.run("token", "-o", "none")
	w.run("token", "-c", "Team", "-o", "none")
	if n := other.Count(emulator.RouteToken, "") + other.Count(emulator.RouteMetadata, ""); n != 0 {
		t.Errorf("the other cloud's authority host got %d requests after the import, want none", n)
	}
}

// TestAnImportNeverSendsAFileItNamesToTheCloudItNames: a file naming a
// service principal of a cloud of its own, its credentials and, as its
// federated token file, any file of the user's (here a key), made the
// default, would have the next `azc token` read that file and send what
// it holds to that cloud as the client assertion. The import leaves the
// token file out with a warning: no token request reaches the cloud, and
// azc says how to sign the account in (exit 3).
func TestAnImportNeverSendsAFileItNamesToTheCloudItNames(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	other := emulatortest.Start(t, nil)
	ca := filepath.Join(w.dir, "other-ca.pem")
	if err := other.WriteCAFile(ca); err != nil {
		t.Fatal(err)
	}
	key := w.write("id_ed25519", "private key of the user")
	const app = "99999999-9999-4999-8999-999999999999"
	file := fmt.Sprintf(`{"kind": "azc.contexts", "version": 1, "defaultContext": "Team",
		"environments": [{"name": "teamcloud", "authorityHost": %q, "armEndpoint": %q, "armAudience": %q, "caFile": %q}],
		"accounts": [{"id": %q, "type": "servicePrincipal", "environment": "teamcloud", "homeTenantId": %q, "credential": "federated", "federatedTokenFile": %q}],
		"contexts": [{"name": "Team", "account": "teamcloud|%[6]s|%[5]s", "environment": "teamcloud", "tenant": {"id": %[6]q}}],
		"credentials": {"teamcloud|%[6]s|%[5]s": "eyJ2ZXJzaW9uIjoxfQ=="}}`,
		other.AuthorityHost(), other.ARMEndpoint(), other.ARMAudience(), ca, app, emulator.DefaultHomeTenantID, key)
	code, out, errOut := w.run("context", "import", w.write("team.json", file), "-o", "json")
	if code != 0 || !strings.Contains(out, "federated token file") {
		t.Errorf("import: exit %d, %s%s; want a warning that the token file was left out", code, out, errOut)
	}
	if code, _, errOut := w.run("token", "-o", "none"); code != cmdutil.ExitInteraction {
		t.Errorf("azc token after the import: exit %d (%s), want %d", code, errOut, cmdutil.ExitInteraction)
	}
	if n := other.Count(emulator.RouteToken, ""); n != 0 {
		t.Errorf("the other cloud got %d token requests after the import, want none", n)
	}
}
