package accounts_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/internal/cli"
	"github.com/azcontext/azc/internal/cli/cmdutil"
)

// harness runs azc commands in-process against one emulator and one state
// directory.
type harness struct {
	t   *testing.T
	env map[string]string
}

func newHarness(t *testing.T) (*harness, *emulator.Server) {
	t.Helper()
	return newHarnessOf(t, nil)
}

// newHarnessOf is newHarness over the emulator's world cfg (nil: its
// default world).
func newHarnessOf(t *testing.T, cfg *emulator.Config) (*harness, *emulator.Server) {
	t.Helper()
	s, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := s.WriteCAFile(ca); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, env: map[string]string{"AZC_CONFIG_DIR": filepath.Join(dir, "azc"), "NO_COLOR": "1"}}
	h.ok("environment", "add", "emu", "--authority-host", s.AuthorityHost(), "--arm-endpoint", s.ARMEndpoint(),
		"--arm-audience", s.ARMAudience(), "--ca-file", ca, "-o", "none")
	return h, s
}

func (h *harness) run(args ...string) (code int, stdout, stderr string) {
	ios, _, out, errOut := cmdutil.Test()
	f := cmdutil.NewFactory(ios, func(k string) string { return h.env[k] }, "v0-test")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	code = cli.Run(ctx, f, args)
	return code, out.String(), errOut.String()
}

func (h *harness) ok(args ...string) string {
	h.t.Helper()
	code, out, errOut := h.run(args...)
	if code != 0 {
		h.t.Fatalf("azc %s: exit %d: %s", strings.Join(args, " "), code, errOut)
	}
	return out
}

func TestServicePrincipalLoginTokenLogout(t *testing.T) {
	t.Parallel()
	h, s := newHarness(t)
	h.env["AZURE_CLIENT_SECRET"] = emulator.DefaultServicePrincipalSecret

	code, _, debug := h.run("login", "--environment", "emu", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID,
		"--tenant", emulator.DefaultHomeTenantID, "--debug")
	if code != 0 {
		t.Fatalf("login: exit %d: %s", code, debug)
	}

	var tok struct {
		AccessToken  string `json:"accessToken"`
		ExpiresOn    string `json:"expiresOn"`
		ExpiresOnSec int64  `json:"expires_on"`
		TokenType    string `json:"tokenType"`
		Subscription string `json:"subscription"`
		Tenant       string `json:"tenant"`
	}
	code, out, tokDebug := h.run("token", "-o", "json", "--debug")
	if code != 0 {
		t.Fatalf("token: exit %d: %s", code, tokDebug)
	}
	if err := json.Unmarshal([]byte(out), &tok); err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == "" || tok.TokenType != "Bearer" || tok.Tenant != emulator.DefaultHomeTenantID || tok.Subscription == "" {
		t.Fatalf("token JSON = %s", out)
	}
	if _, err := time.ParseInLocation("2006-01-02 15:04:05.000000", tok.ExpiresOn, time.Local); err != nil || tok.ExpiresOnSec < time.Now().Unix() {
		t.Fatalf("expiry fields %q / %d", tok.ExpiresOn, tok.ExpiresOnSec)
	}
	for _, leak := range []string{tok.AccessToken, emulator.DefaultServicePrincipalSecret, "Authorization"} {
		if strings.Contains(debug+tokDebug, leak) {
			t.Fatalf("--debug output leaks %.10q", leak)
		}
	}

	subs := h.ok("subscription", "list", "--refresh", "-o", "json")
	if !strings.Contains(subs, emulator.DefaultSubscriptionID) {
		t.Fatalf("subscription list = %s", subs)
	}
	if out := h.ok("tenant", "list", "-o", "tsv"); !strings.Contains(out, emulator.DefaultHomeTenantID) {
		t.Fatalf("tenant list = %s", out)
	}

	// context list asks ARM nothing; with --refresh it asks again, and
	// lists the same contexts.
	plain := h.ok("context", "list", "-o", "json")
	calls := s.Count(emulator.RouteSubscriptions, "")
	if h.ok("context", "list", "-o", "json"); s.Count(emulator.RouteSubscriptions, "") != calls {
		t.Fatal("context list called ARM")
	}
	if out := h.ok("context", "list", "--refresh", "-o", "json"); out != plain {
		t.Fatalf("context list --refresh changed the contexts:\n%s\n%s", plain, out)
	}
	if s.Count(emulator.RouteSubscriptions, "") == calls {
		t.Fatal("context list --refresh did not ask ARM")
	}
	// A --query that fails once it runs, after a refresh has written what
	// it found, says so, exit 1: it exited 2, a usage error, as if nothing
	// had happened.
	for _, list := range [][]string{{"context", "list"}, {"subscription", "list"}, {"tenant", "list"}} {
		args := append(list, "--refresh", "-o", "json", "--query", "foo(@)")
		if code, out, errOut := h.run(args...); code != cmdutil.ExitFailure || out != "" || !strings.Contains(errOut, `the change was made; --query "foo(@)" failed: unknown function: foo`) {
			t.Errorf("azc %s: exit %d, stdout %q, stderr %q; want exit %d saying the change was made", strings.Join(args, " "), code, out, errOut, cmdutil.ExitFailure)
		}
	}
	if code, _, errOut := h.run("context", "list", "-o", "json", "--query", "foo(@)"); code != cmdutil.ExitUsage || strings.Contains(errOut, "change") {
		t.Errorf("context list --query 'foo(@)': exit %d, stderr %q; want a usage error (nothing changed)", code, errOut)
	}

	// Re-login updates, never duplicates.
	before := h.ok("context", "list", "-o", "json")
	h.ok("login", "--environment", "emu", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID, "--tenant", emulator.DefaultHomeTenantID, "-o", "none")
	if after := h.ok("context", "list", "-o", "json"); strings.Count(after, `"name"`) != strings.Count(before, `"name"`) {
		t.Fatalf("re-login changed the number of contexts:\n%s\n%s", before, after)
	}

	h.ok("logout", "-o", "none")
	h.ok("logout", "--all", "-o", "none") // idempotent
	if code, _, _ := h.run("token"); code != cmdutil.ExitInteraction {
		t.Fatalf("token after logout: exit %d, want %d", code, cmdutil.ExitInteraction)
	}
}

// TestASecretFileSavedWithAByteOrderMarkSignsIn: a client secret file
// saved by Notepad or Windows PowerShell's Set-Content -Encoding utf8
// begins with a UTF-8 byte order mark, which is no part of any secret
// (Entra ID's are ASCII): it was sent as the secret's first character,
// and the sign-in failed with "invalid client secret provided". One in
// UTF-16 (Windows PowerShell's > and Out-File) is named so, with the way
// out, before anything is sent.
func TestASecretFileSavedWithAByteOrderMarkSignsIn(t *testing.T) {
	t.Parallel()
	h, _ := newHarness(t)
	dir := t.TempDir()
	bom := filepath.Join(dir, "bom.txt")
	if err := os.WriteFile(bom, []byte("\xef\xbb\xbf"+emulator.DefaultServicePrincipalSecret+"\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	login := []string{"login", "--environment", "emu", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID,
		"--tenant", emulator.DefaultHomeTenantID, "-o", "none", "--client-secret-file"}
	if code, _, errOut := h.run(append(login, bom)...); code != 0 {
		t.Fatalf("login with a secret file after a byte order mark: exit %d: %s", code, errOut)
	}
	var utf16 []byte
	for _, r := range "\ufeff" + emulator.DefaultServicePrincipalSecret {
		utf16 = append(utf16, byte(r), byte(r>>8))
	}
	wide := filepath.Join(dir, "utf16.txt")
	if err := os.WriteFile(wide, utf16, 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := h.run(append(login, wide)...)
	if code == 0 || !strings.Contains(errOut, "is UTF-16") || strings.Contains(errOut, "invalid client secret") {
		t.Fatalf("login with a UTF-16 secret file: exit %d: %s; want it named UTF-16 before the sign-in", code, errOut)
	}
}

func TestFailedLoginLeavesTheProfileAlone(t *testing.T) {
	t.Parallel()
	h, _ := newHarness(t)
	before := h.ok("context", "list", "-o", "json")
	h.env["AZURE_CLIENT_SECRET"] = "wrong-secret"
	code, _, errOut := h.run("login", "--environment", "emu", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID, "--tenant", emulator.DefaultHomeTenantID)
	if code != 1 || !strings.Contains(errOut, "invalid_client") || !strings.Contains(errOut, "hint:") || strings.Contains(errOut, "wrong-secret") {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	if after := h.ok("context", "list", "-o", "json"); after != before {
		t.Fatalf("profile changed:\n%s\n%s", before, after)
	}
}

// TestALoginRefusedForItsTenantSaysToCheckIt: a service principal's
// sign-in to a tenant that does not exist, or where the application is not
// registered, fails with a hint to check the tenant, the client id and the
// environment, not to "sign in again", which is what the user just did.
func TestALoginRefusedForItsTenantSaysToCheckIt(t *testing.T) {
	t.Parallel()
	h, _ := newHarness(t)
	h.env["AZURE_CLIENT_SECRET"] = emulator.DefaultServicePrincipalSecret
	for _, tenant := range []string{"99999999-9999-4999-8999-999999999999", emulator.DefaultGuestTenantID} {
		code, _, errOut := h.run("login", "--environment", "emu", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID, "--tenant", tenant)
		if code != 1 || strings.Count(errOut, "azc: hint: ") != 1 || !strings.Contains(errOut, "azc: hint: nothing was changed; check the tenant, the client id and the environment") {
			t.Errorf("--tenant %s: exit %d, stderr:\n%s", tenant, code, errOut)
		}
	}
}

// TestAnARMAnswerCutShortIsNamedPlainly: ARM's tenant list reaches azc
// without its last bytes (a connection cut short, a broken proxy). The
// login fails saying ARM's answer could not be read, without Go's type
// names, and with one hint.
func TestAnARMAnswerCutShortIsNamedPlainly(t *testing.T) {
	t.Parallel()
	h, s := newHarness(t)
	h.env["AZURE_CLIENT_SECRET"] = emulator.DefaultServicePrincipalSecret
	s.SetFault(emulator.RouteTenants, emulator.Fault{Truncate: 2})
	code, _, errOut := h.run("login", "--environment", "emu", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID, "--tenant", emulator.DefaultHomeTenantID)
	if code != 1 || !strings.Contains(errOut, "azc: error: list tenants: ARM's answer could not be read: unexpected end of JSON input\n") ||
		strings.Contains(errOut, "unmarshalling") || strings.Contains(errOut, "struct {") || strings.Count(errOut, "azc: hint: ") != 1 {
		t.Errorf("exit %d, stderr:\n%s", code, errOut)
	}
}

// TestAnAccessTokenARMRefusesSaysWhatToCheck: an --access-token-file
// whose token ARM refuses (401: not an ARM token, expired, forged) fails
// the sign-in with a hint to check the token, not to retry, which gets the
// same answer, nor to skip the listing, which would save a refused token.
func TestAnAccessTokenARMRefusesSaysWhatToCheck(t *testing.T) {
	t.Parallel()
	h, _ := newHarness(t)
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte("not-an-arm-token"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := h.run("login", "--environment", "emu", "--access-token-file", file, "--account-id", "x@example.com", "--tenant", emulator.DefaultHomeTenantID)
	if code != 1 || strings.Count(errOut, "azc: hint: ") != 1 || !strings.Contains(errOut, "azc: hint: nothing was changed; ARM refused the token") ||
		strings.Contains(errOut, "retry") || strings.Contains(errOut, "not-an-arm-token") {
		t.Errorf("exit %d, stderr:\n%s", code, errOut)
	}
}

// TestARMRefusingTheTokenPointsAtTheAudience: a custom environment added
// without the --arm-audience its ARM accepts (the default, the endpoint,
// is not the emulator's nor Azure Stack's audience) gets tokens ARM
// refuses with 401: the sign-in fails naming the audience as what to check,
// not with a hint to retry, which cannot cure it.
func TestARMRefusingTheTokenPointsAtTheAudience(t *testing.T) {
	t.Parallel()
	h, s := newHarness(t)
	h.ok("environment", "add", "emu2", "--authority-host", s.AuthorityHost(), "--arm-endpoint", s.ARMEndpoint(),
		"--ca-file", filepath.Join(filepath.Dir(h.env["AZC_CONFIG_DIR"]), "ca.pem"), "-o", "none")
	h.env["AZURE_CLIENT_SECRET"] = emulator.DefaultServicePrincipalSecret
	code, _, errOut := h.run("login", "--environment", "emu2", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID, "--tenant", emulator.DefaultHomeTenantID)
	if code != 1 || !strings.Contains(errOut, "401") || strings.Count(errOut, "azc: hint: ") != 1 ||
		!strings.Contains(errOut, "azc: hint: nothing was changed; ARM refused the token: check the environment's ARM audience (`azc environment show emu2`)") {
		t.Errorf("exit %d, stderr:\n%s", code, errOut)
	}
}

// TestATokenRefusedForItsTenantOrScopeSaysWhatToCheck: `azc token` for a
// tenant the account is not in, or for a scope the provider refuses, fails
// with one hint naming what to check.
func TestATokenRefusedForItsTenantOrScopeSaysWhatToCheck(t *testing.T) {
	t.Parallel()
	h, _ := newHarness(t)
	h.env["AZURE_CLIENT_SECRET"] = emulator.DefaultServicePrincipalSecret
	h.ok("login", "--environment", "emu", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID, "--tenant", emulator.DefaultHomeTenantID, "-o", "none")
	for _, tc := range []struct {
		args []string
		hint string
	}{
		{[]string{"--tenant", "99999999-9999-4999-8999-999999999999"}, "azc: hint: check the tenant: the account must belong to it"},
		{[]string{"--tenant", emulator.DefaultGuestTenantID}, "azc: hint: check the tenant: the account must belong to it"},
		{[]string{"--scope", "openid offline_access"}, "azc: hint: check the resource or scope"},
	} {
		code, _, errOut := h.run(append([]string{"token"}, tc.args...)...)
		if code != 1 || strings.Count(errOut, "azc: hint: ") != 1 || !strings.Contains(errOut, tc.hint) {
			t.Errorf("azc token %s: exit %d, stderr:\n%s", strings.Join(tc.args, " "), code, errOut)
		}
	}
}

// TestCredentialsWhoseKeyIsGoneSaySo: a state directory whose data key is
// no longer in the OS key store (the kernel keyring empties at a reboot;
// here the directory moved, and its key is named by its path) reads as
// signed out, and the error says why, not only "not signed in".
func TestCredentialsWhoseKeyIsGoneSaySo(t *testing.T) {
	t.Parallel()
	h, _ := newHarness(t)
	h.env["AZURE_CLIENT_SECRET"] = emulator.DefaultServicePrincipalSecret
	h.ok("login", "--environment", "emu", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID, "--tenant", emulator.DefaultHomeTenantID, "-o", "none")
	moved := filepath.Join(t.TempDir(), "moved")
	if err := os.CopyFS(moved, os.DirFS(h.env["AZC_CONFIG_DIR"])); err != nil {
		t.Fatal(err)
	}
	// CopyFS makes what others may read; azc refuses that
	err := filepath.WalkDir(moved, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.Chmod(path, 0o700)
		}
		return os.Chmod(path, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
	h.env["AZC_CONFIG_DIR"] = moved
	code, _, errOut := h.run("token", "--resource", "https://vault.azure.net")
	if code == 0 {
		t.Skip("no OS key store here: the credentials are stored unencrypted")
	}
	if code != cmdutil.ExitInteraction || !strings.Contains(errOut, "not signed in: ") || !strings.Contains(errOut, "no longer available") ||
		!strings.Contains(errOut, "azc: hint: sign in again with `azc login --service-principal --client-id "+emulator.DefaultServicePrincipalID+" --tenant "+emulator.DefaultHomeTenantID+" --environment emu --client-secret-file FILE`\n") {
		t.Errorf("exit %d, stderr:\n%s", code, errOut)
	}
}

// TestLoginUnderTheNameOfASecondContextOfItsSubscription: `azc login
// --context-name NAME`, where NAME is a second context of the sign-in's
// subscription (`context set --subscription S --name NAME` added it),
// updates that context; the first of the subscription keeps its name, and
// the profile stays readable.
func TestLoginUnderTheNameOfASecondContextOfItsSubscription(t *testing.T) {
	t.Parallel()
	h, _ := newHarness(t)
	h.env["AZURE_CLIENT_SECRET"] = emulator.DefaultServicePrincipalSecret
	login := []string{"login", "--environment", "emu", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID,
		"--tenant", emulator.DefaultHomeTenantID, "-o", "none"}
	h.ok(login...)
	h.ok("context", "set", "--subscription", emulator.DefaultSubscriptionID, "--name", "second", "-o", "none")
	h.ok(append(login, "--context-name", "SECOND")...)
	got := h.ok("context", "list", "-o", "tsv", "--query", "[].[name, current]")
	if want := "Contoso Dev\tfalse\nSECOND\ttrue\n"; got != want {
		t.Errorf("contexts after the sign-in:\n%s\nwant\n%s", got, want)
	}
}

// TestASignInIntoTheShellUnderANameTheProfileHoldsSaysSo: `azc login
// --scope process --context-name x`, where the profile's context X (the
// same name, compared ignoring case) is of another identity, gets the
// distinct name every such context gets, and warns with both names, as
// `context set --name` and `context import` do: it said only that the
// current context was "x (<account>)".
func TestASignInIntoTheShellUnderANameTheProfileHoldsSaysSo(t *testing.T) {
	t.Parallel()
	h, _ := newHarness(t)
	h.env["AZURE_CLIENT_SECRET"] = emulator.DefaultServicePrincipalSecret
	login := []string{"login", "--environment", "emu", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID,
		"--tenant", emulator.DefaultHomeTenantID}
	h.ok(append(login, "--skip-population", "-o", "none")...) // a tenant-level context
	tenantLevel := strings.TrimSpace(h.ok("context", "show", "-o", "tsv", "--query", "name"))
	h.ok("context", "rename", tenantLevel, "X", "-o", "none")
	h.env["XDG_RUNTIME_DIR"] = t.TempDir()
	h.env["AZC_SESSION"] = strings.TrimSpace(h.ok("session", "start", "--pid", strconv.Itoa(os.Getpid())))
	code, _, errOut := h.run(append(login, "--scope", "process", "--context-name", "x")...)
	if code != 0 {
		t.Fatalf("login: exit %d: %s", code, errOut)
	}
	got := "x (" + emulator.DefaultServicePrincipalID + ")"
	if !strings.Contains(errOut, `current context "`+got+`"`) {
		t.Fatalf("login did not name the context %q:\n%s", got, errOut)
	}
	if want := `azc: warning: context "x": the name is taken by another context in the user scope; saved as "` + got + `"`; !strings.Contains(errOut, want) {
		t.Errorf("login stderr lacks %q:\n%s", want, errOut)
	}
}

// TestAContextNameAzcCannotKeepIsRefusedBeforeTheSignIn: `azc login
// --context-name NAME`, NAME one no context may have (white space around
// it, "-", not UTF-8), is a usage error before anything is asked of the
// identity provider: the whole sign-in ran (a user's device code approved,
// every tenant and subscription listed) and only then failed.
func TestAContextNameAzcCannotKeepIsRefusedBeforeTheSignIn(t *testing.T) {
	t.Parallel()
	h, s := newHarness(t)
	h.env["AZURE_CLIENT_SECRET"] = emulator.DefaultServicePrincipalSecret
	for _, name := range []string{" x", "x ", "-", "\xff"} {
		code, _, errOut := h.run("login", "--environment", "emu", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID,
			"--tenant", emulator.DefaultHomeTenantID, "--context-name", name)
		if code != cmdutil.ExitUsage || !strings.Contains(errOut, "--context-name") || !strings.Contains(errOut, "invalid context name") {
			t.Errorf("login --context-name %q: exit %d, stderr:\n%s", name, code, errOut)
		}
	}
	if n := s.Count(emulator.RouteToken, "") + s.Count(emulator.RouteTenants, ""); n != 0 {
		t.Errorf("the emulator got %d token or tenant requests, want none", n)
	}
}

func TestDeviceCodeLoginSwitchAndToken(t *testing.T) {
	t.Parallel()
	h, s := newHarness(t)
	s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, emulator.DefaultUser) })
	code, _, errOut := h.run("login", "--environment", "emu", "--device-code")
	if code != 0 {
		t.Fatalf("login: exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "enter the code") {
		t.Fatalf("device code message not shown: %s", errOut)
	}
	h.ok("use", "Fabrikam Shared")
	var tok struct {
		Tenant string `json:"tenant"`
	}
	if err := json.Unmarshal([]byte(h.ok("token", "-o", "json")), &tok); err != nil || tok.Tenant != emulator.DefaultGuestTenantID {
		t.Fatalf("token tenant %q, %v", tok.Tenant, err)
	}
	var buf bytes.Buffer
	buf.WriteString(h.ok("token", "--resource", "https://storage.azure.com", "-o", "tsv"))
	if buf.Len() == 0 {
		t.Fatal("no token for another resource")
	}
}

func TestProcessScopeWithoutASessionSaysHowToStartOne(t *testing.T) {
	t.Parallel()
	h, _ := newHarness(t)
	h.env["AZURE_CLIENT_SECRET"] = emulator.DefaultServicePrincipalSecret
	before := h.ok("context", "list", "-o", "json")
	code, _, errOut := h.run("login", "--environment", "emu", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID,
		"--tenant", emulator.DefaultHomeTenantID, "--scope", "process")
	if code != cmdutil.ExitUsage || !strings.Contains(errOut, "session") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if after := h.ok("context", "list", "-o", "json"); after != before {
		t.Fatal("a refused process-scope login changed the profile")
	}
}

func TestLoginWithoutABrowserFallsBackToTheDeviceCode(t *testing.T) {
	t.Parallel()
	h, s := newHarness(t)
	s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, emulator.DefaultGuestUser) })
	code, out, errOut := h.run("login", "--environment", "emu", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "device code instead") {
		t.Fatalf("no fallback notice: %s", errOut)
	}
	var res struct {
		Account struct{ ID string } `json:"account"`
		Default string              `json:"default"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Account.ID != emulator.DefaultGuestUser || res.Default == "" {
		t.Fatalf("stdout %q: %v", out, err)
	}
}

// TestLoginJSONShapesTheAccountAsAContextDoes: the same thing has the same
// field names in every JSON shape (docs/cli.md): the account as in a
// context, the default context's name as `default`, as in the shapes of
// context import and context remove.
func TestLoginJSONShapesTheAccountAsAContextDoes(t *testing.T) {
	t.Parallel()
	h, _ := newHarness(t)
	h.env["AZURE_CLIENT_SECRET"] = emulator.DefaultServicePrincipalSecret
	out := h.ok("login", "--environment", "emu", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID,
		"--tenant", emulator.DefaultHomeTenantID, "-o", "json")
	var login struct {
		Account struct{ ID, Type string } `json:"account"`
		Default string                    `json:"default"`
	}
	if err := json.Unmarshal([]byte(out), &login); err != nil {
		t.Fatalf("login -o json: %v\n%s", err, out)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &fields); err != nil || fields["defaultContext"] != nil {
		t.Errorf("login -o json names the default context other than `default`: %s", out)
	}
	var ctx struct {
		Name    string                    `json:"name"`
		Account struct{ ID, Type string } `json:"account"`
	}
	if err := json.Unmarshal([]byte(h.ok("context", "show", "-o", "json")), &ctx); err != nil {
		t.Fatal(err)
	}
	if login.Account.ID != emulator.DefaultServicePrincipalID || login.Account != ctx.Account {
		t.Errorf("login's account %+v, the context's %+v", login.Account, ctx.Account)
	}
	if login.Default == "" || login.Default != ctx.Name {
		t.Errorf("login's default %q, the current context %q", login.Default, ctx.Name)
	}
}

// TestLoginSaysWhatItWaitsForWhenStderrIsNotATerminal: with stderr a pipe
// (a CI log), a device-code login says in plain lines that it waits for
// approval, lists tenants and how far the subscriptions are, with no
// control bytes; stdout holds only the result (-o json parses), whatever
// the format; a service principal's secret never appears.
func TestLoginSaysWhatItWaitsForWhenStderrIsNotATerminal(t *testing.T) {
	t.Parallel()
	h, s := newHarness(t)
	s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, emulator.DefaultUser) })
	code, out, errOut := h.run("login", "--environment", "emu", "--device-code", "-o", "json")
	if code != 0 {
		t.Fatalf("login: exit %d: %s", code, errOut)
	}
	var res struct {
		Subscriptions int `json:"subscriptions"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Subscriptions != 4 {
		t.Fatalf("stdout is not the result alone: %v\n%s", err, out)
	}
	lines := strings.Split(errOut, "\n")
	at := 0
	for _, want := range []string{"enter the code", "azc: waiting for the sign-in to be approved", "azc: listing tenants",
		"azc: listing subscriptions: tenants 2/2, subscriptions 4"} {
		for at < len(lines) && !strings.Contains(lines[at], want) {
			at++
		}
		if at == len(lines) {
			t.Fatalf("stderr lacks %q after the lines before it:\n%s", want, errOut)
		}
	}
	if strings.ContainsAny(errOut, "\r\x1b") {
		t.Errorf("stderr to a pipe holds control bytes: %q", errOut)
	}

	h.env["AZURE_CLIENT_SECRET"] = emulator.DefaultServicePrincipalSecret
	code, out, errOut = h.run("login", "--environment", "emu", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID,
		"--tenant", emulator.DefaultHomeTenantID)
	if code != 0 || out != "" {
		t.Fatalf("service principal login: exit %d, stdout %q: %s", code, out, errOut)
	}
	if !strings.Contains(errOut, "azc: listing tenants\n") || !strings.Contains(errOut, "azc: listing subscriptions: tenants 1/1") ||
		strings.Contains(errOut, "waiting for the sign-in") || strings.Contains(errOut, emulator.DefaultServicePrincipalSecret) {
		t.Errorf("service principal login's stderr:\n%s", errOut)
	}
}

// TestLoginRetriesATransientFailureAndFailsClearlyOnAPersistentOne: the
// sign-in's token request meeting one 503 is sent again and the login
// succeeds; meeting 503s that do not stop, the login fails with one error
// naming the answer, one hint, exit 1, and the profile unchanged.
func TestLoginRetriesATransientFailureAndFailsClearlyOnAPersistentOne(t *testing.T) {
	t.Parallel()
	h, s := newHarness(t)
	h.env["AZURE_CLIENT_SECRET"] = emulator.DefaultServicePrincipalSecret
	login := []string{"login", "--environment", "emu", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID,
		"--tenant", emulator.DefaultHomeTenantID, "-o", "none"}
	s.SetFault(emulator.RouteToken, emulator.Fault{Status: http.StatusServiceUnavailable, Times: 1})
	h.ok(login...)
	before := h.ok("context", "list", "-o", "json")

	s.SetFault(emulator.RouteToken, emulator.Fault{Status: http.StatusServiceUnavailable})
	code, _, errOut := h.run(login...)
	if code != cmdutil.ExitFailure || !strings.Contains(errOut, "azc: error: ") || !strings.Contains(errOut, "temporarily_unavailable") ||
		strings.Count(errOut, "azc: hint: ") != 1 || !strings.Contains(errOut, "unavailable or throttling") {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	if after := h.ok("context", "list", "-o", "json"); after != before {
		t.Error("a failed login changed the profile")
	}
}

// TestARMLookupWithoutAnAnswerSaysSo: `context set` of a subscription no
// context holds asks ARM; when ARM gives no answer (the connection reset,
// after the retries) the error says so with ARM's host, and its hint is
// about the network, not a sign-in.
func TestARMLookupWithoutAnAnswerSaysSo(t *testing.T) {
	t.Parallel()
	h, s := newHarness(t)
	h.env["AZURE_CLIENT_SECRET"] = emulator.DefaultServicePrincipalSecret
	h.ok("login", "--environment", "emu", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID,
		"--tenant", emulator.DefaultHomeTenantID, "-o", "none")
	s.SetFault(emulator.RouteTenants, emulator.Fault{Reset: true})
	code, _, errOut := h.run("context", "set", "--subscription", "nosuch")
	if code != cmdutil.ExitFailure || !strings.Contains(errOut, "no answer from ARM at ") || strings.Contains(errOut, "Get \"") ||
		strings.Count(errOut, "azc: hint: ") != 1 || !strings.Contains(errOut, "azc: hint: check the network") {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
}

// TestLogoutNamesEachAccountOnce: one identity signed in to two clouds is
// two accounts with one id; the sign-out message tells them apart by their
// cloud, whether it signs out both or one of them.
func TestLogoutNamesEachAccountOnce(t *testing.T) {
	t.Parallel()
	h, s := newHarness(t)
	h.env["AZURE_CLIENT_SECRET"] = emulator.DefaultServicePrincipalSecret
	h.addEmu2(s)
	login := func(env string) {
		h.ok("login", "--environment", env, "--service-principal", "--client-id", emulator.DefaultServicePrincipalID,
			"--tenant", emulator.DefaultHomeTenantID, "--context-name", env, "-o", "none")
	}
	login("emu")
	login("emu2")
	id := emulator.DefaultServicePrincipalID
	_, _, errOut := h.run("-c", "emu2", "logout")
	if !strings.Contains(errOut, "signed out "+id+" (emu2) (user scope)") {
		t.Errorf("stderr:\n%s", errOut)
	}
	login("emu2")
	_, _, errOut = h.run("logout", "--all")
	if !strings.Contains(errOut, "signed out "+id+" (emu), "+id+" (emu2) (user scope)") {
		t.Errorf("stderr:\n%s", errOut)
	}
}

// TestLogoutTakesTheAccountAsNamesAreTaken: `logout ID` finds the account
// as a context reference is found: ignoring case and the white space
// around what was typed (a name pasted with a trailing space).
func TestLogoutTakesTheAccountAsNamesAreTaken(t *testing.T) {
	t.Parallel()
	h, _ := newHarness(t)
	h.env["AZURE_CLIENT_SECRET"] = emulator.DefaultServicePrincipalSecret
	id := emulator.DefaultServicePrincipalID
	for _, typed := range []string{" " + id + " ", strings.ToUpper(id) + "\t"} {
		h.ok("login", "--environment", "emu", "--service-principal", "--client-id", id,
			"--tenant", emulator.DefaultHomeTenantID, "-o", "none")
		if code, _, errOut := h.run("logout", typed); code != 0 || !strings.Contains(errOut, "signed out "+id) {
			t.Errorf("logout %q: exit %d, stderr:\n%s", typed, code, errOut)
		}
	}
	// spaces alone name no account: the current one stays signed in
	h.ok("login", "--environment", "emu", "--service-principal", "--client-id", id,
		"--tenant", emulator.DefaultHomeTenantID, "-o", "none")
	if code, _, _ := h.run("logout", " "); code != cmdutil.ExitFailure {
		t.Errorf("logout \" \": exit %d, want %d (not found)", code, cmdutil.ExitFailure)
	}
	h.ok("token", "-o", "none")
}

// addEmu2 adds environment emu2: the emulator s again, under a second
// name, with emu's CA file.
func (h *harness) addEmu2(s *emulator.Server) {
	h.t.Helper()
	ca := strings.TrimSpace(h.ok("environment", "show", "emu", "-o", "tsv", "--query", "caFile"))
	h.ok("environment", "add", "emu2", "--authority-host", s.AuthorityHost(), "--arm-endpoint", s.ARMEndpoint(),
		"--arm-audience", s.ARMAudience(), "--ca-file", ca, "-o", "none")
}

// TestASignInKeepsItsEnvironment: the environment a sign-in used is in
// the profile its contexts land in. `environment remove` refuses an
// environment that contexts use, but a sign-in's contexts are written only
// after the sign-in: an `environment remove` run while the sign-in waited
// for its approval succeeded, and the sign-in then wrote contexts of a
// cloud the profile no longer had; both exited 0 and every command of
// those contexts failed with `environment "emu" not found`.
func TestASignInKeepsItsEnvironment(t *testing.T) {
	t.Parallel()
	h, s := newHarness(t)
	removed := make(chan string, 1)
	s.OnDeviceCode(func(code string) {
		// the sign-in waits for its approval: the environment goes now
		_, _, errOut := h.run("environment", "remove", "emu")
		removed <- errOut
		_ = s.ApproveDeviceCode(code, emulator.DefaultUser)
	})
	h.ok("login", "--environment", "emu", "--device-code", "-o", "none")
	if errOut := <-removed; !strings.Contains(errOut, `removed environment "emu"`) {
		t.Fatalf("environment remove during the sign-in: %s", errOut)
	}
	if got := strings.TrimSpace(h.ok("environment", "show", "emu", "-o", "tsv", "--query", "authorityHost")); got != s.AuthorityHost() {
		t.Fatalf("after the sign-in, environment emu's authority host is %q, want %q", got, s.AuthorityHost())
	}
	h.ok("token", "-o", "none")
}

// TestSetLooksUpOneSubscriptionInARM: context set of a subscription no
// context holds, looked up in ARM, takes a name that two subscriptions
// hold (one name ignoring case, as names are compared: here in two
// tenants) for neither, as --subscription does where contexts hold it
// (profile.SubscriptionIndex): it took the home tenant's.
func TestSetLooksUpOneSubscriptionInARM(t *testing.T) {
	t.Parallel()
	const twin = "5a5a5a5a-0000-4000-8000-0000000000aa"
	cfg := emulator.DefaultConfig()
	cfg.Subscriptions = append(cfg.Subscriptions, emulator.Subscription{ID: twin, Name: "CONTOSO DEV", State: "Enabled", Tenant: emulator.DefaultGuestTenantID})
	h, s := newHarnessOf(t, cfg)
	s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, emulator.DefaultUser) })
	h.ok("login", "--environment", "emu", "--device-code", "--subscription", "Fabrikam Shared", "--max-contexts", "1", "-o", "none")
	code, _, errOut := h.run("context", "set", "--subscription", "contoso dev")
	if code == 0 || !strings.Contains(errOut, emulator.DefaultSubscriptionID) || !strings.Contains(errOut, twin) {
		t.Fatalf("context set of a name two subscriptions hold: exit %d, %s; want an error naming both", code, errOut)
	}
	h.ok("context", "set", "--subscription", twin)
	if got := h.ok("context", "show", "-o", "tsv", "--query", "subscription.id"); strings.TrimSpace(got) != twin {
		t.Fatalf("context set --subscription %s: the current context's subscription is %s", twin, got)
	}
}

// TestAOneTenantAccountRefusesAnotherTenantsToken: a managed identity has
// tokens of its own tenant only, so `azc token --tenant` of another tenant
// fails with one hint naming the tenant it has, and prints no token of the
// wrong tenant.
func TestAOneTenantAccountRefusesAnotherTenantsToken(t *testing.T) {
	t.Parallel()
	h, s := newHarness(t)
	h.env["IDENTITY_ENDPOINT"], h.env["IDENTITY_HEADER"] = s.ManagedIdentityEndpoint()
	h.ok("login", "--environment", "emu", "--identity", "-o", "none")
	h.ok("token", "--tenant", emulator.DefaultHomeTenantID, "-o", "none")
	code, out, errOut := h.run("token", "--tenant", emulator.DefaultGuestTenantID)
	if code != 1 || out != "" || strings.Count(errOut, "azc: hint: ") != 1 ||
		!strings.Contains(errOut, "azc: hint: use a context of tenant "+emulator.DefaultHomeTenantID+", or sign in") {
		t.Errorf("exit %d, stdout %q, stderr:\n%s", code, out, errOut)
	}
}

// TestAFederatedTokenFileIsKeptByItsAbsolutePath: the file is read again at
// every refresh, from whatever directory azc then runs in (another shell,
// `azc exec`), so a path given relative to the sign-in's directory is kept
// absolute, as an environment's --ca-file is.
func TestAFederatedTokenFileIsKeptByItsAbsolutePath(t *testing.T) {
	const appID, subject = "66666666-6666-4666-8666-666666666666", "repo:azcontext/azc:ref:refs/heads/main"
	cfg := emulator.DefaultConfig()
	cfg.Apps = append(cfg.Apps, emulator.App{AppID: appID, Tenant: emulator.DefaultHomeTenantID,
		FederatedCredentials: []emulator.FederatedCredential{{Issuer: emulator.FederationIssuer, Subject: subject}}})
	h, s := newHarnessOf(t, cfg)
	tok, err := s.FederatedToken(subject, emulator.DefaultFederatedAudience)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "federated.jwt"), []byte(tok), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	h.ok("login", "--environment", "emu", "--service-principal", "--client-id", appID, "--tenant", emulator.DefaultHomeTenantID,
		"--federated-token-file", "federated.jwt", "-o", "none")
	t.Chdir(t.TempDir())
	if code, _, errOut := h.run("token", "--resource", "https://storage.azure.com/", "-o", "none"); code != 0 {
		t.Errorf("a token from another directory: exit %d, stderr:\n%s", code, errOut)
	}
}

// TestAManagedIdentityTokenWithoutItsEndpointSaysWhereItWorks: `azc token`
// for a managed identity's context where IDENTITY_ENDPOINT is not set (a
// shell outside the App Service container it signed in from) fails with
// one hint, saying where such a token can be had.
func TestAManagedIdentityTokenWithoutItsEndpointSaysWhereItWorks(t *testing.T) {
	t.Parallel()
	h, s := newHarness(t)
	h.env["IDENTITY_ENDPOINT"], h.env["IDENTITY_HEADER"] = s.ManagedIdentityEndpoint()
	h.ok("login", "--environment", "emu", "--identity", "-o", "none")
	delete(h.env, "IDENTITY_ENDPOINT")
	code, out, errOut := h.run("token")
	if code != 1 || out != "" || strings.Count(errOut, "azc: hint: ") != 1 || !strings.Contains(errOut, "azc: hint: a managed identity's token is had where its endpoint is") {
		t.Errorf("exit %d, stdout %q, stderr:\n%s", code, out, errOut)
	}
}

// TestARawTokenReplacesASignInOfAnotherKindOnlyWithForce: a raw access
// token whose --account-id is a signed-in user's would make that account
// one of a raw token, its refresh token lost (and with it every tenant
// but the token's): the sign-in is refused, nothing changed, unless
// --force asks for it.
func TestARawTokenReplacesASignInOfAnotherKindOnlyWithForce(t *testing.T) {
	t.Parallel()
	h, s := newHarness(t)
	s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, emulator.DefaultUser) })
	h.ok("login", "--environment", "emu", "--device-code", "-o", "none")
	tok := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tok, []byte(h.ok("token", "--query", "accessToken", "-o", "tsv")), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := h.run("login", "--environment", "emu", "--access-token-file", tok, "--account-id", emulator.DefaultUser)
	if code != 1 || out != "" || strings.Count(errOut, "azc: hint: ") != 1 || !strings.Contains(errOut, "--force") ||
		!strings.Contains(errOut, "signed in as a user") {
		t.Errorf("a raw token over a user: exit %d, stdout %q, stderr:\n%s", code, out, errOut)
	}
	if typ := h.ok("context", "show", "Fabrikam Shared", "--query", "account.type", "-o", "tsv"); typ != "user\n" {
		t.Errorf("after the refusal the account is of type %q, want user", typ)
	}
	// its refresh token still serves another tenant
	h.ok("token", "-c", "Fabrikam Shared", "--tenant", emulator.DefaultGuestTenantID, "-o", "none")

	h.ok("login", "--environment", "emu", "--access-token-file", tok, "--account-id", emulator.DefaultUser, "--force", "-o", "none")
	if typ := h.ok("context", "show", "--query", "account.type", "-o", "tsv"); typ != "accessToken\n" {
		t.Errorf("with --force the account is of type %q, want accessToken", typ)
	}
}

// TestLoginSaysWhenItAsksARMAgain: a request to ARM that failed (a 5xx, a
// 429, no answer in time) and is sent again is a line of the progress,
// saying why and which try it is, so that a hung ARM (four tries of 30 s)
// is no silent wait.
func TestLoginSaysWhenItAsksARMAgain(t *testing.T) {
	t.Parallel()
	h, s := newHarness(t)
	h.env["AZURE_CLIENT_SECRET"] = emulator.DefaultServicePrincipalSecret
	s.SetFault(emulator.RouteTenants, emulator.Fault{Status: http.StatusServiceUnavailable, Times: 1})
	code, _, errOut := h.run("login", "--environment", "emu", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID,
		"--tenant", emulator.DefaultHomeTenantID, "-o", "none")
	want := "azc: listing tenants\nazc: ARM at " + strings.TrimPrefix(s.URL(), "https://") +
		" answered 503 Service Unavailable; trying again (try 2 of 4)\nazc: listing subscriptions"
	if code != 0 || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, stderr:\n%s\nwant it to hold:\n%s", code, errOut, want)
	}
}

// TestAOneTenantAccountRefusesAnotherTenantByItsDomain: `azc token
// --tenant DOMAIN` of a managed identity, whose tokens are its home
// tenant's alone, is refused when the profile knows DOMAIN as another
// tenant's (a context of it), as that tenant's id is: it served the home
// tenant's token, which the other tenant refuses. A domain the profile
// does not know is still taken as the home tenant's.
func TestAOneTenantAccountRefusesAnotherTenantByItsDomain(t *testing.T) {
	t.Parallel()
	h, s := newHarness(t)
	h.env["IDENTITY_ENDPOINT"], h.env["IDENTITY_HEADER"] = s.ManagedIdentityEndpoint()
	h.ok("login", "--environment", "emu", "--identity", "--context-name", "mi", "-o", "none")
	s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, emulator.DefaultUser) })
	h.ok("login", "--environment", "emu", "--device-code", "-o", "none")
	guest := strings.TrimSpace(h.ok("context", "show", "Fabrikam Shared", "--query", "tenant.defaultDomain", "-o", "tsv"))
	code, out, errOut := h.run("token", "-c", "mi", "--tenant", guest)
	if code != 1 || out != "" || strings.Count(errOut, "azc: hint: ") != 1 || !strings.Contains(errOut, "not for tenant "+emulator.DefaultGuestTenantID) {
		t.Errorf("--tenant %s: exit %d, %d bytes on stdout, stderr:\n%s", guest, code, len(out), errOut)
	}
	home := strings.TrimSpace(h.ok("context", "show", "mi", "--query", "tenant.defaultDomain", "-o", "tsv"))
	// the token's tenant is --tenant as given, as az prints it (it said
	// the home tenant's id)
	for _, tenant := range []string{home, "unknown.example"} {
		if got := strings.TrimSpace(h.ok("token", "-c", "mi", "--tenant", tenant, "--query", "tenant", "-o", "tsv")); got != tenant {
			t.Errorf("token --tenant %s: tenant %q, want it as given", tenant, got)
		}
	}
}

// TestAManagedIdentitySignInTheEndpointRefusesSaysWhatToCheck: `azc login
// --identity` that the endpoint refuses (a --client-id no identity of the
// app has, an IDENTITY_HEADER that is not the platform's) fails with one
// hint naming what to check, and one that the endpoint cannot serve (5xx)
// with the hint to try again later, rather than "nothing was changed"
// alone.
func TestAManagedIdentitySignInTheEndpointRefusesSaysWhatToCheck(t *testing.T) {
	t.Parallel()
	h, s := newHarness(t)
	endpoint, header := s.ManagedIdentityEndpoint()
	for name, tc := range map[string]struct {
		header string
		args   []string
		hint   string
	}{
		"an unknown client id": {header, []string{"--client-id", "99999999-9999-4999-8999-999999999999"},
			"azc: hint: nothing was changed; the managed identity endpoint refused the request: check --client-id or --resource-id"},
		"a wrong IDENTITY_HEADER": {"not-the-header", nil,
			"azc: hint: nothing was changed; the managed identity endpoint refused the request: check --client-id or --resource-id"},
	} {
		h.env["IDENTITY_ENDPOINT"], h.env["IDENTITY_HEADER"] = endpoint, tc.header
		code, out, errOut := h.run(append([]string{"login", "--environment", "emu", "--identity"}, tc.args...)...)
		if code != 1 || out != "" || strings.Count(errOut, "azc: hint: ") != 1 || !strings.Contains(errOut, tc.hint) {
			t.Errorf("%s: exit %d, stdout %q, stderr:\n%s", name, code, out, errOut)
		}
		if strings.Contains(errOut, "not-the-header") || strings.Contains(errOut, header) {
			t.Errorf("%s: stderr names the header's value:\n%s", name, errOut)
		}
	}
	h.env["IDENTITY_ENDPOINT"], h.env["IDENTITY_HEADER"] = endpoint, header
	s.SetFault(emulator.RouteManagedIdentity, emulator.Fault{Status: 503})
	code, out, errOut := h.run("login", "--environment", "emu", "--identity")
	if code != 1 || out != "" || strings.Count(errOut, "azc: hint: ") != 1 || !strings.Contains(errOut, "try again in a while") {
		t.Errorf("a 503: exit %d, stdout %q, stderr:\n%s", code, out, errOut)
	}
}
