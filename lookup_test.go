package azc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/session"
)

// TestLookupResolvesAsTheMergedView checks the lazy lookup against the
// merged view decoded whole: for every kind of reference, with and
// without a session, the same context, scope and error, and ResolveEntry's
// current mark and accounts as the merged view has them.
func TestLookupResolvesAsTheMergedView(t *testing.T) {
	t.Parallel()
	alice := profile.Account{ID: "alice@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "t1"}
	bob := profile.Account{ID: "bob@fabrikam.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "t2"}
	ctx := func(a profile.Account, name, sub string) profile.Context {
		return profile.Context{Name: name, Account: a.Key(), Environment: "AzureCloud", Tenant: profile.Tenant{ID: a.HomeTenantID},
			Subscription: &profile.Subscription{ID: sub + "-id", Name: sub, TenantID: a.HomeTenantID}}
	}
	refs := []string{"", "Prod", "prod", " Prod ", "Dev", "Dev Test", "Mine", "mine", "Shared", "De", "P", "Pro",
		"prod-id", "Dev Test", "Mine-id", "nope", " ", "Prod (prod-id) - t1 - alice@contoso.com", "-"}
	for _, tc := range []struct {
		name        string
		session     bool
		sessDefault string
		userDefault string
	}{
		{name: "no session", userDefault: "Prod"},
		{name: "no session, no default"},
		{name: "no session, a default that is gone", userDefault: "Gone"},
		{name: "a session with its own default", session: true, sessDefault: "Mine", userDefault: "Prod"},
		{name: "a session without a default", session: true, userDefault: "Dev"},
		{name: "a session whose default replaces a profile context", session: true, sessDefault: "shared", userDefault: "Prod"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := Open(Options{Dir: filepath.Join(t.TempDir(), "azc")})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.Update(profile.ScopeUser, func(p *profile.Profile) error {
				p.UpsertAccount(alice)
				for _, c := range []profile.Context{ctx(alice, "Prod", "prod"), ctx(alice, "Dev", "dev"), ctx(alice, "Dev Test", "dev test"), ctx(alice, "Shared", "shared")} {
					if _, err := p.UpsertContext(c, profile.UpsertOptions{}); err != nil {
						return err
					}
				}
				p.DefaultContext = tc.userDefault
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if tc.session {
				sess, _, err := session.New(t.TempDir(), os.Getpid())
				if err != nil {
					t.Fatal(err)
				}
				st = st.WithSession(sess)
				if _, err := st.Update(profile.ScopeProcess, func(p *profile.Profile) error {
					p.UpsertAccount(bob)
					p.UpsertAccount(alice)
					for _, c := range []profile.Context{ctx(bob, "Mine", "Mine"), ctx(alice, "SHARED", "shared")} {
						if _, err := p.UpsertContext(c, profile.UpsertOptions{}); err != nil {
							return err
						}
					}
					p.DefaultContext = tc.sessDefault
					return nil
				}); err != nil {
					t.Fatal(err)
				}
			}
			for _, ref := range refs {
				v, err := st.view()
				if err != nil {
					t.Fatal(err)
				}
				want, werr := resolve(v.merged, ref)
				l, err := st.lookup()
				if err != nil {
					t.Fatal(err)
				}
				got, scope, gerr := l.resolve(ref)
				if fmt.Sprint(werr) != fmt.Sprint(gerr) {
					t.Fatalf("resolve(%q) error = %v, the merged view says %v", ref, gerr, werr)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("resolve(%q) differs (-merged +lookup):\n%s", ref, diff)
				}
				if werr != nil {
					continue
				}
				for i := range v.merged.Contexts {
					if v.merged.Contexts[i].Name == want.Name && v.scopeOf[i] != scope {
						t.Errorf("resolve(%q): scope %v, the merged view says %v", ref, scope, v.scopeOf[i])
					}
				}
				h, e, err := st.ResolveEntry(ref)
				if err != nil {
					t.Fatal(err)
				}
				cur, _ := v.merged.Default()
				if e.Current != (cur != nil && cur.Name == want.Name) {
					t.Errorf("ResolveEntry(%q): current %v", ref, e.Current)
				}
				wh := *v.merged
				wh.Contexts = nil
				wh.DefaultContext, wh.PreviousContext = h.DefaultContext, h.PreviousContext
				if diff := cmp.Diff(&wh, h); diff != "" {
					t.Errorf("ResolveEntry(%q)'s profile differs from the merged view's header (-want +got):\n%s", ref, diff)
				}
			}
		})
	}
}

// TestABlankReferenceIsAnsweredFromOneRead: ResolveEntry streams the
// profile once, keeping the contexts its reference and the default name;
// a reference of spaces alone names none, and is answered from that read
// as the merged view answers it, never by reading the file again (which
// fails once another writer has replaced it: "was replaced while azc read
// it").
func TestABlankReferenceIsAnsweredFromOneRead(t *testing.T) {
	t.Parallel()
	st, err := Open(Options{Dir: filepath.Join(t.TempDir(), "azc")})
	if err != nil {
		t.Fatal(err)
	}
	alice := profile.Account{ID: "alice@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "t1"}
	add := func(name string) {
		t.Helper()
		if _, err := st.Update(profile.ScopeUser, func(p *profile.Profile) error {
			p.UpsertAccount(alice)
			_, err := p.UpsertContext(profile.Context{Name: name, Account: alice.Key(), Environment: "AzureCloud", Tenant: profile.Tenant{ID: "t1"},
				Subscription: &profile.Subscription{ID: name + "-id", Name: name, TenantID: "t1"}}, profile.UpsertOptions{})
			p.DefaultContext = "Prod"
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	add("Prod")
	for i, ref := range []string{" ", "  \t"} {
		l, err := st.lookupKeeping(ref, "")
		if err != nil {
			t.Fatal(err)
		}
		add(fmt.Sprint("Dev ", i)) // another writer replaces the file
		_, _, err = l.resolve(ref)
		var nf *profile.NotFoundError
		if !errors.As(err, &nf) || nf.Ref != ref {
			t.Fatalf("resolve(%q) after the file was replaced = %v, want the merged view's %v", ref, err, &profile.NotFoundError{Kind: "context", Ref: ref})
		}
	}
}
