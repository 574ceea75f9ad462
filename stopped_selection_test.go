package azc_test

import (
	"errors"
	"testing"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/session"
)

// stoppedSession is a memSession whose selection cannot be written: a
// command killed between its write of the session's profile and that of
// the shell's selection.
type stoppedSession struct{ *memSession }

var errStopped = errors.New("stopped before the selection was written")

func (s stoppedSession) UpdateSelections(func(*session.Selections) error) error { return errStopped }

// TestAProcessScopeRemovalStoppedBeforeTheSelectionLeavesNoSelectionOfWhatWent:
// `azc logout bob --scope process` (or `context remove`/`context clear
// --scope process` of the shell's selected context) killed after the
// session's profile lost bob's contexts but before the selection was
// written left the shell selecting a copy of the removed context, whose
// account is signed out: `azc token` said "not signed in" and doctor
// said nothing. The selection must go first, so that a stop in between
// leaves the contexts, not a dangling selection.
func TestAProcessScopeRemovalStoppedBeforeTheSelectionLeavesNoSelectionOfWhatWent(t *testing.T) {
	t.Parallel()
	for name, remove := range map[string]func(*azc.State) error{
		"logout": func(st *azc.State) error {
			_, err := st.RemoveAccounts(azc.ScopeProcess, []string{bob.Key()})
			return err
		},
		"remove": func(st *azc.State) error {
			_, err := st.RemoveContexts(azc.ScopeProcess, []string{"scratch"})
			return err
		},
		"clear": func(st *azc.State) error {
			_, err := st.Clear(azc.ScopeProcess)
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			mem := sessionWithContext()
			st := openState(t, stoppedSession{mem})
			if err := remove(st); !errors.Is(err, errStopped) {
				t.Fatalf("error = %v, want the stop", err)
			}
			p, _ := mem.Load()
			sel, _ := mem.Selections()
			if p.Context("scratch") == nil && sel.Current != nil && sel.Current.Context.Name == "scratch" {
				t.Errorf("the session's profile lost %q but the shell still selects it (account %s)", "scratch", sel.Current.Context.Account)
			}
		})
	}
}

// stoppedUpdate is a memSession whose profile cannot be written: a
// command killed after its write of the user's profile, before that of
// the session's.
type stoppedUpdate struct{ *memSession }

func (s stoppedUpdate) Update(func(*profile.Profile) error) (*profile.Profile, error) {
	return nil, errStopped
}

// TestARenameIntoTheUserScopeStoppedBeforeTheSessionLetGoIsFinishedByItsRetry:
// `azc context rename X Y --scope user` of a context of the session
// writes Y into the profile, then drops X from the session. Killed in
// between, it left the context in both scopes, and the same rename again
// failed: "context Y of the other scope: context name already in use".
// The retry finishes the move.
func TestARenameIntoTheUserScopeStoppedBeforeTheSessionLetGoIsFinishedByItsRetry(t *testing.T) {
	t.Parallel()
	mem := sessionWithContext()
	st := openState(t, stoppedUpdate{mem})
	if _, err := st.RenameContext(azc.ScopeUser, "scratch", "moved", false); !errors.Is(err, errStopped) {
		t.Fatalf("error = %v, want the stop", err)
	}
	st = st.WithSession(mem)
	r, err := st.RenameContext(azc.ScopeUser, "scratch", "moved", false)
	if err != nil {
		t.Fatalf("the rename again: %v", err)
	}
	if !r.Moved || r.Scope != azc.ScopeUser {
		t.Errorf("rename = %+v, want the context moved to the user scope", r)
	}
	user, err := st.Store().Load()
	if err != nil {
		t.Fatal(err)
	}
	sp, _ := mem.Load()
	sel, _ := mem.Selections()
	if user.Context("moved") == nil || sp.Context("scratch") != nil {
		t.Errorf("profile's contexts %v, session's %v: want moved in the profile alone", user.Contexts, sp.Contexts)
	}
	if sel.Current == nil || sel.Current.Context.Name != "moved" {
		t.Errorf("selection = %+v, want moved", sel.Current)
	}
}

// TestASignInStoppedBeforeTheShellSelectedItsDefaultSelectsItWhenRunAgain:
// `azc login` (or `context import` of a file with a default) in the user
// scope inside a shell writes the profile, whose default becomes the
// sign-in's, then selects that context in the shell. Killed in between,
// the same sign-in again found the default already its own, changed no
// selection, and said "current context X (user scope and this shell)"
// while the shell went on using the context it had selected.
func TestASignInStoppedBeforeTheShellSelectedItsDefaultSelectsItWhenRunAgain(t *testing.T) {
	t.Parallel()
	mem := sessionWithContext()
	st := openState(t, stoppedSession{mem})
	signIn := func(p *profile.Profile) (bool, error) {
		p.DefaultContext = "Development"
		return true, nil
	}
	if _, err := st.ChangeDefault(azc.ScopeUser, signIn); !errors.Is(err, errStopped) {
		t.Fatalf("error = %v, want the stop", err)
	}
	ch, err := st.WithSession(mem).ChangeDefault(azc.ScopeUser, signIn)
	if err != nil {
		t.Fatalf("the sign-in again: %v", err)
	}
	if sel, _ := mem.Selections(); sel.Current == nil || sel.Current.Context.Name != "Development" || ch.Selected != "Development" {
		t.Errorf("the shell selects %+v (reported %q), want Development", sel.Current, ch.Selected)
	}
}
