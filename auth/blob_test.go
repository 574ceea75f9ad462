package auth

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/internal/credblob"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/secret"
)

// blobJSON is an account blob's wire form (credblob's format), for tests
// that edit a blob's MSAL cache in place.
type blobJSON struct {
	Version             int             `json:"version"`
	MSALCache           json.RawMessage `json:"msalCache,omitempty"`
	Secret              string          `json:"secret,omitempty"`
	Certificate         string          `json:"certificate,omitempty"`
	AccessToken         string          `json:"accessToken,omitempty"`
	AccessTokenExpires  int64           `json:"accessTokenExpiresOn,omitempty"`
	AccessTokenTenantID string          `json:"accessTokenTenantId,omitempty"`
}

func TestCredentialsKeepEveryFieldThroughCredblob(t *testing.T) {
	t.Parallel()
	in := &credentials{msalCache: []byte(`{"AccessToken":{}}`), clientSecret: secret.New("s3cret"), certificate: secret.New("pem"),
		accessToken: secret.New("tok"), accessTokenExpires: time.Unix(1700000000, 0), accessTokenTenantID: "t"}
	data, err := in.marshal()
	if err != nil {
		t.Fatal(err)
	}
	out, err := unmarshalCredentials(data)
	if err != nil {
		t.Fatal(err)
	}
	if string(out.msalCache) != string(in.msalCache) || out.clientSecret.Reveal() != "s3cret" || out.certificate.Reveal() != "pem" ||
		out.accessToken.Reveal() != "tok" || !out.accessTokenExpires.Equal(in.accessTokenExpires) || out.accessTokenTenantID != "t" {
		t.Fatalf("round trip lost data")
	}
	// blobJSON (the tests' view of the format) reads the same bytes
	var b blobJSON
	if err := json.Unmarshal(data, &b); err != nil || b.Version != credblob.Version || b.Secret != "s3cret" || b.AccessTokenExpires != 1700000000 {
		t.Fatalf("blobJSON does not match the format: %v", err)
	}
}

func TestPublicClientIDMatchesCredblob(t *testing.T) {
	t.Parallel()
	if AzurePowerShellClientID != credblob.AzurePowerShellClientID {
		t.Fatal("auth and credblob disagree on the public client id")
	}
}

// requests is every request the emulator has answered.
func requests(s *emulator.Server) int {
	n := 0
	for _, r := range []string{emulator.RouteToken, emulator.RouteDeviceCode, emulator.RouteAuthorize, emulator.RouteMetadata,
		emulator.RouteJWKS, emulator.RouteTenants, emulator.RouteSubscriptions, emulator.RouteEcho, emulator.RouteManagedIdentity} {
		n += s.Count(r, "")
	}
	return n
}

// editAccessTokens applies edit to every cached access token of the blob
// of key for which match is true, and fails the test when none is.
func editAccessTokens(t *testing.T, blobs Blobs, key string, match func(at map[string]any) bool, edit func(at map[string]any)) {
	t.Helper()
	err := blobs.Update(key, func(old []byte) ([]byte, error) {
		var b blobJSON
		if err := json.Unmarshal(old, &b); err != nil {
			return nil, err
		}
		var c map[string]json.RawMessage
		if err := json.Unmarshal(b.MSALCache, &c); err != nil {
			return nil, err
		}
		var ats map[string]map[string]any
		if err := json.Unmarshal(c["AccessToken"], &ats); err != nil {
			return nil, err
		}
		n := 0
		for _, at := range ats {
			if match(at) {
				edit(at)
				n++
			}
		}
		if n == 0 {
			return nil, errors.New("no cached access token matched")
		}
		var err error
		if c["AccessToken"], err = json.Marshal(ats); err != nil {
			return nil, err
		}
		if b.MSALCache, err = json.Marshal(c); err != nil {
			return nil, err
		}
		return json.Marshal(b)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// addAccessToken adds a copy of the first access token match selects, under
// a new key, with edit applied.
func addAccessToken(t *testing.T, blobs Blobs, key string, match func(at map[string]any) bool, edit func(at map[string]any)) {
	t.Helper()
	err := blobs.Update(key, func(old []byte) ([]byte, error) {
		var b blobJSON
		if err := json.Unmarshal(old, &b); err != nil {
			return nil, err
		}
		var c map[string]json.RawMessage
		if err := json.Unmarshal(b.MSALCache, &c); err != nil {
			return nil, err
		}
		var ats map[string]map[string]any
		if err := json.Unmarshal(c["AccessToken"], &ats); err != nil {
			return nil, err
		}
		for _, at := range ats {
			if match(at) {
				cp := maps.Clone(at)
				edit(cp)
				ats["added-"+strconv.Itoa(len(ats))] = cp
				var err error
				if c["AccessToken"], err = json.Marshal(ats); err != nil {
					return nil, err
				}
				if b.MSALCache, err = json.Marshal(c); err != nil {
					return nil, err
				}
				return json.Marshal(b)
			}
		}
		return nil, errors.New("no cached access token matched")
	})
	if err != nil {
		t.Fatal(err)
	}
}

func inRealm(realm string) func(map[string]any) bool {
	return func(at map[string]any) bool { return at["realm"] == realm }
}

func armIn(env profile.Environment, realm string) func(map[string]any) bool {
	return func(at map[string]any) bool {
		target, _ := at["target"].(string)
		return at["realm"] == realm && strings.Contains(strings.ToLower(target), strings.ToLower(ARMScope(env)))
	}
}

func unixIn(d time.Duration) string { return strconv.FormatInt(time.Now().Add(d).Unix(), 10) }

// TestCachedTokenAgreesWithMSAL signs in with real MSAL against the
// emulator and checks credblob's cache-only lookup against Manager.Token:
// when MSAL answers without a request, the lookup returns the very same
// token; when MSAL goes to the network (or fails), the lookup misses.
func TestCachedTokenAgreesWithMSAL(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	m := newTestManager(s, nil)
	env := emulatorEnv(s)
	ctx := context.Background()
	blobs := newMemBlobs()
	user := deviceLogin(t, s, m, emulator.DefaultUser)
	if err := user.Save(ctx, blobs, nil); err != nil {
		t.Fatal(err)
	}
	sp := spLogin(t, s, m, LoginOptions{SkipPopulation: true})
	if err := sp.Save(ctx, blobs, nil); err != nil {
		t.Fatal(err)
	}
	home := strings.ToLower(emulator.DefaultHomeTenantID)
	storage := "https://storage.azure.com/.default"

	type step struct {
		name    string
		acct    profile.Account
		req     TokenRequest
		prepare func(t *testing.T)
		// want: "hit" (the lookup serves MSAL's token, MSAL makes no
		// request), "miss" (MSAL makes a request or fails), or "doubt"
		// (MSAL serves from its cache but the lookup may not be sure).
		want string
	}
	steps := []step{
		{name: "a user's ARM token in the home tenant", acct: user.Account, want: "hit"},
		{name: "the same, tenant named explicitly", acct: user.Account, req: TokenRequest{TenantID: emulator.DefaultHomeTenantID}, want: "hit"},
		{name: "the same, tenant in upper case", acct: user.Account, req: TokenRequest{TenantID: strings.ToUpper(emulator.DefaultHomeTenantID)}, want: "hit"},
		{name: "a user's ARM token in another tenant", acct: user.Account, req: TokenRequest{TenantID: emulator.DefaultGuestTenantID}, want: "hit"},
		{name: "another resource, never asked for", acct: user.Account, req: TokenRequest{Scopes: []string{storage}}, want: "miss"},
		{name: "that resource again", acct: user.Account, req: TokenRequest{Scopes: []string{storage}}, want: "hit"},
		{name: "that resource's scope in other case", acct: user.Account, req: TokenRequest{Scopes: []string{strings.ToUpper(storage)}}, want: "hit"},
		{name: "an unknown scope", acct: user.Account, req: TokenRequest{Scopes: []string{"https://unknown.example/.default"}}, want: "miss"},
		{name: "two scopes, one cached", acct: user.Account, req: TokenRequest{Scopes: []string{storage, ARMScope(env)}}, want: "miss"},
		{name: "four minutes left", acct: user.Account, want: "miss", prepare: func(t *testing.T) {
			editAccessTokens(t, blobs, user.Account.Key(), inRealm(home), func(at map[string]any) { at["expires_on"] = unixIn(4 * time.Minute) })
		}},
		{name: "refreshed: served again", acct: user.Account, want: "hit"},
		{name: "six minutes left", acct: user.Account, want: "hit", prepare: func(t *testing.T) {
			editAccessTokens(t, blobs, user.Account.Key(), inRealm(home), func(at map[string]any) { at["expires_on"] = unixIn(6 * time.Minute) })
		}},
		{name: "expired", acct: user.Account, want: "miss", prepare: func(t *testing.T) {
			editAccessTokens(t, blobs, user.Account.Key(), inRealm(home), func(at map[string]any) { at["expires_on"] = "1000" })
		}},
		{name: "refresh_on passed", acct: user.Account, want: "miss", prepare: func(t *testing.T) {
			editAccessTokens(t, blobs, user.Account.Key(), inRealm(home), func(at map[string]any) { at["refresh_on"] = unixIn(-time.Minute) })
		}},
		{name: "refresh_on ahead", acct: user.Account, want: "hit", prepare: func(t *testing.T) {
			editAccessTokens(t, blobs, user.Account.Key(), inRealm(home), func(at map[string]any) { at["refresh_on"] = unixIn(10 * time.Minute) })
		}},
		{name: "cached in the future", acct: user.Account, want: "miss", prepare: func(t *testing.T) {
			editAccessTokens(t, blobs, user.Account.Key(), inRealm(home), func(at map[string]any) { at["cached_at"] = unixIn(time.Hour) })
		}},
		{name: "a second token matching the same request", acct: user.Account, want: "doubt", prepare: func(t *testing.T) {
			addAccessToken(t, blobs, user.Account.Key(), armIn(env, home), func(at map[string]any) { at["target"] = at["target"].(string) + " extra" })
		}},
		{name: "a service principal's ARM token", acct: sp.Account, want: "hit"},
		{name: "a service principal, another resource", acct: sp.Account, req: TokenRequest{Scopes: []string{storage}}, want: "miss"},
		{name: "a service principal, that resource again", acct: sp.Account, req: TokenRequest{Scopes: []string{storage}}, want: "hit"},
		{name: "a service principal, four minutes left", acct: sp.Account, want: "miss", prepare: func(t *testing.T) {
			editAccessTokens(t, blobs, sp.Account.Key(), inRealm(home), func(at map[string]any) { at["expires_on"] = unixIn(4 * time.Minute) })
		}},
		{name: "a service principal, refresh_on passed", acct: sp.Account, want: "miss", prepare: func(t *testing.T) {
			editAccessTokens(t, blobs, sp.Account.Key(), inRealm(home), func(at map[string]any) { at["refresh_on"] = unixIn(-time.Minute) })
		}},
		{name: "a service principal, served again", acct: sp.Account, want: "hit"},
	}
	for _, st := range steps {
		if st.prepare != nil {
			st.prepare(t)
		}
		data, err := blobs.Get(st.acct.Key())
		if err != nil {
			t.Fatal(err)
		}
		creds, err := credblob.Unmarshal(data)
		if err != nil {
			t.Fatal(err)
		}
		fast, ferr := creds.CachedToken(credblob.Request{Environment: env, Account: st.acct, TenantID: st.req.TenantID, Scopes: st.req.Scopes, Now: time.Now()})
		before := requests(s)
		slow, serr := m.Token(ctx, blobs, env, st.acct, st.req)
		network := requests(s) != before
		switch {
		case ferr != nil && !errors.Is(ferr, credblob.ErrMiss):
			t.Errorf("%s: lookup error %v does not match ErrMiss", st.name, ferr)
		case st.want == "hit" && (ferr != nil || serr != nil || network):
			t.Errorf("%s: want a hit; lookup: %v; MSAL: %v, network %v", st.name, ferr, serr, network)
		case st.want == "miss" && (ferr == nil || (serr == nil && !network)):
			t.Errorf("%s: want a miss; lookup: %v; MSAL: %v, network %v", st.name, ferr, serr, network)
		case st.want == "doubt" && (ferr == nil || serr != nil || network):
			t.Errorf("%s: want a miss while MSAL serves from its cache; lookup: %v; MSAL: %v, network %v", st.name, ferr, serr, network)
		case ferr == nil && (!fast.AccessToken.Equal(slow.AccessToken) || !fast.ExpiresOn.Equal(slow.ExpiresOn) ||
			!fast.RefreshOn.Equal(slow.RefreshOn) || fast.TenantID != slow.TenantID):
			t.Errorf("%s: the lookup's token differs from MSAL's (expiry %v vs %v, refresh %v vs %v, tenant %q vs %q)", st.name,
				fast.ExpiresOn, slow.ExpiresOn, fast.RefreshOn, slow.RefreshOn, fast.TenantID, slow.TenantID)
		}
	}
}

func TestCachedTokenServesRawTokensAndNeverManagedIdentities(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	m := newIdentityManager(s)
	env := emulatorEnv(s)
	ctx := context.Background()
	mi, raw, tok, blobs := signInIdentityAndRawToken(t, m, env)
	if _, err := (&credblob.Credentials{}).CachedToken(credblob.Request{Environment: env, Account: mi.Account, Now: time.Now()}); !errors.Is(err, credblob.ErrMiss) {
		t.Fatalf("managed identity: %v, want a miss", err)
	}
	data, _ := blobs.Get(raw.Account.Key())
	creds, err := credblob.Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, now := range []time.Time{time.Now(), tok.ExpiresOn.Add(-time.Second), tok.ExpiresOn} {
		fast, ferr := creds.CachedToken(credblob.Request{Environment: env, Account: raw.Account, Scopes: []string{"https://storage.azure.com/.default"}, Now: now})
		m := New(Config{HTTPClient: s.Client(), Now: func() time.Time { return now }})
		slow, serr := m.Token(ctx, blobs, env, raw.Account, TokenRequest{})
		if (ferr == nil) != (serr == nil) || (ferr == nil && (!fast.AccessToken.Equal(slow.AccessToken) || !fast.ExpiresOn.Equal(slow.ExpiresOn) || fast.TenantID != slow.TenantID)) {
			t.Errorf("at %v: lookup %v, auth %v", now, ferr, serr)
		}
	}
}

// refusingTransport fails every request and counts them.
type refusingTransport struct{ n atomic.Int64 }

func (rt *refusingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	rt.n.Add(1)
	return nil, errors.New("no network in this test")
}

// FuzzCachedTokenAgainstMSAL feeds arbitrary MSAL caches to both credblob's
// lookup and MSAL (through Manager.Token, with a network that refuses every
// request): whenever the lookup serves a token, MSAL must serve the very
// same one without a request.
func FuzzCachedTokenAgainstMSAL(f *testing.F) {
	s := startEmulator(f, nil)
	m := newTestManager(s, nil)
	env := emulatorEnv(s)
	ctx := context.Background()
	seedBlobs := newMemBlobs()
	s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, emulator.DefaultUser) })
	user, err := m.Login(ctx, LoginOptions{Environment: env, Method: DeviceCode})
	if err != nil {
		f.Fatal(err)
	}
	sp := spLogin(f, s, m, LoginOptions{SkipPopulation: true})
	for _, res := range []*LoginResult{user, sp} {
		if err := res.Save(ctx, seedBlobs, nil); err != nil {
			f.Fatal(err)
		}
		// a token for the home tenant too, beside the sign-in's own
		if _, err := m.Token(ctx, seedBlobs, env, res.Account, TokenRequest{}); err != nil {
			f.Fatal(err)
		}
		data, _ := seedBlobs.Get(res.Account.Key())
		var b blobJSON
		if err := json.Unmarshal(data, &b); err != nil {
			f.Fatal(err)
		}
		f.Add([]byte(b.MSALCache))
	}
	f.Add([]byte(`{"AccessToken":{"k":{"realm":"x","realm":5}},"Account":null}`))
	accounts := []profile.Account{user.Account, sp.Account}
	f.Fuzz(func(t *testing.T, cache []byte) {
		for _, acct := range accounts {
			blob, err := (&credblob.Credentials{MSALCache: cache, ClientSecret: secret.New(emulator.DefaultServicePrincipalSecret)}).Marshal()
			if err != nil {
				return // not JSON: no blob holds it
			}
			creds, err := credblob.Unmarshal(blob)
			if err != nil {
				t.Fatal(err)
			}
			fast, ferr := creds.CachedToken(credblob.Request{Environment: env, Account: acct, Now: time.Now()})
			if ferr != nil {
				continue
			}
			blobs := newMemBlobs()
			if err := blobs.Put(acct.Key(), blob); err != nil {
				t.Fatal(err)
			}
			rt := &refusingTransport{}
			mm := New(Config{HTTPClient: &http.Client{Transport: rt}})
			slow, serr := mm.Token(ctx, blobs, env, acct, TokenRequest{})
			if serr != nil || rt.n.Load() != 0 || !slow.AccessToken.Equal(fast.AccessToken) || !slow.ExpiresOn.Equal(fast.ExpiresOn) ||
				!slow.RefreshOn.Equal(fast.RefreshOn) || slow.TenantID != fast.TenantID {
				t.Fatalf("%s: the lookup served a token but MSAL: %v, %d requests, same token %v", acct.Type, serr, rt.n.Load(), slow.AccessToken.Equal(fast.AccessToken))
			}
		}
	})
}

// TestCredentialsPrintNoSecret: fmt cannot call the redacting methods of
// secret.String in unexported fields, and the MSAL cache holds refresh
// tokens: credentials printed or logged, in any verb, show none of them.
func TestCredentialsPrintNoSecret(t *testing.T) {
	c := &credentials{msalCache: []byte(`{"RefreshToken":"rt-secret"}`), clientSecret: secret.New("cs-secret"),
		certificate: secret.New("cert-secret"), accessToken: secret.New("at-secret")}
	var logs strings.Builder
	slog.New(slog.NewTextHandler(&logs, nil)).Info("x", "creds", c, "value", *c)
	out := fmt.Sprintf("%v %+v %#v %s %x %q %v %+v %#v", c, c, c, c, c, c, *c, *c, *c) + logs.String()
	for _, s := range []string{"rt-secret", "cs-secret", "cert-secret", "at-secret", hex.EncodeToString([]byte("cs-secret")), hex.EncodeToString([]byte("rt-secret"))} {
		if strings.Contains(out, s) {
			t.Errorf("printed credentials show %q", s)
		}
	}
}
