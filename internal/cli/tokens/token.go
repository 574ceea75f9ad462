// Package tokens is `azc token` (Get-AzAccessToken; az account
// get-access-token) once its arguments are parsed. A warm token is served
// straight from the account's credential blob by credblob.CachedToken,
// which links neither MSAL nor net/http, so the azc binary runs Run itself;
// a miss goes to the Slow path azc-full passes (MSAL: accounts.MSALToken),
// and in azc, which has none, Run returns cmdutil.ErrNeedFull so that azc
// hands the command over.
package tokens

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/credblob"
	"github.com/azcontext/azc/profile"
)

// Options are the inputs of `azc token`.
type Options struct {
	// Ref names the context (-c, $AZC_CONTEXT, the default when empty).
	Ref      string
	Resource string
	Scope    string
	Tenant   string
	// Subscription picks the context whose subscription (id or name) it
	// names, as az's --subscription picks the account; it excludes Tenant.
	Subscription string
	// Slow gets a token the cache cannot serve: MSAL in azc-full
	// (accounts.MSALToken), nil in azc.
	Slow Slow
}

// Request is what the slow path is asked for: a token for Account in
// Environment, from the credentials in Blobs.
type Request struct {
	Environment profile.Environment
	Account     profile.Account
	Blobs       credstore.Blobs
	// Scope is the scope whose store Blobs is (azc.Entry.Credentials):
	// the way out of a sign-in needed again signs in there.
	Scope profile.Scope
	// TenantID is the token's tenant (the context's unless --tenant).
	TenantID string
	// Scopes requested; empty means ARM.
	Scopes []string
}

// Slow gets a token the cache cannot serve (azc-full: MSAL). Its errors
// are shown as they are, so it adds the hints they need.
type Slow func(ctx context.Context, r Request) (credblob.Token, error)

// Run is `azc token` once its arguments are parsed: a token for the
// context o.Ref names in the output out. A miss goes to o.Slow; with none
// (the azc binary) it returns cmdutil.ErrNeedFull, before any side effect.
func Run(ctx context.Context, f *cmdutil.Factory, out cmdutil.Output, o *Options) error {
	if o.Resource != "" && o.Scope != "" {
		return cmdutil.UsageErrorf("--resource and --scope exclude each other: give one (a v1 resource or a v2 scope)")
	}
	// a --resource is one; a --scope may be several, separated by
	// spaces, as OAuth's are
	if o.Resource != "" && !credblob.OneResource(o.Resource) {
		return cmdutil.UsageErrorf("invalid --resource %s: give one, without white space or control characters", profile.QuoteShort(o.Resource))
	}
	if o.Scope != "" && !credblob.SomeScopes(o.Scope) {
		return cmdutil.UsageErrorf("invalid --scope %s: give one or more, separated by spaces, without control characters", profile.QuoteShort(o.Scope))
	}
	if o.Subscription != "" && o.Tenant != "" {
		return cmdutil.UsageErrorf("--subscription and --tenant exclude each other (a subscription names its tenant)")
	}
	if err := cmdutil.CheckTenantFlag(o.Tenant); err != nil {
		return err
	}
	st, err := f.State()
	if err != nil {
		return err
	}
	p, c, scope, err := cmdutil.ResolveContext(st, o.Ref)
	if o.Subscription != "" {
		var cur *profile.Context
		if err == nil {
			cur = c
		}
		if p, c, scope, err = subscriptionContext(st, cur, o.Subscription); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	acct := p.Account(c.Account)
	if acct == nil {
		return cmdutil.WithHint(credblob.ErrNotSignedIn, cmdutil.ExitInteraction, "sign in with `azc login`")
	}
	env, err := p.Environment(c.Environment)
	if err != nil {
		return err
	}
	r := Request{Environment: env, Account: *acct, Scope: scope, TenantID: o.Tenant}
	if r.TenantID == "" {
		r.TenantID = c.Tenant.ID
	}
	if o.Tenant != "" && !profile.IsTenantID(o.Tenant) && acct.OneTenant() {
		// A one-tenant account takes a domain as its home tenant's
		// (credblob.OtherTenant), but one the profile knows as another
		// tenant's is that tenant, whose token it does not have
		// (Profile.TenantAsked). (p may hold the resolved context alone:
		// the whole profile is read only when the rule may need it.)
		all, err := st.Profile()
		if err != nil {
			return err
		}
		r.TenantID = all.TenantAsked(acct, o.Tenant)
	}
	switch {
	case o.Scope != "":
		r.Scopes = []string{o.Scope}
	case o.Resource != "":
		// a v1 resource's scope, as az (and auth.ResourceScope) make it
		r.Scopes = []string{o.Resource + "/.default"}
	}
	var tok credblob.Token
	if o.Slow == nil {
		if tok, err = Cached(f, st, scope, &r); err != nil {
			return err
		}
	} else {
		if storeUnmade(f, scope) {
			// what opening the store checks first, as any command that
			// opens it does
			if _, err := cmdutil.RequireEncryption(f); err != nil {
				return err
			}
			r.Blobs = noStore{}
		} else if r.Blobs, err = cmdutil.Blobs(f, st, scope); err != nil {
			return err
		}
		if tok, err = CachedIn(f, r); err != nil {
			if tok, err = o.Slow(ctx, r); err != nil {
				return err
			}
		}
	}
	sub := ""
	if c.Subscription != nil && o.Tenant == "" {
		sub = c.Subscription.ID
	}
	az := tok.AzCompatible(sub, time.Local)
	if o.Tenant != "" {
		// as given, as az prints it: a one-tenant account's token says
		// its home tenant's id for the domain that names it
		az.Tenant = o.Tenant
	}
	if out.Format == cmdutil.FormatTSV && out.Query == "" {
		return out.Print(f, tsvRow(az), nil)
	}
	return out.Print(f, az, nil)
}

// azRow is a token as `az account get-access-token -o tsv` prints it:
// accessToken, expiresOn, subscription (absent with --tenant), tenant,
// tokenType, in that order. az's JSON, which azc's keeps, also carries
// expires_on in current versions; a tsv row without it keeps scripts that
// read columns by position working.
type azRow struct {
	AccessToken  string `json:"accessToken"`
	ExpiresOn    string `json:"expiresOn"`
	Subscription string `json:"subscription,omitempty"`
	Tenant       string `json:"tenant"`
	TokenType    string `json:"tokenType"`
}

func tsvRow(t credblob.AzToken) azRow {
	return azRow{AccessToken: t.AccessToken, ExpiresOn: t.ExpiresOn, Subscription: t.Subscription, Tenant: t.Tenant, TokenType: t.TokenType}
}

// subscriptionContext finds the context whose subscription id or name
// (case-insensitively) is sub, as every --subscription finds one
// (profile.SubscriptionIndex): of cur's account when the subscription's
// contexts are of several; two subscriptions of that name, or several
// accounts none of them cur's, are ambiguous.
func subscriptionContext(st *azc.State, cur *profile.Context, sub string) (*profile.Profile, *profile.Context, profile.Scope, error) {
	p, err := st.Profile()
	if err != nil {
		return nil, nil, 0, err
	}
	entries, err := st.Contexts()
	if err != nil {
		return nil, nil, 0, err
	}
	account := ""
	if cur != nil {
		account = cur.Account
	}
	i, err := profile.SubscriptionIndex(len(entries), func(i int) *profile.Context { return &entries[i].Context }, sub, account)
	if err != nil {
		return nil, nil, 0, cmdutil.WithHint(err, cmdutil.ExitUsage, "pick one with -c NAME, or give the subscription's id")
	}
	if i < 0 {
		return nil, nil, 0, cmdutil.WithHint(fmt.Errorf("no context has subscription %s", profile.QuoteShort(sub)), cmdutil.ExitFailure,
			"list the subscriptions with `azc context list`; sign in to another account with `azc login`")
	}
	found := entries[i : i+1]
	// the store that holds its account's tokens, as ResolveContext's
	st.SetCredentials(found)
	return p, &found[0].Context, found[0].Credentials, nil
}

// Cached returns the token r asks for as the azc binary, which links no
// MSAL, serves it: from the credential blob of r's account in the store of
// scope, which it opens into r.Blobs (and r.Scope). Whatever it cannot
// serve so (a store only azc-full opens, a miss) is cmdutil.ErrNeedFull,
// before it has said anything: what opening the store says on stderr (the
// plaintext warning) is held back until the token is had, for on a
// hand-over azc-full opens the store again and says it itself.
func Cached(f *cmdutil.Factory, st *azc.State, scope profile.Scope, r *Request) (credblob.Token, error) {
	if storeUnmade(f, scope) {
		return credblob.Token{}, cmdutil.ErrNeedFull
	}
	var held bytes.Buffer
	blobs, err := cmdutil.Blobs(cmdutil.WithStderr(f, &held), st, scope)
	if err != nil {
		f.Logger.Debug("credential store not opened here", "reason", err)
		return credblob.Token{}, cmdutil.ErrNeedFull
	}
	r.Blobs, r.Scope = blobs, scope
	tok, err := CachedIn(f, *r)
	if err != nil {
		return credblob.Token{}, cmdutil.ErrNeedFull
	}
	_, _ = f.IOStreams.ErrOut.Write(held.Bytes())
	return tok, nil
}

// CachedIn is the token the account's blob in r.Blobs serves without
// MSAL; any error (no blob, a lost key, a miss) leaves the answer to the
// slow path.
func CachedIn(f *cmdutil.Factory, r Request) (credblob.Token, error) {
	tok, err := cachedToken(f, r)
	if err != nil {
		f.Logger.Debug("token not served from the cache", "account", r.Account.ID, "tenant", r.TenantID, "scopes", r.Scopes, "reason", err)
	} else {
		f.Logger.Debug("token served from the cache", "account", r.Account.ID, "tenant", r.TenantID, "scopes", r.Scopes)
	}
	return tok, err
}

func cachedToken(f *cmdutil.Factory, r Request) (credblob.Token, error) {
	data, err := r.Blobs.Get(r.Account.Key())
	if err != nil {
		return credblob.Token{}, err
	}
	creds, err := credblob.Unmarshal(data)
	if err != nil {
		return credblob.Token{}, err
	}
	return creds.CachedToken(credblob.Request{Environment: r.Environment, Account: r.Account, TenantID: r.TenantID, Scopes: r.Scopes, Now: f.Now()})
}

// storeUnmade reports whether scope's credential store is the user's and
// was never made (no sign-in yet; contexts imported without their
// tokens): opening it would make it, and a data key, for a token it
// cannot hold.
func storeUnmade(f *cmdutil.Factory, scope profile.Scope) bool {
	return scope != profile.ScopeProcess && cmdutil.UserStoreUnmade(f)
}

// noStore is a credential store that was never made (storeUnmade): it
// holds no blob, so every token of it is a miss, and a lock of it needs no
// file. Nothing is stored in it: a token is had only with a blob.
type noStore struct{}

// errNoStore is what a write to a noStore gives.
var errNoStore = errors.New("no credential store: sign in first")

func (noStore) Get(string) ([]byte, error)                            { return nil, credstore.ErrNotFound }
func (noStore) Put(string, []byte) error                              { return errNoStore }
func (noStore) Delete(string) error                                   { return nil }
func (noStore) Update(string, func(old []byte) ([]byte, error)) error { return errNoStore }
func (noStore) Lock(context.Context, string) (func(), error)          { return func() {}, nil }
