package azc_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/session"
)

// TestWhatStateReturnsIsTheCallers: a caller that changes what State gives
// it (a Profile's contexts, their subscriptions and properties, an
// Entry) changes nothing State answers next.
func TestWhatStateReturnsIsTheCallers(t *testing.T) {
	t.Parallel()
	st := openState(t, nil)
	before, err := st.Profile()
	if err != nil {
		t.Fatal(err)
	}
	want := before.Clone()
	for round := range 2 {
		p, err := st.Profile()
		if err != nil {
			t.Fatal(err)
		}
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
		p.Accounts[0].ID = "changed@caller"
		p.DefaultContext = "nothing"
		h, e, err := st.ResolveEntry("")
		if err == nil {
			e.Name = "entry changed"
			if e.Subscription != nil {
				e.Subscription.Name = "entry changed"
			}
			h.Accounts[0].Type = "changed"
		}
		after, err := st.Profile()
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, after); d != "" {
			t.Fatalf("round %d: what a caller did to State's answers changed the next (-before +after):\n%s", round, d)
		}
	}
}

// sessionState is a State over a profile of three contexts, each with a
// subscription and properties, of an account of two tenants, and a real
// session whose own context, of another account, the shell selects.
func sessionState(t *testing.T) *azc.State {
	t.Helper()
	st, err := azc.Open(azc.Options{Dir: filepath.Join(t.TempDir(), "azc")})
	if err != nil {
		t.Fatal(err)
	}
	alice := profile.Account{ID: "alice@contoso.com", Type: profile.UserAccount, HomeTenantID: "t1", Tenants: []string{"t1", "t2"}}
	if _, err := st.Update(azc.ScopeUser, func(p *profile.Profile) error {
		p.UpsertAccount(alice)
		on := true
		p.Settings.Autosave = &on
		for i, n := range []string{"Prod", "Dev", "Test"} {
			c := profile.Context{Name: n, Account: alice.Key(), Tenant: profile.Tenant{ID: "t1"},
				Subscription: &profile.Subscription{ID: fmt.Sprintf("0000000%d-0000-0000-0000-000000000000", i+1), Name: n + " subscription", TenantID: "t1"},
				Properties:   map[string]string{"team": n}}
			if _, err := p.UpsertContext(c, profile.UpsertOptions{MakeDefault: i == 0}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sess, _, err := session.New(t.TempDir(), os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	st = st.WithSession(sess)
	carol := profile.Account{ID: "carol@fabrikam.com", Type: profile.UserAccount, Tenants: []string{"f1"}}
	if _, err := st.Update(azc.ScopeProcess, func(p *profile.Profile) error {
		p.UpsertAccount(carol)
		_, err := p.UpsertContext(profile.Context{Name: "Scratch", Account: carol.Key(), Tenant: profile.Tenant{ID: "f1"},
			Subscription: &profile.Subscription{ID: "00000009-0000-0000-0000-000000000000", Name: "Scratch subscription", TenantID: "f1"},
			Properties:   map[string]string{"team": "scratch"}}, profile.UpsertOptions{MakeDefault: true})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return st
}

// scribble changes every field of c a caller can reach.
func scribble(c *profile.Context) {
	c.Name += "!"
	c.Tenant.ID = "changed by the caller"
	if c.Subscription != nil {
		c.Subscription.ID = "changed by the caller"
		c.Subscription.Name = "changed by the caller"
	}
	if c.Properties != nil {
		c.Properties["team"] = "changed by the caller"
	}
}

// TestResolverAnswersAreTheCallers: each answer of a Resolver is the
// caller's, as Resolve's are: changing one changes neither the next
// answers (of the shell's selection, a session context, a profile context
// by name or by subscription) nor what the Resolver resolves.
func TestResolverAnswersAreTheCallers(t *testing.T) {
	t.Parallel()
	st := sessionState(t)
	resolve, err := st.Resolver()
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"", "Scratch", "scr", "00000009-0000-0000-0000-000000000000", "Prod", "dev", "00000003-0000-0000-0000-000000000000", "Test subscription"} {
		first, _, err := resolve(ref)
		if err != nil {
			t.Fatalf("%q: %v", ref, err)
		}
		want := first.Clone()
		scribble(first)
		again, _, err := resolve(ref)
		if err != nil {
			t.Fatalf("%q after the caller changed its first answer: %v", ref, err)
		}
		if d := cmp.Diff(&want, again); d != "" {
			t.Errorf("%q: the caller's change to the first answer changed the second (-first +second):\n%s", ref, d)
		}
	}
}

// TestListHeaderIsTheCallers: List.Header gives a new header each time: a
// caller that changes the accounts' tenants or the settings of one
// changes not the next.
func TestListHeaderIsTheCallers(t *testing.T) {
	t.Parallel()
	st := sessionState(t)
	list, err := st.List()
	if err != nil {
		t.Fatal(err)
	}
	first := list.Header()
	want := first.Clone()
	for i := range first.Accounts {
		first.Accounts[i].Tenants[0] = "changed by the caller"
	}
	*first.Settings.Autosave = false
	if d := cmp.Diff(want, list.Header()); d != "" {
		t.Errorf("the caller's change to the first header changed the second (-first +second):\n%s", d)
	}
}

// TestOpenCopiesItsOptions: a State keeps the reading of the autosave
// variables it was opened with, whatever the caller does later with the
// variable it pointed Options.AutosaveEnv at.
func TestOpenCopiesItsOptions(t *testing.T) {
	t.Parallel()
	on := true
	st, err := azc.Open(azc.Options{Dir: filepath.Join(t.TempDir(), "azc"), AutosaveEnv: &on})
	if err != nil {
		t.Fatal(err)
	}
	addContexts(st)
	on = false
	if c, err := st.Resolve(""); err != nil || c.Name != "Production" {
		t.Errorf("Resolve(\"\") after the caller's variable changed = %v, %v; want Production", c, err)
	}
}

// TestAResolverIsSafeForConcurrentUse: goroutines may share what
// Resolver returns, as they share the State (run with -race).
func TestAResolverIsSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	resolve, err := sessionState(t).Resolver()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, ref := range []string{"Scratch", "dev", "", "Prod", "00000003-0000-0000-0000-000000000000"} {
				if _, _, err := resolve(ref); err != nil {
					t.Errorf("%q: %v", ref, err)
				}
			}
		}()
	}
	wg.Wait()
}
