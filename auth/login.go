package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"

	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/secret"
)

// Method is a way of signing in.
type Method int

// The sign-in methods (docs/auth.md).
const (
	// Interactive is the browser flow: auth code + PKCE.
	Interactive Method = iota + 1
	// DeviceCode shows a code to enter on another device.
	DeviceCode
	// ClientSecret signs a service principal in with a secret.
	ClientSecret
	// Certificate signs a service principal in with a certificate (PEM or PFX, RSA).
	Certificate
	// FederatedToken signs a service principal in with a token from a
	// file, re-read on every refresh (workload identity).
	FederatedToken
	// ManagedIdentity asks the App Service managed identity endpoint.
	ManagedIdentity
	// RawAccessToken keeps a token given by the user; it cannot be refreshed.
	RawAccessToken
)

// ErrNoBrowser says the interactive flow could not show the sign-in page;
// the caller may fall back to the device code.
var ErrNoBrowser = errors.New("cannot open a browser for interactive sign-in")

// LoginOptions describe one sign-in.
type LoginOptions struct {
	Environment profile.Environment
	Method      Method
	// TenantID is the tenant to sign in to; required for service
	// principals, optional otherwise (users sign in through
	// "organizations").
	TenantID string
	// ClientID is the service principal's application id, or a
	// user-assigned managed identity's client id.
	ClientID string
	// ResourceID is a user-assigned managed identity's resource id.
	ResourceID          string
	ClientSecret        secret.String
	Certificate         []byte // PEM or PFX
	CertificatePassword secret.String
	FederatedTokenFile  string
	AccessToken         secret.String
	// AccountID names the account of a raw access token.
	AccountID string
	// LoginHint pre-fills the user name in interactive sign-in.
	LoginHint string
	// Subscription, when set, names the enabled subscription (id or name,
	// case-insensitive) whose context becomes the default; it is an error
	// if none matches.
	Subscription string
	// SkipPopulation skips listing tenants and subscriptions.
	SkipPopulation bool
	// MaxContexts caps the subscriptions kept (0: no cap).
	MaxContexts int
	// BrowserWait is how long an interactive sign-in waits for the
	// browser to come back once the page is open (0: DefaultBrowserWait).
	BrowserWait time.Duration
	UI          UI
}

// DefaultBrowserWait is how long an interactive sign-in waits for the
// browser: as long as a device code lasts.
const DefaultBrowserWait = 15 * time.Minute

// BrowserTimeoutError reports an interactive sign-in whose browser did not
// come back within Wait: the page was left or closed unfinished.
type BrowserTimeoutError struct{ Wait time.Duration }

func (e *BrowserTimeoutError) Error() string {
	wait := e.Wait.String()
	if e.Wait%time.Minute == 0 {
		wait = fmt.Sprintf("%d minutes", e.Wait/time.Minute)
	}
	return "interactive sign-in: the browser did not come back within " + wait
}

// Hint says what to do instead.
func (e *BrowserTimeoutError) Hint() string {
	return "run azc login again and finish the sign-in in the browser, or sign in with --device-code"
}

// errBrowserWait is the cause of the end of an interactive sign-in's wait.
var errBrowserWait = errors.New("browser wait over")

// LoginResult is a successful sign-in, before anything is saved: Save
// writes its credentials, and the caller writes Account, Tenants and
// Subscriptions to the profile in one update.
type LoginResult struct {
	Account profile.Account
	// Tenants the principal can reach, home tenant first.
	Tenants []profile.Tenant
	// Subscriptions found, enabled or not, in tenant order; one context
	// belongs to each enabled one.
	Subscriptions []profile.Subscription
	// Warnings name tenants skipped during population (they need
	// interaction, such as MFA) and caps applied.
	Warnings []string

	creds    *credentials
	env      profile.Environment // the cloud signed in to, which Apply keeps
	notFound func(error) bool    // Config.NotFound, for Save
}

// Login signs in and populates tenants and subscriptions. Nothing is
// written anywhere: on error, state is untouched; on success the caller
// calls Save, then updates the profile.
func (m *Manager) Login(ctx context.Context, opts LoginOptions) (*LoginResult, error) {
	env := opts.Environment
	if env.AuthorityHost == "" || env.ARMEndpoint == "" {
		return nil, fmt.Errorf("environment %q has no authority host or ARM endpoint", env.Name)
	}
	scope := ARMScope(env)
	mem := &memoryCache{}
	res := &LoginResult{creds: &credentials{}, env: env, notFound: m.cfg.NotFound}
	acct := profile.Account{Environment: env.Name}
	var tokenFor func(ctx context.Context, tenant string) (Token, error)

	if opts.Method != RawAccessToken {
		opts.UI.progress(Progress{Starting: true})
	}
	switch opts.Method {
	case Interactive, DeviceCode:
		c, err := m.publicClient(env, opts.TenantID, mem)
		if err != nil {
			return nil, err
		}
		var r public.AuthResult
		if opts.Method == Interactive {
			r, err = m.interactive(ctx, c, scope, opts)
		} else {
			r, err = m.deviceCode(ctx, c, scope, opts)
		}
		if err != nil {
			return nil, err
		}
		acct.Type = profile.UserAccount
		acct.ID = r.Account.PreferredUsername
		acct.HomeAccountID = r.Account.HomeAccountID
		if _, utid, ok := strings.Cut(r.Account.HomeAccountID, "."); ok {
			acct.HomeTenantID = utid
		} else {
			acct.HomeTenantID = r.IDToken.TenantID
		}
		if acct.ID == "" {
			acct.ID = r.Account.LocalAccountID
		}
		msalAcct := r.Account
		first := Token{AccessToken: secret.New(r.AccessToken), ExpiresOn: r.ExpiresOn, TenantID: opts.TenantID}
		// Tenant tokens are redeemed in parallel, as Entra ID allows a refresh
		// token to be used again. An identity provider that rotates them
		// strictly (ADFS can; the emulator with RotateRefreshTokens) refuses
		// a token redeemed twice: on the first invalid_grant the rest go one
		// at a time, after every redemption in flight has written its new
		// refresh token to the cache (the write lock waits for the readers).
		var (
			queue  sync.RWMutex
			serial atomic.Bool
		)
		silent := func(ctx context.Context, tenant string) (Token, error) {
			r, err := c.AcquireTokenSilent(ctx, []string{scope}, public.WithSilentAccount(msalAcct), public.WithTenantID(tenant))
			if err != nil {
				return Token{}, describeMSALError("get a token for tenant "+tenant, err, mem.refreshTokens()...)
			}
			return Token{AccessToken: secret.New(r.AccessToken), ExpiresOn: r.ExpiresOn, TenantID: tenant}, nil
		}
		tokenFor = func(ctx context.Context, tenant string) (Token, error) {
			if tenant == "" {
				return first, nil // the tenants list: the sign-in's own token
			}
			// The home tenant's token too is asked for by the tenant's id:
			// the sign-in's own token is filed under the authority it was
			// asked of ("organizations", or a domain), where no later
			// command looks, so without this the first one after the
			// sign-in would redeem the refresh token and write the blob.
			// Resolve the tenant's endpoints (an OIDC metadata request) first,
			// so that in the one-at-a-time mode only token requests queue.
			_, _ = c.AuthCodeURL(ctx, AzurePowerShellClientID, "http://localhost", []string{scope}, public.WithTenantID(tenant))
			if !serial.Load() {
				queue.RLock()
				t, err := silent(ctx, tenant)
				queue.RUnlock()
				var ae *AADError
				if err == nil || !errors.As(err, &ae) || ae.Code != "invalid_grant" {
					return t, err
				}
				serial.Store(true)
			}
			queue.Lock()
			defer queue.Unlock()
			return silent(ctx, tenant)
		}

	case ClientSecret, Certificate, FederatedToken:
		if opts.TenantID == "" {
			return nil, errors.New("a service principal signs in to a named tenant: give --tenant")
		}
		if opts.ClientID == "" {
			return nil, errors.New("a service principal needs its application id: give --client-id")
		}
		acct.Type = profile.ServicePrincipal
		acct.ID = opts.ClientID
		acct.HomeTenantID = opts.TenantID
		switch opts.Method {
		case ClientSecret:
			if opts.ClientSecret.IsZero() {
				return nil, errors.New("no client secret given")
			}
			acct.Credential = profile.CredentialSecret
			res.creds.clientSecret = opts.ClientSecret
		case Certificate:
			pem, err := normalizeCertificate(opts.Certificate, opts.CertificatePassword)
			if err != nil {
				return nil, err
			}
			acct.Credential = profile.CredentialCertificate
			res.creds.certificate = pem
		case FederatedToken:
			if opts.FederatedTokenFile == "" {
				return nil, errors.New("no federated token file given")
			}
			acct.Credential = profile.CredentialFederated
			acct.FederatedTokenFile = opts.FederatedTokenFile
		}
		c, err := m.confidentialClient(env, acct, res.creds, mem)
		if err != nil {
			return nil, err
		}
		tokenFor = func(ctx context.Context, tenant string) (Token, error) {
			if tenant == "" {
				tenant = acct.HomeTenantID
			}
			r, err := c.AcquireTokenByCredential(ctx, []string{scope}, confidential.WithTenantID(tenant))
			if err != nil {
				return Token{}, describeMSALError("sign in as service principal "+acct.ID+" in tenant "+tenant, err, opts.ClientSecret)
			}
			return Token{AccessToken: secret.New(r.AccessToken), ExpiresOn: r.ExpiresOn, TenantID: tenant}, nil
		}
		first, err := tokenFor(ctx, "")
		if err != nil {
			return nil, err
		}
		acct.HomeTenantID = homeTenant(opts.TenantID, claimString(first.AccessToken.Reveal(), "tid"))

	case ManagedIdentity:
		acct.Type = profile.ManagedIdentity
		acct.ClientID, acct.ResourceID = opts.ClientID, opts.ResourceID
		switch {
		case opts.ClientID != "":
			acct.ID = opts.ClientID
		case opts.ResourceID != "":
			acct.ID = opts.ResourceID
		default:
			acct.ID = "systemAssignedIdentity"
		}
		t, err := m.managedIdentityToken(ctx, env, acct, scope)
		if err != nil {
			return nil, fmt.Errorf("sign in with the managed identity: %w", err)
		}
		acct.HomeTenantID = homeTenant(opts.TenantID, t.TenantID)
		tokenFor = singleTenant(t, acct.HomeTenantID, opts.TenantID)

	case RawAccessToken:
		if opts.AccessToken.IsZero() {
			return nil, errors.New("no access token given")
		}
		if err := CheckAccessToken(opts.AccessToken); err != nil {
			return nil, fmt.Errorf("the access token: %w", err)
		}
		if opts.AccountID == "" {
			return nil, errors.New("an access token needs the account it belongs to: give --account-id")
		}
		raw := opts.AccessToken.Reveal()
		acct.Type = profile.AccessToken
		acct.ID = opts.AccountID
		acct.HomeTenantID = homeTenant(opts.TenantID, claimString(raw, "tid"))
		t := Token{AccessToken: opts.AccessToken, ExpiresOn: claimTime(raw, "exp"), TenantID: acct.HomeTenantID}
		if !t.ExpiresOn.IsZero() && !m.cfg.Now().Before(t.ExpiresOn) {
			return nil, errors.New("the access token has already expired")
		}
		res.creds.accessToken = opts.AccessToken
		res.creds.accessTokenExpires = t.ExpiresOn
		res.creds.accessTokenTenantID = acct.HomeTenantID
		tokenFor = singleTenant(t, acct.HomeTenantID, opts.TenantID)

	default:
		return nil, fmt.Errorf("unknown sign-in method %d", opts.Method)
	}

	// The home tenant comes from the identity provider or the token's tid
	// claim: one that is no tenant id or domain would become the tenant of
	// the sign-in's contexts, which azc exec exports and token requests end
	// their URL with.
	if acct.HomeTenantID != "" && !profile.ValidTenant(acct.HomeTenantID) {
		return nil, fmt.Errorf("the sign-in gave the home tenant %q, which is no tenant id or domain", acct.HomeTenantID)
	}
	res.Account = acct
	if !opts.SkipPopulation {
		if err := m.populate(ctx, env, res, opts, tokenFor); err != nil {
			return nil, err
		}
	} else if acct.HomeTenantID != "" {
		res.Tenants = []profile.Tenant{{ID: firstNonEmpty(opts.TenantID, acct.HomeTenantID)}}
		if acct.Type == profile.UserAccount {
			// As populate does, so that the home tenant's token is cached
			// under the tenant's id.
			if _, err := tokenFor(ctx, acct.HomeTenantID); err != nil {
				return nil, err
			}
		}
		if opts.TenantID != "" && !strings.EqualFold(opts.TenantID, acct.HomeTenantID) {
			// The tenant --tenant gave, by its id as the tenant list names
			// it, with the domain it was given by beside it. Every identity
			// but a user signs in to that one tenant, its home tenant (by
			// id: homeTenant); a user's is its token's tid there (its home
			// tenant may be another). Without one the name given stays.
			tid := acct.HomeTenantID
			if acct.Type == profile.UserAccount {
				tid = ""
				if t, err := tokenFor(ctx, opts.TenantID); err == nil {
					tid = claimString(t.AccessToken.Reveal(), "tid")
				}
			}
			if tid != "" && profile.ValidTenant(tid) && !strings.EqualFold(tid, opts.TenantID) {
				res.Tenants[0] = profile.Tenant{ID: tid, DefaultDomain: opts.TenantID}
			}
		}
	}
	res.Account.Tenants = tenantIDs(res.Tenants)
	cacheData, err := mem.bytes()
	if err != nil {
		return nil, fmt.Errorf("encode the token cache: %w", err)
	}
	res.creds.msalCache = cacheData
	m.log.Debug("signed in", "account", acct.ID, "type", acct.Type, "tenants", len(res.Tenants), "subscriptions", len(res.Subscriptions))
	return res, nil
}

// CheckAccessToken refuses what cannot be an access token: one holding a
// byte outside printable ASCII or a space, which no Authorization header
// can carry (RFC 6750's b64token is a subset of what it lets through),
// and a JSON document (az's answer piped in whole), which has neither when
// it is compact.
func CheckAccessToken(tok secret.String) error {
	raw := tok.Reveal()
	if strings.ContainsFunc(raw, func(r rune) bool { return r <= ' ' || r > '~' }) {
		return errors.New("a token has no spaces, control characters or non-ASCII characters")
	}
	if strings.HasPrefix(raw, "{") || strings.HasPrefix(raw, `"`) {
		// no JWT, nor any token, begins so: az's JSON piped in whole
		return errors.New("it is JSON, as `az account get-access-token` prints it: the token is its accessToken")
	}
	return nil
}

// singleTenant serves the one token a managed identity or raw token has,
// for its home tenant asked for by its id or by the name the sign-in gave
// it (a domain).
func singleTenant(t Token, home, given string) func(context.Context, string) (Token, error) {
	return func(_ context.Context, tenant string) (Token, error) {
		if tenant != "" && home != "" && !strings.EqualFold(tenant, home) && (given == "" || !strings.EqualFold(tenant, given)) {
			return Token{}, fmt.Errorf("this identity has a token for tenant %s only: %w", home, ErrInteractionRequired)
		}
		return t, nil
	}
}

func (m *Manager) interactive(ctx context.Context, c public.Client, scope string, opts LoginOptions) (public.AuthResult, error) {
	if opts.UI.OpenURL == nil {
		return public.AuthResult{}, ErrNoBrowser
	}
	openErr := error(nil)
	callOpts := []public.AcquireInteractiveOption{
		public.WithOpenURL(func(u string) error {
			if err := opts.UI.OpenURL(u); err != nil {
				openErr = err
				return err
			}
			opts.UI.progress(Progress{Approval: true})
			return nil
		}),
	}
	if opts.LoginHint != "" {
		callOpts = append(callOpts, public.WithLoginHint(opts.LoginHint))
	}
	wait := opts.BrowserWait
	if wait <= 0 {
		wait = DefaultBrowserWait
	}
	waitCtx, cancel := context.WithTimeoutCause(ctx, wait, errBrowserWait)
	defer cancel()
	r, err := c.AcquireTokenInteractive(waitCtx, []string{scope}, callOpts...)
	if err != nil {
		if openErr != nil {
			return public.AuthResult{}, fmt.Errorf("%w: %w", ErrNoBrowser, openErr)
		}
		if ctx.Err() == nil && errors.Is(context.Cause(waitCtx), errBrowserWait) {
			return public.AuthResult{}, &BrowserTimeoutError{Wait: wait}
		}
		return public.AuthResult{}, describeMSALError("interactive sign-in", err)
	}
	return r, nil
}

func (m *Manager) deviceCode(ctx context.Context, c public.Client, scope string, opts LoginOptions) (public.AuthResult, error) {
	dc, err := c.AcquireTokenByDeviceCode(ctx, []string{scope})
	if err != nil {
		return public.AuthResult{}, describeMSALError("start device code sign-in", err)
	}
	opts.UI.message(dc.Result.Message)
	opts.UI.progress(Progress{Approval: true})
	r, err := dc.AuthenticationResult(ctx)
	if err != nil {
		return public.AuthResult{}, describeMSALError("device code sign-in", err)
	}
	return r, nil
}

// Save writes the sign-in's credentials (MSAL cache, secret, certificate
// key or raw token) to blobs under the account's key, replacing what was
// there, and then calls record (when not nil), which writes the account
// and its contexts to the profile (Apply inside an Update): both under the
// account's credential lock, so that no logout or context removal of the
// account can delete the blob between the two (see DropCredentials).
// When record refuses the sign-in for a context name another context
// holds (its error matches profile.ErrNameTaken), or as a raw token over a
// sign-in of another kind (a *ReplaceError), which Apply returns before
// anything is written, Save takes its blob back, putting back the
// one it replaced, or deleting its own when there was none, so that the
// refused sign-in leaves no secret under an account the profile does not
// hold. A blob there that could not be read stays replaced: it was of no
// use. Any other error of record's leaves the blob: the profile may name
// the account already (a shell's selection that failed after the write).
func (r *LoginResult) Save(ctx context.Context, blobs Blobs, record func() error) error {
	key := r.Account.Key()
	unlock, err := lockAccounts(ctx, blobs, []string{key})
	if err != nil {
		return err
	}
	defer unlock()
	var undo func() error
	if r.creds != nil {
		data, err := r.creds.marshal()
		if err != nil {
			return err
		}
		undo = r.undoPut(blobs, key)
		if err := blobs.Put(key, data); err != nil {
			return fmt.Errorf("save the credentials of %s: %w", r.Account.ID, err)
		}
	}
	if record == nil {
		return nil
	}
	err = record()
	var re *ReplaceError
	if (errors.Is(err, profile.ErrNameTaken) || errors.As(err, &re)) && undo != nil {
		if uerr := undo(); uerr != nil {
			return errors.Join(err, fmt.Errorf("take back the credentials of %s: %w", r.Account.ID, uerr))
		}
	}
	return err
}

// undoPut returns what puts key's blob back as it is now: the blob there
// put back, or, when there is none, the key's blob deleted; nil when the
// blob there cannot be read.
func (r *LoginResult) undoPut(blobs Blobs, key string) func() error {
	notFound := r.notFound
	if notFound == nil {
		notFound = func(err error) bool { return errors.Is(err, ErrBlobNotFound) }
	}
	old, err := blobs.Get(key)
	switch {
	case err == nil:
		return func() error { return blobs.Put(key, old) }
	case notFound(err):
		return func() error { return blobs.Delete(key) }
	}
	return nil
}

// homeTenant is the home tenant of a sign-in to the tenant given (by its
// id, a domain, or not at all) whose token names the tenant tid: tid when
// it is a tenant id and the given tenant is not, since a domain names the
// same tenant and the account's key holds its home tenant (a principal
// signed in by its tenant's domain and by its id is one account); else the
// tenant given, else tid.
func homeTenant(given, tid string) string {
	if profile.IsTenantID(tid) && !profile.IsTenantID(given) {
		return tid
	}
	return firstNonEmpty(given, tid)
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func tenantIDs(ts []profile.Tenant) []string {
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, t.ID)
	}
	return out
}

// Refresh lists acct's tenants and subscriptions again with the
// credentials already in blobs (`subscription list --refresh`). The result
// carries no credentials: Save on it is a no-op; Apply updates the profile.
func (m *Manager) Refresh(ctx context.Context, blobs Blobs, env profile.Environment, acct profile.Account, ui UI) (*LoginResult, error) {
	res := &LoginResult{Account: acct, env: env}
	tokenFor := func(ctx context.Context, tenant string) (Token, error) {
		return m.Token(ctx, blobs, env, acct, TokenRequest{TenantID: tenant})
	}
	if err := m.populate(ctx, env, res, LoginOptions{UI: ui}, tokenFor); err != nil {
		return nil, err
	}
	res.Account.Tenants = tenantIDs(res.Tenants)
	return res, nil
}
