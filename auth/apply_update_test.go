package auth

import (
	"slices"
	"testing"

	"github.com/azcontext/azc/profile"
)

// TestApplyRunTwiceByUpdate: a sign-in whose Update runs Apply twice (a
// writer replaced profile.json between the early read and the lock) writes
// what one run over the fresh file writes, and neither run leaves a trace
// in the sign-in: its contexts point into its subscriptions while Apply
// runs, an update fills a subscription's empty state from the stored one,
// and the second run's encoding takes the lines of the first run's equal
// contexts (profile's lineSource).
func TestApplyRunTwiceByUpdate(t *testing.T) {
	dir := t.TempDir()
	s, err := profile.Open(dir, profile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	other, err := profile.Open(dir, profile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	acct := profile.Account{Type: profile.UserAccount, ID: "user@example.test", HomeTenantID: "t1"}
	first := &LoginResult{Account: acct, Tenants: []profile.Tenant{{ID: "t1"}}, Subscriptions: []profile.Subscription{
		{ID: "s1", Name: "one", TenantID: "t1", State: "Enabled"},
		{ID: "s2", Name: "two", TenantID: "t1", State: "Warned"},
		{ID: "s3", Name: "three", TenantID: "t1", State: "Enabled"},
	}}
	bob := &LoginResult{Account: profile.Account{Type: profile.UserAccount, ID: "bob@example.test", HomeTenantID: "t2"},
		Tenants: []profile.Tenant{{ID: "t2"}}, Subscriptions: []profile.Subscription{{ID: "b1", Name: "named", TenantID: "t2", State: "Enabled"}}}
	if _, err := s.Update(func(p *profile.Profile) error {
		if _, err := first.Apply(p, ApplyOptions{}); err != nil {
			return err
		}
		_, err := bob.Apply(p, ApplyOptions{})
		return err
	}); err != nil {
		t.Fatal(err)
	}

	// again, the second subscription without a state (the stored one
	// fills it), the first forced to the name bob's context holds
	again := &LoginResult{Account: acct, Tenants: []profile.Tenant{{ID: "t1"}}, Subscriptions: []profile.Subscription{
		{ID: "s1", Name: "one", TenantID: "t1", State: "Enabled"},
		{ID: "s2", Name: "two", TenantID: "t1"},
		{ID: "s3", Name: "three renamed", TenantID: "t1", State: "Enabled"},
	}}
	before := slices.Clone(again.Subscriptions)
	runs := 0
	var ar ApplyResult
	p, err := s.Update(func(p *profile.Profile) error {
		runs++
		if runs == 1 {
			if _, err := other.Update(func(q *profile.Profile) error {
				q.Context("two").StorageAccount = "written between the runs"
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		var err error
		ar, err = again.Apply(p, ApplyOptions{ContextName: "named", Force: true})
		if err == nil && runs == 1 {
			// the first run's result, changed by its caller: the second
			// run neither sees it nor writes it
			ar.Default.Subscription.Name = "changed by the first run's caller"
			for i := range p.Contexts {
				if sub := p.Contexts[i].Subscription; sub != nil {
					sub.State = "changed in the first run's profile"
				}
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if runs != 2 {
		t.Fatalf("fn ran %d times; want 2 (the file changed between the runs)", runs)
	}
	if !slices.Equal(again.Subscriptions, before) {
		t.Errorf("the sign-in's subscriptions changed: %+v, were %+v", again.Subscriptions, before)
	}
	if ar.Default.Name != "named" || ar.Default.Subscription.ID != "s1" || ar.Default.Subscription.Name != "one" ||
		ar.Created != 0 || ar.Updated != 3 || len(ar.Replaced.Contexts) != 1 || ar.Replaced.Contexts[0].Subscription.ID != "b1" {
		t.Errorf("second run's result: %+v", ar)
	}
	loaded, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []*profile.Profile{p, loaded} {
		var got []string
		for _, c := range q.Contexts {
			got = append(got, c.Name+"|"+c.Subscription.ID+"|"+c.Subscription.Name+"|"+c.Subscription.State+"|"+c.StorageAccount)
		}
		want := []string{"named|s1|one|Enabled|", "two|s2|two|Warned|written between the runs", "three|s3|three renamed|Enabled|"}
		if !slices.Equal(got, want) || q.DefaultContext != "named" {
			t.Errorf("contexts %q, default %q; want %q, default named", got, q.DefaultContext, want)
		}
	}
	// the caller's result is its own
	ar.Default.Subscription.Name = "changed by the caller"
	if n := p.Context("named").Subscription.Name; n != "one" {
		t.Errorf("the profile's context changed with the caller's result: %q", n)
	}
}
