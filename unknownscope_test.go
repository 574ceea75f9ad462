package azc_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/session"
)

// TestAScopeOfNeitherKindIsRefusedBeforeAnythingChanges: a scope that is
// neither ScopeUser nor ScopeProcess (a Go caller's unset or mistyped
// value) fails every method that takes one with "unknown scope N" and
// changes neither the profile nor the session: Clear(0) does not empty the
// session nor drop the shell's selection. The methods that give 0 a
// meaning (where the context lives, the scope rule's choice, the merged
// view) take it.
func TestAScopeOfNeitherKindIsRefusedBeforeAnythingChanges(t *testing.T) {
	t.Parallel()
	calls := []struct {
		name     string
		takeZero bool
		call     func(st *azc.State, scope profile.Scope) error
	}{
		{"Clear", false, func(st *azc.State, sc profile.Scope) error { _, err := st.Clear(sc); return err }},
		{"RemoveAccounts", false, func(st *azc.State, sc profile.Scope) error {
			_, err := st.RemoveAccounts(sc, []string{userAccount.Key(), shellAccount.Key()})
			return err
		}},
		{"RemoveContexts", true, func(st *azc.State, sc profile.Scope) error {
			_, err := st.RemoveContexts(sc, []string{"User", "Shell"})
			return err
		}},
		{"CheckRemove", true, func(st *azc.State, sc profile.Scope) error {
			_, err := st.CheckRemove(sc, []string{"User"})
			return err
		}},
		{"RenameContext", true, func(st *azc.State, sc profile.Scope) error {
			_, err := st.RenameContext(sc, "User", "Renamed", false)
			return err
		}},
		{"RenameTarget", true, func(st *azc.State, sc profile.Scope) error { _, _, err := st.RenameTarget(sc, "User"); return err }},
		{"NamesApart", false, func(st *azc.State, sc profile.Scope) error { _, err := st.NamesApart(sc); return err }},
		{"ProfileAt", true, func(st *azc.State, sc profile.Scope) error { _, err := st.ProfileAt(sc); return err }},
		{"ChangeScope", true, func(st *azc.State, sc profile.Scope) error { _, err := st.ChangeScope(sc); return err }},
		{"Change", false, func(st *azc.State, sc profile.Scope) error {
			_, err := st.Change(sc, func(p *profile.Profile) error { p.Contexts = nil; return nil })
			return err
		}},
		{"SetAutosave", false, func(st *azc.State, sc profile.Scope) error { _, err := st.SetAutosave(sc, false, nil); return err }},
		{"Use", false, func(st *azc.State, sc profile.Scope) error { _, err := st.Use(sc, "User"); return err }},
		{"AutosaveSetting", false, func(st *azc.State, sc profile.Scope) error { _, err := st.AutosaveSetting(sc); return err }},
	}
	for _, c := range calls {
		for _, scope := range []profile.Scope{0, 3, -1} {
			if scope == 0 && c.takeZero {
				continue
			}
			t.Run(fmt.Sprintf("%s(%d)", c.name, scope), func(t *testing.T) {
				t.Parallel()
				st, snapshot := userAndShellContexts(t)
				before := snapshot()
				err := c.call(st, scope)
				want := fmt.Sprintf("unknown scope %d", scope)
				if err == nil || err.Error() != want {
					t.Errorf("%s(scope %d): error = %v, want %q", c.name, scope, err, want)
				}
				if after := snapshot(); after != before {
					t.Errorf("%s(scope %d) changed the state:\nbefore %s\nafter  %s", c.name, scope, before, after)
				}
			})
		}
	}
}

var (
	userAccount  = profile.Account{ID: "user@contoso.test", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "t"}
	shellAccount = profile.Account{ID: "shell@contoso.test", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "t"}
)

// userAndShellContexts opens a state with a session, the context "User"
// in the profile and "Shell" in the session, which the shell selects; the
// function it returns reads the profile file, the session and its
// selections as one string.
func userAndShellContexts(t *testing.T) (*azc.State, func() string) {
	t.Helper()
	sess, _, err := session.New(t.TempDir(), os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "azc")
	st, err := azc.Open(azc.Options{Dir: dir, Session: sess})
	if err != nil {
		t.Fatal(err)
	}
	for scope, add := range map[profile.Scope]struct {
		name string
		acct profile.Account
	}{azc.ScopeUser: {"User", userAccount}, azc.ScopeProcess: {"Shell", shellAccount}} {
		_, err := st.Update(scope, func(p *profile.Profile) error {
			p.UpsertAccount(add.acct)
			_, err := p.UpsertContext(profile.Context{Name: add.name, Account: add.acct.Key(), Tenant: profile.Tenant{ID: "t"}}, profile.UpsertOptions{MakeDefault: true})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Use(azc.ScopeProcess, "Shell"); err != nil {
		t.Fatal(err)
	}
	return st, func() string {
		file, err := os.ReadFile(filepath.Join(dir, "profile.json"))
		if err != nil {
			t.Fatal(err)
		}
		p, err := sess.Load()
		if err != nil {
			t.Fatal(err)
		}
		sels, err := sess.Selections()
		if err != nil {
			t.Fatal(err)
		}
		s, err := json.Marshal(struct {
			Session    *profile.Profile
			Selections session.Selections
		}{p, sels})
		if err != nil {
			t.Fatal(err)
		}
		return string(file) + string(s)
	}
}
