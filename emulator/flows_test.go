package emulator_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/managedidentity"
	"github.com/google/uuid"

	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/emulator/emulatortest"
)

const redirect = "http://localhost:8400"

// nonce is the OpenID Connect nonce authorize sends.
const nonce = "a-nonce-0123456789"

// authorize runs /authorize as the interactive user and returns the code from the form.
func authorize(t *testing.T, s *emulator.Server, verifier, redirectURI string) string {
	t.Helper()
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{
		"client_id": {emulator.AzurePowerShellClientID}, "response_type": {"code"}, "response_mode": {"form_post"},
		"redirect_uri": {redirectURI}, "scope": {armScope + " openid offline_access profile"}, "state": {"st"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
		"nonce": {nonce},
	}
	status, body := armGet(t, s, s.URL()+"/organizations/oauth2/v2.0/authorize?"+q.Encode(), "")
	m := regexp.MustCompile(`name="code" value="([^"]+)"`).FindSubmatch(body)
	if status != http.StatusOK || m == nil || !strings.Contains(string(body), `name="state" value="st"`) {
		t.Fatalf("authorize: %d %s", status, body)
	}
	return string(m[1])
}

func redeem(t *testing.T, s *emulator.Server, code, verifier, redirectURI string) (int, map[string]any) {
	t.Helper()
	return postForm(t, s, "/organizations/oauth2/v2.0/token", url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "code_verifier": {verifier}, "redirect_uri": {redirectURI},
		"client_id": {emulator.AzurePowerShellClientID}, "client_info": {"1"}, "scope": {armScope + " openid offline_access profile"}})
}

func aadsts(m map[string]any) string {
	codes, _ := m["error_codes"].([]any)
	if len(codes) != 1 {
		return ""
	}
	f, _ := codes[0].(float64)
	return strconv.Itoa(int(f))
}

func TestAuthorizationCodeRules(t *testing.T) {
	t.Parallel()
	s := emulatortest.Start(t, nil)
	s.SetInteractiveUser(emulator.DefaultUser)
	const verifier = "a-verifier-that-is-long-enough-for-pkce-0123456789"

	t.Run("a code is single-use", func(t *testing.T) {
		code := authorize(t, s, verifier, redirect)
		if status, m := redeem(t, s, code, verifier, redirect); status != http.StatusOK || m["refresh_token"] == "" {
			t.Fatalf("first redemption: %d %v", status, m)
		}
		if status, m := redeem(t, s, code, verifier, redirect); status != http.StatusBadRequest || aadsts(m) != "54005" {
			t.Fatalf("second redemption: %d %v", status, m)
		}
	})
	t.Run("the id_token carries the authorization request's nonce", func(t *testing.T) {
		code := authorize(t, s, verifier, redirect)
		status, m := redeem(t, s, code, verifier, redirect)
		idToken, _ := m["id_token"].(string)
		parts := strings.Split(idToken, ".")
		if status != http.StatusOK || len(parts) != 3 {
			t.Fatalf("redemption: %d, error %v (%v)", status, m["error"], m["error_description"])
		}
		var claims struct{ Nonce string }
		if b, err := base64.RawURLEncoding.DecodeString(parts[1]); err != nil || json.Unmarshal(b, &claims) != nil || claims.Nonce != nonce {
			t.Fatalf("id_token claims %s (%v): nonce %q, want %q", b, err, claims.Nonce, nonce)
		}
	})
	// Entra ID refuses a code redemption without a scope: invalid_request AADSTS28003
	// ("Provided value for the input parameter scope cannot be empty when requesting an
	// access token using the provided authorization code"); the emulator issued a token.
	t.Run("a redemption without a scope is refused", func(t *testing.T) {
		code := authorize(t, s, verifier, redirect)
		status, m := postForm(t, s, "/organizations/oauth2/v2.0/token", url.Values{
			"grant_type": {"authorization_code"}, "code": {code}, "code_verifier": {verifier}, "redirect_uri": {redirect},
			"client_id": {emulator.AzurePowerShellClientID}})
		if status != http.StatusBadRequest || m["error"] != "invalid_request" || aadsts(m) != "28003" {
			t.Fatalf("got %d, error %v %v", status, m["error"], m["error_description"]) // never the tokens of a 200
		}
	})
	// PKCE is required of single-page apps only (AADSTS9002325 is about cross-origin
	// redemption); a desktop client's code without it is redeemed on Entra ID, where the
	// emulator refused every public client's authorization request without a challenge.
	t.Run("a public client's code without PKCE is redeemed", func(t *testing.T) {
		q := url.Values{"client_id": {emulator.AzurePowerShellClientID}, "response_type": {"code"}, "response_mode": {"query"},
			"redirect_uri": {redirect}, "scope": {armScope + " openid offline_access profile"}}
		req, _ := http.NewRequest(http.MethodGet, s.URL()+"/organizations/oauth2/v2.0/authorize?"+q.Encode(), nil)
		c := s.Client()
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := url.Parse(resp.Header.Get("Location"))
		code := loc.Query().Get("code")
		if code == "" {
			t.Fatalf("authorize without PKCE: %s, redirected with error %q %q", resp.Status, loc.Query().Get("error"), loc.Query().Get("error_description"))
		}
		status, m := postForm(t, s, "/organizations/oauth2/v2.0/token", url.Values{
			"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect},
			"client_id": {emulator.AzurePowerShellClientID}, "scope": {armScope + " openid offline_access profile"}})
		if status != http.StatusOK {
			t.Fatalf("redemption: %d, error %v %v", status, m["error"], m["error_description"])
		}
	})
	// Entra ID answers response_mode=fragment (what browser apps ask for with the code
	// flow) with the code in the redirect URI's fragment; the emulator showed an error page.
	t.Run("response_mode fragment puts the code in the fragment", func(t *testing.T) {
		q := url.Values{"client_id": {emulator.AzurePowerShellClientID}, "response_type": {"code"}, "response_mode": {"fragment"},
			"redirect_uri": {redirect}, "scope": {armScope}, "state": {"st"}}
		req, _ := http.NewRequest(http.MethodGet, s.URL()+"/organizations/oauth2/v2.0/authorize?"+q.Encode(), nil)
		c := s.Client()
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, err := url.Parse(resp.Header.Get("Location"))
		if err != nil || resp.StatusCode != http.StatusFound || loc.RawQuery != "" {
			t.Fatalf("authorize: %s, a query: %v", resp.Status, loc != nil && loc.RawQuery != "")
		}
		v, err := url.ParseQuery(loc.Fragment)
		if err != nil || v.Get("code") == "" || v.Get("state") != "st" || loc.Scheme+"://"+loc.Host != redirect {
			t.Fatalf("authorize: a code in the fragment %v, state %q, to %s", v.Get("code") != "", v.Get("state"), loc.Host)
		}
	})
	t.Run("a wrong PKCE verifier is refused", func(t *testing.T) {
		code := authorize(t, s, verifier, redirect)
		if status, m := redeem(t, s, code, verifier+"x", redirect); status != http.StatusBadRequest || m["error"] != "invalid_grant" || aadsts(m) != "501481" {
			t.Fatalf("got %d %v", status, m)
		}
	})
	// Entra ID answers a redemption whose redirect_uri is not the authorization request's
	// with invalid_client AADSTS500112 ("The reply address … does not match the reply
	// address … provided when requesting Authorization code"); the emulator answered
	// invalid_grant AADSTS50148, Entra ID's code for a PKCE verifier that does not match.
	t.Run("a different redirect URI is refused at redemption", func(t *testing.T) {
		code := authorize(t, s, verifier, redirect)
		status, m := redeem(t, s, code, verifier, "http://localhost:9999")
		if desc, _ := m["error_description"].(string); status != http.StatusUnauthorized || m["error"] != "invalid_client" || aadsts(m) != "500112" ||
			!strings.Contains(desc, "http://localhost:9999") || !strings.Contains(desc, redirect) {
			t.Fatalf("got %d %v", status, m)
		}
	})
	t.Run("an unregistered redirect URI gets an error page", func(t *testing.T) {
		q := url.Values{"client_id": {emulator.AzurePowerShellClientID}, "response_type": {"code"}, "redirect_uri": {"https://evil.test/cb"}, "scope": {armScope}}
		status, body := armGet(t, s, s.URL()+"/organizations/oauth2/v2.0/authorize?"+q.Encode(), "")
		if status != http.StatusBadRequest || !strings.Contains(string(body), "AADSTS50011") {
			t.Fatalf("got %d %s", status, body)
		}
	})
	for _, tc := range []struct {
		name      string
		rotate    bool
		oldStatus int
	}{
		{"a redeemed refresh token gets a fresh one and stays valid, as on Entra ID", false, http.StatusOK},
		{"with RotateRefreshTokens a redeemed refresh token is refused", true, http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := emulator.DefaultConfig()
			cfg.RotateRefreshTokens = tc.rotate
			s := emulatortest.Start(t, cfg)
			s.SetInteractiveUser(emulator.DefaultUser)
			code := authorize(t, s, verifier, redirect)
			_, m := redeem(t, s, code, verifier, redirect)
			old, _ := m["refresh_token"].(string)
			refresh := func(rt string) (int, map[string]any) {
				return postForm(t, s, "/"+emulator.DefaultGuestTenantID+"/oauth2/v2.0/token", url.Values{
					"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {emulator.AzurePowerShellClientID}, "scope": {armScope}})
			}
			status, m := refresh(old)
			fresh, _ := m["refresh_token"].(string)
			if status != http.StatusOK || fresh == old || fresh == "" {
				t.Fatalf("refresh: %d %v", status, m)
			}
			status, m = refresh(old)
			if status != tc.oldStatus {
				t.Fatalf("old refresh token again: %d %v", status, m)
			}
			if tc.rotate && (m["error"] != "invalid_grant" || aadsts(m) != "70000") {
				t.Fatalf("old refresh token: %d %v", status, m)
			}
			if status, m := refresh(fresh); status != http.StatusOK {
				t.Fatalf("fresh refresh token: %d %v", status, m)
			}
		})
	}
	t.Run("a query response_mode redirects with the code", func(t *testing.T) {
		sum := sha256.Sum256([]byte(verifier))
		q := url.Values{"client_id": {emulator.AzurePowerShellClientID}, "response_type": {"code"}, "redirect_uri": {redirect},
			"scope": {armScope}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
		c := s.Client()
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := c.Get(s.URL() + "/organizations/oauth2/v2.0/authorize?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusFound || loc == nil || loc.Query().Get("code") == "" {
			t.Fatalf("got %d location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

func TestOIDCMetadataFollowsTheHostHeader(t *testing.T) {
	t.Parallel()
	s := emulatortest.Start(t, nil)
	// organizations and common stay in the endpoints; a tenant is named by its id, as
	// Entra ID answers for any of its domains.
	for tenant, want := range map[string]string{"organizations": "organizations", "common": "common",
		emulator.DefaultHomeTenantID: emulator.DefaultHomeTenantID, emulator.DefaultHomeTenantDomain: emulator.DefaultHomeTenantID,
		strings.ToUpper(emulator.DefaultHomeTenantDomain): emulator.DefaultHomeTenantID} {
		status, m := getJSON(t, s, "/"+tenant+"/v2.0/.well-known/openid-configuration")
		if status != http.StatusOK || !strings.HasPrefix(m["issuer"].(string), s.URL()+"/") ||
			m["token_endpoint"] != s.URL()+"/"+want+"/oauth2/v2.0/token" || m["device_authorization_endpoint"] != s.URL()+"/"+want+"/oauth2/v2.0/devicecode" ||
			m["authorization_endpoint"] != s.URL()+"/"+want+"/oauth2/v2.0/authorize" || m["jwks_uri"] != s.URL()+"/"+want+"/discovery/v2.0/keys" {
			t.Fatalf("%s: %d %v", tenant, status, m)
		}
	}
	if status, m := getJSON(t, s, "/nowhere.test/v2.0/.well-known/openid-configuration"); status != http.StatusBadRequest || aadsts(m) != "90002" {
		t.Fatalf("unknown tenant: %d %v", status, m)
	}
	if status, m := getJSON(t, s, "/common/discovery/v2.0/keys"); status != http.StatusOK || len(m["keys"].([]any)) != 1 {
		t.Fatalf("jwks: %d %v", status, m)
	}
}

func getJSON(t *testing.T, s *emulator.Server, path string) (int, map[string]any) {
	t.Helper()
	status, body := armGet(t, s, s.URL()+path, "")
	var m map[string]any
	if err := jsonUnmarshal(body, &m); err != nil {
		t.Fatalf("%s: %v: %s", path, err, body)
	}
	return status, m
}

func TestFaults(t *testing.T) {
	t.Parallel()
	s := emulatortest.Start(t, nil)
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {emulator.DefaultServicePrincipalID},
		"client_secret": {emulator.DefaultServicePrincipalSecret}, "scope": {armScope}}
	tokenPath := "/" + emulator.DefaultHomeTenantID + "/oauth2/v2.0/token"

	s.SetFault(emulator.RouteToken, emulator.Fault{Status: http.StatusTooManyRequests, RetryAfter: 2 * time.Second, Times: 1})
	req, _ := http.NewRequest(http.MethodPost, s.URL()+tokenPath, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "2" {
		t.Fatalf("got %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if status, m := postForm(t, s, tokenPath, form); status != http.StatusOK {
		t.Fatalf("after a one-time fault: %d %v", status, m)
	}
	if n := s.Count(emulator.RouteToken, "client_credentials"); n != 2 {
		t.Fatalf("count %d", n)
	}

	s.SetFault(emulator.RouteSubscriptions, emulator.Fault{Status: http.StatusServiceUnavailable})
	for range 2 {
		if status, _ := armGet(t, s, s.URL()+"/subscriptions?api-version=1", ""); status != http.StatusServiceUnavailable {
			t.Fatalf("status %d", status)
		}
	}
	// an injected ARM fault carries the error code ARM gives its status
	for status, code := range map[int]string{
		http.StatusBadRequest: "BadRequest", http.StatusUnauthorized: "InvalidAuthenticationToken",
		http.StatusForbidden: "AuthorizationFailed", http.StatusNotFound: "NotFound",
		http.StatusTooManyRequests: "TooManyRequests", http.StatusInternalServerError: "InternalServerError",
		http.StatusServiceUnavailable: "ServiceUnavailable",
	} {
		s.SetFault(emulator.RouteSubscriptions, emulator.Fault{Status: status, Times: 1})
		got, body := armGet(t, s, s.URL()+"/subscriptions?api-version=1", "")
		if got != status || !strings.Contains(string(body), `"code":"`+code+`"`) {
			t.Errorf("a fault of status %d: %d %s, want the code %s", status, got, body, code)
		}
	}
	s.ClearFaults()
	if status, _ := armGet(t, s, s.URL()+"/subscriptions?api-version=1", ""); status != http.StatusUnauthorized {
		t.Fatalf("after ClearFaults: %d", status)
	}

	// Latency delays the answer but keeps it (a lower bound cannot flake).
	s.SetFault(emulator.RouteJWKS, emulator.Fault{Latency: 100 * time.Millisecond, Times: 1})
	start := time.Now()
	if status, _ := armGet(t, s, s.URL()+"/common/discovery/v2.0/keys", ""); status != http.StatusOK {
		t.Fatalf("jwks with latency: %d", status)
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Fatalf("answered after %v, want at least 100ms", d)
	}

	// A hanging route never answers: the request ends only with the client's deadline.
	// (If Hang did nothing the request would succeed well within it.)
	s.SetFault(emulator.RouteMetadata, emulator.Fault{Hang: true})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	req, _ = http.NewRequestWithContext(ctx, http.MethodGet, s.URL()+"/organizations/v2.0/.well-known/openid-configuration", nil)
	resp, err = s.Client().Do(req)
	if err == nil {
		resp.Body.Close()
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want context.DeadlineExceeded", err)
	}
}

func TestHTTPHooks(t *testing.T) {
	t.Parallel()
	s := emulatortest.Start(t, nil)
	ctx := context.Background()
	hook := func(method, path, body string) (int, map[string]any) {
		req, _ := http.NewRequest(method, s.URL()+emulator.HookPath+path, strings.NewReader(body))
		status, b := do(t, s, req)
		var m map[string]any
		if err := jsonUnmarshal(b, &m); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
		return status, m
	}
	dc, err := newPublic(t, s, "organizations").AcquireTokenByDeviceCode(ctx, []string{armScope})
	if err != nil {
		t.Fatal(err)
	}
	if status, m := hook("GET", "/devicecodes", ""); status != 200 || len(m["pending"].([]any)) != 1 {
		t.Fatalf("pending: %d %v", status, m)
	}
	if status, m := hook("POST", "/devicecode/approve", `{"userCode":"`+dc.Result.UserCode+`","upn":"`+emulator.DefaultUser+`"}`); status != 200 {
		t.Fatalf("approve: %d %v", status, m)
	}
	if _, err := dc.AuthenticationResult(ctx); err != nil {
		t.Fatal(err)
	}
	if status, m := hook("GET", "/counts?route=token&grantType=device_code", ""); status != 200 || m["count"] != float64(1) {
		t.Fatalf("counts: %d %v", status, m)
	}
	if status, _ := hook("POST", "/devicecode/approve", `{"userCode":"NOPE","upn":"`+emulator.DefaultUser+`"}`); status != 400 {
		t.Fatalf("unknown code: %d", status)
	}
	if status, m := hook("PUT", "/interactive-user", `{"upn":"nobody@contoso.test"}`); status != 400 || !strings.Contains(fmt.Sprint(m), "nobody@contoso.test") {
		t.Fatalf("an unknown interactive user: %d %v", status, m)
	}
	for _, upn := range []string{emulator.DefaultUser, ""} {
		if status, m := hook("PUT", "/interactive-user", `{"upn":"`+upn+`"}`); status != 200 {
			t.Fatalf("interactive user %q: %d %v", upn, status, m)
		}
	}
	if status, _ := hook("PUT", "/faults", `{"route":"jwks","status":500,"times":1}`); status != 200 {
		t.Fatalf("fault: %d", status)
	}
	if status, _ := armGet(t, s, s.URL()+"/common/discovery/v2.0/keys", ""); status != 500 {
		t.Fatalf("jwks with fault: %d", status)
	}
	if status, _ := hook("PUT", "/faults", `{"route":"nope","status":500}`); status != 400 {
		t.Fatalf("unknown route: %d", status)
	}
	if status, _ := hook("PUT", "/faults", `{"route":`); status != 400 {
		t.Fatalf("bad JSON: %d", status)
	}
	if status, m := hook("POST", "/federated-token", `{"subject":"repo:x"}`); status != 200 || m["token"] == "" {
		t.Fatalf("federated token: %d %v", status, m)
	}
	if status, _ := hook("DELETE", "/counts", ""); status != 200 || s.Count(emulator.RouteToken, "") != 0 {
		t.Fatalf("reset: %d", status)
	}
}

func TestManagedIdentityEndpoint(t *testing.T) {
	t.Parallel()
	s := emulatortest.Start(t, nil)
	endpoint, header := s.ManagedIdentityEndpoint()
	get := func(query, hdr string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodGet, endpoint+"?"+query, nil)
		if hdr != "" {
			req.Header.Set("X-IDENTITY-HEADER", hdr)
		}
		status, body := do(t, s, req)
		var m map[string]any
		if err := jsonUnmarshal(body, &m); err != nil {
			t.Fatal(err)
		}
		return status, m
	}
	status, m := get("api-version=2019-08-01&resource=https%3A%2F%2Fmanagement.azure.com&mi_res_id="+url.QueryEscape(emulator.DefaultManagedIdentityResource), header)
	if status != 200 || m["client_id"] != emulator.DefaultManagedIdentityClientID {
		t.Fatalf("got %d %v", status, m)
	}
	if _, err := strconv.ParseInt(m["expires_on"].(string), 10, 64); err != nil {
		t.Fatalf("expires_on %v", m["expires_on"])
	}
	if c := whoami(t, s, m["access_token"].(string)); c["appid"] != emulator.DefaultManagedIdentityClientID || c["tid"] != emulator.DefaultHomeTenantID {
		t.Fatalf("claims %v", c)
	}
	for _, tc := range []struct{ name, query, header string }{
		{"a wrong header", "api-version=2019-08-01&resource=https://management.azure.com", "nope"},
		{"a missing header", "api-version=2019-08-01&resource=https://management.azure.com", ""},
	} {
		if status, _ := get(tc.query, tc.header); status != http.StatusUnauthorized {
			t.Errorf("%s: %d", tc.name, status)
		}
	}
	for _, tc := range []struct{ name, query string }{
		{"another api-version", "api-version=2017-09-01&resource=https://management.azure.com"},
		{"no resource", "api-version=2019-08-01"},
		{"an unknown identity", "api-version=2019-08-01&resource=https://management.azure.com&client_id=99999999-9999-4999-8999-999999999999"},
	} {
		if status, _ := get(tc.query, header); status != http.StatusBadRequest {
			t.Errorf("%s: %d", tc.name, status)
		}
	}
}

// TestManagedIdentityWithMSAL is not parallel: MSAL reads IDENTITY_ENDPOINT from the
// environment and keeps a process-wide managed identity token cache.
func TestManagedIdentityWithMSAL(t *testing.T) {
	// A fresh client id per run keeps MSAL's process-wide cache from answering (-count=N).
	clientID := uuid.NewString()
	cfg := emulator.DefaultConfig()
	cfg.ManagedIdentities = append(cfg.ManagedIdentities, emulator.ManagedIdentity{Name: "fresh", ClientID: clientID, Tenant: emulator.DefaultHomeTenantID})
	s := emulatortest.Start(t, cfg)
	endpoint, header := s.ManagedIdentityEndpoint()
	t.Setenv("IDENTITY_ENDPOINT", endpoint)
	t.Setenv("IDENTITY_HEADER", header)
	os.Unsetenv("IDENTITY_SERVER_THUMBPRINT")
	c, err := managedidentity.New(managedidentity.UserAssignedClientID(clientID),
		managedidentity.WithHTTPClient(s.Client()), managedidentity.WithRetryPolicyDisabled())
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.AcquireToken(context.Background(), "https://management.azure.com/.default")
	if err != nil {
		t.Fatal(err)
	}
	if claims := whoami(t, s, res.AccessToken); claims["appid"] != clientID || claims["name"] != "fresh" {
		t.Fatalf("claims %v", claims)
	}
}

func TestMalformedRequestsGet4xx(t *testing.T) {
	t.Parallel()
	s := emulatortest.Start(t, nil)
	cases := []struct {
		name, method, path, body string
	}{
		{"an unknown route", "GET", "/nothing/here", ""},
		{"GET on the token endpoint", "GET", "/organizations/oauth2/v2.0/token", ""},
		{"a token request without grant_type", "POST", "/organizations/oauth2/v2.0/token", "client_id=x"},
		{"an unknown grant type", "POST", "/organizations/oauth2/v2.0/token", "grant_type=magic&scope=openid"},
		{"a bad percent-encoding", "POST", "/organizations/oauth2/v2.0/token", "grant_type=%zz"},
		{"a device code request without client_id", "POST", "/organizations/oauth2/v2.0/devicecode", "scope=openid"},
		{"a device code poll with a bogus code", "POST", "/organizations/oauth2/v2.0/token", "grant_type=device_code&device_code=x&client_id=" + emulator.AzurePowerShellClientID + "&scope=openid"},
		{"a refresh with a bogus token", "POST", "/organizations/oauth2/v2.0/token", "grant_type=refresh_token&refresh_token=x&client_id=" + emulator.AzurePowerShellClientID + "&scope=openid"},
		{"a bad skiptoken", "GET", "/subscriptions?$skiptoken=zz", ""},
		{"the consumers tenant", "GET", "/consumers/v2.0/.well-known/openid-configuration", ""},
		{"an unknown hook", "GET", "/_emulator/nope", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, s.URL()+tc.path, strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := s.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode < 400 || resp.StatusCode > 499 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
				t.Fatalf("got %d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
		})
	}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// TestMethodNotAllowedNamesTheAllowedMethods: every 405 carries the Allow header HTTP
// requires of it (RFC 9110, 15.5.6), in the route's own error shape; the identity routes,
// the keys and the managed identity endpoint sent none.
func TestMethodNotAllowedNamesTheAllowedMethods(t *testing.T) {
	t.Parallel()
	s := emulatortest.Start(t, nil)
	cases := []struct{ method, path, allow string }{
		{"GET", "/organizations/oauth2/v2.0/token", "POST"},
		{"GET", "/organizations/oauth2/v2.0/devicecode", "POST"},
		{"DELETE", "/organizations/oauth2/v2.0/authorize", "GET, POST"},
		{"POST", "/organizations/v2.0/.well-known/openid-configuration", "GET"},
		{"POST", "/common/discovery/v2.0/keys", "GET"},
		{"POST", "/common/discovery/instance?api-version=1.1", "GET"},
		{"POST", emulator.ManagedIdentityPath + "?api-version=2019-08-01", "GET"},
		{"POST", "/tenants?api-version=2022-12-01", "GET"},
		{"POST", "/metadata/endpoints?api-version=2022-09-01", "GET"},
	}
	for _, tc := range cases {
		req, _ := http.NewRequest(tc.method, s.URL()+tc.path, nil)
		resp, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != tc.allow || !json.Valid(body) {
			t.Errorf("%s %s: %d, Allow %q, want %q: %s", tc.method, tc.path, resp.StatusCode, resp.Header.Get("Allow"), tc.allow, body)
		}
	}
}

// TestARepeatedParameterIsRefused: Entra ID refuses a token or device code request that
// names a parameter twice (AADSTS9000411); the emulator took the first value, so
// "grant_type=client_credentials&grant_type=device_code" got a token.
func TestARepeatedParameterIsRefused(t *testing.T) {
	t.Parallel()
	s := emulatortest.Start(t, nil)
	tenant := "/" + emulator.DefaultHomeTenantID
	for path, form := range map[string]url.Values{
		tenant + "/oauth2/v2.0/token": {"grant_type": {"client_credentials", "device_code"}, "client_id": {emulator.DefaultServicePrincipalID},
			"client_secret": {emulator.DefaultServicePrincipalSecret}, "scope": {"https://management.azure.com/.default"}},
		tenant + "/oauth2/v2.0/devicecode": {"client_id": {emulator.AzureCLIClientID}, "scope": {"https://management.azure.com/.default", "openid"}},
	} {
		status, m := postForm(t, s, path, form)
		if status != http.StatusBadRequest || m["error"] != "invalid_request" || aadsts(m) != "9000411" {
			t.Errorf("%s: %d, error %v %v", path, status, m["error"], m["error_description"])
		}
	}
}

// TestARepeatedAuthorizeParameterIsRefused: the authorize endpoint, too, refuses a
// request that names a parameter twice (AADSTS9000411) on its error page; the emulator
// took the first value, so a registered redirect_uri followed by another got a code.
func TestARepeatedAuthorizeParameterIsRefused(t *testing.T) {
	t.Parallel()
	s := emulatortest.Start(t, nil)
	s.SetInteractiveUser(emulator.DefaultUser)
	q := url.Values{"client_id": {emulator.AzurePowerShellClientID}, "response_type": {"code"}, "response_mode": {"form_post"},
		"redirect_uri": {redirect, "https://evil.test/cb"}, "scope": {armScope}}
	status, body := armGet(t, s, s.URL()+"/organizations/oauth2/v2.0/authorize?"+q.Encode(), "")
	if status != http.StatusBadRequest || !strings.Contains(string(body), "AADSTS9000411") || strings.Contains(string(body), `name="code"`) {
		t.Fatalf("got %d, a code in the answer: %v", status, strings.Contains(string(body), `name="code"`)) // not the code itself
	}
}

// TestATokenRequestInJSONIsToldOfGrantType: a body Entra ID cannot read as a form (JSON,
// the usual mistake) gets AADSTS900144 naming grant_type, the first parameter it looks
// for; the emulator named scope, which the JSON body did carry.
func TestATokenRequestInJSONIsToldOfGrantType(t *testing.T) {
	t.Parallel()
	s := emulatortest.Start(t, nil)
	body := `{"grant_type":"client_credentials","client_id":"` + emulator.DefaultServicePrincipalID + `","scope":"https://management.azure.com/.default"}`
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/"+emulator.DefaultHomeTenantID+"/oauth2/v2.0/token", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	status, b := do(t, s, req)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	if desc, _ := m["error_description"].(string); status != http.StatusBadRequest || aadsts(m) != "900144" || !strings.Contains(desc, "'grant_type'") {
		t.Fatalf("%d %s", status, b)
	}
}

// TestAUserTokenForTwoResourcesIsRefusedAsOnEntraID: Entra ID's v2.0 endpoint gives a user
// a token for one resource at a time, and refuses a device code or token request whose scope
// names two with invalid_scope AADSTS28000 ("Provided value for the input parameter scope is
// not valid because it contains more than one resource"); the emulator answered AADSTS70011,
// which Entra ID gives a client credentials request for two resources, as it still does.
func TestAUserTokenForTwoResourcesIsRefusedAsOnEntraID(t *testing.T) {
	t.Parallel()
	s := emulatortest.Start(t, nil)
	s.SetInteractiveUser(emulator.DefaultUser)
	const verifier = "a-verifier-that-is-long-enough-for-pkce-0123456789"
	const two = "https://management.azure.com/user_impersonation https://graph.microsoft.com/User.Read"
	_, m := redeem(t, s, authorize(t, s, verifier, redirect), verifier, redirect)
	rt, _ := m["refresh_token"].(string)
	if rt == "" {
		t.Fatalf("no refresh token: %v", m)
	}
	for _, tc := range []struct {
		name, path string
		form       url.Values
		code       string
	}{
		{"a device code request", "/organizations/oauth2/v2.0/devicecode", url.Values{"client_id": {emulator.AzurePowerShellClientID}, "scope": {two}}, "28000"},
		{"a refresh token redemption", "/organizations/oauth2/v2.0/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt},
			"client_id": {emulator.AzurePowerShellClientID}, "scope": {two + " openid offline_access profile"}}, "28000"},
		{"a client credentials request", "/" + emulator.DefaultHomeTenantID + "/oauth2/v2.0/token", url.Values{"grant_type": {"client_credentials"},
			"client_id": {emulator.DefaultServicePrincipalID}, "client_secret": {emulator.DefaultServicePrincipalSecret},
			"scope": {"https://management.azure.com/.default https://graph.microsoft.com/.default"}}, "70011"},
	} {
		status, m := postForm(t, s, tc.path, tc.form)
		if desc, _ := m["error_description"].(string); status != http.StatusBadRequest || m["error"] != "invalid_scope" || aadsts(m) != tc.code ||
			!strings.Contains(desc, "graph.microsoft.com") {
			t.Errorf("%s: %d %v %v %v, want invalid_scope AADSTS%s naming the scope", tc.name, status, m["error"], aadsts(m), m["error_description"], tc.code)
		}
	}
}

// TestTheConsumersEndpointIsRefusedAsOnEntraID: the emulator has no personal Microsoft
// accounts, and Entra ID refuses /consumers for its applications for work and school
// accounts (the az CLI's, ARM) with AADSTS9002332 ("configured for use by Microsoft Entra
// users only. Please do not use the /consumers endpoint"); the emulator answered
// AADSTS9002331, Entra ID's code for the opposite, an app for personal accounts only.
func TestTheConsumersEndpointIsRefusedAsOnEntraID(t *testing.T) {
	t.Parallel()
	s := emulatortest.Start(t, nil)
	for path, form := range map[string]url.Values{
		"/consumers/oauth2/v2.0/devicecode": {"client_id": {emulator.AzureCLIClientID}, "scope": {armScope}},
		"/consumers/oauth2/v2.0/token": {"grant_type": {"refresh_token"}, "client_id": {emulator.AzureCLIClientID},
			"refresh_token": {"x"}, "scope": {armScope}},
	} {
		status, m := postForm(t, s, path, form)
		if desc, _ := m["error_description"].(string); status != http.StatusBadRequest || aadsts(m) != "9002332" || !strings.Contains(desc, "/consumers") {
			t.Errorf("%s: %d %v %v", path, status, m["error"], m["error_description"])
		}
	}
}

// TestTheMetadataOfAnUnknownTenantSaysInvalidTenant: Entra ID answers the OpenID
// configuration of a tenant it does not know with 400 {"error":"invalid_tenant",
// "error_description":"AADSTS90002: Tenant '…' not found…"}, where the token endpoint says
// invalid_request; the emulator said invalid_request for both.
func TestTheMetadataOfAnUnknownTenantSaysInvalidTenant(t *testing.T) {
	t.Parallel()
	s := emulatortest.Start(t, nil)
	status, body := armGet(t, s, s.URL()+"/nosuch.test/v2.0/.well-known/openid-configuration", "")
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil || status != http.StatusBadRequest || m["error"] != "invalid_tenant" || aadsts(m) != "90002" {
		t.Fatalf("metadata: %d %s", status, body)
	}
	if status, m := postForm(t, s, "/nosuch.test/oauth2/v2.0/token", url.Values{"grant_type": {"client_credentials"}}); status != http.StatusBadRequest ||
		m["error"] != "invalid_request" || aadsts(m) != "90002" {
		t.Fatalf("token: %d %v", status, m)
	}
}

// TestADeviceCodeRequestNeedsScope: scope is a required parameter of the device
// authorization request on Entra ID (AADSTS900144); the emulator issued a code for a
// request without one.
func TestADeviceCodeRequestNeedsScope(t *testing.T) {
	t.Parallel()
	s := emulatortest.Start(t, nil)
	for _, form := range []url.Values{{"client_id": {emulator.AzureCLIClientID}}, {"client_id": {emulator.AzureCLIClientID}, "scope": {" "}}} {
		status, m := postForm(t, s, "/organizations/oauth2/v2.0/devicecode", form)
		if desc, _ := m["error_description"].(string); status != http.StatusBadRequest || aadsts(m) != "900144" || !strings.Contains(desc, "'scope'") {
			t.Errorf("%v: %d, error %v %v", form, status, m["error"], m["error_description"])
		}
	}
}

// TestOpenURLLeavesNoConnectionsOpen: each OpenURL (a browser sign-in the emulator plays)
// closes its connection to the emulator when done, so a suite of browser sign-ins does
// not hold two descriptors per sign-in until the idle timeout. Not parallel: it counts
// the process's open descriptors.
func TestOpenURLLeavesNoConnectionsOpen(t *testing.T) {
	if _, err := os.ReadDir("/proc/self/fd"); err != nil {
		t.Skip("needs /proc/self/fd to count open descriptors")
	}
	s := emulatortest.Start(t, nil)
	s.SetInteractiveUser(emulator.DefaultUser)
	app := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer app.Close()
	_, port, _ := strings.Cut(strings.TrimPrefix(app.URL, "http://"), ":")
	sum := sha256.Sum256([]byte("a-verifier-that-is-long-enough-for-pkce-0123456789"))
	q := url.Values{"client_id": {emulator.AzureCLIClientID}, "response_type": {"code"}, "response_mode": {"form_post"},
		"redirect_uri": {"http://localhost:" + port}, "scope": {armScope},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
	open := func() int {
		fds, _ := os.ReadDir("/proc/self/fd")
		return len(fds)
	}
	if err := s.OpenURL(s.URL() + "/organizations/oauth2/v2.0/authorize?" + q.Encode()); err != nil {
		t.Fatal(err)
	}
	before := open()
	const signIns = 40
	for range signIns {
		if err := s.OpenURL(s.URL() + "/organizations/oauth2/v2.0/authorize?" + q.Encode()); err != nil {
			t.Fatal(err)
		}
	}
	// Each connection left open holds two descriptors here (client and server side); a
	// closed one at most the server side, until the server reads the close.
	if grown := open() - before; grown >= signIns*3/2 {
		t.Fatalf("%d sign-ins left %d more descriptors open", signIns, grown)
	}
}
