package auth

import (
	"fmt"

	"github.com/azcontext/azc/profile"
)

// ApplyOptions control how a sign-in lands in a profile.
type ApplyOptions struct {
	// ContextName names the context made default (--context-name).
	ContextName string
	// Force lets ContextName take a name another context holds, and a raw
	// access token replace a sign-in of another kind (ReplaceError).
	Force bool
	// KeepDefault leaves the profile's default context alone (a refresh).
	KeepDefault bool
}

// ApplyResult reports what Apply did.
type ApplyResult struct {
	// Default is the context made default.
	Default profile.Context
	// Created and Updated count contexts.
	Created, Updated int
	// Replaced is what a forced name took over; its orphaned accounts'
	// credentials are the caller's to drop.
	Replaced profile.Removal
}

// Apply writes the sign-in into p: the account, the custom environment
// signed in to when p has none of its name, and one context per
// enabled subscription (a tenant-level context when there is none),
// updating the contexts of an earlier sign-in rather than duplicating them.
// The first context (LoginOptions.Subscription's, else the home tenant's
// first) becomes the default. Call it inside
// the profile's Update, after every network call is done.
func (r *LoginResult) Apply(p *profile.Profile, opts ApplyOptions) (ApplyResult, error) {
	var res ApplyResult
	if err := r.keepEnvironment(p); err != nil {
		return res, err
	}
	if a := p.Account(r.Account.Key()); a != nil && r.Account.Type == profile.AccessToken && a.Type != profile.AccessToken && !opts.Force {
		return res, &ReplaceError{Account: a.ID, Type: a.Type}
	}
	ctxs := r.contexts(p.UpsertAccount(r.Account))
	if len(ctxs) == 0 {
		return res, nil
	}
	// The first context takes the options; the rest are upserted in one
	// pass over an index of the profile, linear in the contexts of both.
	first := ctxs[0]
	uo := profile.UpsertOptions{MakeDefault: !opts.KeepDefault}
	if opts.ContextName != "" {
		first.Name = opts.ContextName
		uo.Force = opts.Force
	}
	u, err := p.UpsertContext(first, uo)
	if err != nil {
		return res, err
	}
	res.Default, res.Replaced = u.Context, u.Replaced
	rest, err := p.UpsertContexts(ctxs[1:], profile.UpsertOptions{})
	res.Created, res.Updated = rest.Created, rest.Updated
	if u.Created {
		res.Created++
	} else {
		res.Updated++
	}
	return res, err
}

// Named is the context Apply gives opts.ContextName, before Apply: a
// forced name replaces the context that holds it when that context is of
// another identity, and the caller tries the credential lock of that
// context's account first. False when there is no name, or no context.
func (r *LoginResult) Named(opts ApplyOptions) (profile.Context, bool) {
	if opts.ContextName == "" {
		return profile.Context{}, false
	}
	// the account as a profile holds it
	var empty profile.Profile
	ctxs := r.contexts(empty.UpsertAccount(r.Account))
	if len(ctxs) == 0 {
		return profile.Context{}, false
	}
	c := ctxs[0]
	c.Name = opts.ContextName
	if c.Subscription != nil {
		sub := *c.Subscription // the caller's, not r's
		c.Subscription = &sub
	}
	return c, true
}

// contexts are the contexts of the sign-in of acct, the account as the
// profile holds it; the first becomes the default.
func (r *LoginResult) contexts(acct profile.Account) []profile.Context {
	key := acct.Key()
	ctxs := make([]profile.Context, 0, len(r.Subscriptions))
	tenants := map[string]profile.Tenant{}
	for _, t := range r.Tenants {
		tenants[t.ID] = t
	}
	for i := range r.Subscriptions {
		// r's own: Profile.UpsertContext stores a copy, and copies it
		// before it changes
		s := &r.Subscriptions[i]
		if !Enabled(*s) {
			continue
		}
		t := tenants[s.TenantID]
		if t.ID == "" {
			t.ID = s.TenantID
		}
		ctxs = append(ctxs, profile.Context{Account: key, Environment: acct.Environment, Tenant: t, Subscription: s})
	}
	if len(ctxs) == 0 {
		t := profile.Tenant{ID: acct.HomeTenantID}
		if len(r.Tenants) > 0 {
			t = r.Tenants[0]
		}
		if t.ID != "" {
			ctxs = append(ctxs, profile.Context{Account: key, Environment: acct.Environment, Tenant: t})
		}
	}
	return ctxs
}

// keepEnvironment adds the custom environment signed in to to p when p
// has none of its name, so that no context of the sign-in names a cloud
// its profile lacks: an `environment remove` that ran while the sign-in
// waited for its approval (it refuses only environments that contexts
// use, and the sign-in's were not written yet), or a shell's session,
// whose sign-in used an environment of the user's profile that may go
// while the session lives. An environment of that name that p has is
// kept as it is.
func (r *LoginResult) keepEnvironment(p *profile.Profile) error {
	if r.env.Name == "" || r.env.BuiltIn {
		return nil
	}
	if _, err := p.Environment(r.env.Name); err == nil {
		return nil
	}
	return p.SetEnvironment(r.env)
}

// ReplaceError refuses a sign-in with a raw access token whose account is
// signed in another way (a user, a service principal, a managed
// identity): the token, which nothing refreshes, would replace that
// sign-in and the credentials its blob keeps (a refresh token, a secret, a
// certificate). Apply returns it before anything is written;
// ApplyOptions.Force lets the token replace the sign-in.
type ReplaceError struct {
	// Account is the account's id, Type what it is signed in as.
	Account string
	Type    profile.AccountType
}

func (e *ReplaceError) Error() string {
	kind := map[profile.AccountType]string{
		profile.UserAccount:      "a user",
		profile.ServicePrincipal: "a service principal",
		profile.ManagedIdentity:  "a managed identity",
	}[e.Type]
	if kind == "" {
		kind = fmt.Sprintf("%q", e.Type)
	}
	return fmt.Sprintf("%s is signed in as %s: a raw access token would replace that sign-in, and the credentials it keeps", e.Account, kind)
}

// Hint is the way on.
func (e *ReplaceError) Hint() string {
	return "nothing was changed; pass --force to replace the sign-in with the token, or give another --account-id"
}
