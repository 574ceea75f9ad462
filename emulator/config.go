package emulator

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Well-known public client IDs that every emulator accepts, even when the seed omits them.
const (
	// AzurePowerShellClientID is Azure PowerShell's public client; azc signs in as it.
	AzurePowerShellClientID = "1950a258-227b-4e31-a9cf-717495945fc2"
	// AzureCLIClientID is the az CLI's public client.
	AzureCLIClientID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
)

// Identifiers of the world DefaultConfig seeds. They are constants so tests can name them.
const (
	DefaultHomeTenantID            = "11111111-1111-4111-8111-111111111111"
	DefaultHomeTenantDomain        = "contoso.test"
	DefaultGuestTenantID           = "22222222-2222-4222-8222-222222222222"
	DefaultGuestTenantDomain       = "fabrikam.test"
	DefaultUser                    = "alice@contoso.test"
	DefaultUserObjectID            = "aaaaaaaa-0000-4000-8000-000000000001"
	DefaultGuestUser               = "bob@fabrikam.test"
	DefaultGuestUserObjectID       = "aaaaaaaa-0000-4000-8000-000000000002"
	DefaultServicePrincipalID      = "33333333-3333-4333-8333-333333333333"
	DefaultServicePrincipalSecret  = "emulator-sp-secret"
	DefaultManagedIdentityClientID = "44444444-4444-4444-8444-444444444444"
	DefaultManagedIdentityResource = "/subscriptions/5a5a5a5a-0000-4000-8000-000000000001/resourcegroups/ci/providers/Microsoft.ManagedIdentity/userAssignedIdentities/ci-identity"
	DefaultSubscriptionID          = "5a5a5a5a-0000-4000-8000-000000000001"
	DefaultDisabledSubscriptionID  = "5a5a5a5a-0000-4000-8000-000000000003"
	DefaultGuestSubscriptionID     = "5a5a5a5a-0000-4000-8000-000000000004"
)

// FederationIssuer is the issuer of the workload identity tokens the emulator mints itself
// (Server.FederatedToken). Seed federated credentials with this issuer to test federated
// sign-in without an external identity provider.
const FederationIssuer = "https://federation.azc-emulator.test"

// DefaultFederatedAudience is the audience a federated credential expects when it names none.
const DefaultFederatedAudience = "api://AzureADTokenExchange"

// Config is the emulator's seed: the directory (tenants, users, applications, managed
// identities), the ARM subscriptions and the knobs. Its JSON form is documented in
// docs/emulator.md. Tenants are named anywhere by id or by any of their domains.
type Config struct {
	Tenants           []Tenant          `json:"tenants,omitempty"`
	Users             []User            `json:"users,omitempty"`
	Apps              []App             `json:"apps,omitempty"`
	ManagedIdentities []ManagedIdentity `json:"managedIdentities,omitempty"`
	Subscriptions     []Subscription    `json:"subscriptions,omitempty"`
	// FederatedIssuers are external identity providers whose tokens federated credentials
	// accept, with the certificates or public keys (PEM) that verify them. FederationIssuer
	// is always known.
	FederatedIssuers []FederatedIssuer `json:"federatedIssuers,omitempty"`
	// TokenLifetime is the lifetime of access tokens (default 1h). At 5m or less MSAL never
	// caches them, so every silent call redeems the refresh token.
	TokenLifetime Duration `json:"tokenLifetime,omitempty"`
	// DeviceCodeLifetime is how long a device code can be approved (default 15m).
	DeviceCodeLifetime Duration `json:"deviceCodeLifetime,omitempty"`
	// PageSize is the number of items per ARM list page (default 100).
	PageSize int `json:"pageSize,omitempty"`
	// RotateRefreshTokens makes a redeemed refresh token invalid, as ADFS and some other
	// identity providers do. By default the emulator behaves as Entra ID: every redemption
	// hands out a fresh refresh token and the redeemed one stays valid.
	RotateRefreshTokens bool `json:"rotateRefreshTokens,omitempty"`
	// Generate adds generated tenants and subscriptions to the seed.
	Generate *Generate `json:"generate,omitempty"`
	// Now is the emulator's clock (default time.Now); tests may inject one to expire tokens.
	Now func() time.Time `json:"-"`
}

// Tenant is a Microsoft Entra tenant.
type Tenant struct {
	ID            string   `json:"id"`
	DefaultDomain string   `json:"defaultDomain"`
	DisplayName   string   `json:"displayName,omitempty"`
	Domains       []string `json:"domains,omitempty"`
	CountryCode   string   `json:"countryCode,omitempty"`
}

// User is a user account. It signs in to its home tenant and to each guest tenant.
type User struct {
	UPN          string   `json:"upn"`
	ObjectID     string   `json:"objectId,omitempty"`
	DisplayName  string   `json:"displayName,omitempty"`
	HomeTenant   string   `json:"homeTenant"`
	GuestTenants []string `json:"guestTenants,omitempty"`
}

// App is an application registration with its service principals. A public client takes
// no credential and may be used in every tenant; a confidential client authenticates with
// a secret, a certificate or a federated credential and has a service principal in its
// home tenant and in each of Tenants.
type App struct {
	AppID                string                `json:"appId"`
	DisplayName          string                `json:"displayName,omitempty"`
	Tenant               string                `json:"tenant,omitempty"`
	Tenants              []string              `json:"tenants,omitempty"`
	ObjectID             string                `json:"objectId,omitempty"`
	Public               bool                  `json:"public,omitempty"`
	RedirectURIs         []string              `json:"redirectUris,omitempty"`
	Secrets              []string              `json:"secrets,omitempty"`
	Certificates         []string              `json:"certificates,omitempty"`
	FederatedCredentials []FederatedCredential `json:"federatedCredentials,omitempty"`
	Roles                []string              `json:"roles,omitempty"`
}

// FederatedCredential lets an app sign in with a token from another issuer.
type FederatedCredential struct {
	Issuer    string   `json:"issuer"`
	Subject   string   `json:"subject"`
	Audiences []string `json:"audiences,omitempty"`
}

// FederatedIssuer is an external token issuer and the PEM keys or certificates that verify
// its tokens.
type FederatedIssuer struct {
	Issuer string   `json:"issuer"`
	Keys   []string `json:"keys"`
}

// ManagedIdentity is an identity served by the App Service managed identity endpoint.
// The first one answers requests that name no identity (the system-assigned identity).
type ManagedIdentity struct {
	Name       string `json:"name"`
	ClientID   string `json:"clientId"`
	ObjectID   string `json:"objectId,omitempty"`
	ResourceID string `json:"resourceId,omitempty"`
	Tenant     string `json:"tenant"`
}

// Subscription is an ARM subscription in one tenant. Principals lists who may see it
// (user UPN or object ID, app ID, managed identity client ID or name); empty means every
// principal that can get a token for its tenant.
type Subscription struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	State      string   `json:"state,omitempty"`
	Tenant     string   `json:"tenant"`
	Principals []string `json:"principals,omitempty"`
}

// Generate adds Tenants generated tenants with SubscriptionsPerTenant enabled subscriptions
// each. Every seeded user is a guest, and every seeded confidential app has a service
// principal, in each generated tenant; generated subscriptions are visible to all of them.
type Generate struct {
	Tenants                int `json:"tenants"`
	SubscriptionsPerTenant int `json:"subscriptionsPerTenant"`
}

// Duration is a time.Duration that reads JSON as a Go duration string ("90m") or a number
// of seconds.
type Duration time.Duration

// UnmarshalJSON reads "1h30m" or 5400.
func (d *Duration) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("invalid duration %q: %w", s, err)
		}
		*d = Duration(v)
		return nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("invalid duration %s: want a string such as \"1h\" or whole seconds", b)
	}
	if n > int64(1<<62/time.Second) || n < -int64(1<<62/time.Second) {
		return fmt.Errorf("duration %d seconds out of range", n)
	}
	*d = Duration(time.Duration(n) * time.Second)
	return nil
}

// MarshalJSON writes the duration as a Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// Limits that keep a seed from exhausting memory.
const (
	maxGeneratedTenants       = 10000
	maxGeneratedSubscriptions = 1000000
)

// ParseConfig reads a JSON seed. Unknown fields are errors, so typos surface.
func ParseConfig(data []byte) (*Config, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("parse emulator config: the seed is empty; it is a JSON object (see examples/emulator-seed.json)")
	}
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		// encoding/json reads null into a zero Config: an empty world, not a seed.
		return nil, errors.New("parse emulator config: the seed is null; it is a JSON object (see examples/emulator-seed.json)")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Config
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("parse emulator config: %w", err)
	}
	if dec.More() {
		return nil, errors.New("parse emulator config: trailing data after the JSON object")
	}
	if _, err := c.compile(); err != nil {
		return nil, err
	}
	return &c, nil
}

// maxConfigSize is the largest seed LoadConfig reads: a seed that lists
// 50,000 tenants, users and subscriptions takes about 10 MiB, and
// "generate" makes larger worlds from a few lines, so a larger file is not
// a seed (/dev/zero would be read forever).
const maxConfigSize = 16 << 20

// LoadConfig reads a JSON seed from path. A file over 16 MiB is refused
// before it is read whole; errors name path.
func LoadConfig(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load emulator config: %w", err)
	}
	defer f.Close()
	tooLarge := fmt.Errorf("load emulator config: %s is larger than %d MiB, the most the emulator reads", path, maxConfigSize>>20)
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > maxConfigSize {
		return nil, tooLarge
	}
	data, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return nil, fmt.Errorf("load emulator config %s: %w", path, err)
	}
	if len(data) > maxConfigSize {
		return nil, tooLarge
	}
	c, err := ParseConfig(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// DefaultConfig returns a small, useful world: tenants contoso.test (home) and
// fabrikam.test; alice@contoso.test, who is a guest in fabrikam.test; bob@fabrikam.test; a
// service principal with a secret; a managed identity; four subscriptions, one of them
// Disabled; and the well-known public clients. Each call returns a fresh value.
func DefaultConfig() *Config {
	return &Config{
		Tenants: []Tenant{
			{ID: DefaultHomeTenantID, DefaultDomain: DefaultHomeTenantDomain, DisplayName: "Contoso"},
			{ID: DefaultGuestTenantID, DefaultDomain: DefaultGuestTenantDomain, DisplayName: "Fabrikam"},
		},
		Users: []User{
			{UPN: DefaultUser, ObjectID: DefaultUserObjectID, DisplayName: "Alice Example", HomeTenant: DefaultHomeTenantID, GuestTenants: []string{DefaultGuestTenantID}},
			{UPN: DefaultGuestUser, ObjectID: DefaultGuestUserObjectID, DisplayName: "Bob Example", HomeTenant: DefaultGuestTenantID},
		},
		Apps: []App{{
			AppID:       DefaultServicePrincipalID,
			DisplayName: "azc-emulator-sp",
			Tenant:      DefaultHomeTenantID,
			Secrets:     []string{DefaultServicePrincipalSecret},
			Roles:       []string{"Emulator.Read"},
		}},
		ManagedIdentities: []ManagedIdentity{{
			Name:       "ci-identity",
			ClientID:   DefaultManagedIdentityClientID,
			ObjectID:   "aaaaaaaa-0000-4000-8000-000000000003",
			ResourceID: DefaultManagedIdentityResource,
			Tenant:     DefaultHomeTenantID,
		}},
		Subscriptions: []Subscription{
			{ID: DefaultSubscriptionID, Name: "Contoso Dev", State: "Enabled", Tenant: DefaultHomeTenantID},
			{ID: "5a5a5a5a-0000-4000-8000-000000000002", Name: "Contoso Prod", State: "Enabled", Tenant: DefaultHomeTenantID, Principals: []string{DefaultUser}},
			{ID: DefaultDisabledSubscriptionID, Name: "Contoso Legacy", State: "Disabled", Tenant: DefaultHomeTenantID},
			{ID: DefaultGuestSubscriptionID, Name: "Fabrikam Shared", State: "Enabled", Tenant: DefaultGuestTenantID},
		},
	}
}

// directory is the compiled, validated, read-only form of a Config.
type directory struct {
	tenants      []*tenantRec
	tenantByName map[string]*tenantRec // lower-case id and domains
	users        map[string]*userRec   // lower-case upn
	apps         map[string]*appRec    // lower-case app id
	mis          []*miRec
	subsByTenant map[string][]*subRec // tenant id → its subscriptions, in seed order
	subByID      map[string]*subRec   // lower-case subscription id
	issuers      map[string][]any     // issuer → public keys
	tokenLife    time.Duration
	deviceLife   time.Duration
	pageSize     int
	rotate       bool // a redeemed refresh token is refused (Config.RotateRefreshTokens)
}

type tenantRec struct {
	Tenant
	domains []string
}

type userRec struct {
	User
	home    *tenantRec
	tenants map[string]bool // tenant ids
}

type appRec struct {
	App
	home    *tenantRec // nil for the well-known public clients
	tenants map[string]bool
	certs   []*x509.Certificate
}

type miRec struct {
	ManagedIdentity
	tenant *tenantRec
}

type subRec struct {
	Subscription
	tenant     *tenantRec
	principals map[string]bool // lower-case; empty = all
}

func (d *directory) tenant(name string) (*tenantRec, error) {
	t, ok := d.tenantByName[strings.ToLower(name)]
	if !ok {
		return nil, fmt.Errorf("unknown tenant %q", name)
	}
	return t, nil
}

func validID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}

// compile validates the seed and builds the directory; every error names the offending item.
func (c *Config) compile() (*directory, error) {
	d := &directory{
		tenantByName: map[string]*tenantRec{},
		users:        map[string]*userRec{},
		apps:         map[string]*appRec{},
		issuers:      map[string][]any{},
		subsByTenant: map[string][]*subRec{},
		subByID:      map[string]*subRec{},
		tokenLife:    time.Hour,
		deviceLife:   15 * time.Minute,
		pageSize:     100,
		rotate:       c.RotateRefreshTokens,
	}
	fail := func(format string, args ...any) (*directory, error) {
		return nil, fmt.Errorf("invalid emulator config: "+format, args...)
	}
	if c.TokenLifetime != 0 {
		if c.TokenLifetime < Duration(time.Minute) || c.TokenLifetime > Duration(48*time.Hour) {
			return fail("tokenLifetime %v must be between 1m and 48h", time.Duration(c.TokenLifetime))
		}
		d.tokenLife = time.Duration(c.TokenLifetime)
	}
	if c.DeviceCodeLifetime != 0 {
		if c.DeviceCodeLifetime < Duration(time.Second) || c.DeviceCodeLifetime > Duration(24*time.Hour) {
			return fail("deviceCodeLifetime %v must be between 1s and 24h", time.Duration(c.DeviceCodeLifetime))
		}
		d.deviceLife = time.Duration(c.DeviceCodeLifetime)
	}
	if c.PageSize < 0 || c.PageSize > 10000 {
		return fail("pageSize %d must be between 1 and 10000", c.PageSize)
	}
	if c.PageSize > 0 {
		d.pageSize = c.PageSize
	}

	addTenant := func(t Tenant) error {
		if !validID(t.ID) {
			return fmt.Errorf("tenant id %q is not a GUID", t.ID)
		}
		rec := &tenantRec{Tenant: t}
		rec.ID = strings.ToLower(t.ID)
		if t.DefaultDomain == "" {
			return fmt.Errorf("tenant %s has no defaultDomain", t.ID)
		}
		rec.domains = append([]string{t.DefaultDomain}, t.Domains...)
		for _, name := range append([]string{rec.ID}, rec.domains...) {
			n := strings.ToLower(name)
			if strings.Contains(n, "token") {
				return fmt.Errorf("tenant name %q contains \"token\", which MSAL rewrites in device code URLs", name)
			}
			if n == "common" || n == "organizations" || n == "consumers" || strings.ContainsAny(n, "/?#% ") || n == "" {
				return fmt.Errorf("tenant name %q is reserved or not a valid path segment", name)
			}
			if _, dup := d.tenantByName[n]; dup {
				return fmt.Errorf("tenant name %q is used twice", name)
			}
			d.tenantByName[n] = rec
		}
		if rec.DisplayName == "" {
			rec.DisplayName = t.DefaultDomain
		}
		if rec.CountryCode == "" {
			rec.CountryCode = "US"
		}
		d.tenants = append(d.tenants, rec)
		return nil
	}
	for _, t := range c.Tenants {
		if err := addTenant(t); err != nil {
			return fail("%w", err)
		}
	}
	var generated []*tenantRec
	if g := c.Generate; g != nil {
		// The product is checked by division: it overflows for a large subscriptionsPerTenant.
		if g.Tenants < 0 || g.SubscriptionsPerTenant < 0 || g.Tenants > maxGeneratedTenants ||
			g.Tenants > 0 && g.SubscriptionsPerTenant > maxGeneratedSubscriptions/g.Tenants {
			return fail("generate asks for %d tenants × %d subscriptions; the limits are %d tenants and %d subscriptions",
				g.Tenants, g.SubscriptionsPerTenant, maxGeneratedTenants, maxGeneratedSubscriptions)
		}
		for i := range g.Tenants {
			t := Tenant{
				ID:            generatedID("tenant", i, 0),
				DefaultDomain: fmt.Sprintf("generated-%04d.test", i+1),
				DisplayName:   fmt.Sprintf("Generated %04d", i+1),
			}
			if err := addTenant(t); err != nil {
				return fail("generate: %w", err)
			}
			generated = append(generated, d.tenants[len(d.tenants)-1])
		}
	}

	for _, u := range c.Users {
		if u.UPN == "" || !strings.Contains(u.UPN, "@") {
			return fail("user %q: upn must look like name@domain", u.UPN)
		}
		key := strings.ToLower(u.UPN)
		if _, dup := d.users[key]; dup {
			return fail("user %q is listed twice", u.UPN)
		}
		rec := &userRec{User: u, tenants: map[string]bool{}}
		if rec.ObjectID == "" {
			rec.ObjectID = uuid.NewSHA1(uuid.NameSpaceOID, []byte("user:"+key)).String()
		} else if !validID(rec.ObjectID) {
			return fail("user %q: objectId %q is not a GUID", u.UPN, u.ObjectID)
		}
		rec.ObjectID = strings.ToLower(rec.ObjectID)
		if rec.DisplayName == "" {
			rec.DisplayName = u.UPN
		}
		home, err := d.tenant(u.HomeTenant)
		if err != nil {
			return fail("user %q: homeTenant: %w", u.UPN, err)
		}
		rec.home = home
		rec.tenants[home.ID] = true
		for _, g := range u.GuestTenants {
			t, err := d.tenant(g)
			if err != nil {
				return fail("user %q: guestTenants: %w", u.UPN, err)
			}
			rec.tenants[t.ID] = true
		}
		for _, t := range generated {
			rec.tenants[t.ID] = true
		}
		d.users[key] = rec
	}

	addApp := func(a App, wellKnown bool) error {
		if !validID(a.AppID) {
			return fmt.Errorf("app id %q is not a GUID", a.AppID)
		}
		key := strings.ToLower(a.AppID)
		if _, dup := d.apps[key]; dup {
			return fmt.Errorf("app %s is listed twice", a.AppID)
		}
		rec := &appRec{App: a, tenants: map[string]bool{}}
		rec.AppID = key
		if rec.DisplayName == "" {
			rec.DisplayName = a.AppID
		}
		if !wellKnown {
			if a.Tenant == "" && !a.Public {
				return fmt.Errorf("app %s: a confidential app needs a home tenant", a.AppID)
			}
			if a.Tenant != "" {
				home, err := d.tenant(a.Tenant)
				if err != nil {
					return fmt.Errorf("app %s: tenant: %w", a.AppID, err)
				}
				rec.home = home
				rec.tenants[home.ID] = true
			}
		}
		if rec.ObjectID == "" {
			rec.ObjectID = uuid.NewSHA1(uuid.NameSpaceOID, []byte("sp:"+key)).String()
		} else if !validID(rec.ObjectID) {
			return fmt.Errorf("app %s: objectId %q is not a GUID", a.AppID, a.ObjectID)
		}
		rec.ObjectID = strings.ToLower(rec.ObjectID)
		for _, t := range a.Tenants {
			tr, err := d.tenant(t)
			if err != nil {
				return fmt.Errorf("app %s: tenants: %w", a.AppID, err)
			}
			rec.tenants[tr.ID] = true
		}
		if a.Public {
			if len(a.Secrets)+len(a.Certificates)+len(a.FederatedCredentials) > 0 {
				return fmt.Errorf("app %s: a public client has no credentials", a.AppID)
			}
		} else {
			for _, t := range generated {
				rec.tenants[t.ID] = true
			}
		}
		for _, s := range a.Secrets {
			if s == "" {
				return fmt.Errorf("app %s: empty client secret", a.AppID)
			}
		}
		for i, p := range a.Certificates {
			cert, err := parseCertificatePEM([]byte(p))
			if err != nil {
				return fmt.Errorf("app %s: certificates[%d]: %w", a.AppID, i, err)
			}
			rec.certs = append(rec.certs, cert)
		}
		for i, fc := range a.FederatedCredentials {
			if fc.Issuer == "" || fc.Subject == "" {
				return fmt.Errorf("app %s: federatedCredentials[%d] needs issuer and subject", a.AppID, i)
			}
			if len(fc.Audiences) == 0 {
				rec.FederatedCredentials[i].Audiences = []string{DefaultFederatedAudience}
			}
		}
		for i, r := range a.RedirectURIs {
			u, err := url.Parse(r)
			if err != nil || u.Scheme == "" || u.Host == "" {
				return fmt.Errorf("app %s: redirectUris[%d] %q is not an absolute URL", a.AppID, i, r)
			}
		}
		d.apps[key] = rec
		return nil
	}
	// Copy the federated credential slices so compile never writes into the caller's Config.
	for _, a := range c.Apps {
		a.FederatedCredentials = append([]FederatedCredential(nil), a.FederatedCredentials...)
		if err := addApp(a, false); err != nil {
			return fail("%w", err)
		}
	}
	for _, id := range []string{AzurePowerShellClientID, AzureCLIClientID} {
		if _, ok := d.apps[id]; ok {
			continue
		}
		name := map[string]string{AzurePowerShellClientID: "Microsoft Azure PowerShell", AzureCLIClientID: "Microsoft Azure CLI"}[id]
		if err := addApp(App{AppID: id, DisplayName: name, Public: true, RedirectURIs: []string{"http://localhost"}}, true); err != nil {
			return fail("%w", err)
		}
	}

	for _, fi := range c.FederatedIssuers {
		if fi.Issuer == "" || len(fi.Keys) == 0 {
			return fail("federated issuer %q needs an issuer and at least one key", fi.Issuer)
		}
		for i, k := range fi.Keys {
			pub, err := parsePublicKeyPEM([]byte(k))
			if err != nil {
				return fail("federated issuer %q: keys[%d]: %w", fi.Issuer, i, err)
			}
			d.issuers[fi.Issuer] = append(d.issuers[fi.Issuer], pub)
		}
	}

	miSeen := map[string]bool{}
	for _, m := range c.ManagedIdentities {
		if !validID(m.ClientID) {
			return fail("managed identity %q: clientId %q is not a GUID", m.Name, m.ClientID)
		}
		if miSeen[strings.ToLower(m.ClientID)] {
			return fail("managed identity %s is listed twice", m.ClientID)
		}
		miSeen[strings.ToLower(m.ClientID)] = true
		t, err := d.tenant(m.Tenant)
		if err != nil {
			return fail("managed identity %q: %w", m.Name, err)
		}
		rec := &miRec{ManagedIdentity: m, tenant: t}
		rec.ClientID = strings.ToLower(m.ClientID)
		if rec.ObjectID == "" {
			rec.ObjectID = uuid.NewSHA1(uuid.NameSpaceOID, []byte("mi:"+rec.ClientID)).String()
		} else if !validID(rec.ObjectID) {
			return fail("managed identity %q: objectId %q is not a GUID", m.Name, m.ObjectID)
		}
		rec.ObjectID = strings.ToLower(rec.ObjectID)
		if rec.Name == "" {
			rec.Name = rec.ClientID
		}
		d.mis = append(d.mis, rec)
	}

	subSeen := map[string]bool{}
	addSub := func(s Subscription) error {
		if !validID(s.ID) {
			return fmt.Errorf("subscription id %q is not a GUID", s.ID)
		}
		s.ID = strings.ToLower(s.ID)
		if subSeen[s.ID] {
			return fmt.Errorf("subscription %s is listed twice", s.ID)
		}
		subSeen[s.ID] = true
		switch s.State {
		case "":
			s.State = "Enabled"
		case "Enabled", "Warned", "PastDue", "Disabled", "Deleted":
		default:
			return fmt.Errorf("subscription %s: state %q is not one of Enabled, Warned, PastDue, Disabled, Deleted", s.ID, s.State)
		}
		t, err := d.tenant(s.Tenant)
		if err != nil {
			return fmt.Errorf("subscription %s: %w", s.ID, err)
		}
		if s.Name == "" {
			s.Name = s.ID
		}
		rec := &subRec{Subscription: s, tenant: t, principals: map[string]bool{}}
		for _, p := range s.Principals {
			rec.principals[strings.ToLower(p)] = true
		}
		d.subsByTenant[t.ID] = append(d.subsByTenant[t.ID], rec)
		d.subByID[s.ID] = rec
		return nil
	}
	for _, s := range c.Subscriptions {
		if err := addSub(s); err != nil {
			return fail("%w", err)
		}
	}
	if g := c.Generate; g != nil {
		for ti, t := range generated {
			for j := range g.SubscriptionsPerTenant {
				err := addSub(Subscription{
					ID:     generatedID("subscription", ti, j),
					Name:   fmt.Sprintf("%s sub %05d", t.DisplayName, j+1),
					Tenant: t.ID,
				})
				if err != nil {
					return fail("generate: %w", err)
				}
			}
		}
	}
	return d, nil
}

// generatedID is a stable GUID for generated item (i, j), so generated worlds are
// reproducible across runs.
func generatedID(kind string, i, j int) string {
	return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "azc-emulator:%s:%d:%d", kind, i, j)).String()
}

func parseCertificatePEM(data []byte) (*x509.Certificate, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, errors.New("want a PEM CERTIFICATE block")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse certificate: %w", err)
	}
	return cert, nil
}

// parsePublicKeyPEM accepts a CERTIFICATE or a PUBLIC KEY block.
func parsePublicKeyPEM(data []byte) (any, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("want a PEM CERTIFICATE or PUBLIC KEY block")
	}
	switch block.Type {
	case "CERTIFICATE":
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse certificate: %w", err)
		}
		return cert.PublicKey, nil
	case "PUBLIC KEY":
		pub, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse public key: %w", err)
		}
		return pub, nil
	}
	return nil, fmt.Errorf("unexpected PEM block %q", block.Type)
}
