package emulator_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"maps"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
	"github.com/golang-jwt/jwt/v5"

	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/emulator/emulatortest"
)

const armScope = "https://management.azure.com/.default"

func newPublic(t *testing.T, s *emulator.Server, tenant string) public.Client {
	t.Helper()
	c, err := public.New(emulator.AzurePowerShellClientID,
		public.WithAuthority(s.URL()+"/"+tenant), public.WithHTTPClient(s.Client()), public.WithInstanceDiscovery(false))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newConfidential(t *testing.T, s *emulator.Server, tenant, clientID string, cred confidential.Credential) confidential.Client {
	t.Helper()
	c, err := confidential.New(s.URL()+"/"+tenant, clientID, cred,
		confidential.WithHTTPClient(s.Client()), confidential.WithInstanceDiscovery(false))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// whoami calls the echo endpoint with token and returns the claims.
func whoami(t *testing.T, s *emulator.Server, token string) map[string]any {
	t.Helper()
	status, body := armGet(t, s, s.URL()+emulator.EchoPath+"?api-version=2022-12-01", token)
	if status != http.StatusOK {
		t.Fatalf("whoami: status %d: %s", status, body)
	}
	var claims map[string]any
	if err := json.Unmarshal(body, &claims); err != nil {
		t.Fatal(err)
	}
	return claims
}

func armGet(t *testing.T, s *emulator.Server, u, token string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return do(t, s, req)
}

func do(t *testing.T, s *emulator.Server, req *http.Request) (int, []byte) {
	t.Helper()
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

func postForm(t *testing.T, s *emulator.Server, path string, form url.Values) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL()+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	status, body := do(t, s, req)
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("answer is not JSON: %v: %s", err, body)
	}
	return status, m
}

func wantErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Fatalf("error %q does not contain %q", err, p)
		}
	}
}

func TestClientSecret(t *testing.T) {
	t.Parallel()
	s := emulatortest.Start(t, nil)
	ctx := context.Background()
	secret, _ := confidential.NewCredFromSecret(emulator.DefaultServicePrincipalSecret)

	t.Run("a good secret gets an ARM token for the service principal", func(t *testing.T) {
		c := newConfidential(t, s, emulator.DefaultHomeTenantID, emulator.DefaultServicePrincipalID, secret)
		res, err := c.AcquireTokenByCredential(ctx, []string{armScope})
		if err != nil {
			t.Fatal(err)
		}
		claims := whoami(t, s, res.AccessToken)
		if claims["appid"] != emulator.DefaultServicePrincipalID || claims["tid"] != emulator.DefaultHomeTenantID ||
			claims["aud"] != "https://management.azure.com" || claims["idtyp"] != "app" || claims["appidacr"] != "1" {
			t.Fatalf("claims %v", claims)
		}
	})
	t.Run("the tenant may be named by its domain", func(t *testing.T) {
		c := newConfidential(t, s, emulator.DefaultHomeTenantDomain, emulator.DefaultServicePrincipalID, secret)
		res, err := c.AcquireTokenByCredential(ctx, []string{"https://management.core.windows.net//.default"})
		if err != nil {
			t.Fatal(err)
		}
		if c := whoami(t, s, res.AccessToken); c["aud"] != "https://management.core.windows.net/" {
			t.Fatalf("aud %v", c["aud"])
		}
	})
	bad, _ := confidential.NewCredFromSecret("wrong")
	errorCases := []struct {
		name, tenant, client string
		cred                 confidential.Credential
		scope                string
		want                 []string
	}{
		{"a bad secret is refused", emulator.DefaultHomeTenantID, emulator.DefaultServicePrincipalID, bad, armScope, []string{"401", "invalid_client", "AADSTS7000215"}},
		{"an unknown app is refused", emulator.DefaultHomeTenantID, "99999999-9999-4999-8999-999999999999", secret, armScope, []string{"400", "unauthorized_client", "AADSTS700016"}},
		{"an unknown tenant is refused", "nowhere.test", emulator.DefaultServicePrincipalID, secret, armScope, []string{"400", "AADSTS90002"}},
		{"a tenant without the service principal is refused", emulator.DefaultGuestTenantID, emulator.DefaultServicePrincipalID, secret, armScope, []string{"AADSTS700016"}},
		{"a scope without /.default is refused", emulator.DefaultHomeTenantID, emulator.DefaultServicePrincipalID, secret, "https://management.azure.com/user_impersonation", []string{"invalid_scope", "AADSTS1002012"}},
		{"a scope that is not a resource is refused", emulator.DefaultHomeTenantID, emulator.DefaultServicePrincipalID, secret, "nonsense", []string{"invalid_scope", "AADSTS70011"}},
	}
	for _, tc := range errorCases {
		t.Run(tc.name, func(t *testing.T) {
			c := newConfidential(t, s, tc.tenant, tc.client, tc.cred)
			_, err := c.AcquireTokenByCredential(ctx, []string{tc.scope})
			wantErr(t, err, tc.want...)
		})
	}
}

func selfSignedCert(t *testing.T) (*x509.Certificate, *rsa.PrivateKey, string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return cert, key, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

const (
	certAppID = "66666666-6666-4666-8666-666666666666"
	fedAppID  = "77777777-7777-4777-8777-777777777777"
)

func TestCertificateAssertion(t *testing.T) {
	t.Parallel()
	cert, key, certPEM := selfSignedCert(t)
	cfg := emulator.DefaultConfig()
	cfg.Apps = append(cfg.Apps, emulator.App{AppID: certAppID, Tenant: emulator.DefaultHomeTenantID, Certificates: []string{certPEM}})
	s := emulatortest.Start(t, cfg)
	ctx := context.Background()
	tokenURL := s.URL() + "/" + emulator.DefaultHomeTenantID + "/oauth2/v2.0/token"

	t.Run("a registered certificate signs in", func(t *testing.T) {
		cred, err := confidential.NewCredFromCert([]*x509.Certificate{cert}, key)
		if err != nil {
			t.Fatal(err)
		}
		res, err := newConfidential(t, s, emulator.DefaultHomeTenantID, certAppID, cred).AcquireTokenByCredential(ctx, []string{armScope})
		if err != nil {
			t.Fatal(err)
		}
		if c := whoami(t, s, res.AccessToken); c["appid"] != certAppID || c["appidacr"] != "2" {
			t.Fatalf("claims %v", c)
		}
	})
	t.Run("an unregistered certificate is refused", func(t *testing.T) {
		other, otherKey, _ := selfSignedCert(t)
		cred, _ := confidential.NewCredFromCert([]*x509.Certificate{other}, otherKey)
		_, err := newConfidential(t, s, emulator.DefaultHomeTenantID, certAppID, cred).AcquireTokenByCredential(ctx, []string{armScope})
		wantErr(t, err, "invalid_client", "AADSTS700027")
	})
	// assertion signs a certificate assertion with claims over the valid ones: aud the
	// token URL, iss and sub the app, five minutes to live.
	assertion := func(method jwt.SigningMethod, signer crypto.PrivateKey, claims jwt.MapClaims) confidential.Credential {
		return confidential.NewCredFromAssertionCallback(func(context.Context, confidential.AssertionRequestOptions) (string, error) {
			c := jwt.MapClaims{"aud": tokenURL, "iss": certAppID, "sub": certAppID, "jti": "x",
				"nbf": time.Now().Add(-time.Hour).Unix(), "exp": time.Now().Add(5 * time.Minute).Unix()}
			maps.Copy(c, claims)
			tok := jwt.NewWithClaims(method, c)
			sum := sha256.Sum256(cert.Raw)
			tok.Header["x5t#S256"] = base64.StdEncoding.EncodeToString(sum[:])
			return tok.SignedString(signer)
		})
	}
	_, wrongKey, _ := selfSignedCert(t)
	// The codes Entra ID answers with, as the Azure SDKs' troubleshooting guides list them
	// (AADSTS700021, 700023) and its error code reference (50048); the emulator answered an
	// assertion for another audience with the federated credential's AADSTS700212, and one
	// another client issued with AADSTS700211 (no federated credential for that issuer).
	// The audience is the tenant's token endpoint, which may name the tenant by a domain as
	// Entra ID's own example does (certificate-credentials.md); the emulator took only the
	// URL the request was sent to.
	cases := []struct {
		name string
		cred confidential.Credential
		want []string
	}{
		{"an RS256 assertion is accepted", assertion(jwt.SigningMethodRS256, key, nil), nil},
		{"an assertion naming the tenant by a domain in its audience is accepted", assertion(jwt.SigningMethodPS256, key,
			jwt.MapClaims{"aud": s.URL() + "/" + emulator.DefaultHomeTenantDomain + "/oauth2/v2.0/token"}), nil},
		{"an assertion for another tenant's token endpoint is refused", assertion(jwt.SigningMethodPS256, key,
			jwt.MapClaims{"aud": s.URL() + "/" + emulator.DefaultGuestTenantID + "/oauth2/v2.0/token"}), []string{"AADSTS700023"}},
		{"an assertion for another audience is refused", assertion(jwt.SigningMethodPS256, key, jwt.MapClaims{"aud": s.URL() + "/elsewhere"}),
			[]string{"401", "invalid_client", "AADSTS700023"}},
		{"an assertion another client issued is refused", assertion(jwt.SigningMethodPS256, key,
			jwt.MapClaims{"iss": emulator.DefaultServicePrincipalID, "sub": emulator.DefaultServicePrincipalID}), []string{"401", "invalid_client", "AADSTS700021"}},
		{"an assertion whose subject is not its issuer is refused", assertion(jwt.SigningMethodPS256, key,
			jwt.MapClaims{"sub": emulator.DefaultServicePrincipalID}), []string{"401", "invalid_client", "AADSTS50048"}},
		{"an assertion signed by another key is refused", assertion(jwt.SigningMethodPS256, wrongKey, nil), []string{"AADSTS700027"}},
		{"an expired assertion is refused", assertion(jwt.SigningMethodPS256, key, jwt.MapClaims{"exp": time.Now().Add(-10 * time.Minute).Unix()}), []string{"AADSTS700024"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := newConfidential(t, s, emulator.DefaultHomeTenantID, certAppID, tc.cred).AcquireTokenByCredential(ctx, []string{armScope})
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantErr(t, err, tc.want...)
		})
	}
}

func TestFederatedAssertion(t *testing.T) {
	t.Parallel()
	_, extKey, extPEM := selfSignedCert(t)
	cfg := emulator.DefaultConfig()
	cfg.FederatedIssuers = []emulator.FederatedIssuer{{Issuer: "https://ci.example.test", Keys: []string{extPEM}}}
	cfg.Apps = append(cfg.Apps, emulator.App{AppID: fedAppID, Tenant: emulator.DefaultHomeTenantID, FederatedCredentials: []emulator.FederatedCredential{
		{Issuer: emulator.FederationIssuer, Subject: "repo:azc:main"},
		{Issuer: "https://ci.example.test", Subject: "pipeline-7", Audiences: []string{"api://custom"}},
	}})
	s := emulatortest.Start(t, cfg)
	ctx := context.Background()
	fromString := func(tok string, err error) confidential.Credential {
		if err != nil {
			t.Fatal(err)
		}
		return confidential.NewCredFromAssertionCallback(func(context.Context, confidential.AssertionRequestOptions) (string, error) { return tok, nil })
	}
	external := func(iss, sub, aud string, key crypto.PrivateKey) (string, error) {
		return jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"iss": iss, "sub": sub, "aud": aud,
			"exp": time.Now().Add(5 * time.Minute).Unix()}).SignedString(key)
	}
	_, strangerKey, _ := selfSignedCert(t)
	cases := []struct {
		name string
		cred confidential.Credential
		want []string
	}{
		{"an emulator-minted token for the registered subject signs in", fromString(s.FederatedToken("repo:azc:main", "")), nil},
		{"an external issuer's token with its custom audience signs in", fromString(external("https://ci.example.test", "pipeline-7", "api://custom", extKey)), nil},
		{"another subject is refused", fromString(s.FederatedToken("repo:azc:fork", "")), []string{"AADSTS700213"}},
		{"another audience is refused", fromString(s.FederatedToken("repo:azc:main", "api://other")), []string{"AADSTS700212"}},
		{"an unknown issuer is refused", fromString(external("https://evil.test", "repo:azc:main", emulator.DefaultFederatedAudience, strangerKey)), []string{"AADSTS700211"}},
		{"a forged signature is refused", fromString(external("https://ci.example.test", "pipeline-7", "api://custom", strangerKey)), []string{"AADSTS700027"}},
		{"garbage is refused", fromString("not-a-jwt", nil), []string{"invalid_client"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := newConfidential(t, s, emulator.DefaultHomeTenantID, fedAppID, tc.cred).AcquireTokenByCredential(ctx, []string{armScope})
			if tc.want != nil {
				wantErr(t, err, tc.want...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c := whoami(t, s, res.AccessToken); c["appid"] != fedAppID {
				t.Fatalf("claims %v", c)
			}
		})
	}
}

func TestDeviceCode(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("an approved code signs the user in with client_info and an id token", func(t *testing.T) {
		t.Parallel()
		s := emulatortest.Start(t, nil)
		s.OnDeviceCode(func(code string) {
			if err := s.ApproveDeviceCode(code, emulator.DefaultUser); err != nil {
				t.Error(err)
			}
		})
		c := newPublic(t, s, "organizations")
		dc, err := c.AcquireTokenByDeviceCode(ctx, []string{armScope})
		if err != nil {
			t.Fatal(err)
		}
		res, err := dc.AuthenticationResult(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if res.Account.HomeAccountID != emulator.DefaultUserObjectID+"."+emulator.DefaultHomeTenantID ||
			res.Account.PreferredUsername != emulator.DefaultUser {
			t.Fatalf("account %+v", res.Account)
		}
		claims := whoami(t, s, res.AccessToken)
		if claims["upn"] != emulator.DefaultUser || claims["tid"] != emulator.DefaultHomeTenantID || claims["appid"] != emulator.AzurePowerShellClientID {
			t.Fatalf("claims %v", claims)
		}
		// A silent call for the guest tenant redeems the refresh token at /{tid}.
		res2, err := c.AcquireTokenSilent(ctx, []string{armScope}, public.WithSilentAccount(res.Account), public.WithTenantID(emulator.DefaultGuestTenantID))
		if err != nil {
			t.Fatal(err)
		}
		if got := whoami(t, s, res2.AccessToken)["tid"]; got != emulator.DefaultGuestTenantID {
			t.Fatalf("tid %v", got)
		}
		if n := s.Count(emulator.RouteToken, "refresh_token"); n != 1 {
			t.Fatalf("refresh count %d", n)
		}
	})

	t.Run("a code is pending until approved", func(t *testing.T) {
		t.Parallel()
		s := emulatortest.Start(t, nil)
		c := newPublic(t, s, emulator.DefaultHomeTenantDomain)
		dc, err := c.AcquireTokenByDeviceCode(ctx, []string{armScope})
		if err != nil {
			t.Fatal(err)
		}
		status, m := postForm(t, s, "/"+emulator.DefaultHomeTenantDomain+"/oauth2/v2.0/token", url.Values{
			"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "device_code": {dc.Result.DeviceCode},
			"client_id": {emulator.AzurePowerShellClientID}, "scope": {armScope}})
		if status != http.StatusBadRequest || m["error"] != "authorization_pending" {
			t.Fatalf("status %d body %v", status, m)
		}
		if got := s.PendingDeviceCodes(); len(got) != 1 || got[0] != dc.Result.UserCode {
			t.Fatalf("pending %v", got)
		}
		if err := s.ApproveDeviceCode(dc.Result.UserCode, emulator.DefaultUser); err != nil {
			t.Fatal(err)
		}
		if _, err := dc.AuthenticationResult(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.ApproveDeviceCode(dc.Result.UserCode, emulator.DefaultUser); err == nil {
			t.Fatal("a redeemed code was approved again")
		}
	})

	errorCases := []struct {
		name   string
		tenant string
		act    func(s *emulator.Server, code string) error
		want   []string
	}{
		{"a declined code fails", "organizations", func(s *emulator.Server, code string) error { return s.DeclineDeviceCode(code) }, []string{"authorization_declined", "AADSTS70020"}},
		{"an expired code fails", "organizations", func(s *emulator.Server, code string) error { return s.ExpireDeviceCode(code) }, []string{"expired_token", "AADSTS70019"}},
		{"a user outside the tenant fails", emulator.DefaultHomeTenantID, func(s *emulator.Server, code string) error {
			return s.ApproveDeviceCode(code, emulator.DefaultGuestUser)
		}, []string{"invalid_grant", "AADSTS50020"}},
	}
	for _, tc := range errorCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := emulatortest.Start(t, nil)
			s.OnDeviceCode(func(code string) {
				if err := tc.act(s, code); err != nil {
					t.Error(err)
				}
			})
			dc, err := newPublic(t, s, tc.tenant).AcquireTokenByDeviceCode(ctx, []string{armScope})
			if err != nil {
				t.Fatal(err)
			}
			_, err = dc.AuthenticationResult(ctx)
			wantErr(t, err, tc.want...)
		})
	}

	t.Run("a code past its lifetime is no longer pending and cannot be approved", func(t *testing.T) {
		t.Parallel()
		s, clock := startWithClock(t, emulator.DefaultConfig())
		status, m := postForm(t, s, "/organizations/oauth2/v2.0/devicecode", url.Values{"client_id": {emulator.AzureCLIClientID}, "scope": {armScope}})
		userCode, _ := m["user_code"].(string)
		if status != http.StatusOK || userCode == "" {
			t.Fatalf("devicecode: %d %v", status, m)
		}
		clock.Advance(16 * time.Minute)
		if got := s.PendingDeviceCodes(); len(got) != 0 {
			t.Errorf("pending %v after the code's lifetime", got)
		}
		if err := s.ApproveDeviceCode(userCode, emulator.DefaultUser); err == nil {
			t.Error("an expired code was approved")
		}
		status, m = postForm(t, s, "/organizations/oauth2/v2.0/token", url.Values{"grant_type": {"device_code"},
			"device_code": {m["device_code"].(string)}, "client_id": {emulator.AzureCLIClientID}})
		if status != http.StatusBadRequest || m["error"] != "expired_token" {
			t.Fatalf("poll after the lifetime: %d, error %v (%v)", status, m["error"], m["error_description"])
		}
	})

	t.Run("the device code lifetime is enforced by the emulator's clock", func(t *testing.T) {
		t.Parallel()
		s, clock := startWithClock(t, emulator.DefaultConfig())
		s.OnDeviceCode(func(string) { clock.Advance(16 * time.Minute) })
		dc, err := newPublic(t, s, "organizations").AcquireTokenByDeviceCode(ctx, []string{armScope})
		if err != nil {
			t.Fatal(err)
		}
		_, err = dc.AuthenticationResult(ctx)
		wantErr(t, err, "expired_token")
	})
}

func TestInteractive(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("the interactive user signs in through form_post and refreshes silently", func(t *testing.T) {
		t.Parallel()
		cfg := emulator.DefaultConfig()
		cfg.TokenLifetime = emulator.Duration(5 * time.Minute) // never cached: silent calls refresh
		cfg.RotateRefreshTokens = true                         // each silent call must use the token the last one got
		s := emulatortest.Start(t, cfg)
		s.SetInteractiveUser(emulator.DefaultUser)
		c := newPublic(t, s, "organizations")
		res, err := c.AcquireTokenInteractive(ctx, []string{armScope}, public.WithOpenURL(s.OpenURL))
		if err != nil {
			t.Fatal(err)
		}
		if res.Account.PreferredUsername != emulator.DefaultUser || res.IDToken.TenantID != emulator.DefaultHomeTenantID {
			t.Fatalf("account %+v id token %+v", res.Account, res.IDToken)
		}
		for i := range 2 {
			if _, err := c.AcquireTokenSilent(ctx, []string{armScope}, public.WithSilentAccount(res.Account)); err != nil {
				t.Fatalf("silent %d: %v", i, err)
			}
		}
		if n := s.Count(emulator.RouteToken, "refresh_token"); n != 2 {
			t.Fatalf("refresh count %d, want 2 (rotation must hand MSAL a fresh refresh token each time)", n)
		}
		if n := s.Count(emulator.RouteAuthorize, ""); n != 1 {
			t.Fatalf("authorize count %d", n)
		}
	})
	t.Run("without an interactive user the sign-in fails", func(t *testing.T) {
		t.Parallel()
		s := emulatortest.Start(t, nil)
		_, err := newPublic(t, s, "organizations").AcquireTokenInteractive(ctx, []string{armScope}, public.WithOpenURL(s.OpenURL))
		wantErr(t, err, "AADSTS50058")
	})
	t.Run("a user of another tenant is denied", func(t *testing.T) {
		t.Parallel()
		s := emulatortest.Start(t, nil)
		s.SetInteractiveUser(emulator.DefaultGuestUser)
		_, err := newPublic(t, s, emulator.DefaultHomeTenantID).AcquireTokenInteractive(ctx, []string{armScope}, public.WithOpenURL(s.OpenURL))
		wantErr(t, err, "AADSTS50020")
	})
}

// fakeClock is a settable clock for the emulator.
// startWithClock starts an emulator for cfg whose clock the test moves.
func startWithClock(t *testing.T, cfg *emulator.Config) (*emulator.Server, *fakeClock) {
	t.Helper()
	clock := &fakeClock{t: time.Now()}
	cfg.Now = clock.Now
	return emulatortest.Start(t, cfg), clock
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestClientSecretBasic: the metadata offers client_secret_basic, as Entra ID's does, so
// a client that picks it (a generic OAuth 2.0 library) sends its id and secret in an
// Authorization: Basic header, each form-encoded first (RFC 6749, 2.3.1). The emulator
// asked such a request for client_id.
func TestClientSecretBasic(t *testing.T) {
	t.Parallel()
	const secretID, odd = "abababab-0000-4000-8000-000000000001", "p+a:s s%/é"
	cfg := emulator.DefaultConfig()
	cfg.Apps = append(cfg.Apps, emulator.App{AppID: secretID, Tenant: emulator.DefaultHomeTenantID, Secrets: []string{odd}})
	s := emulatortest.Start(t, cfg)
	if _, m := getJSON(t, s, "/"+emulator.DefaultHomeTenantID+"/v2.0/.well-known/openid-configuration"); !slices.Contains(m["token_endpoint_auth_methods_supported"].([]any), any("client_secret_basic")) {
		t.Fatalf("the metadata offers %v", m["token_endpoint_auth_methods_supported"])
	}
	post := func(id, secret string, form url.Values) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, s.URL()+"/"+emulator.DefaultHomeTenantID+"/oauth2/v2.0/token", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
		status, body := do(t, s, req)
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatalf("answer is not JSON: %v: %s", err, body)
		}
		return status, m
	}
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {armScope}}
	for id, secret := range map[string]string{emulator.DefaultServicePrincipalID: emulator.DefaultServicePrincipalSecret, secretID: odd} {
		status, m := post(id, secret, form)
		if status != http.StatusOK {
			t.Fatalf("%s: %d %v", id, status, m)
		}
		if c := whoami(t, s, m["access_token"].(string)); c["appid"] != id || c["appidacr"] != "1" {
			t.Fatalf("claims %v", c)
		}
	}
	if status, m := post(emulator.DefaultServicePrincipalID, "wrong", form); status != http.StatusUnauthorized || aadsts(m) != "7000215" {
		t.Fatalf("a wrong secret in the header: %d %v", status, m)
	}
	withOther := url.Values{"grant_type": {"client_credentials"}, "scope": {armScope}, "client_id": {secretID}}
	if status, m := post(emulator.DefaultServicePrincipalID, emulator.DefaultServicePrincipalSecret, withOther); status != http.StatusBadRequest || m["error"] != "invalid_request" {
		t.Fatalf("a client_id in the body that is not the header's: %d %v", status, m)
	}
}
