// Package azcred gives a Go program the azcore.TokenCredential of an azc
// context in one call, chosen exactly as the azc command chooses it: the
// named context, else $AZC_CONTEXT, else the default of the session
// $AZC_SESSION names, else the profile's default (docs/sessions.md).
//
//	cred, err := azcred.New(nil) // or &azcred.Options{Context: "Prod"}
//	opts, err := cred.ARMClientOptions()
//	client, err := armresources.NewClient(cred.Context().Subscription.ID, cred, opts)
//
// Tokens come from the context's signed-in account in azc's encrypted
// store: warm ones from memory, cold ones through the account's
// cross-process lock, so a program and azc commands running beside it
// refresh once between them.
//
// The package is separate from package azc because the azc binary links
// package azc and must start without the Azure SDK and MSAL, which this
// package needs.
package azcred

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/auth"
	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/credstore/desktopkey"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/secret"
	"github.com/azcontext/azc/session"
)

// Options configure New. The zero value (or nil) is what the azc command
// does in the same environment.
type Options struct {
	// Context names the context (a name, subscription id or name, or a
	// unique prefix, as `azc -c` takes); "" means $AZC_CONTEXT, then the
	// session's default, then the profile's.
	Context string
	// Dir is the state directory; "" means azc.DefaultDir ($AZC_CONFIG_DIR,
	// else ~/.config/azc).
	Dir string
	// Getenv is how the environment is read (AZC_CONTEXT, AZC_SESSION,
	// AZC_CONFIG_DIR, XDG_RUNTIME_DIR, TMPDIR, AZC_REQUIRE_ENCRYPTION,
	// the autosave variables of azc.AutosaveEnv, which decide whether the
	// profile's contexts are seen, and the proxy variables); nil means
	// os.Getenv.
	Getenv func(string) string
	// HTTPClient, when set, carries every request to the identity
	// provider; nil means azc's own client for the context's cloud (with
	// its CA file, for a custom one).
	HTTPClient *http.Client
	// Logger receives diagnostics, never a token or secret. Nil discards.
	// (A session $AZC_SESSION names that cannot be opened is New's error,
	// as it is every azc command's.)
	Logger *slog.Logger
}

// Credential is the azcore.TokenCredential of one context. It is safe for
// concurrent use.
type Credential struct {
	cred *auth.Credential
	m    *auth.Manager
	env  profile.Environment
	ctx  profile.Context
	// For a one-tenant account (profile.Account.OneTenant): the state,
	// whose contexts say which tenant a domain names
	// (profile.Profile.TenantAsked), read afresh at each such GetToken.
	oneTenant *profile.Account
	st        *azc.State
}

var _ azcore.TokenCredential = (*Credential)(nil)

// New resolves the context and returns its credential. It fails with an
// error matching azc.ErrNoContext when no context is selected or signed in,
// with the candidates when a name is ambiguous, and with one matching
// auth.ErrNotSignedIn when the state holds no account of the context. No
// credential is read and no token fetched until GetToken, which fails
// with an error matching auth.ErrNotSignedIn when the account's
// credentials are gone.
func New(opts *Options) (*Credential, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	dir := o.Dir
	if dir == "" {
		d, err := azc.DefaultDir(getenv)
		if err != nil {
			return nil, err
		}
		dir = d
	}
	autosave, _, err := azc.AutosaveEnv(getenv)
	if err != nil {
		return nil, fmt.Errorf("azcred: %w", err)
	}
	ao := azc.Options{Dir: dir, Logger: log, AutosaveEnv: autosave}
	if o.Context == "" {
		ao.Getenv = getenv // the context azc exec started the program with
	}
	st, err := azc.Open(ao)
	if err != nil {
		return nil, err
	}
	if v := getenv(session.EnvVar); v != "" {
		tmp := getenv("TMPDIR")
		if tmp == "" {
			tmp = os.TempDir()
		}
		// one that cannot be opened is an error, as for every azc
		// command: the profile's default may be another subscription
		// than the shell selected
		sess, err := session.Open(session.RuntimeDir(getenv("XDG_RUNTIME_DIR"), tmp, os.Getuid()), secret.New(v))
		if err != nil {
			return nil, fmt.Errorf("azcred: %w", err)
		}
		st = st.WithSession(sess)
	}
	ref := o.Context
	if ref == "" {
		ref = getenv("AZC_CONTEXT")
	}
	p, e, err := st.ResolveEntry(ref)
	if err != nil {
		return nil, err
	}
	c := e.Context
	acct := p.Account(c.Account)
	if acct == nil {
		return nil, fmt.Errorf("azcred: context %q: %w", c.Name, auth.ErrNotSignedIn)
	}
	env, err := p.Environment(c.Environment)
	if err != nil {
		return nil, err
	}
	var blobs auth.Blobs
	if e.Credentials == profile.ScopeProcess {
		if blobs = st.SessionBlobs(); blobs == nil {
			return nil, fmt.Errorf("azcred: context %q lives in a session that keeps no credentials", c.Name)
		}
	} else {
		require, err := credstore.RequireEncryptionEnv(getenv)
		if err != nil {
			return nil, fmt.Errorf("azcred: %w", err)
		}
		store, err := credstore.Open(dir, credstore.Options{
			Env:               getenv,
			Desktop:           desktopkey.Backend(),
			RequireEncryption: require,
			Warn:              func(msg string) { log.Warn("azcred: " + msg) },
			Logger:            log,
		})
		if err != nil {
			return nil, err
		}
		blobs = store
	}
	m := auth.New(auth.Config{
		HTTPClient: o.HTTPClient,
		Logger:     log,
		Getenv:     getenv,
		NotFound:   func(err error) bool { return errors.Is(err, credstore.ErrNotFound) },
	})
	cred := &Credential{cred: m.Credential(blobs, env, *acct, c.Tenant.ID), m: m, env: env, ctx: c}
	if acct.OneTenant() {
		cred.oneTenant, cred.st = acct, st
	}
	return cred, nil
}

// GetToken implements azcore.TokenCredential: a token for opts.Scopes in
// opts.TenantID, by default the context's tenant. An account with tokens
// of one tenant only (a managed identity, a raw access token) fails with
// an *auth.OtherTenantError for another tenant, named by its id or by a
// domain a context of the state names as its tenant's, as `azc token
// --tenant` does. Without a scope it fails.
func (c *Credential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	if c.oneTenant != nil && opts.TenantID != "" && !profile.IsTenantID(opts.TenantID) {
		p, err := c.st.Profile()
		if err != nil {
			return azcore.AccessToken{}, fmt.Errorf("azcred: %w", err)
		}
		opts.TenantID = p.TenantAsked(c.oneTenant, opts.TenantID)
	}
	return c.cred.GetToken(ctx, opts)
}

// Context returns a copy of the context the credential serves: its name,
// tenant, subscription (nil when it has none) and environment's name.
func (c *Credential) Context() profile.Context { return c.ctx.Clone() }

// ARMClientOptions returns options for any ARM client (armresources,
// armsubscriptions, …) that reach the context's cloud: its ARM endpoint
// and audience, and for a custom environment its CA file. A client built
// with nil options talks to the public cloud.
func (c *Credential) ARMClientOptions() (*arm.ClientOptions, error) {
	return c.m.ARMClientOptions(c.env)
}
