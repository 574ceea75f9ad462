package credblob

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"maps"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/secret"
)

var (
	testNow  = time.Unix(1_900_000_000, 0)
	testEnv  = profile.Environment{Name: "Emu", AuthorityHost: "https://127.0.0.1:8443/", ARMAudience: "https://management.core.windows.net/"}
	testUser = profile.Account{ID: "alice@contoso.test", Type: profile.UserAccount, Environment: "Emu",
		HomeTenantID: "AAAA-tenant", HomeAccountID: "uid.aaaa-tenant"}
	testSP = profile.Account{ID: "app-id", Type: profile.ServicePrincipal, Environment: "Emu", HomeTenantID: "aaaa-tenant", Credential: "secret"}
)

const armScope = "https://management.core.windows.net//.default"

func unix(d time.Duration) string { return strconv.FormatInt(testNow.Add(d).Unix(), 10) }

// userAT is a cached user access token for ARM in the home tenant.
func userAT() map[string]any {
	return map[string]any{
		"home_account_id": "uid.aaaa-tenant", "environment": "127.0.0.1:8443", "realm": "aaaa-tenant",
		"credential_type": "AccessToken", "client_id": AzurePowerShellClientID, "secret": "the-token",
		"target": armScope + " profile", "cached_at": unix(-time.Minute), "expires_on": unix(time.Hour),
		"extended_expires_on": unix(time.Hour), "token_type": "Bearer",
	}
}

func idToken(claims string) string {
	return "e30." + base64.RawURLEncoding.EncodeToString([]byte(claims)) + ".sig"
}

// cacheOf builds an MSAL cache with the given access tokens (keyed as
// MSAL keys them, lower case) and the user's account and ID token.
func cacheOf(ats ...map[string]any) map[string]any {
	m := map[string]any{}
	for i, at := range ats {
		m["at-"+strconv.Itoa(i)] = at
	}
	return map[string]any{
		"AccessToken": m,
		"RefreshToken": map[string]any{"rt": map[string]any{"home_account_id": "uid.aaaa-tenant", "environment": "127.0.0.1:8443",
			"credential_type": "RefreshToken", "client_id": AzurePowerShellClientID, "secret": "rt-secret"}},
		"IdToken": map[string]any{"idt": map[string]any{"home_account_id": "uid.aaaa-tenant", "environment": "127.0.0.1:8443",
			"realm": "aaaa-tenant", "credential_type": "IdToken", "client_id": AzurePowerShellClientID, "secret": idToken(`{"sub":"x","exp":1}`)}},
		"Account": map[string]any{"acct": map[string]any{"home_account_id": "uid.aaaa-tenant", "environment": "127.0.0.1:8443",
			"realm": "aaaa-tenant", "local_account_id": "uid", "authority_type": "MSSTS", "username": "alice@contoso.test"}},
		"AppMetadata": map[string]any{"app": map[string]any{"client_id": AzurePowerShellClientID, "environment": "127.0.0.1:8443"}},
	}
}

func credsOf(t *testing.T, cache any) *Credentials {
	t.Helper()
	var raw []byte
	switch c := cache.(type) {
	case string:
		raw = []byte(c)
	default:
		var err error
		if raw, err = json.Marshal(c); err != nil {
			t.Fatal(err)
		}
	}
	return &Credentials{MSALCache: raw, ClientSecret: secret.New("s3cret")}
}

func with(at map[string]any, kv ...any) map[string]any {
	at = maps.Clone(at)
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(at, kv[i].(string))
		} else {
			at[kv[i].(string)] = kv[i+1]
		}
	}
	return at
}

func TestCachedTokenFollowsMSALRules(t *testing.T) {
	t.Parallel()
	builtIn := profile.Environment{Name: "AzureCloud", AuthorityHost: "https://login.microsoftonline.com/", ARMAudience: "https://management.core.windows.net/", BuiltIn: true}
	tests := []struct {
		name  string
		cache any
		env   *profile.Environment
		acct  *profile.Account
		req   Request
		hit   bool
	}{
		{name: "a valid token is served", cache: cacheOf(userAT()), hit: true},
		{name: "exactly five minutes left is served", cache: cacheOf(with(userAT(), "expires_on", unix(5*time.Minute))), hit: true},
		{name: "a second under five minutes left misses", cache: cacheOf(with(userAT(), "expires_on", unix(5*time.Minute-time.Second)))},
		{name: "no expiry misses", cache: cacheOf(with(userAT(), "expires_on", nil))},
		{name: "refresh_on now is served", cache: cacheOf(with(userAT(), "refresh_on", unix(0))), hit: true},
		{name: "a second past refresh_on misses", cache: cacheOf(with(userAT(), "refresh_on", unix(-time.Second)))},
		{name: "no cached_at misses", cache: cacheOf(with(userAT(), "cached_at", nil))},
		{name: "cached_at in the future misses", cache: cacheOf(with(userAT(), "cached_at", unix(time.Second)))},
		{name: "times may be bare numbers", cache: cacheOf(with(userAT(), "expires_on", testNow.Add(time.Hour).Unix())), hit: true},
		{name: "a time that is not an integer misses", cache: cacheOf(with(userAT(), "extended_expires_on", "soon"))},
		{name: "scopes match case-insensitively", req: Request{Scopes: []string{strings.ToUpper(armScope)}}, cache: cacheOf(userAT()), hit: true},
		{name: "two requested scopes in the target are served", req: Request{Scopes: []string{"profile", armScope}}, cache: cacheOf(userAT()), hit: true},
		{name: "a scope not in the target misses", req: Request{Scopes: []string{"https://storage.azure.com/.default"}}, cache: cacheOf(userAT())},
		{name: "a target naming the scope twice misses, as in MSAL", cache: cacheOf(with(userAT(), "target", armScope+" "+armScope))},
		{name: "the tenant is compared lower-cased", req: Request{TenantID: "AAAA-TENANT"}, cache: cacheOf(userAT()), hit: true},
		{name: "another tenant misses", req: Request{TenantID: "bbbb-tenant"}, cache: cacheOf(userAT())},
		{name: "organizations misses", req: Request{TenantID: "organizations"}, cache: cacheOf(with(userAT(), "realm", "organizations"))},
		{name: "a tenant with a slash misses", req: Request{TenantID: "a/b"}, cache: cacheOf(userAT())},
		{name: "another client misses", cache: cacheOf(with(userAT(), "client_id", "other"))},
		{name: "another environment misses", cache: cacheOf(with(userAT(), "environment", "login.windows.net"))},
		{name: "a built-in cloud's alias is matched", env: &builtIn, cache: cacheOf(with(userAT(), "environment", "login.windows.net")), hit: true},
		{name: "a proof-of-possession token misses", cache: cacheOf(with(userAT(), "token_type", "pop"))},
		{name: "a token without a type is served", cache: cacheOf(with(userAT(), "token_type", nil)), hit: true},
		{name: "a token with extra cache key misses", cache: cacheOf(with(userAT(), "ext_cache_key", "abc"))},
		{name: "two matching tokens miss", cache: cacheOf(userAT(), with(userAT(), "target", armScope))},
		{name: "an old-style key with capitals misses", cache: map[string]any{"AccessToken": map[string]any{"AT-KEY": userAT()},
			"Account": cacheOf()["Account"]}},
		{name: "another user's token misses", cache: cacheOf(with(userAT(), "home_account_id", "uid2.aaaa-tenant"))},
		{name: "the account is found in another case", acct: &profile.Account{ID: testUser.ID, Type: profile.UserAccount, HomeTenantID: "aaaa-tenant",
			HomeAccountID: "UID.AAAA-TENANT"}, cache: cacheOf(userAT()), hit: true},
		{name: "no account entry misses", cache: with(cacheOf(userAT()), "Account", map[string]any{})},
		{name: "a string field that is a number misses, even in another section", cache: with(cacheOf(userAT()),
			"AppMetadata", map[string]any{"app": map[string]any{"client_id": 5}})},
		{name: "a null string field misses", cache: cacheOf(userAT(), with(userAT(), "realm", json.RawMessage("null"), "target", "x"))},
		{name: "a field spelled as MSAL's Go name misses", cache: cacheOf(with(userAT(), "Scopes", "x"))},
		{name: "a section spelled as MSAL's Go name misses", cache: with(cacheOf(userAT()), "Accounts", map[string]any{})},
		{name: "unknown sections and fields are ignored", cache: with(cacheOf(with(userAT(), "x_extra", []int{1})), "Extra", true), hit: true},
		{name: "a null section reads as empty", cache: with(cacheOf(userAT()), "RefreshToken", nil), hit: true},
		{name: "a key named twice misses", cache: `{"AccessToken":{"k":{"realm":"a","realm":"aaaa-tenant"}}}`},
		{name: "an entry that is not an object misses", cache: with(cacheOf(userAT()), "IdToken", map[string]any{"x": nil})},
		{name: "an ID token MSAL cannot decode misses", cache: with(cacheOf(userAT()), "IdToken", map[string]any{"idt": map[string]any{
			"home_account_id": "uid.aaaa-tenant", "environment": "127.0.0.1:8443", "realm": "aaaa-tenant", "client_id": AzurePowerShellClientID,
			"secret": idToken(`{"exp":"soon"}`)}})},
		{name: "an empty cache misses", cache: `{}`},
		{name: "a cache that is not an object misses", cache: `[]`},
		{name: "a service principal's app token is served", acct: &testSP,
			cache: cacheOf(with(userAT(), "home_account_id", nil, "client_id", "app-id")), hit: true},
		{name: "a service principal ignores user tokens", acct: &testSP, cache: cacheOf(with(userAT(), "client_id", "app-id"))},
		{name: "a service principal without its secret misses", acct: &profile.Account{ID: "app-id", Type: profile.ServicePrincipal,
			HomeTenantID: "aaaa-tenant", Credential: "certificate"}, cache: cacheOf(with(userAT(), "home_account_id", nil, "client_id", "app-id"))},
		{name: "a managed identity misses", acct: &profile.Account{ID: "mi", Type: profile.ManagedIdentity, HomeTenantID: "aaaa-tenant"}, cache: cacheOf(userAT())},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := tt.req
			r.Environment, r.Account, r.Now = testEnv, testUser, testNow
			if tt.env != nil {
				r.Environment = *tt.env
			}
			if tt.acct != nil {
				r.Account = *tt.acct
			}
			tok, err := credsOf(t, tt.cache).CachedToken(r)
			if tt.hit {
				if err != nil {
					t.Fatalf("missed: %v", err)
				}
				if tok.AccessToken.Reveal() != "the-token" || tok.ExpiresOn.Before(testNow) || tok.TenantID == "" {
					t.Fatalf("token %v expires %v tenant %q", tok.AccessToken, tok.ExpiresOn, tok.TenantID)
				}
				return
			}
			if !errors.Is(err, ErrMiss) {
				t.Fatalf("err = %v, want a miss", err)
			}
			t.Log(err)
			for _, leak := range []string{"the-token", "rt-secret", "s3cret"} {
				if strings.Contains(err.Error(), leak) {
					t.Fatalf("the miss quotes a secret")
				}
			}
		})
	}
}

func TestCachedTokenReportsWhatMSALWouldReturn(t *testing.T) {
	t.Parallel()
	c := credsOf(t, cacheOf(with(userAT(), "refresh_on", unix(30*time.Minute))))
	tok, err := c.CachedToken(Request{Environment: testEnv, Account: testUser, TenantID: "AAAA-tenant", Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if !tok.ExpiresOn.Equal(testNow.Add(time.Hour)) || !tok.RefreshOn.Equal(testNow.Add(30*time.Minute)) || tok.TenantID != "AAAA-tenant" {
		t.Fatalf("got expiry %v, refresh %v, tenant %q", tok.ExpiresOn, tok.RefreshOn, tok.TenantID)
	}
}

func TestCachedTokenServesRawTokensUntilTheyExpire(t *testing.T) {
	t.Parallel()
	acct := profile.Account{ID: "raw", Type: profile.AccessToken, HomeTenantID: "home"}
	c := &Credentials{AccessToken: secret.New("raw-token"), AccessTokenExpires: testNow.Add(time.Minute), AccessTokenTenantID: "tid"}
	tok, err := c.CachedToken(Request{Account: acct, Now: testNow})
	if err != nil || tok.AccessToken.Reveal() != "raw-token" || tok.TenantID != "tid" {
		t.Fatalf("raw token not served: %v", err)
	}
	if _, err := c.CachedToken(Request{Account: acct, Now: testNow.Add(time.Minute)}); !errors.Is(err, ErrMiss) {
		t.Fatalf("expired raw token: %v", err)
	}
	if _, err := (&Credentials{}).CachedToken(Request{Account: acct, Now: testNow}); !errors.Is(err, ErrMiss) {
		t.Fatalf("no raw token: %v", err)
	}
}

func TestPEMShape(t *testing.T) {
	t.Parallel()
	cert := "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n"
	key := "-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n"
	enc := "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAA==\n-----END RSA PRIVATE KEY-----\n"
	for in, want := range map[string]bool{cert + key: true, cert + cert + key: true, key: false, cert: false, cert + key + key: false, cert + enc: false} {
		if pemShapeOK([]byte(in)) != want {
			t.Errorf("pemShapeOK(%q) != %v", in, want)
		}
	}
}

// FuzzCachedToken feeds arbitrary blobs to the lookup: it must never
// panic, and its errors must never quote the blob.
func FuzzCachedToken(f *testing.F) {
	seed, _ := json.Marshal(cacheOf(userAT(), with(userAT(), "home_account_id", nil, "client_id", "app-id")))
	blob, _ := (&Credentials{MSALCache: seed, ClientSecret: secret.New("s3cret")}).Marshal()
	f.Add(blob)
	f.Add([]byte(`{"version":1,"accessToken":"t","accessTokenExpiresOn":1}`))
	f.Add([]byte(`{"version":1,"msalCache":{"AccessToken":{"K":{"secret":"zz","expires_on":"1e3"}},"IdToken":null}}`))
	f.Add([]byte(`{"version":1,"msalCache":{"AccessToken":{"k":{"secret":"z\u0041\"","x":[{"a":"]}"},-1e5,true]}},"Account":{}}}`))
	accounts := []profile.Account{testUser, testSP, {ID: "raw", Type: profile.AccessToken}}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Unmarshal(data)
		if err != nil {
			if len(data) > 8 && strings.Contains(err.Error(), string(data)) {
				t.Fatal("the error quotes the blob")
			}
			return
		}
		// the cache as Unmarshal read it, and the same bytes unchecked
		unchecked := &Credentials{MSALCache: append([]byte(nil), c.MSALCache...), ClientSecret: c.ClientSecret}
		for _, a := range accounts {
			tok, err := c.CachedToken(Request{Environment: testEnv, Account: a, Now: testNow})
			tok2, err2 := unchecked.CachedToken(Request{Environment: testEnv, Account: a, Now: testNow})
			if a.Type != profile.AccessToken && ((err == nil) != (err2 == nil) || !tok.AccessToken.Equal(tok2.AccessToken)) {
				t.Fatalf("a checked and an unchecked cache disagree: %v, %v", err, err2)
			}
			if err == nil {
				continue
			}
			if !errors.Is(err, ErrMiss) {
				t.Fatalf("lookup error %v is not a miss", err)
			}
			for _, s := range []string{string(c.MSALCache), c.AccessToken.Reveal(), c.ClientSecret.Reveal()} {
				if len(s) > 8 && strings.Contains(err.Error(), s) {
					t.Fatal("the miss quotes the blob")
				}
			}
		}
	})
}

// BenchmarkCachedToken is what `azc token` does once per process with the
// blob of a user signed in to 100 tenants (an ARM token in each): decode
// it and look the token up.
func BenchmarkCachedToken(b *testing.B) {
	ats := make([]map[string]any, 0, 100)
	for i := range 100 {
		realm := "aaaa-tenant"
		if i > 0 {
			realm = "tenant-" + strconv.Itoa(i)
		}
		ats = append(ats, with(userAT(), "realm", realm, "secret", strings.Repeat("x", 1500)))
	}
	cache, _ := json.Marshal(cacheOf(ats...))
	blob, _ := (&Credentials{MSALCache: cache}).Marshal()
	r := Request{Environment: testEnv, Account: testUser, Now: testNow}
	b.ReportAllocs()
	b.SetBytes(int64(len(blob)))
	for b.Loop() {
		c, err := Unmarshal(blob)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.CachedToken(r); err != nil {
			b.Fatal(err)
		}
	}
}
