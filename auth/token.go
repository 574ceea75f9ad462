package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"

	"github.com/azcontext/azc/internal/credblob"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/secret"
)

// Token is an access token (the type lives in credblob, which the light
// azc's cache-only lookup shares).
type Token = credblob.Token

// TokenRequest says which token to get.
type TokenRequest struct {
	// Scopes requested; empty means ARM.
	Scopes []string
	// TenantID overrides the account's home tenant.
	TenantID string
	// Claims is a claims challenge; it bypasses cached access tokens.
	Claims string
}

// Token returns a token for acct from the credentials in blobs, refreshing
// it when needed. For users and service principals it holds the account's
// lock across the whole acquisition and MSAL re-reads the cache after the
// lock is taken, so concurrent processes make a single refresh request; a
// 429 or 5xx answer is retried after its Retry-After (bounded), the whole
// acquisition is bounded by Config.TokenTimeout, and a failure is shared
// for a few seconds with the processes that were waiting for the lock
// (*SharedFailureError), so they do not ask again. Errors match
// ErrNotSignedIn or ErrInteractionRequired when the user must sign in
// again.
func (m *Manager) Token(ctx context.Context, blobs Blobs, env profile.Environment, acct profile.Account, req TokenRequest) (Token, error) {
	scopes := req.Scopes
	if len(scopes) == 0 {
		scopes = []string{ARMScope(env)}
	}
	switch acct.Type {
	case profile.ManagedIdentity:
		if credblob.OtherTenant(acct.HomeTenantID, req.TenantID) {
			return Token{}, &OtherTenantError{Account: acct.ID, Home: acct.HomeTenantID, Tenant: req.TenantID}
		}
		return m.managedIdentityToken(ctx, env, acct, scopes[0])
	case profile.AccessToken:
		return m.rawToken(blobs, acct, req.TenantID)
	case profile.UserAccount, profile.ServicePrincipal:
	default:
		return Token{}, fmt.Errorf("account %s has unknown type %q", acct.ID, acct.Type)
	}
	tenant := req.TenantID
	if tenant == "" {
		tenant = acct.HomeTenantID
	}
	// A tenant ends the authority URL: one that is no tenant id or domain
	// (a hand-edited profile's "../../x") would name another tenant.
	for _, t := range []string{acct.HomeTenantID, tenant} {
		if t != "" && !profile.ValidTenant(t) {
			return Token{}, fmt.Errorf("get a token for %s: tenant %q is no tenant id or domain", acct.ID, t)
		}
	}
	key := acct.Key()
	m.log.Debug("acquiring token", "account", acct.ID, "tenant", tenant, "scopes", scopes)
	request := tenant + " " + strings.Join(scopes, " ") + " " + req.Claims
	return m.acquireOnce(ctx, blobs, key, request, acct.ID, func(ctx context.Context) (Token, error) {
		acc := &blobCache{m: m, blobs: blobs, key: key}
		if acct.Type == profile.UserAccount {
			return m.userToken(ctx, env, acct, acc, scopes, tenant, req.Claims)
		}
		creds, err := m.readCredentials(blobs, key)
		if err != nil {
			return Token{}, err
		}
		acc.creds = creds
		c, err := m.confidentialClient(env, acct, creds, acc)
		if err != nil {
			return Token{}, err
		}
		opts := []confidential.AcquireByCredentialOption{confidential.WithTenantID(tenant)}
		if req.Claims != "" {
			opts = append(opts, confidential.WithClaims(req.Claims))
		}
		r, err := c.AcquireTokenByCredential(ctx, scopes, opts...)
		if err != nil {
			return Token{}, describeMSALError("get a token for "+acct.ID, err, creds.clientSecret)
		}
		return Token{AccessToken: secret.New(r.AccessToken), ExpiresOn: r.ExpiresOn, RefreshOn: r.Metadata.RefreshOn, TenantID: tenant}, nil
	})
}

func (m *Manager) userToken(ctx context.Context, env profile.Environment, acct profile.Account, acc *blobCache, scopes []string, tenant, claims string) (Token, error) {
	c, err := m.publicClient(env, "", acc)
	if err != nil {
		return Token{}, err
	}
	accounts, err := c.Accounts(ctx)
	if err != nil {
		return Token{}, fmt.Errorf("read the token cache of %s: %w", acct.ID, err)
	}
	var msalAcct public.Account
	found := false
	for _, a := range accounts {
		if strings.EqualFold(a.HomeAccountID, acct.HomeAccountID) {
			msalAcct, found = a, true
			break
		}
	}
	if !found {
		return Token{}, fmt.Errorf("no cached sign-in for %s: %w", acct.ID, ErrNotSignedIn)
	}
	opts := []public.AcquireSilentOption{public.WithSilentAccount(msalAcct), public.WithTenantID(tenant)}
	if claims != "" {
		opts = append(opts, public.WithClaims(claims))
	}
	r, err := c.AcquireTokenSilent(ctx, scopes, opts...)
	if err != nil {
		return Token{}, describeMSALError("get a token for "+acct.ID, err, acc.refreshTokens()...)
	}
	return Token{AccessToken: secret.New(r.AccessToken), ExpiresOn: r.ExpiresOn, RefreshOn: r.Metadata.RefreshOn, TenantID: tenant}, nil
}

func (m *Manager) rawToken(blobs Blobs, acct profile.Account, asked string) (Token, error) {
	creds, err := m.readCredentials(blobs, acct.Key())
	if err != nil {
		return Token{}, err
	}
	if creds.accessToken.IsZero() {
		return Token{}, ErrNotSignedIn
	}
	if !creds.accessTokenExpires.IsZero() && !m.cfg.Now().Before(creds.accessTokenExpires) {
		return Token{}, fmt.Errorf("the access token of %s expired at %s and cannot be refreshed: %w",
			acct.ID, creds.accessTokenExpires.Format(time.RFC3339), ErrInteractionRequired)
	}
	tenant := creds.accessTokenTenantID
	if tenant == "" {
		tenant = acct.HomeTenantID
	}
	if credblob.OtherTenant(tenant, asked) {
		return Token{}, &OtherTenantError{Account: acct.ID, Home: tenant, Tenant: asked}
	}
	return Token{AccessToken: creds.accessToken, ExpiresOn: creds.accessTokenExpires, TenantID: tenant}, nil
}

// OtherTenantError says a token was asked for a tenant other than the one
// tenant whose tokens the account has (a managed identity, a raw access
// token): the token it has would be refused there.
type OtherTenantError struct {
	Account, Home, Tenant string
}

func (e *OtherTenantError) Error() string {
	return fmt.Sprintf("%s has tokens for tenant %s only, not for tenant %s", e.Account, e.Home, e.Tenant)
}

// AADError is an error Entra ID answered with.
type AADError struct {
	// Op is what azc was doing.
	Op string
	// Code is the OAuth error code, e.g. invalid_client.
	Code string
	// Description is the first line of error_description (AADSTS…).
	Description string
	// Status is the HTTP status.
	Status int
}

func (e *AADError) Error() string {
	s := e.Op + ": " + e.Code
	if e.Description != "" {
		s += ": " + e.Description
	}
	return s
}

// Is makes codes that need the user match ErrInteractionRequired.
func (e *AADError) Is(target error) bool {
	if target != ErrInteractionRequired {
		return false
	}
	switch e.Code {
	case "invalid_grant", "interaction_required", "consent_required", "login_required":
		return true
	}
	return false
}

// Hint says what the user can do about the refusal, for the codes that
// have an answer: sign in again, mend a credential, or wait.
func (e *AADError) Hint() string {
	switch {
	case e.Is(ErrInteractionRequired):
		return "sign in again with `azc login`"
	case e.Code == "invalid_client":
		return "the identity provider refused the account's own credential (a secret or certificate that expired, was rotated or removed?): sign in again with `azc login` and a valid one"
	case e.Code == "temporarily_unavailable" || e.Status == http.StatusTooManyRequests || e.Status >= 500:
		return retryLater
	}
	return ""
}

// retryLater is the hint for an identity provider that is down or busy.
const retryLater = "the identity provider is unavailable or busy: retry in a while"

// StatusError is an answer of the identity provider with an error status
// and no OAuth error in its body.
type StatusError struct {
	// Op is what azc was doing.
	Op string
	// Status is the HTTP status; Text its status line ("503 Service
	// Unavailable").
	Status int
	Text   string
}

func (e *StatusError) Error() string { return e.Op + ": identity provider answered " + e.Text }

// Hint is the hint for a provider that is down or busy.
func (e *StatusError) Hint() string {
	if e.Status == http.StatusTooManyRequests || e.Status >= 500 {
		return retryLater
	}
	return ""
}

// maxDescription is how much of the identity provider's error description
// an AADError keeps: Entra ID's first lines run to a few hundred bytes, and
// a provider or proxy that sends megabytes must not fill the terminal.
const maxDescription = 1000

// describeMSALError turns an MSAL error into an AADError when Entra ID
// answered, else wraps it. MSAL's own text carries the response body, which
// is long and, when it is a token response MSAL could not decode (an answer
// cut short), holds the tokens: the body never reaches the error, the
// AADError keeps what the user needs. known are the secrets the request
// carried (a client secret, refresh tokens): a provider that quotes one
// bare has it replaced too (secret.Redact), as Scrub replaces what looks
// like a secret.
func describeMSALError(op string, err error, known ...secret.String) error {
	var je msalerrors.InvalidJsonErr
	if errors.As(err, &je) {
		why := "it is not the JSON expected"
		var se *json.SyntaxError
		switch inner := errors.Unwrap(je.Err); {
		case errors.Is(inner, io.ErrUnexpectedEOF):
			why = "it ends early"
		case errors.As(inner, &se):
			why = "it is not valid JSON"
		}
		return fmt.Errorf("%s: the identity provider's answer could not be read: %s", op, why)
	}
	var ce msalerrors.CallErr
	if errors.As(err, &ce) && ce.Resp != nil {
		msg := ce.Err.Error()
		if i := strings.Index(msg, "{"); i >= 0 {
			var body struct {
				Error       string `json:"error"`
				Description string `json:"error_description"`
			}
			if json.Unmarshal([]byte(msg[i:]), &body) == nil && body.Error != "" {
				desc, _, _ := strings.Cut(body.Description, "\r\n")
				desc, _, _ = strings.Cut(desc, "\n")
				// A provider or proxy may echo the request: its secrets stay out.
				desc = secret.Redact(secret.Scrub(desc), known...)
				if len(desc) > maxDescription {
					desc = strings.ToValidUTF8(desc[:maxDescription], "") + "…"
				}
				return &AADError{Op: op, Code: secret.Redact(secret.Scrub(body.Error), known...), Description: desc, Status: ce.Resp.StatusCode}
			}
		}
		return &StatusError{Op: op, Status: ce.Resp.StatusCode, Text: secret.Redact(secret.Scrub(ce.Resp.Status), known...)}
	}
	if strings.Contains(err.Error(), "no token found") {
		return fmt.Errorf("%s: %w", op, ErrInteractionRequired)
	}
	// A request that got no answer, after its retries: MSAL's text adds a
	// line break and the whole URL.
	var ue *url.Error
	if errors.As(err, &ue) && !errors.Is(err, context.Canceled) {
		return &noAnswerError{op: op, err: ue}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// noAnswerError is a request to the identity provider that got no answer
// (after its retries). It unwraps to the *url.Error.
type noAnswerError struct {
	op  string
	err *url.Error
}

func (e *noAnswerError) Error() string {
	host := e.err.URL
	if u, err := url.Parse(e.err.URL); err == nil {
		host = u.Host
	}
	return e.op + ": no answer from the identity provider at " + host + ": " + e.err.Err.Error()
}

func (e *noAnswerError) Unwrap() error { return e.err }

// claimString reads a string claim from a JWT without verifying it (the
// token came from the identity provider over TLS; this only labels it).
func claimString(jwt, claim string) string {
	parts := strings.Split(jwt, ".")
	if len(parts) < 2 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return ""
	}
	var claims map[string]any
	if json.Unmarshal(payload, &claims) != nil {
		return ""
	}
	s, _ := claims[claim].(string)
	return s
}

// claimTime reads a numeric date claim (exp) from a JWT.
func claimTime(jwt, claim string) time.Time {
	parts := strings.Split(jwt, ".")
	if len(parts) < 2 {
		return time.Time{}
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}
	}
	var claims map[string]any
	if json.Unmarshal(payload, &claims) != nil {
		return time.Time{}
	}
	if f, ok := claims[claim].(float64); ok {
		return time.Unix(int64(f), 0)
	}
	return time.Time{}
}

// AzToken is the JSON shape of `az account get-access-token`; see
// Token.AzCompatible.
type AzToken = credblob.AzToken

// AzTokenFormat is the layout of AzToken.ExpiresOn.
const AzTokenFormat = credblob.AzTokenFormat
