package azc_test

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/session"
)

func boolPtrForScope(b bool) *bool { return &b }

// scopeState opens a state directory with a real session attached.
func scopeState(t *testing.T) (*azc.State, *session.Session) {
	t.Helper()
	return scopeStateEnv(t, nil)
}

// scopeStateEnv is scopeState with env as the reading of the autosave
// variables (Options.AutosaveEnv).
func scopeStateEnv(t *testing.T, env *bool) (*azc.State, *session.Session) {
	t.Helper()
	st, err := azc.Open(azc.Options{Dir: filepath.Join(t.TempDir(), "azc"), AutosaveEnv: env})
	if err != nil {
		t.Fatal(err)
	}
	sess, _, err := session.New(t.TempDir(), os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	return st.WithSession(sess), sess
}

func TestChangeScopeFollowsDesignSection3(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		flag       profile.Scope
		session    *bool // the session's autosave; "no session" when noSession
		noSession  bool
		env        *bool
		user       *bool
		want       profile.Scope
		wantSource azc.ScopeSource
		wantErr    error
	}{
		{name: "nothing set means autosave on", want: profile.ScopeUser, wantSource: azc.SourceDefault},
		{name: "the profile's setting applies", user: boolPtrForScope(false), want: profile.ScopeProcess, wantSource: azc.SourceProfile},
		{name: "the environment beats the profile", user: boolPtrForScope(false), env: boolPtrForScope(true), want: profile.ScopeUser, wantSource: azc.SourceEnvironment},
		{name: "the session beats the environment", session: boolPtrForScope(false), env: boolPtrForScope(true), want: profile.ScopeProcess, wantSource: azc.SourceSession},
		{name: "the flag beats the session", flag: profile.ScopeUser, session: boolPtrForScope(false), want: profile.ScopeUser, wantSource: azc.SourceFlag},
		{name: "the flag asks for process without a session", flag: profile.ScopeProcess, noSession: true, wantErr: azc.ErrNoSession},
		{name: "autosave off without a session", env: boolPtrForScope(false), noSession: true, wantErr: azc.ErrNoSession},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st, _ := scopeStateEnv(t, tc.env)
			if tc.noSession {
				st = st.WithSession(nil)
			}
			setAutosaves(t, st, tc.user, tc.session)
			d, err := st.ChangeScope(tc.flag)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("ChangeScope = %+v, %v; want %v", d, err, tc.wantErr)
				}
				return
			}
			if err != nil || d.Scope != tc.want || d.Source != tc.wantSource {
				t.Fatalf("ChangeScope = %+v, %v; want scope %d from %s", d, err, tc.want, tc.wantSource)
			}
		})
	}
}

// TestChangesGoWhereReadsLook: the autosave variables the State was
// opened with decide both what a shell sees and where its changes go:
// with AutosaveEnv false and no session, the profile's contexts are out
// of sight and a change is refused for want of a session, not written to
// the profile.
func TestChangesGoWhereReadsLook(t *testing.T) {
	t.Parallel()
	st, err := azc.Open(azc.Options{Dir: filepath.Join(t.TempDir(), "azc"), AutosaveEnv: boolPtrForScope(false)})
	if err != nil {
		t.Fatal(err)
	}
	if d, err := st.ChangeScope(0); !errors.Is(err, azc.ErrNoSession) || d.Source != azc.SourceEnvironment {
		t.Fatalf("ChangeScope = %+v, %v; want the environment's process scope, without a session", d, err)
	}
}

func TestEnablingAutosaveMovesTheSessionIntoTheProfile(t *testing.T) {
	t.Parallel()
	st, sess := scopeState(t)
	user, err := credstore.Open(filepath.Join(t.TempDir(), "state"), credstore.Options{Backend: credstore.FixedKey("test", scopeTestKey(t))})
	if err != nil {
		t.Fatal(err)
	}
	carol := profile.Account{ID: "carol@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "contoso"}
	if _, err := st.SetAutosave(profile.ScopeProcess, false, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Update(profile.ScopeProcess, func(p *profile.Profile) error {
		p.UpsertAccount(carol)
		if _, err := p.UpsertContext(profile.Context{Name: "scratch", Account: carol.Key(), Tenant: profile.Tenant{ID: "contoso"}}, profile.UpsertOptions{MakeDefault: true}); err != nil {
			return err
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := sess.Blobs().Put(carol.Key(), []byte("carol's tokens")); err != nil {
		t.Fatal(err)
	}

	change, err := st.SetAutosave(profile.ScopeProcess, true, user)
	if err != nil {
		t.Fatal(err)
	}
	if len(change.Moved) != 1 || change.Moved[0] != "scratch" || change.Tokens != 1 {
		t.Fatalf("change = %+v", change)
	}
	up, err := st.Store().Load()
	if err != nil {
		t.Fatal(err)
	}
	if up.Context("scratch") == nil || up.Account(carol.Key()) == nil || up.DefaultContext != "scratch" {
		t.Fatalf("the profile after enable: %+v", up)
	}
	if got, err := user.Get(carol.Key()); err != nil || string(got) != "carol's tokens" {
		t.Fatalf("user tokens = %q, %v", got, err)
	}
	sp, err := sess.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(sp.Contexts) != 0 || len(sp.Accounts) != 0 || sp.DefaultContext != "" || sp.Settings.Autosave == nil || !*sp.Settings.Autosave {
		t.Fatalf("the session after enable: %+v", sp)
	}
	if _, err := sess.Blobs().Get(carol.Key()); !errors.Is(err, credstore.ErrNotFound) {
		t.Fatalf("the session kept the tokens: %v", err)
	}
	if d, err := st.ChangeScope(0); err != nil || d.Scope != profile.ScopeUser {
		t.Fatalf("after enable, changes go to %+v, %v", d, err)
	}
	if st.SessionBlobs() == nil || st.WithSession(nil).SessionBlobs() != nil {
		t.Fatal("SessionBlobs does not follow the session")
	}
	var none *session.Session
	if st.WithSession(none).Session() != nil {
		t.Fatal("a typed nil session counts as a session")
	}
}

func TestDisablingAutosaveMovesNothing(t *testing.T) {
	t.Parallel()
	st, _ := scopeState(t)
	change, err := st.SetAutosave(profile.ScopeUser, false, nil)
	if err != nil || len(change.Moved) != 0 {
		t.Fatalf("SetAutosave = %+v, %v", change, err)
	}
	if got, err := st.AutosaveSetting(profile.ScopeUser); err != nil || got == nil || *got {
		t.Fatalf("user autosave = %v, %v", got, err)
	}
	if got, err := st.AutosaveSetting(profile.ScopeProcess); err != nil || got != nil {
		t.Fatalf("session autosave = %v, %v; want unset", got, err)
	}
	if _, err := st.WithSession(nil).SetAutosave(profile.ScopeProcess, false, nil); !errors.Is(err, azc.ErrNoSession) {
		t.Fatalf("process scope without a session = %v", err)
	}
}

// TestEnablingAutosaveKeepsWhatTheMovedContextLeavesEmpty: a sign-in in
// a shell whose autosave is off makes its contexts in the session, without
// the storage account and properties the profile's context of the same
// name and identity has; enabling autosave moves them into the profile as
// a sign-in there updates a context (profile.UpsertContext): the session's
// subscription state is taken, what the moved context leaves empty is
// kept.
func TestEnablingAutosaveKeepsWhatTheMovedContextLeavesEmpty(t *testing.T) {
	t.Parallel()
	st, _ := scopeState(t)
	dave := profile.Account{ID: "dave@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "contoso"}
	ctx := func(state string) profile.Context {
		return profile.Context{Name: "Dev", Account: dave.Key(), Environment: "AzureCloud", Tenant: profile.Tenant{ID: "contoso"},
			Subscription: &profile.Subscription{ID: "s1", Name: "Dev", State: state, TenantID: "contoso"}}
	}
	if _, err := st.Update(profile.ScopeUser, func(p *profile.Profile) error {
		p.UpsertAccount(dave)
		c := ctx("Enabled")
		c.StorageAccount, c.Properties = "devlogs", map[string]string{"team": "red"}
		_, err := p.UpsertContext(c, profile.UpsertOptions{MakeDefault: true})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetAutosave(profile.ScopeProcess, false, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Update(profile.ScopeProcess, func(p *profile.Profile) error {
		p.UpsertAccount(dave)
		_, err := p.UpsertContext(ctx("Warned"), profile.UpsertOptions{MakeDefault: true})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetAutosave(profile.ScopeProcess, true, nil); err != nil {
		t.Fatal(err)
	}
	up, err := st.Store().Load()
	if err != nil {
		t.Fatal(err)
	}
	want := ctx("Warned")
	want.StorageAccount, want.Properties = "devlogs", map[string]string{"team": "red"}
	if diff := cmp.Diff([]profile.Context{want}, up.Contexts); diff != "" {
		t.Errorf("the profile's contexts after the move (-want +got):\n%s", diff)
	}
}

// TestEnablingAutosaveMovesEachSessionContextApart: a moved context whose
// name a profile context of another identity took meanwhile (in another
// shell, where the session is not seen) gets a distinct name that no other
// context of the session holds either: were the session's "P1" to become
// "P1 (dave@contoso.com)" while the session holds a context of that name,
// moving that one next would update it, two contexts of the shell would
// become one and the first's storage account would be lost.
func TestEnablingAutosaveMovesEachSessionContextApart(t *testing.T) {
	t.Parallel()
	st, _ := scopeState(t)
	dave := profile.Account{ID: "dave@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "contoso"}
	erin := profile.Account{ID: "erin@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "contoso"}
	ctx := func(a profile.Account, name, sub, storage string) profile.Context {
		return profile.Context{Name: name, Account: a.Key(), Environment: "AzureCloud", Tenant: profile.Tenant{ID: "contoso"},
			Subscription: &profile.Subscription{ID: sub, Name: sub, TenantID: "contoso"}, StorageAccount: storage}
	}
	if _, err := st.Update(profile.ScopeProcess, func(p *profile.Profile) error {
		p.UpsertAccount(dave)
		p.Contexts = append(p.Contexts, ctx(dave, "P1", "s1", "first"), ctx(dave, "P1 (dave@contoso.com)", "s1", "second"))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// another shell: a context of another identity takes the name P1
	if _, err := st.Store().Update(func(p *profile.Profile) error {
		p.UpsertAccount(erin)
		p.Contexts = append(p.Contexts, ctx(erin, "p1", "s2", ""))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	change, err := st.SetAutosave(profile.ScopeProcess, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	up, err := st.Store().Load()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range up.Contexts {
		got = append(got, c.Name+" "+c.StorageAccount)
	}
	want := []string{"p1 ", "P1 (dave@contoso.com 2) first", "P1 (dave@contoso.com) second"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the profile's contexts after the move (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"P1 (dave@contoso.com 2)", "P1 (dave@contoso.com)"}, change.Moved); diff != "" {
		t.Errorf("moved (-want +got):\n%s", diff)
	}
}

// TestSetContextUnderANameTheOtherScopeHoldsUpdatesTheContextItMade:
// Set-AzContext is create-or-update by name, and so is `context set
// --name N` in one scope where the other scope holds N for another
// identity: the first makes "N (<account>)", and the same change again
// updates that one, not adding "N (<account> 2)", then "… 3", one more
// context of the same subscription each time, in either scope.
func TestSetContextUnderANameTheOtherScopeHoldsUpdatesTheContextItMade(t *testing.T) {
	t.Parallel()
	dave := profile.Account{ID: "dave@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "contoso"}
	erin := profile.Account{ID: "erin@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "contoso"}
	ctx := func(a profile.Account, name, sub, storage string) profile.Context {
		return profile.Context{Name: name, Account: a.Key(), Environment: "AzureCloud", Tenant: profile.Tenant{ID: "contoso"},
			Subscription: &profile.Subscription{ID: sub, Name: sub, TenantID: "contoso"}, StorageAccount: storage}
	}
	for _, tc := range []struct {
		name         string
		other, scope profile.Scope
	}{
		{"in the shell, the profile holding the name", profile.ScopeUser, profile.ScopeProcess},
		{"in the profile, the shell holding the name", profile.ScopeProcess, profile.ScopeUser},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st, _ := scopeState(t)
			if _, err := st.Update(tc.other, func(p *profile.Profile) error {
				p.UpsertAccount(erin)
				p.Contexts = append(p.Contexts, ctx(erin, "PROD", "s2", ""))
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			for i, storage := range []string{"first", "second"} {
				res, err := st.SetContext(tc.scope, ctx(dave, "prod", "s1", storage), azc.SetOptions{Account: &dave})
				if err != nil {
					t.Fatal(err)
				}
				if res.Created != (i == 0) || res.Context.Name != "prod (dave@contoso.com)" {
					t.Errorf("set %d: created %v, context %q; want created only the first time, as \"prod (dave@contoso.com)\"", i+1, res.Created, res.Context.Name)
				}
			}
			var p *profile.Profile
			var err error
			if tc.scope == profile.ScopeUser {
				p, err = st.Store().Load()
			} else {
				p, err = st.Session().Load()
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range p.Contexts {
				got = append(got, c.Name+" "+c.StorageAccount)
			}
			if diff := cmp.Diff([]string{"prod (dave@contoso.com) second"}, got); diff != "" {
				t.Errorf("the scope's contexts (-want +got):\n%s", diff)
			}
		})
	}
}

func scopeTestKey(t *testing.T) []byte {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

// TestResolveEntryTellsTheScope: one read gives the context, where it lives,
// whether it is current, and the merged profile holding its account.
func TestResolveEntryTellsTheScope(t *testing.T) {
	t.Parallel()
	st, _ := scopeState(t)
	dave := profile.Account{ID: "dave@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "contoso"}
	for _, sc := range []profile.Scope{profile.ScopeUser, profile.ScopeProcess} {
		name := map[profile.Scope]string{profile.ScopeUser: "shared", profile.ScopeProcess: "scratch"}[sc]
		if _, err := st.Update(sc, func(p *profile.Profile) error {
			p.UpsertAccount(dave)
			_, err := p.UpsertContext(profile.Context{Name: name, Account: dave.Key(), Tenant: profile.Tenant{ID: "contoso"}}, profile.UpsertOptions{MakeDefault: true})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	p, e, err := st.ResolveEntry("")
	if err != nil || e.Name != "scratch" || e.Scope != profile.ScopeProcess || !e.Current || p.Account(dave.Key()) == nil {
		t.Fatalf("ResolveEntry(\"\") = %q scope %v current %v, %v", e.Name, e.Scope, e.Current, err)
	}
	if _, e, err = st.ResolveEntry("shared"); err != nil || e.Scope != profile.ScopeUser || e.Current {
		t.Fatalf("ResolveEntry(shared) = %q scope %v current %v, %v", e.Name, e.Scope, e.Current, err)
	}
	if _, _, err := st.ResolveEntry("nope"); err == nil {
		t.Fatal("an unknown context resolved")
	}
}

// TestASessionContextNeverHidesAProfileContextThatTookItsName: the session
// holds "mine"; then the profile gets "MINE" (SameName) for another
// subscription, written without the session (another shell). The shell
// sees the profile's under its name and its own under a distinct one,
// which it keeps using.
func TestASessionContextNeverHidesAProfileContextThatTookItsName(t *testing.T) {
	t.Parallel()
	st, _ := scopeState(t)
	dave := profile.Account{ID: "dave@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "contoso"}
	ctx := func(name, sub string) profile.Context {
		return profile.Context{Name: name, Account: dave.Key(), Tenant: profile.Tenant{ID: "contoso"}, Subscription: &profile.Subscription{ID: sub, Name: sub}}
	}
	if _, err := st.SetContext(profile.ScopeProcess, ctx("mine", "s1"), azc.SetOptions{Account: &dave}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.WithSession(nil).SetContext(profile.ScopeUser, ctx("MINE", "s2"), azc.SetOptions{Account: &dave}); err != nil {
		t.Fatal(err)
	}
	entries, err := st.Contexts()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, fmt.Sprintf("%s %s %v current=%v", e.Name, e.Subscription.ID, e.Scope, e.Current))
	}
	want := []string{fmt.Sprintf("MINE s2 %v current=false", profile.ScopeUser), fmt.Sprintf("mine (dave@contoso.com) s1 %v current=true", profile.ScopeProcess)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("contexts (-want +got):\n%s", diff)
	}
	if c, err := st.Resolve("mine"); err != nil || c.Subscription.ID != "s2" {
		t.Errorf("Resolve(mine) = %+v, %v; want the profile's MINE", c, err)
	}
	// dave is in both scopes, and once in the merged view.
	p, err := st.Profile()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(p.Accounts); n != 1 || p.Account(dave.Key()) == nil {
		t.Errorf("the merged view's accounts: %+v, want dave once", p.Accounts)
	}
}

// TestAChangeAskedOfTheUserScopeSeesTheProfile: with autosave off by the
// environment and no session, the shell sees no profile context, and the
// scope rule gives a change the user scope only when --scope asks for it;
// such a change works on the profile's contexts, as `use NAME --scope
// user` does: set reports the context it wrote, and rename and remove
// find it.
func TestAChangeAskedOfTheUserScopeSeesTheProfile(t *testing.T) {
	t.Parallel()
	st, err := azc.Open(azc.Options{Dir: filepath.Join(t.TempDir(), "azc"), AutosaveEnv: boolPtrForScope(false)})
	if err != nil {
		t.Fatal(err)
	}
	dave := profile.Account{ID: "dave@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "contoso"}
	res, err := st.SetContext(profile.ScopeUser, profile.Context{Name: "x", Account: dave.Key(), Tenant: profile.Tenant{ID: "t"}}, azc.SetOptions{Account: &dave})
	if err != nil || res.Context.Name != "x" {
		t.Fatalf("SetContext(user, x) = %+v, %v", res, err)
	}
	if _, err := st.Use(profile.ScopeUser, "x"); err != nil {
		t.Errorf("Use(user, x): %v", err)
	}
	if _, err := st.RenameContext(profile.ScopeUser, "x", "y", false); err != nil {
		t.Fatalf("RenameContext(user, x, y): %v", err)
	}
	if _, err := st.RemoveContexts(profile.ScopeUser, []string{"y"}); err != nil {
		t.Fatalf("RemoveContexts(user, y): %v", err)
	}
	if p, err := st.Store().Load(); err != nil || len(p.Contexts) != 0 {
		t.Errorf("profile after the removal: %+v, %v", p, err)
	}
	// what the shell sees stays hidden
	var nf *profile.NotFoundError
	if _, err := st.SetContext(profile.ScopeUser, profile.Context{Name: "z", Account: dave.Key(), Tenant: profile.Tenant{ID: "t"}}, azc.SetOptions{Account: &dave}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Resolve("z"); !errors.As(err, &nf) {
		t.Errorf("Resolve(z) error = %v, want not found: the shell sees no profile context", err)
	}
}

// TestAShellsOwnAutosaveOffShowsNoProfileHiddenByTheUserSetting: a shell's
// own autosave setting only turns the profile's contexts on: with autosave
// disabled at user scope, a shell that disables it for itself too sees no
// profile context, as a new shell does (docs/sessions.md); one that
// enables it for itself sees them.
func TestAShellsOwnAutosaveOffShowsNoProfileHiddenByTheUserSetting(t *testing.T) {
	t.Parallel()
	st, _ := scopeState(t)
	dave := profile.Account{ID: "dave@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "contoso"}
	saved := profile.Context{Name: "saved", Account: dave.Key(), Tenant: profile.Tenant{ID: "contoso"}}
	if _, err := st.WithSession(nil).SetContext(profile.ScopeUser, saved, azc.SetOptions{Account: &dave}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetAutosave(profile.ScopeUser, false, nil); err != nil {
		t.Fatal(err)
	}
	names := func() []string {
		t.Helper()
		entries, err := st.Contexts()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range entries {
			got = append(got, e.Name)
		}
		return got
	}
	if got := names(); len(got) != 0 {
		t.Fatalf("contexts with autosave off at user scope: %q, want none", got)
	}
	if _, err := st.SetAutosave(profile.ScopeProcess, false, nil); err != nil {
		t.Fatal(err)
	}
	if got := names(); len(got) != 0 {
		t.Errorf("contexts with autosave off at user scope and in the shell: %q, want none", got)
	}
	if _, err := st.SetAutosave(profile.ScopeProcess, true, nil); err != nil {
		t.Fatal(err)
	}
	if got := names(); !slices.Equal(got, []string{"saved"}) {
		t.Errorf("contexts with autosave on in the shell: %q, want the profile's", got)
	}
}

// TestProfileHiddenByTellsWhatContextsHides: ProfileHiddenBy names the
// rule that hides the profile's contexts exactly when Contexts lacks them.
func TestProfileHiddenByTellsWhatContextsHides(t *testing.T) {
	t.Parallel()
	off, on := boolPtrForScope(false), boolPtrForScope(true)
	for _, tc := range []struct {
		name               string
		session, env, user *bool
		noSession          bool
		want               azc.ScopeSource
	}{
		{name: "nothing set shows them"},
		{name: "the profile's setting off hides them", user: off, want: azc.SourceProfile},
		{name: "the profile's setting off hides them without a session", user: off, noSession: true, want: azc.SourceProfile},
		{name: "the environment off hides them", env: off, want: azc.SourceEnvironment},
		{name: "the environment off hides them without a session", env: off, noSession: true, want: azc.SourceEnvironment},
		{name: "the environment on beats the profile's setting", env: on, user: off},
		{name: "the environment off beats the profile's setting", env: off, user: on, want: azc.SourceEnvironment},
		{name: "the shell's own setting on shows them", session: on, env: off, user: off},
		{name: "the shell's own setting off leaves the profile's setting", session: off, user: off, want: azc.SourceProfile},
		{name: "the shell's own setting off leaves them shown", session: off},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st, _ := scopeStateEnv(t, tc.env)
			dave := profile.Account{ID: "dave@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "contoso"}
			saved := profile.Context{Name: "saved", Account: dave.Key(), Tenant: profile.Tenant{ID: "contoso"}}
			if _, err := st.WithSession(nil).SetContext(profile.ScopeUser, saved, azc.SetOptions{Account: &dave}); err != nil {
				t.Fatal(err)
			}
			setAutosaves(t, st, tc.user, tc.session)
			if tc.noSession {
				st = st.WithSession(nil)
			}
			got, err := st.ProfileHiddenBy()
			if err != nil || got != tc.want {
				t.Fatalf("ProfileHiddenBy = %q, %v; want %q", got, err, tc.want)
			}
			entries, err := st.Contexts()
			if err != nil {
				t.Fatal(err)
			}
			if shown := len(entries) > 0; shown != (got == "") {
				t.Errorf("Contexts has %d contexts, ProfileHiddenBy %q", len(entries), got)
			}
		})
	}
}

// setAutosaves sets the user's and the session's autosave settings where
// they are not nil.
func setAutosaves(t *testing.T, st *azc.State, user, session *bool) {
	t.Helper()
	for _, set := range []struct {
		scope profile.Scope
		on    *bool
	}{{profile.ScopeUser, user}, {profile.ScopeProcess, session}} {
		if set.on == nil {
			continue
		}
		if _, err := st.SetAutosave(set.scope, *set.on, nil); err != nil {
			t.Fatal(err)
		}
	}
}

// TestASessionContextOfAUserAccountKeepsTheUsersTokensWhenAutosaveGoesOff:
// a context the shell made for itself (`context set --scope process`) of
// an account signed in at user scope uses the user's tokens. `azc
// autosave disable` hides the profile's contexts from the shell, which
// still lists its own; its tokens were then looked for in the session's
// store (`azc token`: not signed in; doctor: the current context has no
// credentials).
func TestASessionContextOfAUserAccountKeepsTheUsersTokensWhenAutosaveGoesOff(t *testing.T) {
	t.Parallel()
	st, _ := scopeState(t)
	dave := profile.Account{ID: "dave@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "contoso"}
	ctx := func(name, sub string) profile.Context {
		return profile.Context{Name: name, Account: dave.Key(), Tenant: profile.Tenant{ID: "contoso"}, Subscription: &profile.Subscription{ID: sub, Name: sub}}
	}
	if _, err := st.SetContext(profile.ScopeUser, ctx("shared", "s1"), azc.SetOptions{Account: &dave}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetContext(profile.ScopeProcess, ctx("mine", "s2"), azc.SetOptions{Account: &dave}); err != nil {
		t.Fatal(err)
	}
	for _, off := range []bool{false, true} {
		if off {
			if _, err := st.SetAutosave(profile.ScopeUser, false, nil); err != nil {
				t.Fatal(err)
			}
		}
		_, e, err := st.ResolveEntry("mine")
		if err != nil {
			t.Fatal(err)
		}
		if e.Scope != profile.ScopeProcess || e.Credentials != profile.ScopeUser {
			t.Errorf("autosave off %v: mine lives in scope %v, its tokens in %v; want %v, %v", off, e.Scope, e.Credentials, profile.ScopeProcess, profile.ScopeUser)
		}
	}
}

// TestRemovingAContextOfBothScopesRemovesItFromBoth: a session context
// stands for the profile context of its name and identity (a sign-in in
// the shell of an account the profile holds); removing it with autosave on
// (scope 0) or --scope user removes it from both, as Azure PowerShell's
// CurrentUser scope removes from the process and the disk. Only the
// session's went: the profile's came back into the shell's view under the
// name the command said it removed. --scope process removes the session's
// alone.
func TestRemovingAContextOfBothScopesRemovesItFromBoth(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		scope     profile.Scope
		userLeft  int
		stillSeen bool
	}{
		{"autosave on", 0, 0, false},
		{"the user scope", profile.ScopeUser, 0, false},
		{"the process scope", profile.ScopeProcess, 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := standingIn(t)
			if _, err := st.RemoveContexts(tc.scope, []string{"x"}); err != nil {
				t.Fatalf("RemoveContexts(%d, x): %v", tc.scope, err)
			}
			if p, err := st.Store().Load(); err != nil || len(p.Contexts) != tc.userLeft {
				t.Errorf("profile after the removal: %+v, %v; want %d contexts", p, err, tc.userLeft)
			}
			var nf *profile.NotFoundError
			if _, err := st.Resolve("x"); tc.stillSeen == errors.As(err, &nf) {
				t.Errorf("Resolve(x) after the removal: %v; want it seen: %v", err, tc.stillSeen)
			}
		})
	}
}

// TestRenamingAContextOfBothScopesRenamesItInBoth: a session context that
// stands for the profile context of its name and identity, renamed with
// autosave on (scope 0) or --scope user, is renamed in both scopes, as
// Azure PowerShell's CurrentUser renames in the process and on the disk:
// only the session's was, and the profile's came back into the shell's
// view under the old name. --scope process renames the session's alone.
func TestRenamingAContextOfBothScopesRenamesItInBoth(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		scope    profile.Scope
		userLeft []string
	}{
		{"autosave on", 0, []string{"y"}},
		{"the user scope", profile.ScopeUser, []string{"y"}},
		{"the process scope", profile.ScopeProcess, []string{"x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := standingIn(t)
			if _, err := st.RenameContext(tc.scope, "x", "y", false); err != nil {
				t.Fatalf("RenameContext(%d, x, y): %v", tc.scope, err)
			}
			p, err := st.Store().Load()
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, c := range p.Contexts {
				names = append(names, c.Name)
			}
			if !slices.Equal(names, tc.userLeft) || p.DefaultContext != tc.userLeft[0] {
				t.Errorf("profile after the rename: %q, default %q; want %q, the default following", names, p.DefaultContext, tc.userLeft)
			}
			if c, err := st.Resolve(""); err != nil || c.Name != "y" {
				t.Errorf("the shell's context after the rename: %+v, %v; want y", c, err)
			}
			var nf *profile.NotFoundError
			if _, err := st.Resolve("x"); (tc.scope == profile.ScopeProcess) == errors.As(err, &nf) {
				t.Errorf("Resolve(x) after the rename: %v", err)
			}
		})
	}
}

// standingIn opens a state directory with a session attached, whose
// profile and session each hold a context x of one identity: the
// session's stands for the profile's in the shell.
func standingIn(t *testing.T) *azc.State {
	t.Helper()
	st, sess := scopeState(t)
	dave := profile.Account{ID: "dave@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "contoso"}
	x := profile.Context{Name: "x", Account: dave.Key(), Tenant: profile.Tenant{ID: "t"}, Subscription: &profile.Subscription{ID: "s", Name: "sub"}}
	for _, scope := range []profile.Scope{profile.ScopeUser, profile.ScopeProcess} {
		if _, err := st.SetContext(scope, x, azc.SetOptions{Account: &dave}); err != nil {
			t.Fatalf("SetContext(%d, x): %v", scope, err)
		}
	}
	if sp, err := sess.Load(); err != nil || len(sp.Contexts) != 1 || sp.Contexts[0].Name != "x" {
		t.Fatalf("session: %+v, %v; want its own x", sp, err)
	}
	return st
}

// TestSettingAContextOfBothScopesSetsItInBoth: `context set` in the user
// scope of a context whose session context stands for it in the shell
// changes both, as Azure PowerShell's CurrentUser changes the process and
// the disk: only the profile's changed, and the shell went on using (and
// set reported) the session's as it was. In the process scope only the
// session's changes.
func TestSettingAContextOfBothScopesSetsItInBoth(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		scope     profile.Scope
		inProfile string // the profile's storage account after the set
	}{
		{"the user scope", profile.ScopeUser, "sa"},
		{"the process scope", profile.ScopeProcess, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := standingIn(t)
			c, err := st.Resolve("x")
			if err != nil {
				t.Fatal(err)
			}
			c.StorageAccount = "sa"
			props := func(map[string]string) (map[string]string, error) { return map[string]string{"team": "x"}, nil }
			res, err := st.SetContext(tc.scope, *c, azc.SetOptions{Properties: props})
			if err != nil {
				t.Fatalf("SetContext(%d, x): %v", tc.scope, err)
			}
			if res.Context.StorageAccount != "sa" || res.Context.Properties["team"] != "x" {
				t.Errorf("SetContext reports %+v; want the storage account and the property set", res.Context)
			}
			if got, err := st.Resolve("x"); err != nil || got.StorageAccount != "sa" || got.Properties["team"] != "x" {
				t.Errorf("the shell's x after the set: %+v, %v; want the storage account and the property set", got, err)
			}
			p, err := st.Store().Load()
			if err != nil || len(p.Contexts) != 1 || p.Contexts[0].StorageAccount != tc.inProfile {
				t.Errorf("profile after the set: %+v, %v; want x with storage account %q", p, err, tc.inProfile)
			}
		})
	}
}

// TestARenameOfAContextOfBothScopesStoppedBetweenItsWritesIsFinishedByItsRetry:
// renaming a session context that stands for the profile's renames the
// session's, then the profile's. Killed in between (here: the session's
// alone renamed, as --scope process does), the shell sees the profile's
// under the old name, and the same rename again failed: "context y of the
// other scope: context name already in use", y being the session's of the
// same identity, the rename's own first half. The retry finishes it.
func TestARenameOfAContextOfBothScopesStoppedBetweenItsWritesIsFinishedByItsRetry(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		scope profile.Scope
	}{
		{"autosave on", 0},
		{"the user scope", profile.ScopeUser},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := standingIn(t)
			if _, err := st.RenameContext(profile.ScopeProcess, "x", "y", false); err != nil {
				t.Fatal(err)
			}
			if _, err := st.RenameContext(tc.scope, "x", "y", false); err != nil {
				t.Fatalf("the rename again: %v", err)
			}
			p, err := st.Store().Load()
			if err != nil || len(p.Contexts) != 1 || p.Contexts[0].Name != "y" || p.DefaultContext != "y" {
				t.Errorf("profile after the rename again: %+v, %v; want y alone, the default", p, err)
			}
			var nf *profile.NotFoundError
			if _, err := st.Resolve("x"); !errors.As(err, &nf) {
				t.Errorf("Resolve(x) after the rename again: %v; want not found", err)
			}
			if c, err := st.Resolve(""); err != nil || c.Name != "y" {
				t.Errorf("the shell's context after the rename again: %+v, %v; want y", c, err)
			}
		})
	}
}
