package profile_test

import (
	"testing"

	"github.com/azcontext/azc/profile"
	"github.com/google/go-cmp/cmp"
)

// TestWhatTheStoreReturnsIsTheCallers: a caller that changes what Load,
// Update or a View gives it (the contexts, their subscriptions and
// properties, the accounts) changes nothing the Store answers or writes
// next.
func TestWhatTheStoreReturnsIsTheCallers(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	if _, err := s.Update(func(p *profile.Profile) error { *p = *bigProfile(20); return nil }); err != nil {
		t.Fatal(err)
	}
	want, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	want = want.Clone()
	scribble := func(p *profile.Profile) {
		for i := range p.Contexts {
			c := &p.Contexts[i]
			c.Name += "!"
			if c.Subscription != nil {
				c.Subscription.Name = "changed by the caller"
			}
			if c.Properties == nil {
				c.Properties = map[string]string{}
			}
			c.Properties["caller"] = "x"
		}
		if len(p.Accounts) > 0 {
			p.Accounts[0].ID = "changed@caller"
		}
		p.DefaultContext = "nothing"
	}
	check := func(step string) {
		t.Helper()
		got, err := s.Load()
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("after a caller changed what %s gave it (-want +got):\n%s", step, d)
		}
		scribble(got)
		if _, err := s.Update(func(p *profile.Profile) error {
			if d := cmp.Diff(want, p); d != "" {
				t.Fatalf("Update after a caller changed what %s gave it (-want +got):\n%s", step, d)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	check("Load")
	check("Load, twice")
	got, err := s.Update(func(p *profile.Profile) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	scribble(got)
	check("Update")
	for _, view := range []struct {
		name string
		open func() (*profile.View, error)
	}{{"View", s.View}, {"ViewKeeping", func() (*profile.View, error) { return s.ViewKeeping("") }}} {
		v, err := view.open()
		if err != nil {
			t.Fatal(err)
		}
		h := v.Header()
		h.DefaultContext = "nothing"
		h.Accounts[0].ID = "changed@caller"
		if got := v.Header(); got.DefaultContext != want.DefaultContext || got.Accounts[0].ID != want.Accounts[0].ID {
			t.Fatalf("%s: Header after a caller changed it: default %q, first account %q", view.name, got.DefaultContext, got.Accounts[0].ID)
		}
		if c, err := v.Default(); err == nil && c.Subscription != nil {
			c.Subscription.Name = "changed by the caller"
			c.Properties = map[string]string{"caller": "x"}
		}
		if p, err := v.Profile(); err == nil {
			scribble(p)
		}
		check(view.name)
		if c, err := v.Context(0); err != nil || c.Name != want.Contexts[0].Name || c.Subscription.Name != want.Contexts[0].Subscription.Name {
			t.Fatalf("%s: Context(0) after a caller changed Profile: %+v, %v", view.name, c, err)
		}
	}
}
