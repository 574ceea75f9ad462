package azc_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/session"
	"github.com/google/go-cmp/cmp"
)

// memSession is an in-memory Session. As a real session's, its profile
// and its selections have locks of their own: a change of the profile may
// read or store the selection.
type memSession struct {
	mu    sync.Mutex
	p     *profile.Profile
	selMu sync.Mutex
	sel   session.Selections
}

func (s *memSession) Load() (*profile.Profile, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.p.Clone(), nil
}

func (s *memSession) Update(fn func(*profile.Profile) error) (*profile.Profile, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.p.Clone()
	if err := fn(q); err != nil {
		return nil, err
	}
	q.Generation++
	s.p = q
	return q.Clone(), nil
}

var bob = profile.Account{ID: "bob@fabrikam.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "fabrikam"}

func openState(t *testing.T, sess azc.Session) *azc.State {
	t.Helper()
	st, err := azc.Open(azc.Options{Dir: filepath.Join(t.TempDir(), "azc")})
	if err != nil {
		t.Fatal(err)
	}
	addContexts(st)
	return st.WithSession(sess)
}

func sessionWithContext() *memSession {
	p := profile.New()
	p.UpsertAccount(bob)
	c := profile.Context{Name: "scratch", Account: bob.Key(), Tenant: profile.Tenant{ID: "fabrikam"}}
	if _, err := p.UpsertContext(c, profile.UpsertOptions{MakeDefault: true}); err != nil {
		panic(err)
	}
	sel := session.Selection{Context: *p.Context("scratch"), Account: &bob}
	p.DefaultContext = ""
	return &memSession{p: p, sel: session.Selections{Current: &sel}}
}

func TestResolvePrefersTheSessionDefault(t *testing.T) {
	t.Parallel()
	st := openState(t, sessionWithContext())
	c, err := st.Resolve("")
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "scratch" {
		t.Errorf("Resolve(\"\") = %q, want the session default", c.Name)
	}
	list, err := st.Contexts()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range list {
		s := e.Name
		if e.Scope == azc.ScopeProcess {
			s += " [process]"
		}
		if e.Current {
			s += " *"
		}
		got = append(got, s)
	}
	if diff := cmp.Diff([]string{"Production", "Development", "scratch [process] *"}, got); diff != "" {
		t.Errorf("Contexts (-want +got):\n%s", diff)
	}
}

func TestResolveWithoutAnyDefault(t *testing.T) {
	t.Parallel()
	st, err := azc.Open(azc.Options{Dir: filepath.Join(t.TempDir(), "azc")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Resolve(""); !errors.Is(err, azc.ErrNoContext) {
		t.Errorf("Resolve(\"\") error = %v, want ErrNoContext", err)
	}
}

func TestProcessScopeNeedsASession(t *testing.T) {
	t.Parallel()
	st := openState(t, nil)
	if _, err := st.Use(azc.ScopeProcess, "Production"); !errors.Is(err, azc.ErrNoSession) {
		t.Errorf("Use(process) error = %v, want ErrNoSession", err)
	}
}

func TestUseInTheProcessScopeLeavesTheProfileAlone(t *testing.T) {
	t.Parallel()
	sess := sessionWithContext()
	st := openState(t, sess)
	if _, err := st.Use(azc.ScopeProcess, "Development"); err != nil {
		t.Fatal(err)
	}
	c, err := st.Resolve("")
	if err != nil || c.Name != "Development" {
		t.Fatalf("Resolve(\"\") = %v, %v; want Development", c, err)
	}
	user, err := st.Store().Load()
	if err != nil {
		t.Fatal(err)
	}
	if user.DefaultContext != "Production" {
		t.Errorf("user default = %q, want Production untouched", user.DefaultContext)
	}
	if c, err := st.Use(azc.ScopeProcess, "-"); err != nil || c.Name != "scratch" {
		t.Errorf("Use(process, -) = %v, %v; want scratch", c, err)
	}
}

// TestUsePreviousTakesOnlyTheContextOfItsName holds `use -` in the user
// scope to the profile's previous context by its name alone, in a shell as
// outside one: a previous name that is no context's (removed by hand) is
// not resolved as a reference, as a prefix of another context's name.
func TestUsePreviousTakesOnlyTheContextOfItsName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		sess azc.Session
	}{
		{"outside a shell", nil},
		{"in a shell", sessionWithContext()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := openState(t, tc.sess)
			if _, err := st.Store().Update(func(p *profile.Profile) error {
				p.PreviousContext = "Dev"
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if c, err := st.Use(azc.ScopeUser, "-"); !errors.Is(err, profile.ErrNoPrevious) {
				t.Errorf("Use(user, -) = %v, %v; want ErrNoPrevious (no context is called Dev)", c, err)
			}
			user, err := st.Store().Load()
			if err != nil {
				t.Fatal(err)
			}
			if user.DefaultContext != "Production" {
				t.Errorf("user default = %q, want Production untouched", user.DefaultContext)
			}
		})
	}
}

func TestUseInTheUserScopeCopiesASessionContext(t *testing.T) {
	t.Parallel()
	st := openState(t, sessionWithContext())
	if _, err := st.Use(azc.ScopeUser, "scratch"); err != nil {
		t.Fatal(err)
	}
	user, err := st.Store().Load()
	if err != nil {
		t.Fatal(err)
	}
	if user.DefaultContext != "scratch" || user.Context("scratch") == nil || user.Account(bob.Key()) == nil {
		t.Errorf("user profile = %+v, want scratch copied and default", user)
	}
}

func TestATypedNilSessionIsNoSession(t *testing.T) {
	t.Parallel()
	var sess *memSession
	st, err := azc.Open(azc.Options{Dir: filepath.Join(t.TempDir(), "azc"), Session: sess})
	if err != nil {
		t.Fatal(err)
	}
	if st.HasSession() {
		t.Error("HasSession() = true for a nil *memSession")
	}
	if _, err := st.Update(azc.ScopeProcess, func(*profile.Profile) error { return nil }); !errors.Is(err, azc.ErrNoSession) {
		t.Errorf("Update(process) error = %v, want ErrNoSession", err)
	}
}

func (s *memSession) Selections() (session.Selections, error) {
	s.selMu.Lock()
	defer s.selMu.Unlock()
	return s.sel, nil
}

func (s *memSession) UpdateSelections(fn func(*session.Selections) error) error {
	s.selMu.Lock()
	defer s.selMu.Unlock()
	sel := s.sel
	if err := fn(&sel); err != nil {
		return err
	}
	s.sel = sel
	return nil
}

// racingSession is a memSession whose next Load first runs meanwhile: a
// change another process makes after the command read the profile, and
// before it writes.
type racingSession struct {
	*memSession
	meanwhile func()
}

func (s *racingSession) Load() (*profile.Profile, error) {
	if f := s.meanwhile; f != nil {
		s.meanwhile = nil
		f()
	}
	return s.memSession.Load()
}

// TestUseOfAContextRemovedMeanwhileDoesNotBringItBack: `azc use X` in a
// shell reads the profile, then writes X as the default; a `context
// remove X` that another process made in between (which then dropped the
// tokens of X's account, its last context) must win: adding X back, with
// its account, would leave a context whose credentials are gone (`azc
// token` would say "not signed in"). A context renamed in between is used
// under its new name.
func TestUseOfAContextRemovedMeanwhileDoesNotBringItBack(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		meanwhile func(p *profile.Profile) error
		want      string // the default after the Use, "" for a NotFoundError
	}{
		{"removed", func(p *profile.Profile) error { _, err := p.RemoveContext("Development"); return err }, ""},
		{"renamed", func(p *profile.Profile) error { _, err := p.RenameContext("Development", "dev", false); return err }, "dev"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sess := &racingSession{memSession: &memSession{p: profile.New()}}
			st := openState(t, sess)
			other := st.WithSession(nil)
			sess.meanwhile = func() {
				if _, err := other.Update(azc.ScopeUser, tc.meanwhile); err != nil {
					t.Error(err)
				}
			}
			_, err := st.Use(azc.ScopeUser, "Development")
			user, lerr := st.Store().Load()
			if lerr != nil {
				t.Fatal(lerr)
			}
			var nf *profile.NotFoundError
			switch {
			case tc.want == "" && (!errors.As(err, &nf) || user.Context("Development") != nil):
				t.Fatalf("Use: %v; the profile holds %d contexts, Development among them: %v; want a NotFoundError and no Development", err, len(user.Contexts), user.Context("Development") != nil)
			case tc.want != "" && (err != nil || user.DefaultContext != tc.want || user.Context("Development") != nil):
				t.Fatalf("Use: %v; default %q, Development there: %v; want %q the default and no Development", err, user.DefaultContext, user.Context("Development") != nil, tc.want)
			}
		})
	}
}

// TestSetOfAContextWhoseAccountWasRemovedMeanwhileFails: `context set`
// reads the profile, then adds a context of the account it found there; a
// removal of that account's last context that another process made in
// between (which then dropped the account's tokens) must win: adding the
// account back with the new context would leave a context without
// credentials (`azc token` would say "not signed in").
func TestSetOfAContextWhoseAccountWasRemovedMeanwhileFails(t *testing.T) {
	t.Parallel()
	sess := &racingSession{memSession: &memSession{p: profile.New()}}
	st := openState(t, sess)
	user, err := st.Store().Load()
	if err != nil {
		t.Fatal(err)
	}
	acct := user.Accounts[0]
	want := user.Contexts[0]
	want.Name = "prod-2"
	sess.meanwhile = func() {
		if _, err := st.WithSession(nil).Update(azc.ScopeUser, func(p *profile.Profile) error {
			for _, c := range slices.Clone(p.Contexts) {
				if _, err := p.RemoveContext(c.Name); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Error(err)
		}
	}
	_, err = st.SetContext(azc.ScopeUser, want, azc.SetOptions{Account: &acct, AccountSeen: true})
	user, lerr := st.Store().Load()
	if lerr != nil {
		t.Fatal(lerr)
	}
	var nf *profile.NotFoundError
	if !errors.As(err, &nf) || len(user.Contexts) != 0 || len(user.Accounts) != 0 {
		t.Fatalf("SetContext: %v; the profile holds %d contexts and %d accounts; want a NotFoundError and none", err, len(user.Contexts), len(user.Accounts))
	}
}

// holdingSession is a memSession with a hold (as *session.Session has,
// see session.Held) whose Hold first runs meanwhile: another process's
// removal that checked the holds just before this one was written.
type holdingSession struct {
	*memSession
	meanwhile func()
	held      []string
}

func (s *holdingSession) Hold(_, key string) (func() error, error) {
	if f := s.meanwhile; f != nil {
		s.meanwhile = nil
		f()
	}
	s.held = append(s.held, key)
	return func() error {
		// the hold names the selection the session holds then
		sels, _ := s.Selections()
		key := ""
		if sels.Current != nil {
			key = sels.Current.Context.Account
		}
		s.held = append(s.held, key)
		return nil
	}, nil
}

// userContextsWithStore opens a state directory whose profile holds
// addContexts' contexts, with a user credential store of a fixed key.
func userContextsWithStore(t *testing.T) (*azc.State, credstore.Blobs, *profile.Profile) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "azc")
	blobs, err := credstore.Open(dir, credstore.Options{Backend: credstore.FixedKey("test", scopeTestKey(t))})
	if err != nil {
		t.Fatal(err)
	}
	base, err := azc.Open(azc.Options{Dir: dir, UserBlobs: func() (credstore.Blobs, error) { return blobs, nil }})
	if err != nil {
		t.Fatal(err)
	}
	addContexts(base)
	user, err := base.Store().Load()
	if err != nil {
		t.Fatal(err)
	}
	return base, blobs, user
}

// TestASelectionRacingTheRemovalOfItsAccountIsNotLeftWithoutTokens: `azc
// use X --scope process` reads the profile, then writes the shell's hold
// and selection; a `context remove` of X and of the rest of its account's
// contexts in another shell, whose DropCredentials read the holds just
// before this one was written, deletes the account's tokens. The Use must
// not then select X, whose tokens are gone (`azc token` would say "not
// signed in" while both commands exit 0): it fails as for a context
// removed meanwhile, and the hold goes back to the account of the shell's
// selection.
func TestASelectionRacingTheRemovalOfItsAccountIsNotLeftWithoutTokens(t *testing.T) {
	t.Parallel()
	base, blobs, user := userContextsWithStore(t)
	key := user.Accounts[0].Key()
	if err := blobs.Put(key, []byte("tokens")); err != nil {
		t.Fatal(err)
	}
	sess := &holdingSession{memSession: sessionWithContext()}
	sess.meanwhile = func() {
		// the removal, then its DropCredentials, which found no hold
		if _, err := base.Update(azc.ScopeUser, func(p *profile.Profile) error {
			_, err := p.RemoveContexts([]string{"Production", "Development"})
			return err
		}); err != nil {
			t.Error(err)
		}
		if err := blobs.Delete(key); err != nil {
			t.Error(err)
		}
	}
	st := base.WithSession(sess)
	_, err := st.Use(azc.ScopeProcess, "Development")
	var nf *profile.NotFoundError
	if !errors.As(err, &nf) {
		sels, _ := sess.Selections()
		t.Fatalf("Use: %v; the shell selects %q, whose account's tokens are gone; want a NotFoundError", err, sels.Current.Context.Name)
	}
	if sels, _ := sess.Selections(); sels.Current == nil || sels.Current.Context.Name != "scratch" {
		t.Errorf("the shell's selection is %+v, want scratch kept", sels.Current)
	}
	if last := sess.held[len(sess.held)-1]; last != bob.Key() {
		t.Errorf("the hold names %q, want the selection's account %q", last, bob.Key())
	}
}

// TestANewShellRacingTheRemovalOfItsDefaultsAccountIsNotLeftWithoutTokens:
// a new shell (AdoptDefault, `azc init`) reads the profile's default, then
// writes its hold and selection; a removal of the default's account's last
// context in between, whose DropCredentials read the holds before, drops
// the tokens. The shell must not adopt that context ("not signed in"): it
// adopts the default as it is after the removal (here none).
func TestANewShellRacingTheRemovalOfItsDefaultsAccountIsNotLeftWithoutTokens(t *testing.T) {
	t.Parallel()
	base, blobs, user := userContextsWithStore(t)
	key := user.Accounts[0].Key()
	if err := blobs.Put(key, []byte("tokens")); err != nil {
		t.Fatal(err)
	}
	sess := &holdingSession{memSession: &memSession{p: profile.New()}}
	sess.meanwhile = func() {
		if _, err := base.Update(azc.ScopeUser, func(p *profile.Profile) error {
			_, err := p.RemoveContexts([]string{"Production", "Development"})
			return err
		}); err != nil {
			t.Error(err)
		}
		if err := blobs.Delete(key); err != nil {
			t.Error(err)
		}
	}
	if err := base.WithSession(sess).AdoptDefault(); err != nil {
		t.Fatal(err)
	}
	if sels, _ := sess.Selections(); sels.Current != nil {
		t.Fatalf("the new shell selects %q, whose account's tokens are gone; want no selection", sels.Current.Context.Name)
	}
	if last := sess.held[len(sess.held)-1]; last != "" {
		t.Errorf("the hold names %q, want none", last)
	}
}

// TestAShellContextOfAnAccountWhoseTokensWentIsRefused: `azc context set
// -c sp --scope process --name mine` reads sp's account from the profile,
// then adds mine to the shell's session and selects it; a removal of the
// account's last context in another shell in between drops its tokens, as
// no shell holds the account yet. SetContext must then fail as for an
// account gone, and change nothing in the shell: selecting mine would
// leave the shell "not signed in" while both commands exit 0.
func TestAShellContextOfAnAccountWhoseTokensWentIsRefused(t *testing.T) {
	t.Parallel()
	base, blobs, user := userContextsWithStore(t)
	acct := user.Accounts[0]
	c := *user.Context("Development")
	if err := blobs.Put(acct.Key(), []byte("tokens")); err != nil {
		t.Fatal(err)
	}
	// the removal elsewhere, after the command read the account
	if _, err := base.Update(azc.ScopeUser, func(p *profile.Profile) error {
		_, err := p.RemoveContexts([]string{"Production", "Development"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := blobs.Delete(acct.Key()); err != nil {
		t.Fatal(err)
	}
	sess := &holdingSession{memSession: sessionWithContext()}
	st := base.WithSession(sess)
	c.Name = "mine"
	_, err := st.SetContext(azc.ScopeProcess, c, azc.SetOptions{Account: &acct, AccountSeen: true})
	var nf *profile.NotFoundError
	if !errors.As(err, &nf) {
		t.Fatalf("SetContext: %v; want a NotFoundError: the account's tokens are gone", err)
	}
	if sess.p.Context("mine") != nil {
		t.Errorf("the session holds mine, whose account's tokens are gone")
	}
	if sels, _ := sess.Selections(); sels.Current == nil || sels.Current.Context.Name != "scratch" {
		t.Errorf("the shell's selection is %+v, want scratch kept", sels.Current)
	}
}

// selectionsLost is a shell's real session whose selection cannot be
// stored: the process that switches it is killed (or its runtime
// directory is full) after it wrote the shell's hold.
type selectionsLost struct{ *session.Session }

func (selectionsLost) UpdateSelections(func(*session.Selections) error) error {
	return errors.New("killed before the selection was stored")
}

// TestASwitchStoppedBeforeItsSelectionKeepsTheHoldOfTheSelection: a
// shell selects Development (alice); alice's last context is removed
// elsewhere, and her tokens stay, held by the shell. `azc use Fabrikam`
// (bob) in the shell is stopped after it wrote the shell's hold and
// before it stored the selection: the shell still uses Development, so
// the holds must still name alice, or the next sweep takes the tokens of
// the shell's selection (`azc token` there: "not signed in"): until the
// selection is stored, the hold names bob beside alice, not bob alone
// with alice marked released.
func TestASwitchStoppedBeforeItsSelectionKeepsTheHoldOfTheSelection(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "azc")
	base, err := azc.Open(azc.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	addContexts(base)
	if _, err := base.Update(azc.ScopeUser, func(p *profile.Profile) error {
		p.UpsertAccount(bob)
		_, err := p.UpsertContext(profile.Context{Name: "Fabrikam", Account: bob.Key(), Tenant: profile.Tenant{ID: "fabrikam"}}, profile.UpsertOptions{})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	user, err := base.Store().Load()
	if err != nil {
		t.Fatal(err)
	}
	alice := user.Context("Development").Account
	sess, _, err := session.New(t.TempDir(), os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := base.WithSession(sess).Use(azc.ScopeProcess, "Development"); err != nil {
		t.Fatal(err)
	}
	if _, err := base.Update(azc.ScopeUser, func(p *profile.Profile) error {
		_, err := p.RemoveContexts([]string{"Production", "Development"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := base.WithSession(selectionsLost{sess}).Use(azc.ScopeProcess, "Fabrikam"); err == nil {
		t.Fatal("Use stored no selection and said nothing")
	}
	sels, err := sess.Selections()
	if err != nil || sels.Current == nil || sels.Current.Context.Account != alice {
		t.Fatalf("the shell selects %+v (%v), want Development kept", sels.Current, err)
	}
	// the sweep of another command, then what DropCredentials asks
	if _, err := session.ReleaseHolds(dir); err != nil {
		t.Fatal(err)
	}
	if held, err := session.Held(dir, alice); err != nil || !held {
		t.Errorf("Held(alice) = %v, %v after the stopped switch; want the shell's selection held", held, err)
	}
	// the switch run again settles the hold on bob alone
	if _, err := base.WithSession(sess).Use(azc.ScopeProcess, "Fabrikam"); err != nil {
		t.Fatal(err)
	}
	if keys, err := session.ReleaseHolds(dir); err != nil || !slices.Contains(keys, alice) {
		t.Errorf("ReleaseHolds = %q, %v; want alice released once the shell selects bob", keys, err)
	}
	if held, err := session.Held(dir, alice); err != nil || held {
		t.Errorf("Held(alice) = %v, %v; want her released", held, err)
	}
	if held, err := session.Held(dir, bob.Key()); err != nil || !held {
		t.Errorf("Held(bob) = %v, %v; want him held", held, err)
	}
}

// storesThenDies is a shell's real session in a process that, switching
// its selection, is overtaken by another switch in the same shell (first)
// and killed once its own selection is stored, before anything after it.
type storesThenDies struct {
	*session.Session
	first func()
}

func (s storesThenDies) UpdateSelections(fn func(*session.Selections) error) error {
	s.first()
	if err := s.Session.UpdateSelections(fn); err != nil {
		return err
	}
	return errors.New("killed once the selection was stored")
}

// TestTwoSwitchesInOneShellKeepTheStoredSelectionHeld: two `azc use` in
// one shell at once (a script's and the user's), the first to Carol's
// context, overtaken by the second to Bob's, which stores and settles its
// selection; then the first stores Carol's and is killed. The shell uses
// Carol's context, so the holds must name her: the second switch's settle
// keeps Carol's, which a switch still running holds, beside Bob's: were
// it to let go of every account but Bob's, the next sweep would take the
// tokens of the shell's selection once her last context went elsewhere.
func TestTwoSwitchesInOneShellKeepTheStoredSelectionHeld(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "azc")
	base, err := azc.Open(azc.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	carol := profile.Account{ID: "carol@fabrikam.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "fabrikam"}
	if _, err := base.Update(azc.ScopeUser, func(p *profile.Profile) error {
		for _, a := range []profile.Account{bob, carol} {
			p.UpsertAccount(a)
			if _, err := p.UpsertContext(profile.Context{Name: a.ID, Account: a.Key(), Tenant: profile.Tenant{ID: "fabrikam"}}, profile.UpsertOptions{}); err != nil {
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
	overtaken := storesThenDies{Session: sess, first: func() {
		if _, err := base.WithSession(sess).Use(azc.ScopeProcess, bob.ID); err != nil {
			t.Error(err)
		}
	}}
	if _, err := base.WithSession(overtaken).Use(azc.ScopeProcess, carol.ID); err == nil {
		t.Fatal("the killed switch said nothing")
	}
	sels, err := sess.Selections()
	if err != nil || sels.Current == nil || !profile.SameName(sels.Current.Context.Account, carol.Key()) {
		t.Fatalf("the shell selects %+v (%v), want Carol's context", sels.Current, err)
	}
	if _, err := session.ReleaseHolds(dir); err != nil {
		t.Fatal(err)
	}
	if held, err := session.Held(dir, carol.Key()); err != nil || !held {
		t.Errorf("Held(carol) = %v, %v; want the shell's selection held", held, err)
	}
}

// TestUsePreviousInTheProcessScopeReturnsToTheProfilesDefault: a shell
// that selected nothing yet uses the profile's default; after its first
// `azc use NAME --scope process`, `azc use - --scope process` returns to
// that default, as `cd -` returns to where the shell was.
func TestUsePreviousInTheProcessScopeReturnsToTheProfilesDefault(t *testing.T) {
	t.Parallel()
	st := openState(t, &memSession{p: profile.New()})
	if c, err := st.Resolve(""); err != nil || c.Name != "Production" {
		t.Fatalf("Resolve(\"\") = %v, %v; want the profile's default Production", c, err)
	}
	if _, err := st.Use(azc.ScopeProcess, "Development"); err != nil {
		t.Fatal(err)
	}
	if c, err := st.Use(azc.ScopeProcess, "-"); err != nil || c.Name != "Production" {
		t.Errorf("Use(process, -) = %v, %v; want Production, the context the shell used before", c, err)
	}
}
