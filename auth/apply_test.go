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
