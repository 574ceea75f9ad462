package credblob

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/secret"
)

// AzurePowerShellClientID is the public client azc signs users in with
// (auth.AzurePowerShellClientID): users' tokens are cached under it.
const AzurePowerShellClientID = "1950a258-227b-4e31-a9cf-717495945fc2"

// OneResource reports whether s can be one resource: valid UTF-8 without
// white space or control characters. Its scope goes to the identity
// provider in a list separated by spaces, so one holding a space would be
// several.
func OneResource(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) })
}

// SomeScopes reports whether s can be an OAuth scope parameter: one scope
// or more, separated by white space, each OneResource.
func SomeScopes(s string) bool {
	scopes := strings.Fields(s)
	return len(scopes) > 0 && !slices.ContainsFunc(scopes, func(x string) bool { return !OneResource(x) })
}

// ErrNotSignedIn says an account has no usable credentials: not in the
// profile, never signed in, signed out, or its store's key is gone. It
// equals auth.ErrNotSignedIn (both are a NotSignedIn), here for the azc
// binary, which does not link auth.
var ErrNotSignedIn error = NotSignedIn{}

// NotSignedIn is the error of ErrNotSignedIn and auth.ErrNotSignedIn: a
// value each package declares statically (a variable set from another
// package's would be work at start-up), which compare equal.
type NotSignedIn struct{}

func (NotSignedIn) Error() string { return "not signed in" }

// ErrMiss says the blob cannot answer a token request without a network
// call, or not provably as MSAL would: the caller asks auth (MSAL).
var ErrMiss = errors.New("no cached token to use without MSAL")

// expiryBuffer is how long before expiry MSAL stops serving a cached access
// token (its storage.AccessToken.Validate).
const expiryBuffer = 5 * time.Minute

// Request says which token CachedToken looks for; its fields mean what
// auth.Manager.Token's arguments mean.
type Request struct {
	Environment profile.Environment
	Account     profile.Account
	// TenantID is the token's tenant; "" means the account's home tenant.
	TenantID string
	// Scopes requested; empty means ARM (the environment's ARM audience
	// + "/.default").
	Scopes []string
	// Now is the clock reading expiry is judged by.
	Now time.Time
}

// CachedToken returns the access token that auth.Manager.Token would
// return for r from c without any network call: for users the one MSAL's
// AcquireTokenSilent serves from its cache, for service principals the one
// AcquireTokenByCredential serves from its app-token cache, for raw
// access-token accounts the stored token. Whenever MSAL would go to the
// network (no such token, under 5 minutes left, refresh_on passed), would
// fail, or might pick another token, it returns an error matching ErrMiss
// instead; managed identities always miss. docs/auth.md lists the rules.
// Errors never quote the blob.
func (c *Credentials) CachedToken(r Request) (Token, error) {
	switch r.Account.Type {
	case profile.AccessToken:
		return c.rawToken(r)
	case profile.UserAccount, profile.ServicePrincipal:
	default:
		return Token{}, miss("account type %q is not served from the cache", r.Account.Type)
	}
	scopes := r.Scopes
	if len(scopes) == 0 {
		scopes = []string{r.Environment.ARMAudience + "/.default"}
	}
	tenant := r.TenantID
	if tenant == "" {
		tenant = r.Account.HomeTenantID
	}
	realm, ok := realmOf(tenant)
	if !ok {
		return Token{}, miss("tenant %q is not a plain tenant id or domain", tenant)
	}
	aliases, ok := environmentAliases(r.Environment)
	if !ok {
		return Token{}, miss("authority host of environment %s has no known aliases", r.Environment.Name)
	}
	clientID := AzurePowerShellClientID
	if r.Account.Type == profile.ServicePrincipal {
		clientID = r.Account.ID
		if _, ok := realmOf(r.Account.HomeTenantID); !ok {
			return Token{}, miss("home tenant %q is not a plain tenant id or domain", r.Account.HomeTenantID)
		}
		if !c.credentialUsable(r.Account.Credential) {
			return Token{}, miss("the service principal's stored credential is missing or unusable")
		}
	}
	cache, err := parseMSALCache(c.MSALCache, c.cacheChecked())
	if err != nil {
		return Token{}, err
	}
	homeID := "" // app tokens have none
	if r.Account.Type == profile.UserAccount {
		if homeID, err = cache.homeAccountID(r.Account.HomeAccountID); err != nil {
			return Token{}, err
		}
	}
	at, err := cache.accessToken(homeID, aliases, realm, clientID, scopes)
	if err != nil {
		return Token{}, err
	}
	if homeID != "" {
		if err := cache.checkIDTokens(homeID, aliases, realm, clientID); err != nil {
			return Token{}, err
		}
	}
	cachedAt, expiresOn, refreshOn := at.times["cached_at"], at.times["expires_on"], at.times["refresh_on"]
	switch {
	case cachedAt.IsZero() || cachedAt.After(r.Now):
		return Token{}, miss("the cached access token has no valid cached_at")
	case expiresOn.Before(r.Now.Add(expiryBuffer)):
		return Token{}, miss("the cached access token expires within %v", expiryBuffer)
	case !refreshOn.IsZero() && r.Now.After(refreshOn):
		return Token{}, miss("the cached access token is past its refresh_on")
	case at.str["secret"] == "":
		return Token{}, miss("the cached access token is empty")
	}
	return Token{AccessToken: secret.New(at.str["secret"]), ExpiresOn: expiresOn, RefreshOn: refreshOn, TenantID: tenant}, nil
}

// cacheChecked reports whether MSALCache is still the slice Unmarshal
// read (and json.Unmarshal validated).
func (c *Credentials) cacheChecked() bool {
	return len(c.MSALCache) > 0 && len(c.checkedCache) == len(c.MSALCache) && &c.MSALCache[0] == &c.checkedCache[0]
}

// rawToken serves an accessToken account as auth does: until it expires.
func (c *Credentials) rawToken(r Request) (Token, error) {
	if c.AccessToken.IsZero() {
		return Token{}, miss("no access token stored")
	}
	if !c.AccessTokenExpires.IsZero() && !r.Now.Before(c.AccessTokenExpires) {
		return Token{}, miss("the stored access token has expired")
	}
	tenant := c.AccessTokenTenantID
	if tenant == "" {
		tenant = r.Account.HomeTenantID
	}
	if OtherTenant(tenant, r.TenantID) {
		return Token{}, miss("the stored access token is of tenant %s, not %s", tenant, r.TenantID)
	}
	return Token{AccessToken: c.AccessToken, ExpiresOn: c.AccessTokenExpires, TenantID: tenant}, nil
}

// OtherTenant reports whether asked, the tenant a token is asked for,
// names a tenant other than home, the one tenant whose tokens an account
// has (a managed identity, a raw access token): a tenant id other than
// home's. A domain is taken as home's: which tenant it names is not known
// without the network.
func OtherTenant(home, asked string) bool {
	return home != "" && asked != "" && !strings.EqualFold(home, asked) && profile.IsTenantID(asked)
}

func miss(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrMiss, fmt.Sprintf(format, a...))
}

// credentialUsable reports whether MSAL's confidential client could be
// built from the stored credential of kind (auth refuses to ask MSAL
// otherwise). A certificate is checked for shape only — one or more
// CERTIFICATE blocks and one unencrypted key block — not parsed: auth
// checked it when it stored it, and parsing an RSA key would cost the fast
// path more than the rest of the lookup.
func (c *Credentials) credentialUsable(kind string) bool {
	switch kind {
	case "secret":
		return !c.ClientSecret.IsZero()
	case "certificate":
		return pemShapeOK([]byte(c.Certificate.Reveal()))
	case "federated":
		return true
	}
	return false
}

// realmOf is the realm MSAL files a tenant's tokens under: the tenant,
// lower-cased (MSAL lower-cases the whole authority URL). Tenants that MSAL
// would refuse or rewrite (common, organizations, consumers, adfs, dstsv2,
// anything beyond letters, digits, dots, dashes and underscores) are
// refused.
func realmOf(tenant string) (string, bool) {
	if tenant == "" || tenant == "." || tenant == ".." {
		return "", false
	}
	for _, r := range tenant {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return "", false
		}
	}
	realm := strings.ToLower(tenant)
	switch realm {
	case "common", "organizations", "consumers", "adfs", "dstsv2":
		return "", false
	}
	return realm, true
}

// knownAliases are the authority hosts Entra ID's instance discovery
// reports as one cloud (MSAL has the same list built in for when discovery
// fails). MSAL matches cached entries of any alias.
var knownAliases = [][]string{
	{"login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"},
	{"login.partner.microsoftonline.cn", "login.chinacloudapi.cn"},
	{"login.microsoftonline.us", "login.usgovcloudapi.net"},
}

// environmentAliases are the hosts whose cache entries MSAL takes for env's
// authority: the authority's host (lower-cased, with its port) for custom
// environments, whose clients run without instance discovery; for built-in
// clouds every alias instance discovery reports.
func environmentAliases(env profile.Environment) ([]string, bool) {
	u, err := url.Parse(strings.ToLower(env.AuthorityHost))
	if err != nil || u.Scheme != "https" || u.Opaque != "" || u.User != nil || u.RawQuery != "" || u.ForceQuery ||
		u.Fragment != "" || (u.Path != "" && u.Path != "/") || u.Host == "" {
		return nil, false
	}
	for _, r := range u.Host {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune(".-:[]", r)) {
			return nil, false
		}
	}
	if !env.BuiltIn {
		return []string{u.Host}, true
	}
	for _, group := range knownAliases {
		if slices.Contains(group, u.Host) {
			return group, true
		}
	}
	return nil, false
}

// scopesMatch is MSAL's scope test for a cached access token: every
// requested scope is counted once per case-insensitively equal scope in
// the token's space-separated target, and the count must equal the number
// requested (so a target naming a scope twice matches differently from a
// set comparison, as it does in MSAL).
func scopesMatch(want []string, target string) bool {
	have := strings.Split(target, " ")
	n := 0
	for _, w := range want {
		for _, h := range have {
			if strings.EqualFold(w, h) {
				n++
			}
		}
	}
	return n == len(want)
}

// hasUpper reports whether a cache key is in MSAL's v1.0 form, which MSAL
// rewrites while reading (and may then serve another entry).
func hasUpper(key string) bool {
	return strings.ContainsFunc(key, func(r rune) bool { return r >= 'A' && r <= 'Z' })
}

func (c *msalCache) homeAccountID(want string) (string, error) {
	if want == "" {
		return "", miss("the account has no home account id")
	}
	found := ""
	for _, a := range c.accounts {
		h := a.str["home_account_id"]
		if !strings.EqualFold(h, want) {
			continue
		}
		if found != "" && found != h {
			return "", miss("the token cache holds the account under two spellings")
		}
		found = h
	}
	if found == "" {
		return "", miss("the token cache holds no sign-in for the account")
	}
	return found, nil
}

// accessToken finds the one cached access token MSAL's lookup would take.
// MSAL takes the first match in map order, so more than one is a miss.
func (c *msalCache) accessToken(homeID string, aliases []string, realm, clientID string, scopes []string) (cacheEntry, error) {
	var found []cacheEntry
	for _, at := range c.accessTokens {
		s := at.str
		if s["home_account_id"] != homeID || s["realm"] != realm || s["client_id"] != clientID {
			continue
		}
		bearer := (strings.EqualFold(s["token_type"], "Bearer") && s["keyid"] == "") || s["token_type"] == ""
		if !bearer || !slices.Contains(aliases, s["environment"]) || !scopesMatch(scopes, s["target"]) || s["ext_cache_key"] != "" {
			continue
		}
		found = append(found, at)
	}
	switch {
	case len(found) == 0:
		return cacheEntry{}, miss("no cached access token for these scopes and tenant")
	case len(found) > 1:
		return cacheEntry{}, miss("%d cached access tokens match; MSAL would pick one at random", len(found))
	case hasUpper(found[0].key):
		return cacheEntry{}, miss("the cached access token has an old-style key")
	}
	return found[0], nil
}

// checkIDTokens fails when MSAL's silent lookup would fail to decode the ID
// token it reads beside the access token (and so go to the network).
func (c *msalCache) checkIDTokens(homeID string, aliases []string, realm, clientID string) error {
	for _, it := range c.idTokens {
		s := it.str
		if s["home_account_id"] != homeID || s["realm"] != realm || s["client_id"] != clientID || !slices.Contains(aliases, s["environment"]) {
			continue
		}
		if hasUpper(it.key) || !idTokenDecodes(s["secret"]) {
			return miss("the cached ID token would not decode")
		}
	}
	return nil
}

// idTokenClaims has the JSON names and Go types MSAL decodes an ID token's
// claims into (encoding/json, names matched case-insensitively), so that
// claims MSAL would refuse are refused here too.
type idTokenClaims struct {
	PreferredUsername string `json:"preferred_username,omitempty"`
	GivenName         string `json:"given_name,omitempty"`
	FamilyName        string `json:"family_name,omitempty"`
	MiddleName        string `json:"middle_name,omitempty"`
	Name              string `json:"name,omitempty"`
	Oid               string `json:"oid,omitempty"`
	TenantID          string `json:"tid,omitempty"`
	Subject           string `json:"sub,omitempty"`
	UPN               string `json:"upn,omitempty"`
	Email             string `json:"email,omitempty"`
	AlternativeID     string `json:"alternative_id,omitempty"`
	Issuer            string `json:"iss,omitempty"`
	Audience          string `json:"aud,omitempty"`
	ExpirationTime    int64  `json:"exp,omitempty"`
	IssuedAt          int64  `json:"iat,omitempty"`
	NotBefore         int64  `json:"nbf,omitempty"`
	// RawToken and AdditionalFields have no tag in MSAL either: claims
	// named like them must decode into a string and an object.
	RawToken         string
	AdditionalFields map[string]any
}

// idTokenDecodes reports whether MSAL's ID token decoder accepts jwt.
func idTokenDecodes(jwt string) bool {
	if jwt == "null" {
		return true
	}
	parts := strings.Split(strings.Trim(jwt, `"`), ".")
	if len(parts) < 2 {
		return false
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return false
	}
	var claims idTokenClaims
	return json.Unmarshal(payload, &claims) == nil
}
