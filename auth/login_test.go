package auth

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions"

	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/internal/credblob"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/secret"
)

func deviceLogin(t *testing.T, s *emulator.Server, m *Manager, upn string) *LoginResult {
	t.Helper()
	s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, upn) })
	var shown []string
	res, err := m.Login(context.Background(), LoginOptions{
		Environment: emulatorEnv(s), Method: DeviceCode,
		UI: UI{DisplayMessage: func(msg string) { shown = append(shown, msg) }},
	})
	if err != nil {
		t.Fatalf("device code login: %v", err)
	}
	if len(shown) == 0 {
		t.Error("the device code message was never shown")
	}
	return res
}

func subscriptionIDs(subs []profile.Subscription) map[string]string {
	out := map[string]string{}
	for _, s := range subs {
		out[s.ID] = s.State
	}
	return out
}

func TestDeviceCodeSignInPopulatesEveryTenant(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	m := newTestManager(s, nil)
	res := deviceLogin(t, s, m, emulator.DefaultUser)
	if res.Account.ID != emulator.DefaultUser || res.Account.Type != profile.UserAccount || res.Account.HomeTenantID != emulator.DefaultHomeTenantID {
		t.Fatalf("account = %+v", res.Account)
	}
	if len(res.Tenants) != 2 || res.Tenants[0].ID != emulator.DefaultHomeTenantID {
		t.Fatalf("tenants = %+v, warnings %q", res.Tenants, res.Warnings)
	}
	subs := subscriptionIDs(res.Subscriptions)
	for _, id := range []string{emulator.DefaultSubscriptionID, emulator.DefaultDisabledSubscriptionID, emulator.DefaultGuestSubscriptionID} {
		if _, ok := subs[id]; !ok {
			t.Errorf("subscription %s missing from %v", id, subs)
		}
	}

	blobs := newMemBlobs()
	if err := res.Save(context.Background(), blobs, nil); err != nil {
		t.Fatal(err)
	}
	p := &profile.Profile{}
	ar, err := res.Apply(p, ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	enabled := 0
	for _, s := range res.Subscriptions {
		if Enabled(s) {
			enabled++
		}
	}
	if len(p.Contexts) != enabled || ar.Created != enabled || p.DefaultContext == "" {
		t.Fatalf("contexts = %d (created %d), want %d; default %q", len(p.Contexts), ar.Created, enabled, p.DefaultContext)
	}

	// A token for the guest tenant comes silently from the saved cache.
	tok, err := m.Token(context.Background(), blobs, emulatorEnv(s), res.Account, TokenRequest{TenantID: emulator.DefaultGuestTenantID})
	if err != nil {
		t.Fatal(err)
	}
	if claimString(tok.AccessToken.Reveal(), "tid") != emulator.DefaultGuestTenantID {
		t.Fatalf("token tenant = %q", claimString(tok.AccessToken.Reveal(), "tid"))
	}

	// Signing in again updates the same contexts.
	res2 := deviceLogin(t, s, m, emulator.DefaultUser)
	ar2, err := res2.Apply(p, ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Contexts) != enabled || ar2.Created != 0 || ar2.Updated != enabled || len(p.Accounts) != 1 {
		t.Fatalf("re-login: %d contexts, %+v, %d accounts", len(p.Contexts), ar2, len(p.Accounts))
	}
}

func TestInteractiveSignIn(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	s.SetInteractiveUser(emulator.DefaultUser)
	m := newTestManager(s, nil)
	res, err := m.Login(context.Background(), LoginOptions{
		Environment: emulatorEnv(s), Method: Interactive, SkipPopulation: true,
		UI: UI{OpenURL: browser(s)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Account.ID != emulator.DefaultUser || s.Count(emulator.RouteToken, "authorization_code") != 1 {
		t.Fatalf("account %+v, auth code grants %d", res.Account, s.Count(emulator.RouteToken, "authorization_code"))
	}
	if len(res.Subscriptions) != 0 || s.Count(emulator.RouteTenants, "") != 0 {
		t.Fatal("--skip-population still listed")
	}
}

func TestSignInFailures(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	env := emulatorEnv(s)
	m := newTestManager(s, nil)
	tests := []struct {
		name string
		opts LoginOptions
		code string
	}{
		{"a wrong client secret is invalid_client", LoginOptions{Method: ClientSecret, TenantID: emulator.DefaultHomeTenantID, ClientID: emulator.DefaultServicePrincipalID, ClientSecret: secret.New("wrong")}, "invalid_client"},
		{"an unknown application is refused", LoginOptions{Method: ClientSecret, TenantID: emulator.DefaultHomeTenantID, ClientID: "99999999-9999-4999-8999-999999999999", ClientSecret: secret.New("x")}, "unauthorized_client"},
		{"interactive with no user at the browser fails", LoginOptions{Method: Interactive, UI: UI{OpenURL: browser(s)}}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Environment = env
			_, err := m.Login(context.Background(), tc.opts)
			if err == nil {
				t.Fatal("login succeeded")
			}
			if strings.Contains(err.Error(), "wrong") {
				t.Fatalf("error leaks the secret: %v", err)
			}
			var ae *AADError
			if tc.code != "" && (!errors.As(err, &ae) || ae.Code != tc.code) {
				t.Fatalf("error = %v, want code %s", err, tc.code)
			}
		})
	}
}

func TestInteractiveWithoutABrowserSaysSo(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	_, err := newTestManager(s, nil).Login(context.Background(), LoginOptions{Environment: emulatorEnv(s), Method: Interactive})
	if !errors.Is(err, ErrNoBrowser) {
		t.Fatalf("err = %v", err)
	}
}

func TestDeclinedDeviceCodeFails(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	s.OnDeviceCode(func(code string) { _ = s.DeclineDeviceCode(code) })
	_, err := newTestManager(s, nil).Login(context.Background(), LoginOptions{Environment: emulatorEnv(s), Method: DeviceCode})
	var ae *AADError
	if !errors.As(err, &ae) || ae.Code != "authorization_declined" {
		t.Fatalf("err = %v", err)
	}
}

func spLogin(t testing.TB, s *emulator.Server, m *Manager, opts LoginOptions) *LoginResult {
	t.Helper()
	opts.Environment = emulatorEnv(s)
	opts.Method = ClientSecret
	opts.TenantID = emulator.DefaultHomeTenantID
	opts.ClientID = emulator.DefaultServicePrincipalID
	opts.ClientSecret = secret.New(emulator.DefaultServicePrincipalSecret)
	res, err := m.Login(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestServicePrincipalSecretAndTokens(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	var logs bytes.Buffer
	m := New(Config{HTTPClient: s.Client(), Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	res := spLogin(t, s, m, LoginOptions{})
	if res.Account.Type != profile.ServicePrincipal || res.Account.Credential != profile.CredentialSecret {
		t.Fatalf("account = %+v", res.Account)
	}
	blobs := newMemBlobs()
	if err := res.Save(context.Background(), blobs, nil); err != nil {
		t.Fatal(err)
	}
	cred := m.Credential(blobs, emulatorEnv(s), res.Account, "")
	tok, err := cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{ARMScope(emulatorEnv(s))}})
	if err != nil {
		t.Fatal(err)
	}
	before := s.Count(emulator.RouteToken, "")
	tok2, err := cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{ARMScope(emulatorEnv(s))}})
	if err != nil || tok2.Token != tok.Token || s.Count(emulator.RouteToken, "") != before {
		t.Fatalf("warm GetToken went to the network or changed: %v", err)
	}
	for _, leak := range []string{tok.Token, emulator.DefaultServicePrincipalSecret, "Authorization"} {
		if strings.Contains(logs.String(), leak) {
			t.Fatalf("debug log leaks %q", leak[:min(len(leak), 8)])
		}
	}
	if logs.Len() == 0 {
		t.Fatal("no debug log at all")
	}
}

func TestARMClientAuthenticatesWithTheCredential(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	m := newTestManager(s, nil)
	res := spLogin(t, s, m, LoginOptions{SkipPopulation: true})
	blobs := newMemBlobs()
	if err := res.Save(context.Background(), blobs, nil); err != nil {
		t.Fatal(err)
	}
	env := emulatorEnv(s)
	copts, err := m.ARMClientOptions(env)
	if err != nil {
		t.Fatal(err)
	}
	c, err := armsubscriptions.NewClient(m.Credential(blobs, env, res.Account, ""), copts)
	if err != nil {
		t.Fatal(err)
	}
	pager := c.NewListPager(nil)
	n := 0
	for pager.More() {
		page, err := pager.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Value)
	}
	if n == 0 {
		t.Fatal("no subscriptions listed")
	}
}

func TestManagedIdentityAndRawToken(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	m := newIdentityManager(s)
	s.SetFault(emulator.RouteManagedIdentity, emulator.Fault{Status: 503, Times: 1}) // retried
	res, err := m.Login(context.Background(), LoginOptions{Environment: emulatorEnv(s), Method: ManagedIdentity, ClientID: emulator.DefaultManagedIdentityClientID})
	if err != nil {
		t.Fatal(err)
	}
	if res.Account.Type != profile.ManagedIdentity || res.Account.HomeTenantID != emulator.DefaultHomeTenantID {
		t.Fatalf("account = %+v", res.Account)
	}
	blobs := newMemBlobs()
	tok, err := m.Token(context.Background(), blobs, emulatorEnv(s), res.Account, TokenRequest{})
	if err != nil {
		t.Fatal(err)
	}

	raw, err := m.Login(context.Background(), LoginOptions{Environment: emulatorEnv(s), Method: RawAccessToken, AccessToken: tok.AccessToken, AccountID: "raw@contoso.test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := raw.Save(context.Background(), blobs, nil); err != nil {
		t.Fatal(err)
	}
	got, err := m.Token(context.Background(), blobs, emulatorEnv(s), raw.Account, TokenRequest{})
	if err != nil || !got.AccessToken.Equal(tok.AccessToken) {
		t.Fatalf("raw token not served back: %v", err)
	}
}

func TestLogoutIsIdempotent(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	m := newTestManager(s, nil)
	res := spLogin(t, s, m, LoginOptions{SkipPopulation: true})
	blobs := newMemBlobs()
	if err := res.Save(context.Background(), blobs, nil); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		signedOut := func() (*profile.Profile, error) { return profile.New(), nil }
		if err := DropCredentials(context.Background(), blobs, []string{res.Account.Key()}, signedOut, nil); err != nil {
			t.Fatalf("logout %d: %v", i, err)
		}
	}
	if blobs.len() != 0 {
		t.Fatal("credentials survived logout")
	}
	if _, err := m.Token(context.Background(), blobs, emulatorEnv(s), res.Account, TokenRequest{}); !errors.Is(err, ErrNotSignedIn) {
		t.Fatalf("token after logout: %v", err)
	}
}

func TestTransientARMFaultsAreRetried(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	s.SetFault(emulator.RouteSubscriptions, emulator.Fault{Status: 503, Times: 2})
	s.SetFault(emulator.RouteTenants, emulator.Fault{Status: 429, Times: 1})
	res := spLogin(t, s, newTestManager(s, nil), LoginOptions{})
	if len(res.Subscriptions) == 0 {
		t.Fatal("no subscriptions after retries")
	}
}

func TestPersistentARMFailureFailsTheLogin(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	s.SetFault(emulator.RouteTenants, emulator.Fault{Status: 500})
	_, err := newTestManager(s, nil).Login(context.Background(), LoginOptions{
		Environment: emulatorEnv(s), Method: ClientSecret, TenantID: emulator.DefaultHomeTenantID,
		ClientID: emulator.DefaultServicePrincipalID, ClientSecret: secret.New(emulator.DefaultServicePrincipalSecret),
	})
	var pe *PopulateError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "500") {
		t.Fatalf("err = %v", err)
	}
}

func TestConcurrentRefreshMakesOneRequest(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	m := newTestManager(s, nil)
	res := deviceLogin(t, s, m, emulator.DefaultUser)
	blobs := newMemBlobs()
	if err := res.Save(context.Background(), blobs, nil); err != nil {
		t.Fatal(err)
	}
	expireAccessTokens(t, blobs, res.Account.Key())
	s.ResetCounts()
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cred := m.Credential(blobs, emulatorEnv(s), res.Account, "")
			if _, err := cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{ARMScope(emulatorEnv(s))}}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := s.Count(emulator.RouteToken, "refresh_token"); n != 1 {
		t.Fatalf("refresh grants = %d, want 1", n)
	}
}

func TestRefreshListsAgainWithTheSavedCredentials(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	m := newTestManager(s, nil)
	res := deviceLogin(t, s, m, emulator.DefaultUser)
	blobs := newMemBlobs()
	if err := res.Save(context.Background(), blobs, nil); err != nil {
		t.Fatal(err)
	}
	p := &profile.Profile{}
	if _, err := res.Apply(p, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.SetDefault(p.Contexts[len(p.Contexts)-1].Name); err != nil {
		t.Fatal(err)
	}
	def := p.DefaultContext
	again, err := m.Refresh(context.Background(), blobs, emulatorEnv(s), res.Account, UI{})
	if err != nil {
		t.Fatal(err)
	}
	ar, err := again.Apply(p, ApplyOptions{KeepDefault: true})
	if err != nil {
		t.Fatal(err)
	}
	if ar.Created != 0 || len(again.Subscriptions) != len(res.Subscriptions) || p.DefaultContext != def {
		t.Fatalf("refresh: %+v, %d subscriptions, default %q", ar, len(again.Subscriptions), p.DefaultContext)
	}
}

func TestLoginSubscriptionChoosesTheDefault(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, emulator.DefaultUser) })
	m := newTestManager(s, nil)
	res, err := m.Login(context.Background(), LoginOptions{Environment: emulatorEnv(s), Method: DeviceCode, Subscription: "fabrikam shared"})
	if err != nil {
		t.Fatal(err)
	}
	p := &profile.Profile{}
	ar, err := res.Apply(p, ApplyOptions{ContextName: "fab"})
	if err != nil {
		t.Fatal(err)
	}
	if p.DefaultContext != "fab" || ar.Default.Subscription.ID != emulator.DefaultGuestSubscriptionID || ar.Created < 3 {
		t.Fatalf("default %q → %+v, created %d", p.DefaultContext, ar.Default.Subscription, ar.Created)
	}
	_, err = m.Login(context.Background(), LoginOptions{Environment: emulatorEnv(s), Method: DeviceCode, Subscription: "Contoso Legacy"})
	if want := `no enabled subscription "Contoso Legacy" in the 2 tenants of ` + emulator.DefaultUser; err == nil || err.Error() != want {
		t.Fatalf("a disabled subscription as the default: %v; want %s", err, want)
	}
	// a value past 80 bytes is cut, as every value an error quotes is
	long := strings.Repeat("x", 200)
	_, err = m.Login(context.Background(), LoginOptions{Environment: emulatorEnv(s), Method: DeviceCode, Subscription: long})
	if err == nil || strings.Contains(err.Error(), long) || !strings.Contains(err.Error(), "(200 bytes)") {
		t.Fatalf("a subscription of 200 bytes: %v", err)
	}
}

func TestMaxContextsWarnsInWordsThatAgree(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, emulator.DefaultUser) })
	m := newTestManager(s, nil)
	for _, tc := range []struct {
		max  int
		want string
	}{
		{1, "kept the first subscription (--max-contexts)"},
		{2, "kept the first 2 subscriptions (--max-contexts)"},
	} {
		res, err := m.Login(context.Background(), LoginOptions{Environment: emulatorEnv(s), Method: DeviceCode, MaxContexts: tc.max})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(res.Warnings, tc.want) {
			t.Errorf("--max-contexts %d: warnings %q; want %q", tc.max, res.Warnings, tc.want)
		}
	}
}

func TestRevokedRefreshTokenNeedsInteraction(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	m := newTestManager(s, nil)
	res := deviceLogin(t, s, m, emulator.DefaultUser)
	blobs := newMemBlobs()
	if err := res.Save(context.Background(), blobs, nil); err != nil {
		t.Fatal(err)
	}
	expireAccessTokens(t, blobs, res.Account.Key())
	revokeRefreshTokens(t, blobs, res.Account.Key())
	_, err := m.Token(context.Background(), blobs, emulatorEnv(s), res.Account, TokenRequest{})
	if !errors.Is(err, ErrInteractionRequired) {
		t.Fatalf("err = %v", err)
	}
}

// TestTenantTokensAreRedeemedOnceEach: against an identity provider that
// keeps a redeemed refresh token valid (Entra ID, and the emulator by
// default) every tenant but the sign-in's own costs exactly one refresh
// grant, redeemed in parallel with no refusal and no second try; against
// one that rotates them strictly the one-at-a-time fallback still reaches
// every tenant.
func TestTenantTokensAreRedeemedOnceEach(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		rotate bool
	}{
		{"refresh tokens stay valid once redeemed", false},
		{"refresh tokens rotate strictly", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := emulator.DefaultConfig()
			cfg.Generate = &emulator.Generate{Tenants: 24, SubscriptionsPerTenant: 2}
			cfg.RotateRefreshTokens = tc.rotate
			s := startEmulator(t, cfg)
			res := deviceLogin(t, s, newTestManager(s, nil), emulator.DefaultUser)
			if len(res.Warnings) != 0 || len(res.Tenants) != 26 {
				t.Fatalf("%d tenants, warnings %q", len(res.Tenants), res.Warnings)
			}
			if n := s.Count(emulator.RouteToken, "refresh_token"); !tc.rotate && n != 26 {
				t.Fatalf("%d refresh grants for the 26 tenants, the home tenant's included, want one each", n)
			}
		})
	}
}

// TestDropCredentialsKeepsTheBlobOfANamedAccount: a blob is deleted only
// when the profile read under the account's lock names the account no
// more, neither as an account nor in a context, and no shell holds it.
func TestDropCredentialsKeepsTheBlobOfANamedAccount(t *testing.T) {
	t.Parallel()
	key := "emu|t|someone"
	for _, tc := range []struct {
		name    string
		profile func() *profile.Profile
		held    bool
		kept    bool
	}{
		{"an account of the profile", func() *profile.Profile {
			p := profile.New()
			p.Accounts = []profile.Account{{ID: "someone", Environment: "emu", HomeTenantID: "t"}}
			return p
		}, false, true},
		{"the account of a context", func() *profile.Profile {
			p := profile.New()
			p.Contexts = []profile.Context{{Name: "c", Account: key}}
			return p
		}, false, true},
		{"held by a live shell", profile.New, true, true},
		{"neither", profile.New, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			blobs := newMemBlobs()
			if err := blobs.Put(key, []byte("x")); err != nil {
				t.Fatal(err)
			}
			load := func() (*profile.Profile, error) { return tc.profile(), nil }
			held := func(k string) (bool, error) { return tc.held && k == key, nil }
			if err := DropCredentials(context.Background(), blobs, []string{key}, load, held); err != nil {
				t.Fatal(err)
			}
			if _, err := blobs.Get(key); (err == nil) != tc.kept {
				t.Fatalf("blob kept = %v, want %v", err == nil, tc.kept)
			}
		})
	}
}

// TestASignInLeavesItsHomeTenantsTokenInTheCache: after a device-code
// sign-in (at the organizations authority), a token for the home tenant,
// asked for by its id as every later command asks (`azc token`, `context
// list --refresh`), comes from the saved cache: no refresh token is
// redeemed and the blob is not written again.
func TestASignInLeavesItsHomeTenantsTokenInTheCache(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	m := newTestManager(s, nil)
	for _, skip := range []bool{false, true} {
		s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, emulator.DefaultUser) })
		res, err := m.Login(context.Background(), LoginOptions{Environment: emulatorEnv(s), Method: DeviceCode, SkipPopulation: skip})
		if err != nil {
			t.Fatal(err)
		}
		blobs := newMemBlobs()
		if err := res.Save(context.Background(), blobs, nil); err != nil {
			t.Fatal(err)
		}
		saved, err := blobs.Get(res.Account.Key())
		if err != nil {
			t.Fatal(err)
		}
		redeemed := s.Count(emulator.RouteToken, "refresh_token")
		for _, tenant := range []string{"", emulator.DefaultHomeTenantID} {
			tok, err := m.Token(context.Background(), blobs, emulatorEnv(s), res.Account, TokenRequest{TenantID: tenant})
			if err != nil {
				t.Fatal(err)
			}
			if got := claimString(tok.AccessToken.Reveal(), "tid"); got != emulator.DefaultHomeTenantID {
				t.Fatalf("token for tenant %q is for %q", tenant, got)
			}
		}
		if n := s.Count(emulator.RouteToken, "refresh_token") - redeemed; n != 0 {
			t.Errorf("skip population %v: %d refresh tokens redeemed for the home tenant's token after the sign-in", skip, n)
		}
		if now, err := blobs.Get(res.Account.Key()); err != nil || !bytes.Equal(now, saved) {
			t.Errorf("skip population %v: the blob was written again (%v)", skip, err)
		}
	}
}

// TestLoginSubscriptionThatNamesTwoIsAmbiguous: --subscription that names
// two subscriptions (one name ignoring case, as names are compared: here
// "Contoso Dev" and "CONTOSO DEV" in two tenants) picks neither, as every
// --subscription says (profile.SubscriptionIndex): the error names both
// ids, and the id picks one.
func TestLoginSubscriptionThatNamesTwoIsAmbiguous(t *testing.T) {
	t.Parallel()
	const twin = "5a5a5a5a-0000-4000-8000-0000000000aa"
	cfg := emulator.DefaultConfig()
	cfg.Subscriptions = append(cfg.Subscriptions, emulator.Subscription{ID: twin, Name: "CONTOSO DEV", State: "Enabled", Tenant: emulator.DefaultGuestTenantID})
	s := startEmulator(t, cfg)
	s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, emulator.DefaultUser) })
	m := newTestManager(s, nil)
	_, err := m.Login(context.Background(), LoginOptions{Environment: emulatorEnv(s), Method: DeviceCode, Subscription: "contoso dev"})
	if err == nil || !strings.Contains(err.Error(), emulator.DefaultSubscriptionID) || !strings.Contains(err.Error(), twin) {
		t.Fatalf("--subscription of two subscriptions: %v, want an error naming both", err)
	}
	res, err := m.Login(context.Background(), LoginOptions{Environment: emulatorEnv(s), Method: DeviceCode, Subscription: twin})
	if err != nil {
		t.Fatal(err)
	}
	if res.Subscriptions[0].ID != twin {
		t.Fatalf("--subscription %s made %s the default", twin, res.Subscriptions[0].ID)
	}
}

// TestLoginRefusesAnAccessTokenNoHeaderCanCarry: a token holding a space,
// a control character or a non-ASCII character is refused before anything
// is sent, where it was stored (with SkipPopulation) and then served.
func TestLoginRefusesAnAccessTokenNoHeaderCanCarry(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	m := newTestManager(s, nil)
	for _, tok := range []string{"abc def", "abc\x00def", "abc\u00e9", "a\tb"} {
		_, err := m.Login(context.Background(), LoginOptions{Environment: emulatorEnv(s), Method: RawAccessToken, AccessToken: secret.New(tok), AccountID: "raw@contoso.test", TenantID: emulator.DefaultHomeTenantID, SkipPopulation: true})
		if err == nil || !strings.Contains(err.Error(), "no spaces, control characters") {
			t.Errorf("token %q: %v; want it refused", tok, err)
		}
	}
}

// TestLoginRefusesAHomeTenantThatIsNoTenant: an access token whose tid
// claim is no tenant id or domain (profile.ValidTenant; here one holding a
// NUL) is refused, naming it: it became the tenant of the sign-in's
// context, and every `azc exec` under it failed with exit 126.
func TestLoginRefusesAHomeTenantThatIsNoTenant(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	m := newTestManager(s, nil)
	payload := base64.RawURLEncoding.EncodeToString([]byte(`{"tid":"aaaa\u0000bbbb","exp":4102444800}`))
	tok := "eyJhbGciOiJub25lIn0." + payload + ".c2ln"
	_, err := m.Login(context.Background(), LoginOptions{Environment: emulatorEnv(s), Method: RawAccessToken, AccessToken: secret.New(tok), AccountID: "raw@contoso.test", SkipPopulation: true})
	if err == nil || !strings.Contains(err.Error(), `home tenant "aaaa\x00bbbb", which is no tenant id or domain`) {
		t.Fatalf("a token of tenant \"aaaa\\x00bbbb\": %v; want it refused, naming the tenant", err)
	}
}

// A tenant that is no tenant id or domain (profile.ValidTenant), from a
// hand-edited profile or a library caller, would end the authority URL
// and name another: "../../x" asks tenant x. Token refuses it, naming it,
// before any request.
func TestATokenForATenantThatIsNoTenantIsRefused(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	m := New(Config{HTTPClient: s.Client()})
	res := spLogin(t, s, m, LoginOptions{})
	blobs := newMemBlobs()
	if err := res.Save(context.Background(), blobs, nil); err != nil {
		t.Fatal(err)
	}
	env := emulatorEnv(s)
	bad := "../../" + emulator.DefaultHomeTenantID
	home := res.Account
	home.HomeTenantID = bad
	for name, tc := range map[string]struct {
		acct profile.Account
		req  TokenRequest
	}{
		"request": {res.Account, TokenRequest{TenantID: bad}},
		"home":    {home, TokenRequest{}},
	} {
		before := s.Count(emulator.RouteToken, "")
		_, err := m.Token(context.Background(), blobs, env, tc.acct, tc.req)
		if err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("%s: Token = %v, want an error naming %q", name, err, bad)
		}
		if n := s.Count(emulator.RouteToken, ""); n != before {
			t.Errorf("%s: %d token requests made", name, n-before)
		}
	}
}

// A tenant is one tenant whether the sign-in names it by a domain or by its
// id: the account's home tenant is the id, which the token's tid claim
// carries, so that the principal or the raw token signed in either way is
// one account (its key holds the home tenant) and its contexts' tenant ids
// match it.
func TestAHomeTenantGivenByADomainIsTheTenantsID(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	m := newTestManager(s, nil)
	sp, err := m.Login(context.Background(), LoginOptions{Environment: emulatorEnv(s), Method: ClientSecret,
		TenantID: emulator.DefaultHomeTenantDomain, ClientID: emulator.DefaultServicePrincipalID,
		ClientSecret: secret.New(emulator.DefaultServicePrincipalSecret)})
	if err != nil {
		t.Fatal(err)
	}
	if got := sp.Account.HomeTenantID; got != emulator.DefaultHomeTenantID {
		t.Fatalf("service principal signed in to %s: home tenant %q, want its id %s", emulator.DefaultHomeTenantDomain, got, emulator.DefaultHomeTenantID)
	}
	if byID := spLogin(t, s, m, LoginOptions{}); byID.Account.Key() != sp.Account.Key() {
		t.Fatalf("one principal, two accounts: %q by domain, %q by id", sp.Account.Key(), byID.Account.Key())
	}

	blobs := newMemBlobs()
	if err := sp.Save(context.Background(), blobs, nil); err != nil {
		t.Fatal(err)
	}
	tok, err := m.Token(context.Background(), blobs, emulatorEnv(s), sp.Account, TokenRequest{})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := m.Login(context.Background(), LoginOptions{Environment: emulatorEnv(s), Method: RawAccessToken,
		AccessToken: tok.AccessToken, AccountID: "raw@contoso.test", TenantID: emulator.DefaultHomeTenantDomain})
	if err != nil {
		t.Fatal(err)
	}
	if got := raw.Account.HomeTenantID; got != emulator.DefaultHomeTenantID {
		t.Fatalf("raw token for %s: home tenant %q, want its id %s", emulator.DefaultHomeTenantDomain, got, emulator.DefaultHomeTenantID)
	}
	if len(raw.Subscriptions) == 0 || len(raw.Warnings) != 0 {
		t.Fatalf("raw token for %s: %d subscriptions, warnings %q", emulator.DefaultHomeTenantDomain, len(raw.Subscriptions), raw.Warnings)
	}
	if err := raw.Save(context.Background(), blobs, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Token(context.Background(), blobs, emulatorEnv(s), raw.Account, TokenRequest{TenantID: emulator.DefaultHomeTenantID}); err != nil {
		t.Fatalf("the raw token asked for by its tenant's id: %v", err)
	}
}

// A service principal is one account whichever name --tenant gives its
// tenant: the account's home tenant is the tenant's id, read from the
// sign-in's token, so that signing in with the domain and then with the id
// updates one account and its contexts instead of adding a second (as az
// keeps the tenant's id), and its tenant-level context names the tenant by id.
func TestAServicePrincipalSignedInByTenantDomainIsKnownByTheTenantsID(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	m := newTestManager(s, nil)
	for _, skip := range []bool{false, true} {
		res, err := m.Login(context.Background(), LoginOptions{
			Environment: emulatorEnv(s), Method: ClientSecret, TenantID: emulator.DefaultHomeTenantDomain,
			ClientID: emulator.DefaultServicePrincipalID, ClientSecret: secret.New(emulator.DefaultServicePrincipalSecret),
			SkipPopulation: skip,
		})
		if err != nil {
			t.Fatal(err)
		}
		if res.Account.HomeTenantID != emulator.DefaultHomeTenantID {
			t.Errorf("skip population %v: home tenant = %q, want the tenant's id %q", skip, res.Account.HomeTenantID, emulator.DefaultHomeTenantID)
		}
		for _, tn := range res.Tenants {
			if tn.ID == emulator.DefaultHomeTenantDomain {
				t.Errorf("skip population %v: tenant %+v is named by its domain, not its id", skip, tn)
			}
		}
	}
}

// A tenant named by --tenant with one of its domains other than its default
// one (a verified custom domain: ARM's tenant list gives it among the
// tenant's domains) is that tenant, by its id: its contexts and
// subscriptions name the id, as they do when --tenant gives the id or the
// default domain, for a user and for a service principal.
func TestATenantNamedByAnotherOfItsDomainsIsKnownByItsID(t *testing.T) {
	t.Parallel()
	const custom = "contoso.example"
	cfg := emulator.DefaultConfig()
	cfg.Tenants[0].Domains = []string{custom}
	s := startEmulator(t, cfg)
	m := newTestManager(s, nil)
	s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, emulator.DefaultUser) })
	for name, opts := range map[string]LoginOptions{
		"a user": {Method: DeviceCode, UI: UI{DisplayMessage: func(string) {}}},
		"a service principal": {Method: ClientSecret, ClientID: emulator.DefaultServicePrincipalID,
			ClientSecret: secret.New(emulator.DefaultServicePrincipalSecret)},
	} {
		opts.Environment, opts.TenantID = emulatorEnv(s), custom
		res, err := m.Login(context.Background(), opts)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(res.Tenants) != 1 || res.Tenants[0].ID != emulator.DefaultHomeTenantID {
			t.Errorf("%s: tenants = %+v, want the one of id %s", name, res.Tenants, emulator.DefaultHomeTenantID)
		}
		if len(res.Subscriptions) == 0 {
			t.Errorf("%s: no subscriptions listed", name)
		}
		for _, sub := range res.Subscriptions {
			if sub.TenantID != emulator.DefaultHomeTenantID {
				t.Errorf("%s: subscription %s names tenant %q, want %s", name, sub.ID, sub.TenantID, emulator.DefaultHomeTenantID)
			}
		}
	}
}

// A sign-in that lists nothing names the tenant --tenant gave by its id,
// as the tenant list would, whichever name --tenant gave it: a user's
// tenant-level context of a guest tenant given by its domain names the
// tenant's id, with the domain beside it.
func TestASignInWithoutPopulationNamesTheTenantByItsID(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	m := newTestManager(s, nil)
	s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, emulator.DefaultUser) })
	res, err := m.Login(context.Background(), LoginOptions{
		Environment: emulatorEnv(s), Method: DeviceCode, TenantID: emulator.DefaultGuestTenantDomain,
		SkipPopulation: true, UI: UI{DisplayMessage: func(string) {}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := profile.Tenant{ID: emulator.DefaultGuestTenantID, DefaultDomain: emulator.DefaultGuestTenantDomain}
	if len(res.Tenants) != 1 || res.Tenants[0] != want {
		t.Fatalf("tenants = %+v, want [%+v]", res.Tenants, want)
	}
	if res.Account.HomeTenantID != emulator.DefaultHomeTenantID {
		t.Errorf("home tenant = %q, want %q", res.Account.HomeTenantID, emulator.DefaultHomeTenantID)
	}
}

// A managed identity and a raw access token hold tokens of their home
// tenant only: a token asked for by another tenant's id (a context of a
// guest tenant, `azc token --tenant`) is refused, never answered with the
// home tenant's, which that tenant's ARM would refuse; asked for by the
// home tenant's id it is served.
func TestOneTenantAccountsRefuseAnotherTenant(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	m := newIdentityManager(s)
	env := emulatorEnv(s)
	ctx := context.Background()
	mi, raw, _, blobs := signInIdentityAndRawToken(t, m, env)
	for _, acct := range []profile.Account{mi.Account, raw.Account} {
		if _, err := m.Token(ctx, blobs, env, acct, TokenRequest{TenantID: emulator.DefaultHomeTenantID}); err != nil {
			t.Errorf("%s for its home tenant: %v", acct.Type, err)
		}
		got, err := m.Token(ctx, blobs, env, acct, TokenRequest{TenantID: emulator.DefaultGuestTenantID})
		var other *OtherTenantError
		if !errors.As(err, &other) || other.Home != emulator.DefaultHomeTenantID {
			t.Errorf("%s for tenant %s: a token of tenant %s, error %v; want an *OtherTenantError", acct.Type, emulator.DefaultGuestTenantID, got.TenantID, err)
		}
		data, _ := blobs.Get(acct.Key())
		creds, _ := credblob.Unmarshal(data)
		if _, err := creds.CachedToken(credblob.Request{Environment: env, Account: acct, TenantID: emulator.DefaultGuestTenantID, Now: time.Now()}); !errors.Is(err, credblob.ErrMiss) {
			t.Errorf("%s for tenant %s from the cache: %v, want a miss", acct.Type, emulator.DefaultGuestTenantID, err)
		}
	}
}
