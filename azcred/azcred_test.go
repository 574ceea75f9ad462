package azcred_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/google/go-cmp/cmp"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/auth"
	"github.com/azcontext/azc/azcred"
	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/emulator/emulatortest"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/session"
)

// world is an emulator whose service principal sees two enabled
// subscriptions, signed in to a fresh state directory: contexts "Contoso
// Dev" (the default) and "Contoso Test".
func world(t *testing.T) (*emulator.Server, string, *azc.State) {
	t.Helper()
	cfg := emulator.DefaultConfig()
	cfg.Subscriptions = append(cfg.Subscriptions, emulator.Subscription{
		ID: "5a5a5a5a-0000-4000-8000-0000000000f1", Name: "Contoso Test", State: "Enabled", Tenant: emulator.DefaultHomeTenantID,
	})
	emu := emulatortest.Start(t, cfg)
	dir := filepath.Join(t.TempDir(), "azc")
	return emu, dir, signIn(emu, dir)
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// tid is the tenant a token was issued in.
func tid(t *testing.T, token string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c struct{ TID string }
	if err := json.Unmarshal(payload, &c); err != nil {
		t.Fatal(err)
	}
	return c.TID
}

func TestNewPicksTheContextAsTheCommandDoes(t *testing.T) {
	t.Parallel()
	emu, dir, st := world(t)
	runtime := t.TempDir()
	sess, envValue, err := session.New(runtime, os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sess.End() })
	if _, err := st.WithSession(sess).Use(azc.ScopeProcess, "Contoso Test"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		context string
		env     map[string]string
		want    string
	}{
		{"with nothing set, the profile's default", "", nil, "Contoso Dev"},
		{"AZC_CONTEXT over the default", "", map[string]string{"AZC_CONTEXT": "Contoso Test"}, "Contoso Test"},
		{"a named context over AZC_CONTEXT", "Contoso Dev", map[string]string{"AZC_CONTEXT": "Contoso Test"}, "Contoso Dev"},
		{"the session's default over the profile's", "", map[string]string{session.EnvVar: envValue.Reveal(), "XDG_RUNTIME_DIR": runtime}, "Contoso Test"},
		{"AZC_CONTEXT over the session's default", "", map[string]string{session.EnvVar: envValue.Reveal(), "XDG_RUNTIME_DIR": runtime, "AZC_CONTEXT": "Contoso Dev"}, "Contoso Dev"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cred, err := azcred.New(&azcred.Options{Context: tc.context, Dir: dir, Getenv: env(tc.env), HTTPClient: emu.Client()})
			if err != nil {
				t.Fatal(err)
			}
			if got := cred.Context().Name; got != tc.want {
				t.Errorf("context %q, want %q", got, tc.want)
			}
			tok, err := cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{emu.ARMAudience() + "/.default"}})
			if err != nil {
				t.Fatal(err)
			}
			if got := tid(t, tok.Token); got != emulator.DefaultHomeTenantID {
				t.Errorf("token of tenant %s, want %s", got, emulator.DefaultHomeTenantID)
			}
		})
	}
}

// TestNewFailsInABrokenSession: a session $AZC_SESSION names that cannot
// be opened (malformed, ended, another key) is an error, as it is for
// every azc command: never the profile's default in its place, which may
// be another subscription than the shell selected.
func TestNewFailsInABrokenSession(t *testing.T) {
	t.Parallel()
	emu, dir, _ := world(t)
	runtime := t.TempDir()
	sess, envValue, err := session.New(runtime, os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.End(); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"not-a-session", envValue.Reveal()} {
		cred, err := azcred.New(&azcred.Options{Dir: dir, Getenv: env(map[string]string{session.EnvVar: v, "XDG_RUNTIME_DIR": runtime}), HTTPClient: emu.Client()})
		if err == nil {
			t.Errorf("New in a broken session gave context %q, want an error", cred.Context().Name)
		} else if !strings.Contains(strings.ToLower(err.Error()), "session") {
			t.Errorf("New in a broken session: %v, want an error that names the session", err)
		}
	}
}

func TestNewFailsWithoutAContext(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "azc")
	_, err := azcred.New(&azcred.Options{Dir: dir, Getenv: env(nil)})
	if !errors.Is(err, azc.ErrNoContext) {
		t.Errorf("New in an empty state directory = %v; want ErrNoContext", err)
	}
}

func TestNewReadsTheStateDirectoryFromAZC_CONFIG_DIR(t *testing.T) {
	t.Parallel()
	emu, dir, _ := world(t)
	cred, err := azcred.New(&azcred.Options{Getenv: env(map[string]string{"AZC_CONFIG_DIR": dir, "AZC_CONTEXT": "Contoso Test"}), HTTPClient: emu.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if sub := cred.Context().Subscription; sub == nil || sub.ID != "5a5a5a5a-0000-4000-8000-0000000000f1" {
		t.Errorf("subscription %+v, want Contoso Test's", sub)
	}
}

// TestContextIsACopy: what Context returns is the caller's, its
// subscription and its properties too; and a context whose account's
// credentials are gone is refused by GetToken (New reads no credential).
func TestContextIsACopy(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "azc")
	st, err := azc.Open(azc.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	a := profile.Account{ID: "alice@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "t1"}
	if _, err := st.Update(azc.ScopeUser, func(p *profile.Profile) error {
		p.UpsertAccount(a)
		_, err := p.UpsertContext(profile.Context{Name: "Prod", Account: a.Key(), Tenant: profile.Tenant{ID: "t1"},
			Subscription: &profile.Subscription{ID: "sub", Name: "Prod subscription", TenantID: "t1"},
			Properties:   map[string]string{"team": "blue"}}, profile.UpsertOptions{MakeDefault: true})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	cred, err := azcred.New(&azcred.Options{Dir: dir, Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	first := cred.Context()
	want := first.Clone()
	first.Subscription.Name = "changed by the caller"
	first.Properties["team"] = "changed by the caller"
	if d := cmp.Diff(want, cred.Context()); d != "" {
		t.Errorf("the caller's change to the first Context changed the second (-first +second):\n%s", d)
	}
	_, err = cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{"https://management.core.windows.net//.default"}})
	if !errors.Is(err, auth.ErrNotSignedIn) {
		t.Errorf("GetToken without credentials = %v; want auth.ErrNotSignedIn", err)
	}
}

// TestNewFollowsTheAutosaveVariables: autosave turned off by
// $AZC_AUTOSAVE (or Azure PowerShell's AzContextAutoSave,
// Azure_Profile_Autosave) hides the profile's contexts from a shell, as it
// does from every azc command there (`azc token` finds no context): New
// finds none either, and a value that is not a boolean is the commands'
// error, never a fall back to the profile's default.
func TestNewFollowsTheAutosaveVariables(t *testing.T) {
	t.Parallel()
	emu, dir, _ := world(t)
	for _, tc := range []struct {
		env     map[string]string
		want    string // the context, or "" for none
		wantErr string
	}{
		{env: map[string]string{"AZC_AUTOSAVE": "false"}},
		{env: map[string]string{"AzContextAutoSave": "False"}},
		{env: map[string]string{"Azure_Profile_Autosave": "0", "AZC_CONTEXT": "Contoso Test"}},
		{env: map[string]string{"AZC_AUTOSAVE": "true", "AzContextAutoSave": "false"}, want: "Contoso Dev"},
		{env: map[string]string{"AZC_AUTOSAVE": "maybe"}, wantErr: `invalid AZC_AUTOSAVE="maybe"`},
	} {
		cred, err := azcred.New(&azcred.Options{Dir: dir, Getenv: env(tc.env), HTTPClient: emu.Client()})
		switch {
		case tc.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%v: New = %v, want an error %q", tc.env, err, tc.wantErr)
			}
		case tc.want == "":
			var nf *profile.NotFoundError
			if !errors.Is(err, azc.ErrNoContext) && !errors.As(err, &nf) {
				t.Errorf("%v: New = %v, want no context (the profile's are hidden)", tc.env, err)
			}
		case err != nil:
			t.Errorf("%v: New: %v", tc.env, err)
		case cred.Context().Name != tc.want:
			t.Errorf("%v: context %q, want %q", tc.env, cred.Context().Name, tc.want)
		}
	}
}

// TestAOneTenantAccountRefusesAnotherTenantByItsDomain: a managed
// identity has tokens of its home tenant only. A token asked for by a
// domain a context of the profile names as another tenant's is that
// tenant's, and refused as it is by its id, as `azc token --tenant DOMAIN`
// refuses it (profile.Profile.TenantAsked); a domain the profile does not
// know is taken as the home tenant's. (GetToken served the home tenant's
// token for the other tenant's domain, which that tenant refuses.)
func TestAOneTenantAccountRefusesAnotherTenantByItsDomain(t *testing.T) {
	t.Parallel()
	emu := emulatortest.Start(t, emulator.DefaultConfig())
	endpoint, header := emu.ManagedIdentityEndpoint()
	getenv := env(map[string]string{"IDENTITY_ENDPOINT": endpoint, "IDENTITY_HEADER": header})
	dir := filepath.Join(t.TempDir(), "azc")
	st, err := azc.Open(azc.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	e := profile.Environment{Name: "emulator", AuthorityHost: emu.AuthorityHost(), ARMEndpoint: emu.ARMEndpoint(), ARMAudience: emu.ARMAudience()}
	m := auth.New(auth.Config{HTTPClient: emu.Client(), Getenv: getenv})
	res, err := m.Login(context.Background(), auth.LoginOptions{Environment: e, Method: auth.ManagedIdentity, ClientID: emulator.DefaultManagedIdentityClientID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Update(azc.ScopeUser, func(p *profile.Profile) error {
		if err := p.SetEnvironment(e); err != nil {
			return err
		}
		if _, err := res.Apply(p, auth.ApplyOptions{ContextName: "mi"}); err != nil {
			return err
		}
		// a context of the other tenant, as a sign-in of another
		// account that reaches it makes
		c, err := p.Find("mi")
		if err != nil {
			return err
		}
		guest := c.Clone()
		guest.Name, guest.Subscription = "guest", nil
		guest.Tenant = profile.Tenant{ID: emulator.DefaultGuestTenantID, DefaultDomain: emulator.DefaultGuestTenantDomain}
		_, err = p.UpsertContext(guest, profile.UpsertOptions{})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	cred, err := azcred.New(&azcred.Options{Context: "mi", Dir: dir, Getenv: getenv, HTTPClient: emu.Client()})
	if err != nil {
		t.Fatal(err)
	}
	scopes := []string{emu.ARMAudience() + "/.default"}
	for _, tenant := range []string{emulator.DefaultGuestTenantID, emulator.DefaultGuestTenantDomain, strings.ToUpper(emulator.DefaultGuestTenantDomain)} {
		_, err := cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: scopes, TenantID: tenant})
		var other *auth.OtherTenantError
		if !errors.As(err, &other) || other.Tenant != emulator.DefaultGuestTenantID {
			t.Errorf("GetToken of tenant %s = %v, want an *auth.OtherTenantError of tenant %s", tenant, err, emulator.DefaultGuestTenantID)
		}
	}
	tok, err := cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: scopes, TenantID: "unknown.example"})
	if err != nil {
		t.Fatalf("GetToken of a domain the profile does not know: %v", err)
	}
	if got := tid(t, tok.Token); got != emulator.DefaultHomeTenantID {
		t.Errorf("token of tenant %s, want the home tenant %s", got, emulator.DefaultHomeTenantID)
	}
}

// TestGetTokenWithoutAScopeIsRefused: a request that names no scope fails,
// as azidentity's credentials fail it, rather than getting a token for
// ARM, which the caller would then send wherever it meant to.
func TestGetTokenWithoutAScopeIsRefused(t *testing.T) {
	t.Parallel()
	emu, dir, _ := world(t)
	cred, err := azcred.New(&azcred.Options{Dir: dir, Getenv: env(nil), HTTPClient: emu.Client()})
	if err != nil {
		t.Fatal(err)
	}
	for _, scopes := range [][]string{nil, {}} {
		tok, err := cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: scopes})
		if err == nil || tok.Token != "" || !strings.Contains(err.Error(), "at least one scope") {
			t.Errorf("GetToken with scopes %#v: token %t, error %v; want an error asking for at least one scope and no token", scopes, tok.Token != "", err)
		}
	}
}
