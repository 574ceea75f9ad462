package auth

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/azcontext/azc/internal/credblob"
	"github.com/azcontext/azc/profile"
)

// refreshMargin is how long before expiry a token in memory is replaced.
// MSAL itself treats tokens with under 5 minutes left as expired.
const refreshMargin = 5 * time.Minute

// Credential is an azcore.TokenCredential for one account and tenant. Warm
// tokens are served from memory without locking the store; a cold or
// ageing token goes through Manager.Token (account lock, MSAL cache, one
// refresh across processes). It is safe for concurrent use.
type Credential struct {
	m       *Manager
	blobs   Blobs
	env     profile.Environment
	account profile.Account
	tenant  string

	mu     sync.RWMutex
	tokens map[tokenKey]azcore.AccessToken

	// fetch serialises cold acquisitions within the process.
	fetch sync.Mutex
}

// tokenKey is a map key that costs no allocation for the common
// single-scope request.
type tokenKey struct {
	scope  string // the scopes, joined by a space when more than one
	tenant string
}

// Credential returns a TokenCredential for acct in env whose tokens come
// from blobs; tenant ("" = the account's home tenant) is the default tenant
// of its requests.
func (m *Manager) Credential(blobs Blobs, env profile.Environment, acct profile.Account, tenant string) *Credential {
	return &Credential{m: m, blobs: blobs, env: env, account: acct, tenant: tenant, tokens: map[tokenKey]azcore.AccessToken{}}
}

// GetToken implements azcore.TokenCredential. A request without a scope
// fails.
func (c *Credential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	k := tokenKey{tenant: opts.TenantID}
	switch len(opts.Scopes) {
	case 0:
		// as azidentity's credentials: a token for ARM by default would go
		// wherever the caller meant to send one
		return azcore.AccessToken{}, errors.New("a token request needs at least one scope")
	case 1:
		k.scope = opts.Scopes[0]
	default:
		k.scope = strings.Join(opts.Scopes, " ")
	}
	if k.tenant == "" {
		k.tenant = c.tenant
	}
	if opts.Claims == "" {
		c.mu.RLock()
		t, ok := c.tokens[k]
		c.mu.RUnlock()
		if ok && c.fresh(t) {
			return t, nil
		}
	}
	return c.slow(ctx, k, opts)
}

func (c *Credential) fresh(t azcore.AccessToken) bool {
	now := c.m.cfg.Now()
	if !t.RefreshOn.IsZero() && !now.Before(t.RefreshOn) {
		return false
	}
	return now.Add(refreshMargin).Before(t.ExpiresOn)
}

func (c *Credential) slow(ctx context.Context, k tokenKey, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.fetch.Lock()
	defer c.fetch.Unlock()
	if opts.Claims == "" {
		c.mu.RLock()
		t, ok := c.tokens[k]
		c.mu.RUnlock()
		if ok && c.fresh(t) {
			return t, nil
		}
	}
	tok, err := c.m.Token(ctx, c.blobs, c.env, c.account, TokenRequest{Scopes: opts.Scopes, TenantID: k.tenant, Claims: opts.Claims})
	if err != nil {
		return azcore.AccessToken{}, err
	}
	at := azcore.AccessToken{Token: tok.AccessToken.Reveal(), ExpiresOn: tok.ExpiresOn, RefreshOn: tok.RefreshOn}
	c.mu.Lock()
	// As many tokens as the blob keeps (credblob.MaxAccessTokens): a
	// long `azc exec` whose child asks for ever more resources kept each.
	if len(c.tokens) >= credblob.MaxAccessTokens {
		for k, t := range c.tokens {
			if !c.fresh(t) {
				delete(c.tokens, k)
			}
		}
		if len(c.tokens) >= credblob.MaxAccessTokens {
			clear(c.tokens)
		}
	}
	c.tokens[k] = at
	c.mu.Unlock()
	return at, nil
}
