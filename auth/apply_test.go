package auth

import (
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
