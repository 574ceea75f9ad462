package auth

import (
	"fmt"
	"testing"

	"github.com/azcontext/azc/profile"
)

// TestNamedIsTheContextApplyNames: Named, asked before the profile's
// Update, is the context Apply then writes under the name, so that the
// context a forced name replaces is known before anything is written: for
// an account whose cloud is left to the default, a first subscription that
// is disabled, and a sign-in with no subscription at all.
func TestNamedIsTheContextApplyNames(t *testing.T) {
	acct := profile.Account{Type: profile.UserAccount, ID: "User@Example.test", HomeTenantID: "t1"}
	for name, res := range map[string]*LoginResult{
		"subscriptions": {Account: acct, Tenants: []profile.Tenant{{ID: "t1"}}, Subscriptions: []profile.Subscription{
			{ID: "s0", Name: "off", TenantID: "t1", State: "Disabled"}, {ID: "s1", Name: "one", TenantID: "t1"}, {ID: "s2", Name: "two", TenantID: "t1"}}},
		"tenant only": {Account: acct, Tenants: []profile.Tenant{{ID: "t2", DefaultDomain: "two.test"}}},
	} {
		opts := ApplyOptions{ContextName: "named", Force: true}
		want, ok := res.Named(opts)
		if !ok {
			t.Fatalf("%s: no named context", name)
		}
		ar, err := res.Apply(profile.New(), opts)
		if err != nil {
			t.Fatal(err)
		}
		if want.Name != "named" || ar.Default.Name != "named" || !want.SameIdentity(&ar.Default) {
			t.Errorf("%s: Named %+v, Apply wrote %+v", name, want, ar.Default)
		}
	}
	if _, ok := (&LoginResult{Account: acct}).Named(ApplyOptions{}); ok {
		t.Error("a context named with no --context-name")
	}
}

// TestApplyMakesContextsOfWarnedSubscriptions: a Warned subscription (one
// whose account has a billing warning, still working) gets a context and
// may be the default, as Azure PowerShell's sign-in takes "enabled or
// warned" subscriptions; past due, disabled and deleted ones get none.
func TestApplyMakesContextsOfWarnedSubscriptions(t *testing.T) {
	acct := profile.Account{Type: profile.UserAccount, ID: "user@example.test", HomeTenantID: "t1"}
	res := &LoginResult{Account: acct, Tenants: []profile.Tenant{{ID: "t1"}}, Subscriptions: []profile.Subscription{
		{ID: "s1", Name: "warned", TenantID: "t1", State: "Warned"},
		{ID: "s2", Name: "enabled", TenantID: "t1", State: "Enabled"},
		{ID: "s3", Name: "past due", TenantID: "t1", State: "PastDue"},
		{ID: "s4", Name: "disabled", TenantID: "t1", State: "Disabled"},
		{ID: "s5", Name: "deleted", TenantID: "t1", State: "Deleted"},
	}}
	p := profile.New()
	ar, err := res.Apply(p, ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range p.Contexts {
		names = append(names, c.Name)
	}
	if ar.Created != 2 || len(names) != 2 || ar.Default.Name != "warned" {
		t.Errorf("contexts %q (created %d), default %q; want warned and enabled, default warned", names, ar.Created, ar.Default.Name)
	}
}

// TestApplyAndTheSignInShareNoSubscription: the contexts Apply writes,
// the default it reports and the context Named returns hold subscriptions
// of their own, not the sign-in's (its contexts point into it while Apply
// runs), so that neither side's change shows in the other, however the
// context came in: new, updated (a name given), or found as it was.
func TestApplyAndTheSignInShareNoSubscription(t *testing.T) {
	acct := profile.Account{Type: profile.UserAccount, ID: "user@example.test", HomeTenantID: "t1"}
	res := &LoginResult{Account: acct, Tenants: []profile.Tenant{{ID: "t1"}}, Subscriptions: []profile.Subscription{
		{ID: "s1", Name: "one", TenantID: "t1", State: "Enabled"},
		{ID: "s2", Name: "two", TenantID: "t1"}, // no state: an update fills it from the stored one
	}}
	p := profile.New()
	for _, opts := range []ApplyOptions{{}, {ContextName: "named"}, {}} {
		ar, err := res.Apply(p, opts)
		if err != nil {
			t.Fatal(err)
		}
		named, _ := res.Named(ApplyOptions{ContextName: "x"})
		ar.Default.Subscription.Name = "changed by the caller"
		named.Subscription.Name = "changed by the caller"
		for i := range res.Subscriptions {
			if res.Subscriptions[i].Name == "changed by the caller" {
				t.Fatalf("%+v: the sign-in's subscription %d changed with the caller's copy", opts, i)
			}
		}
		for i := range res.Subscriptions {
			res.Subscriptions[i].Name = "changed by the sign-in"
		}
		for _, c := range p.Contexts {
			if n := c.Subscription.Name; n == "changed by the sign-in" || n == "changed by the caller" {
				t.Fatalf("%+v: context %q holds a subscription of another's: %q", opts, c.Name, n)
			}
		}
		res.Subscriptions[0].Name, res.Subscriptions[1].Name = "one", "two"
	}
}

// TestASignInAgainCopiesNoContext: a sign-in again over the contexts it
// made before finds each as it is and neither copies nor reports a copy
// of it: with 10,000 contexts each allocation a context is a fresh
// megabyte, which a sign-in racing writers pays under profile.lock.
func TestASignInAgainCopiesNoContext(t *testing.T) {
	const n = 1000
	res := &LoginResult{Account: profile.Account{Type: profile.UserAccount, ID: "user@example.test", HomeTenantID: "t000"}}
	for t := range 10 {
		tid := fmt.Sprintf("t%03d", t)
		res.Tenants = append(res.Tenants, profile.Tenant{ID: tid})
		for s := range n / 10 {
			res.Subscriptions = append(res.Subscriptions, profile.Subscription{ID: fmt.Sprintf("%s-s%03d", tid, s), Name: fmt.Sprintf("sub %d", t*100+s), TenantID: tid, State: "Enabled"})
		}
	}
	p := profile.New()
	if _, err := res.Apply(p, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	var err error
	var ar ApplyResult
	allocs := testing.AllocsPerRun(3, func() { ar, err = res.Apply(p, ApplyOptions{}) })
	if err != nil || ar.Updated != n || ar.Created != 0 {
		t.Fatalf("Apply again: updated %d, created %d: %v", ar.Updated, ar.Created, err)
	}
	if allocs > n/10 {
		t.Errorf("a sign-in again over %d contexts made %.0f allocations; want a few for the batch, none a context", n, allocs)
	}
}
