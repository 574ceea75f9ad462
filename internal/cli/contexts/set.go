package contexts

import (
	"context"
	"errors"
	"fmt"

	"github.com/azcontext/azc"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/profile"
)

// SetOptions are the inputs of `context set`.
type SetOptions struct {
	Ref            string // the context to start from when neither Subscription nor Tenant is given (-c, $AZC_CONTEXT, default)
	Subscription   string // id or name of a subscription: a context's, else one FindSubscription finds in ARM
	Tenant         string // id or domain
	Name           string
	StorageAccount string
	Properties     []string // key=value; empty value removes the key
	Force          bool
	Scope          string
	// FindSubscription looks a subscription or tenant no context holds up
	// in ARM (accounts.FindSubscription in azc-full).
	FindSubscription func(ctx context.Context, st *azc.State, cur *profile.Context, sub, tenant string) (profile.Context, error)
	// Credentials drops the credentials of an account whose last context
	// Force replaced.
	Credentials Credentials
}

// SetRun creates or updates a context and makes it the default: `context
// set` once its arguments are parsed.
func SetRun(ctx context.Context, f *cmdutil.Factory, out cmdutil.Output, opts *SetOptions) error {
	st, err := f.State()
	if err != nil {
		return err
	}
	scope, err := cmdutil.ChangeScope(f, st, opts.Scope)
	if err != nil {
		return err
	}
	view, err := st.ProfileAt(scope)
	if err != nil {
		return err
	}
	want, err := planSet(st, view, opts)
	var unknown *unknownError
	if errors.As(err, &unknown) {
		// Set-AzContext looks it up in ARM with the current account.
		cur, cerr := st.ResolveIn(view, opts.Ref)
		if errors.Is(cerr, azc.ErrNoContext) {
			return cmdutil.WithHint(fmt.Errorf("%w, and no account is signed in to look it up in ARM", err),
				cmdutil.ExitInteraction, "sign in with `azc login`, then retry")
		}
		if cerr != nil {
			return err
		}
		found, ferr := opts.FindSubscription(ctx, st, cur, opts.Subscription, opts.Tenant)
		if ferr != nil {
			return ferr
		}
		want, err = found.Facts(), nil
		want.Name, want.StorageAccount = opts.Name, opts.StorageAccount
	}
	if err != nil {
		return err
	}
	var acct *profile.Account
	if a := view.Account(want.Account); a != nil {
		c := *a
		acct = &c
	}
	if opts.Force {
		if err := ProbeReplaced(ctx, st, scope, &want, opts.Credentials.Probe); err != nil {
			return err
		}
	}
	res, err := st.SetContext(scope, want, azc.SetOptions{
		Force:       opts.Force,
		Account:     acct,
		AccountSeen: acct != nil,
		Properties: func(old map[string]string) (map[string]string, error) {
			return applyProperties(old, opts.Properties)
		},
	})
	if err != nil {
		return err
	}
	if err := opts.Credentials.Drop(ctx, st, scope, res.Replaced.OrphanedAccounts); err != nil {
		return err
	}
	verb := "updated"
	switch {
	case res.Created:
		verb = "created"
	case len(res.Replaced.Contexts) > 0:
		verb = "replaced"
	}
	for _, r := range res.Renamed {
		cmdutil.Warn(f.IOStreams, RenameWarning(scope, r, verb))
	}
	msg := fmt.Sprintf("%s context %s, now the default (%s)", verb, profile.QuoteShort(res.Context.Name), Where(st, scope))
	if out.Plain() {
		return out.PrintChange(f, nil, msg)
	}
	shape, err := ShapeOne(st, res.Context.Name)
	if err != nil {
		return err
	}
	return out.PrintChange(f, shape, msg)
}

// unknownError is a subscription or tenant no context holds.
type unknownError struct{ what string }

func (e *unknownError) Error() string { return e.what + " is not known to any context" }

func (e *unknownError) Hint() string {
	return "sign in to it with `azc login`, or import contexts that hold it with `azc context import FILE`"
}

// planSet works out the context `context set` writes, from the merged view
// p. This is azc's reading of Set-AzContext for a profile without sign-in:
// a subscription or tenant is looked up among the contexts the profile
// already has, preferring the current context's account.
func planSet(st *azc.State, p *profile.Profile, o *SetOptions) (profile.Context, error) {
	var cur *profile.Context
	if c, err := st.ResolveIn(p, o.Ref); err == nil {
		cur = c
	} else if o.Subscription == "" && o.Tenant == "" {
		return profile.Context{}, err
	}
	var base profile.Context
	switch {
	case o.Subscription == "" && o.Tenant == "":
		base = *cur
	default:
		found, err := findKnown(p, cur, o.Subscription, o.Tenant)
		if err != nil {
			return profile.Context{}, err
		}
		base = found.Facts()
		if o.Subscription == "" && found.Subscription != nil && !matchesTenant(found, o.Tenant) {
			base.Subscription = nil
		}
	}
	if o.Name != "" {
		base.Name = o.Name
	}
	if o.StorageAccount != "" {
		base.StorageAccount = o.StorageAccount
	}
	return base, nil
}

func matchesTenant(c *profile.Context, t string) bool {
	return t == "" || c.Tenant.Named(t)
}

// findKnown finds a context holding the subscription sub (id or name) in
// tenant (id or domain); either may be empty. A subscription is found as
// every --subscription finds one (profile.SubscriptionIndex: the current
// context's account first; two subscriptions of one name are ambiguous);
// a tenant alone as tenantContext says.
func findKnown(p *profile.Profile, cur *profile.Context, sub, tenant string) (*profile.Context, error) {
	var hits []*profile.Context
	for i := range p.Contexts {
		if c := &p.Contexts[i]; matchesTenant(c, tenant) {
			hits = append(hits, c)
		}
	}
	account := ""
	if cur != nil {
		account = cur.Account
	}
	found := -1
	if sub != "" {
		var err error
		if found, err = profile.SubscriptionIndex(len(hits), func(i int) *profile.Context { return hits[i] }, sub, account); err != nil {
			return nil, err
		}
	} else if len(hits) > 0 {
		if err := oneTenant(hits, tenant); err != nil {
			return nil, err
		}
		found = tenantContext(hits, cur)
	}
	if found < 0 {
		what := "subscription " + profile.QuoteShort(sub)
		if sub == "" {
			what = "tenant " + profile.QuoteShort(tenant)
		} else if tenant != "" {
			what += " in tenant " + profile.QuoteShort(tenant)
		}
		return nil, &unknownError{what: what}
	}
	return hits[found], nil
}

// oneTenant refuses a --tenant that names two tenants, whose contexts are
// hits: two default domains that are one name (SameName: ſub.test and
// SUB.test), as SubscriptionIndex refuses a --subscription that names two
// subscriptions.
func oneTenant(hits []*profile.Context, tenant string) error {
	for _, c := range hits {
		if !profile.SameName(c.Tenant.ID, hits[0].Tenant.ID) {
			names := make([]string, len(hits))
			for i, h := range hits {
				names[i] = h.Name
			}
			return &profile.AmbiguousError{Ref: tenant, Candidates: names, Kind: "tenant"}
		}
	}
	return nil
}

// tenantContext is the position among hits, the contexts of a tenant, of
// the one --tenant alone picks: the first of the current context's account
// (cur may be nil) without a subscription or of cur's subscription, else
// the first of that account, else the first.
func tenantContext(hits []*profile.Context, cur *profile.Context) int {
	if cur == nil {
		return 0
	}
	for i, c := range hits {
		if profile.SameName(c.Account, cur.Account) && (c.Subscription == nil || cur.Subscription == nil || profile.SameName(c.Subscription.ID, cur.Subscription.ID)) {
			return i
		}
	}
	for i, c := range hits {
		if profile.SameName(c.Account, cur.Account) {
			return i
		}
	}
	return 0
}
