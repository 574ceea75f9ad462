package emulator_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"

	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/emulator/emulatortest"
)

func TestLocalhostAuthorityWorksWithTheAzureCLIClient(t *testing.T) {
	t.Parallel()
	s := emulatortest.Start(t, nil)
	s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, emulator.DefaultUser) })
	host := strings.Replace(s.URL(), "127.0.0.1", "localhost", 1)
	c, err := public.New(emulator.AzureCLIClientID, public.WithAuthority(host+"/organizations"),
		public.WithHTTPClient(s.Client()), public.WithInstanceDiscovery(false))
	if err != nil {
		t.Fatal(err)
	}
	dc, err := c.AcquireTokenByDeviceCode(context.Background(), []string{"https://management.core.windows.net//.default"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := dc.AuthenticationResult(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if claims := whoami(t, s, res.AccessToken); claims["appid"] != emulator.AzureCLIClientID || claims["scp"] != "user_impersonation" {
		t.Fatalf("claims %v", claims)
	}
}

func TestPublicClientMustNotSendASecret(t *testing.T) {
	t.Parallel()
	s := emulatortest.Start(t, nil)
	status, m := postForm(t, s, "/organizations/oauth2/v2.0/devicecode", url.Values{
		"client_id": {emulator.AzurePowerShellClientID}, "client_secret": {"x"}, "scope": {armScope}})
	if status != http.StatusUnauthorized || m["error"] != "invalid_client" || aadsts(m) != "700025" {
		t.Fatalf("got %d %v", status, m)
	}
}

func TestConfidentialClientRedeemsAnAuthorizationCode(t *testing.T) {
	t.Parallel()
	const webApp = "99999999-0000-4000-8000-000000000009"
	const webRedirect = "https://app.contoso.test/signin"
	cfg := emulator.DefaultConfig()
	cfg.Apps = append(cfg.Apps, emulator.App{AppID: webApp, Tenant: emulator.DefaultHomeTenantID, Secrets: []string{"web-secret"}, RedirectURIs: []string{webRedirect}})
	s := emulatortest.Start(t, cfg)
	s.SetInteractiveUser(emulator.DefaultUser)
	ctx := context.Background()
	cred, _ := confidential.NewCredFromSecret("web-secret")
	c := newConfidential(t, s, emulator.DefaultHomeTenantID, webApp, cred)
	authURL, err := c.AuthCodeURL(ctx, webApp, webRedirect, []string{armScope})
	if err != nil {
		t.Fatal(err)
	}
	cl := s.Client()
	cl.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := cl.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil || loc.Query().Get("code") == "" {
		t.Fatalf("authorize: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	res, err := c.AcquireTokenByAuthCode(ctx, loc.Query().Get("code"), webRedirect, []string{armScope})
	if err != nil {
		t.Fatal(err)
	}
	if claims := whoami(t, s, res.AccessToken); claims["appid"] != webApp || claims["upn"] != emulator.DefaultUser || claims["appidacr"] != "1" {
		t.Fatalf("claims %v", claims)
	}
	wrong, _ := confidential.NewCredFromSecret("wrong")
	_, err = newConfidential(t, s, emulator.DefaultHomeTenantID, webApp, wrong).AcquireTokenByAuthCode(ctx, "whatever", webRedirect, []string{armScope})
	wantErr(t, err, "AADSTS7000215")
}

// TestFamilyClientsShareRefreshTokens: Azure PowerShell (which azc signs in as) and the az
// CLI are in Microsoft's family of client ids: Entra ID answers them with "foci": "1", so
// MSAL caches a family refresh token, and either may redeem the other's refresh token.
// The emulator sent no foci and refused the redemption, so the cache shape azc meets in
// production was never tried here.
func TestFamilyClientsShareRefreshTokens(t *testing.T) {
	t.Parallel()
	const otherPublic = "abababab-0000-4000-8000-00000000000c"
	cfg := emulator.DefaultConfig()
	cfg.Apps = append(cfg.Apps, emulator.App{AppID: otherPublic, Public: true})
	s := emulatortest.Start(t, cfg)
	signIn := func(clientID string) map[string]any {
		t.Helper()
		status, m := postForm(t, s, "/organizations/oauth2/v2.0/devicecode", url.Values{"client_id": {clientID}, "scope": {armScope + " offline_access"}})
		if status != http.StatusOK {
			t.Fatalf("devicecode: %d %v", status, m["error"])
		}
		if err := s.ApproveDeviceCode(m["user_code"].(string), emulator.DefaultUser); err != nil {
			t.Fatal(err)
		}
		status, tok := postForm(t, s, "/organizations/oauth2/v2.0/token", url.Values{"grant_type": {"device_code"}, "client_id": {clientID},
			"device_code": {m["device_code"].(string)}, "scope": {armScope + " offline_access"}})
		if status != http.StatusOK {
			t.Fatalf("device code token: %d %v", status, tok["error"])
		}
		return tok
	}
	redeem := func(clientID, rt string) (int, map[string]any) {
		return postForm(t, s, "/"+emulator.DefaultGuestTenantID+"/oauth2/v2.0/token", url.Values{"grant_type": {"refresh_token"}, "client_id": {clientID},
			"refresh_token": {rt}, "scope": {armScope + " offline_access"}})
	}
	cli := signIn(emulator.AzureCLIClientID)
	if cli["foci"] != "1" {
		t.Errorf("the az CLI's answer has foci %v, want \"1\"", cli["foci"])
	}
	status, ps := redeem(emulator.AzurePowerShellClientID, cli["refresh_token"].(string))
	if status != http.StatusOK || ps["foci"] != "1" {
		t.Fatalf("Azure PowerShell redeeming the az CLI's refresh token: %d %v %v", status, ps["error"], ps["error_description"])
	}
	if c := whoami(t, s, ps["access_token"].(string)); c["appid"] != emulator.AzurePowerShellClientID || c["tid"] != emulator.DefaultGuestTenantID {
		t.Fatalf("claims %v", c)
	}
	other := signIn(otherPublic)
	if _, ok := other["foci"]; ok {
		t.Errorf("a client outside the family got foci %v", other["foci"])
	}
	if status, m := redeem(otherPublic, cli["refresh_token"].(string)); status != http.StatusBadRequest || aadsts(m) != "70000" {
		t.Errorf("a client outside the family redeeming a family refresh token: %d %v", status, m["error"])
	}
	if status, m := redeem(emulator.AzureCLIClientID, other["refresh_token"].(string)); status != http.StatusBadRequest || aadsts(m) != "70000" {
		t.Errorf("a family client redeeming another client's refresh token: %d %v", status, m["error"])
	}
}

// TestTheCodesHeldAreBounded: the emulator holds at most 10,000 device and
// authorization codes at once and answers a request for one more 429, as Entra ID
// throttles: each device code request added a code kept for its 15 minutes, so a loop
// of them grew the emulator by 2 MB a second.
func TestTheCodesHeldAreBounded(t *testing.T) {
	t.Parallel()
	s, err := emulator.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"client_id": {emulator.AzureCLIClientID}, "scope": {"https://management.azure.com/.default"}}.Encode()
	post := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "https://127.0.0.1:1/organizations/oauth2/v2.0/devicecode", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec
	}
	for i := range 10_000 {
		if rec := post(); rec.Code != http.StatusOK {
			t.Fatalf("device code %d: %d %s", i+1, rec.Code, rec.Body)
		}
	}
	rec := post()
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil || rec.Code != http.StatusTooManyRequests || m["error"] != "temporarily_unavailable" {
		t.Errorf("device code 10,001: %d %s, want 429 temporarily_unavailable", rec.Code, rec.Body)
	}
	if n := len(s.PendingDeviceCodes()); n != 10_000 {
		t.Errorf("%d device codes pending, want 10,000", n)
	}
}

// TestGrantTypesCountedAreTheServedOnes: a token request of a grant type the emulator
// does not serve counts in the route's total only: each grant type a client sent was
// counted apart, and kept until the emulator exited, so that token requests of
// distinct 1 MiB grant types grew it by a MiB each.
func TestGrantTypesCountedAreTheServedOnes(t *testing.T) {
	t.Parallel()
	s, err := emulator.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, grant := range []string{"x", strings.Repeat("y", 1<<16), "client_credentials"} {
		req := httptest.NewRequest(http.MethodPost, "https://127.0.0.1:1/organizations/oauth2/v2.0/token", strings.NewReader(url.Values{"grant_type": {grant}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		s.ServeHTTP(httptest.NewRecorder(), req)
	}
	if all, x, cc := s.Count(emulator.RouteToken, ""), s.Count(emulator.RouteToken, "x"), s.Count(emulator.RouteToken, "client_credentials"); all != 3 || x != 0 || cc != 1 {
		t.Errorf("counts: %d in all, %d of x, %d of client_credentials; want 3, 0, 1", all, x, cc)
	}
}
