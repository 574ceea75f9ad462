package azc_test

import (
	"errors"
	"testing"

	"github.com/azcontext/azc"
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
