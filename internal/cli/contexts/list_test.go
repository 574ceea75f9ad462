package contexts

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/session"
)

// TestListTableIsTheMergedView checks the table `context list` lays out
// from the file and the session (azc.List) against the one built from the
// merged view's decoded JSON shapes, with and without a session, with
// session contexts that replace profile ones and others, and defaults in
// either scope or missing.
func TestListTableIsTheMergedView(t *testing.T) {
	t.Parallel()
	alice := profile.Account{ID: "alice@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "t1"}
	bob := profile.Account{ID: "bob@fabrikam.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "t2"}
	ctx := func(a profile.Account, name, sub, domain string) profile.Context {
		c := profile.Context{Name: name, Account: a.Key(), Environment: "AzureCloud", Tenant: profile.Tenant{ID: a.HomeTenantID, DefaultDomain: domain}}
		if sub != "" {
			c.Subscription = &profile.Subscription{ID: sub + "-id", Name: sub, TenantID: a.HomeTenantID}
		}
		return c
	}
	for _, tc := range []struct {
		name                     string
		session                  bool
		userDefault, sessDefault string
		sessContexts             []profile.Context
		// use is selected in the shell, then removed from the profile
		// without the session, as another shell would: the shell keeps
		// its own copy
		useThenRemove string
		// use is selected in the shell, then the profile's contexts are
		// hidden from it ($AZC_AUTOSAVE=false): the shell keeps its copy
		useThenHide string
	}{
		{name: "no session", userDefault: "Dev"},
		{name: "no session, the default is gone", userDefault: "Gone"},
		{name: "an empty session", session: true, userDefault: "Prod"},
		{name: "a session replacing and adding", session: true, userDefault: "Prod", sessDefault: "mine",
			sessContexts: []profile.Context{ctx(bob, "Mine", "mine", ""), ctx(bob, "DEV", "other", "fabrikam.com"), ctx(bob, "Tenant only", "", "")}},
		{name: "a session whose default replaced a profile context", session: true, userDefault: "Prod", sessDefault: "dev",
			sessContexts: []profile.Context{ctx(bob, "DEV", "other", "")}},
		{name: "a session without a default", session: true, userDefault: "Dev",
			sessContexts: []profile.Context{ctx(bob, "Dev", "other", "")}},
		{name: "the shell's own copy of a context removed elsewhere", session: true, userDefault: "Prod", useThenRemove: "Dev Test"},
		{name: "the shell's own copy, its name taken meanwhile", session: true, userDefault: "Prod", useThenRemove: "Dev",
			sessContexts: []profile.Context{ctx(bob, "Dev", "other", "")}},
		{name: "the shell's copy of a profile context that AZC_AUTOSAVE=false hides", session: true, userDefault: "Prod", useThenHide: "Dev"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "azc")
			st, err := azc.Open(azc.Options{Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.Update(profile.ScopeUser, func(p *profile.Profile) error {
				p.UpsertAccount(alice)
				for _, c := range []profile.Context{ctx(alice, "Prod", "prod", "contoso.com"), ctx(alice, "Dev", "dev", ""), ctx(alice, "Dev Test", "dev test", "contoso.com"), ctx(alice, "Tenant", "", "")} {
					if _, err := p.UpsertContext(c, profile.UpsertOptions{}); err != nil {
						return err
					}
				}
				p.DefaultContext = tc.userDefault
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			var sess *session.Session
			if tc.session {
				sess, _, err = session.New(t.TempDir(), os.Getpid())
				if err != nil {
					t.Fatal(err)
				}
				st = st.WithSession(sess)
				if _, err := st.Update(profile.ScopeProcess, func(p *profile.Profile) error {
					p.UpsertAccount(bob)
					for _, c := range tc.sessContexts {
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
			if tc.useThenRemove != "" {
				if _, err := st.Use(profile.ScopeProcess, tc.useThenRemove); err != nil {
					t.Fatal(err)
				}
				elsewhere, err := azc.Open(azc.Options{Dir: dir})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := elsewhere.RemoveContexts(profile.ScopeUser, []string{tc.useThenRemove}); err != nil {
					t.Fatal(err)
				}
			}
			if tc.useThenHide != "" {
				if _, err := st.Use(profile.ScopeProcess, tc.useThenHide); err != nil {
					t.Fatal(err)
				}
				off := false
				hidden, err := azc.Open(azc.Options{Dir: dir, AutosaveEnv: &off})
				if err != nil {
					t.Fatal(err)
				}
				st = hidden.WithSession(sess)
			}
			out := cmdutil.Output{Format: cmdutil.FormatTable}
			ios, _, fromShapes, _ := cmdutil.Test()
			f := &cmdutil.Factory{IOStreams: ios}
			cs, err := ShapeAll(st)
			if err != nil {
				t.Fatal(err)
			}
			if err := out.Print(f, cs, listTable(cs)); err != nil {
				t.Fatal(err)
			}
			ml, err := st.List()
			if err != nil {
				t.Fatal(err)
			}
			ios2, _, fromFile, _ := cmdutil.Test()
			f2 := &cmdutil.Factory{IOStreams: ios2}
			if err := out.Print(f2, nil, mergedTable(ml)); err != nil {
				t.Fatal(err)
			}
			if fromFile.String() != fromShapes.String() {
				t.Errorf("the table from the file:\n%s\nthe merged view's:\n%s", fromFile, fromShapes)
			}
			if fromShapes.Len() == 0 {
				t.Error("empty table")
			}
		})
	}
}
