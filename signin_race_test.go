package azc_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/session"
)

// racingSessionAt is a real session that runs meanwhile once, at the point
// named by where: "update", once its first write of the session's profile
// returned (a sign-in's, which has written its contexts and has not
// selected its default in the shell yet); "hold", when a selection of an
// account is about to be stored (a sign-in's, after the write of its
// contexts); "before update", just before its first write of the
// session's profile (a sign-out's, which has read the shell's selection).
type racingSessionAt struct {
	*session.Session
	where     string
	meanwhile func()
}

func (s *racingSessionAt) run(where string) {
	if f := s.meanwhile; f != nil && s.where == where {
		s.meanwhile = nil
		f()
	}
}

func (s *racingSessionAt) Update(fn func(*profile.Profile) error) (*profile.Profile, error) {
	s.run("before update")
	p, err := s.Session.Update(fn)
	if err == nil {
		s.run("update")
	}
	return p, err
}

func (s *racingSessionAt) Hold(stateDir, key string) (func() error, error) {
	if key != "" {
		s.run("hold")
	}
	return s.Session.Hold(stateDir, key)
}

// TestASignInInAShellRacingASignOutLeavesNoSelectionOfWhatWent: `azc
// login` in a shell writes its contexts (the session's at process scope,
// the profile's at user scope), then selects its default in the shell; an
// `azc logout` of the account in the same shell that ran in between found
// no selection of it to drop, removed the contexts, and then the
// account's blobs. The sign-in's selection then stayed: the shell used
// its own copy of a context whose account was signed out ("this shell's
// context uses an account which has no credentials", `azc token` "not
// signed in"), though both commands exited 0; found racing the two
// commands in one shell, 8 of 200 races at process scope. A sign-out at
// process scope that read the selection before the sign-in stored it, and
// removed the contexts after, left it too. Either the shell selects no
// context of the account or a scope still holds it.
func TestASignInInAShellRacingASignOutLeavesNoSelectionOfWhatWent(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		scope profile.Scope
		where string
		// the sign-out is the one that stops, and the sign-in runs
		signOutStops bool
	}{
		{"at process scope", azc.ScopeProcess, "update", false},
		{"at user scope", azc.ScopeUser, "hold", false},
		{"at process scope, the sign-out stopped", azc.ScopeProcess, "before update", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			base, sess := scopeState(t)
			racing := &racingSessionAt{Session: sess, where: tc.where}
			signIn := func(st *azc.State) error {
				_, err := st.ChangeDefault(tc.scope, func(p *profile.Profile) (bool, error) {
					p.UpsertAccount(bob)
					c := profile.Context{Name: "scratch", Account: bob.Key(), Tenant: profile.Tenant{ID: "fabrikam"}}
					_, err := p.UpsertContext(c, profile.UpsertOptions{MakeDefault: true})
					return true, err
				})
				return err
			}
			signOut := func(st *azc.State) error {
				_, err := st.RemoveAccounts(tc.scope, []string{bob.Key()})
				return err
			}
			first, second := signIn, signOut
			if tc.signOutStops {
				first, second = signOut, signIn
			}
			racing.meanwhile = func() {
				if err := second(base.WithSession(sess)); err != nil {
					t.Error(err)
				}
			}
			if err := first(base.WithSession(racing)); err != nil {
				t.Fatal(err)
			}
			if racing.meanwhile != nil {
				t.Fatal("the other command did not run")
			}
			sels, err := sess.Selections()
			if err != nil {
				t.Fatal(err)
			}
			if sels.Current == nil {
				return
			}
			user, err := base.Store().Load()
			if err != nil {
				t.Fatal(err)
			}
			own, err := sess.Load()
			if err != nil {
				t.Fatal(err)
			}
			if !holds(user, &sels.Current.Context) && !holds(own, &sels.Current.Context) {
				t.Errorf("the shell selects %q of %s, which no scope holds after the sign-out: its tokens are gone", sels.Current.Context.Name, sels.Current.Context.Account)
			}
		})
	}
}

func holds(p *profile.Profile, c *profile.Context) bool {
	for i := range p.Contexts {
		if p.Contexts[i].SameIdentity(c) {
			return true
		}
	}
	return false
}

// TestASignInRacingTheRemovalOfItsContextKeepsTheShellOnTheSessionsContextOfItsIdentity:
// a sign-in at user scope in a shell whose session holds a context of the
// same identity (`context set --scope process`, which uses the user's
// tokens) selects the context it made; an `azc context remove` of that
// context in the same shell, run before the sign-in looked again, left the
// profile without it, and the sign-in let the selection go though the
// shell still sees its session's context of that identity: the shell
// moved to the profile's default and its hold let go of the account, so
// the removal took the tokens that session context uses. Run one after the
// other, in either order, the shell keeps using the account (the session's
// context stands for the removed one) and holds it.
func TestASignInRacingTheRemovalOfItsContextKeepsTheShellOnTheSessionsContextOfItsIdentity(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "azc")
	base, err := azc.Open(azc.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	sess, _, err := session.New(t.TempDir(), os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	alice := profile.Account{ID: "alice@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "contoso"}
	st := base.WithSession(sess)
	if _, err := st.Update(azc.ScopeUser, func(p *profile.Profile) error {
		p.UpsertAccount(alice)
		_, err := p.UpsertContext(profile.Context{Name: "Contoso", Account: alice.Key(), Tenant: profile.Tenant{ID: "contoso"}}, profile.UpsertOptions{MakeDefault: true})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Update(azc.ScopeProcess, func(p *profile.Profile) error {
		p.UpsertAccount(bob)
		_, err := p.UpsertContext(profile.Context{Name: "mine", Account: bob.Key(), Tenant: profile.Tenant{ID: "fabrikam"}}, profile.UpsertOptions{})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Use(azc.ScopeProcess, "Contoso"); err != nil {
		t.Fatal(err)
	}
	racing := &racingSessionAt{Session: sess, where: "hold", meanwhile: func() {
		if _, err := st.RemoveContexts(azc.ScopeUser, []string{"scratch"}); err != nil {
			t.Error(err)
		}
	}}
	_, err = base.WithSession(racing).ChangeDefault(azc.ScopeUser, func(p *profile.Profile) (bool, error) {
		p.UpsertAccount(bob)
		_, err := p.UpsertContext(profile.Context{Name: "scratch", Account: bob.Key(), Tenant: profile.Tenant{ID: "fabrikam"}}, profile.UpsertOptions{MakeDefault: true})
		return true, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if racing.meanwhile != nil {
		t.Fatal("the removal did not run")
	}
	c, err := st.Resolve("")
	if err != nil {
		t.Fatal(err)
	}
	if c.Account != bob.Key() {
		t.Errorf("the shell uses %q of %s, want its session's context of %s", c.Name, c.Account, bob.Key())
	}
	held, err := session.Held(dir, bob.Key())
	if err != nil {
		t.Fatal(err)
	}
	if !held {
		t.Errorf("no hold names %s: a removal of its last user context takes the tokens the shell's session context uses", bob.Key())
	}
}
