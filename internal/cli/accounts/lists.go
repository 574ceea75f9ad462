package accounts

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/auth"
	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/contexts"
	"github.com/azcontext/azc/profile"
)

// ListOptions are the inputs of `subscription list` and `tenant list`.
type ListOptions struct {
	// Refresh asks ARM again for every account's tenants and
	// subscriptions first (RefreshAll).
	Refresh bool
}

// SubscriptionListRun lists the subscriptions of every context:
// `subscription list` once its arguments are parsed.
func SubscriptionListRun(ctx context.Context, f *cmdutil.Factory, out cmdutil.Output, opts *ListOptions) (err error) {
	p, err := listedProfile(ctx, f, opts.Refresh)
	if err != nil {
		return err
	}
	if opts.Refresh {
		// the refresh has written what it found
		defer func() { err = cmdutil.AfterChange(err) }()
	}
	seen := map[string]bool{}
	rows := []subscriptionRow{}
	ax := p.AccountIndex()
	for _, c := range p.Contexts {
		if c.Subscription == nil || seen[profile.NameKey(c.Subscription.ID)] {
			continue
		}
		seen[profile.NameKey(c.Subscription.ID)] = true
		acct := contexts.Account{ID: ax.AccountID(&c)}
		if a := ax.Account(c.Account); a != nil {
			acct.Type = string(a.Type)
		}
		rows = append(rows, subscriptionRow{ID: c.Subscription.ID, Name: c.Subscription.Name, State: c.Subscription.State,
			Tenant:  contexts.Tenant(c.Tenant),
			Account: acct})
	}
	// by name ignoring case as names are compared: ſtage among the s's
	sort.SliceStable(rows, func(i, j int) bool { return profile.NameKey(rows[i].Name) < profile.NameKey(rows[j].Name) })
	if len(rows) == 0 && out.Plain() {
		// no table, and the way to fill it, as `context list` says
		cmdutil.HintMissingContexts(f)
	}
	return out.Print(f, rows, func() *cmdutil.Table {
		t := &cmdutil.Table{Header: []string{"NAME", "ID", "STATE", "TENANT", "ACCOUNT"}}
		for _, r := range rows {
			tenant := r.Tenant.DefaultDomain
			if tenant == "" {
				tenant = r.Tenant.ID
			}
			t.Rows = append(t.Rows, []string{r.Name, r.ID, r.State, tenant, r.Account.ID})
		}
		return t
	})
}

// listedProfile is the state the list commands read: the merged profile,
// after asking ARM again for every account when refresh is set.
func listedProfile(ctx context.Context, f *cmdutil.Factory, refresh bool) (*profile.Profile, error) {
	st, err := f.State()
	if err != nil {
		return nil, err
	}
	if refresh {
		if err := RefreshAll(ctx, f, st); err != nil {
			return nil, err
		}
	}
	return st.Profile()
}

// subscriptionRow is the JSON shape of a subscription in `subscription
// list`: a context's subscription fields with its tenant and account in
// the shapes contexts use.
type subscriptionRow struct {
	ID      string           `json:"id"`
	Name    string           `json:"name"`
	State   string           `json:"state"`
	Tenant  contexts.Tenant  `json:"tenant"`
	Account contexts.Account `json:"account"`
}

// TenantListRun lists the tenants of every context: `tenant list` once its
// arguments are parsed.
func TenantListRun(ctx context.Context, f *cmdutil.Factory, out cmdutil.Output, opts *ListOptions) (err error) {
	p, err := listedProfile(ctx, f, opts.Refresh)
	if err != nil {
		return err
	}
	if opts.Refresh {
		// the refresh has written what it found
		defer func() { err = cmdutil.AfterChange(err) }()
	}
	seen := map[string]bool{}
	rows := []profile.Tenant{}
	for _, c := range p.Contexts {
		if seen[profile.NameKey(c.Tenant.ID)] {
			continue
		}
		seen[profile.NameKey(c.Tenant.ID)] = true
		rows = append(rows, c.Tenant)
	}
	if len(rows) == 0 && out.Plain() {
		cmdutil.HintMissingContexts(f)
	}
	return out.Print(f, rows, func() *cmdutil.Table {
		t := &cmdutil.Table{Header: []string{"ID", "DEFAULT DOMAIN", "DISPLAY NAME"}}
		for _, r := range rows {
			t.Rows = append(t.Rows, []string{r.ID, r.DefaultDomain, r.DisplayName})
		}
		return t
	})
}

// RefreshAll lists every account's tenants and subscriptions again and
// updates its contexts in the scope they live in; the defaults stay
// (`context list --refresh` and the lists' --refresh). The account of a
// shell's own copy of a context removed elsewhere, which no scope holds,
// is not refreshed: that would bring its contexts back. An account that
// fails (its cloud unreachable, its sign-in expired) does not stop the
// others: each is refreshed, and then the failures, each apart
// (refreshFailures), are the error.
func RefreshAll(ctx context.Context, f *cmdutil.Factory, st *azc.State) error {
	entries, err := st.Contexts()
	if err != nil {
		return err
	}
	p, err := st.Profile()
	if err != nil {
		return err
	}
	// each account's tokens are in the store that holds them
	// (azc.Entry.Credentials), its contexts in the scope of its first
	st.SetCredentials(entries)
	scopes := map[string]profile.Scope{}
	creds := map[string]profile.Scope{}
	var order []string
	for _, e := range entries {
		if e.OwnCopy {
			// the shell's copy of a context removed elsewhere lives in
			// no scope: its account's contexts are not brought back
			continue
		}
		k := profile.NameKey(e.Account)
		if _, ok := scopes[k]; !ok {
			scopes[k], creds[k] = e.Scope, e.Credentials
			order = append(order, k)
		}
	}
	m := newManager(f)
	// each scope's store is opened once, as export opens it: an opening
	// asks the OS key store for the data key
	stores := map[profile.Scope]credstore.Blobs{}
	var failed []error
	for _, k := range order {
		acct := p.Account(k)
		if acct == nil {
			continue
		}
		env, err := p.Environment(acct.Environment)
		if err != nil {
			failed = append(failed, fmt.Errorf("refresh %s (%s): %w", acct.ID, acct.Environment, err))
			continue
		}
		blobs, ok := stores[creds[k]]
		if !ok {
			if blobs, err = cmdutil.Blobs(f, st, creds[k]); err != nil {
				return err
			}
			stores[creds[k]] = blobs
		}
		ui, endUI := loginUI(ctx, f)
		res, err := m.Refresh(ctx, blobs, env, *acct, ui)
		endUI()
		if err != nil {
			if ctx.Err() != nil {
				return err // Ctrl-C: the others are not asked
			}
			failed = append(failed, TokenError(fmt.Errorf("refresh %s (%s): %w", acct.ID, acct.Environment, err), acct, "", creds[k]))
			continue
		}
		for _, w := range res.Warnings {
			cmdutil.Warn(f.IOStreams, w)
		}
		if _, err := st.Update(scopes[k], func(p *profile.Profile) error {
			_, err := res.Apply(p, auth.ApplyOptions{KeepDefault: true})
			return err
		}); err != nil {
			return err
		}
	}
	if len(failed) == 0 {
		return nil
	}
	return refreshFailures(failed)
}

// refreshFailures are the accounts that failed a refresh, one error each
// ("refresh ID (CLOUD): why"), given apart on the one line of the error
// ("; "). errors.Is and errors.As see each, so that the first that has an
// exit code or hint of its own gives it.
type refreshFailures []error

func (e refreshFailures) Error() string {
	msgs := make([]string, len(e))
	for i, err := range e {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, "; ")
}

func (e refreshFailures) Unwrap() []error { return e }

// FindSubscription looks sub (id or name; "" for the first enabled one of
// tenant) in tenant (id or domain; "" for any, the account's home tenant
// first) up in ARM with the account of cur, with the credentials it has,
// and returns the unnamed context for it (`context set` of a subscription
// no context holds, as Set-AzContext does).
func FindSubscription(ctx context.Context, f *cmdutil.Factory, st *azc.State, cur *profile.Context, sub, tenant string) (profile.Context, error) {
	p, err := st.Profile()
	if err != nil {
		return profile.Context{}, err
	}
	acct := p.Account(cur.Account)
	if acct == nil {
		return profile.Context{}, cmdutil.WithHint(fmt.Errorf("the account of context %q is %w", cur.Name, auth.ErrNotSignedIn),
			cmdutil.ExitInteraction, "sign in with `azc login`, then retry")
	}
	env, err := p.Environment(acct.Environment)
	if err != nil {
		return profile.Context{}, err
	}
	blobs, err := cmdutil.Blobs(f, st, profile.ScopeUser)
	if err != nil {
		return profile.Context{}, err
	}
	// the store that keeps the tokens, the user's when neither does
	scope := profile.ScopeUser
	if _, err := blobs.Get(acct.Key()); blobNotFound(err) && st.SessionBlobs() != nil {
		if _, err := st.SessionBlobs().Get(acct.Key()); !blobNotFound(err) {
			blobs, scope = st.SessionBlobs(), profile.ScopeProcess
		}
	}
	what := "subscription " + profile.QuoteShort(sub)
	if sub == "" {
		what = "tenant " + profile.QuoteShort(tenant)
	} else if tenant != "" {
		what += " in tenant " + profile.QuoteShort(tenant)
	}
	ui, endUI := loginUI(ctx, f)
	res, err := newManager(f).Refresh(ctx, blobs, env, *acct, ui)
	endUI()
	if err != nil {
		code, hint := cmdutil.ExitFailure, "sign in again with `"+cmdutil.LoginCommand(acct, "", scope)+"`, then retry"
		var ue *url.Error
		switch {
		case errors.Is(err, auth.ErrNotSignedIn) || errors.Is(err, auth.ErrInteractionRequired):
			code = cmdutil.ExitInteraction
		case errors.As(err, &ue):
			hint = "check the network and any proxy, then retry"
		}
		return profile.Context{}, cmdutil.WithHint(fmt.Errorf("%s is not known to any context, and looking it up in ARM as %s failed: %w", what, acct.ID, err),
			code, hint)
	}
	tenants := map[string]profile.Tenant{}
	for _, t := range res.Tenants {
		tenants[profile.NameKey(t.ID)] = t
	}
	inTenant := func(id string) bool {
		if tenant == "" {
			return true
		}
		t := tenants[profile.NameKey(id)]
		t.ID = id
		return t.Named(tenant)
	}
	var hits []profile.Subscription
	for _, s := range res.Subscriptions {
		if !inTenant(s.TenantID) {
			continue
		}
		if sub == "" && auth.Enabled(s) || s.Named(sub) {
			hits = append(hits, s)
		}
	}
	// a name that two subscriptions hold names neither, as every
	// --subscription takes one (profile.SubscriptionIndex)
	if sub != "" {
		var ids []string
		seen := map[string]bool{}
		for _, s := range hits {
			if k := profile.NameKey(s.ID); !seen[k] {
				seen[k] = true
				ids = append(ids, s.ID)
			}
		}
		if len(ids) > 1 {
			more := ""
			if len(ids) > 10 {
				ids, more = ids[:10], fmt.Sprintf(" and %d more", len(ids)-10)
			}
			return profile.Context{}, cmdutil.WithHint(fmt.Errorf("%s is ambiguous: %s sees the subscriptions %s%s of that name", what, acct.ID, strings.Join(ids, ", "), more),
				cmdutil.ExitUsage, "give one of the ids")
		}
	}
	// the home tenant's first, as Set-AzContext prefers it
	sort.SliceStable(hits, func(i, j int) bool {
		return strings.EqualFold(hits[i].TenantID, acct.HomeTenantID) && !strings.EqualFold(hits[j].TenantID, acct.HomeTenantID)
	})
	c := profile.Context{Account: acct.Key(), Environment: acct.Environment}
	switch {
	case len(hits) > 0:
		s := hits[0]
		c.Subscription = &s
		c.Tenant = tenants[profile.NameKey(s.TenantID)]
		if c.Tenant.ID == "" {
			c.Tenant.ID = s.TenantID
		}
		return c, nil
	case sub == "":
		for _, t := range res.Tenants {
			if inTenant(t.ID) {
				c.Tenant = t
				return c, nil
			}
		}
	}
	return profile.Context{}, cmdutil.WithHint(fmt.Errorf("%s not found for %s", what, acct.ID), cmdutil.ExitFailure,
		"`azc subscription list --refresh` lists the subscriptions the accounts can see; sign in with an account that can see it")
}
