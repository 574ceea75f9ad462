package azc_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/session"
)

// brokenSession fails every call, as a session whose state cannot be read.
type brokenSession struct{ err error }

func (b brokenSession) Load() (*profile.Profile, error) { return nil, b.err }

func (b brokenSession) Update(func(*profile.Profile) error) (*profile.Profile, error) {
	return nil, b.err
}

func (b brokenSession) Selections() (session.Selections, error) { return session.Selections{}, b.err }

func (b brokenSession) UpdateSelections(func(*session.Selections) error) error { return b.err }

// TestSessionErrorsSayWhatFailedInUsersWords: an error from the session
// reads "this shell's session: …", with no package name in front, and
// still matches its cause.
func TestSessionErrorsSayWhatFailedInUsersWords(t *testing.T) {
	t.Parallel()
	cause := errors.New("read the state: permission denied")
	st, err := azc.Open(azc.Options{Dir: filepath.Join(t.TempDir(), "azc"), Session: brokenSession{cause}})
	if err != nil {
		t.Fatal(err)
	}
	const want = "this shell's session: read the state: permission denied"
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"resolving the default", func() error { _, err := st.Resolve(""); return err }},
		{"listing the contexts", func() error { _, err := st.Contexts(); return err }},
		{"switching in the process scope", func() error { _, err := st.Use(azc.ScopeProcess, "Dev"); return err }},
		{"changing the user scope", func() error {
			_, err := st.Update(azc.ScopeUser, func(*profile.Profile) error { return nil })
			return err
		}},
		{"removing a context", func() error { _, err := st.RemoveContexts(0, []string{"Dev"}); return err }},
		{"reading the process scope's autosave setting", func() error { _, err := st.AutosaveSetting(azc.ScopeProcess); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if err == nil || err.Error() != want || !errors.Is(err, cause) {
				t.Errorf("error = %v, want %q wrapping the cause", err, want)
			}
		})
	}
	if _, err := st.WithSession(nil).Update(profile.Scope(9), func(*profile.Profile) error { return nil }); err == nil || err.Error() != "unknown scope 9" {
		t.Errorf("an unknown scope: error = %v, want %q", err, "unknown scope 9")
	}
}

// TestUpdateReturnsTheCallersErrorUnchanged: an error of the caller's fn
// is returned as it is in either scope, as profile.Store.Update returns
// it, not called the session's: only the session's own failures are.
func TestUpdateReturnsTheCallersErrorUnchanged(t *testing.T) {
	t.Parallel()
	sess, _, err := session.New(t.TempDir(), os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	st, err := azc.Open(azc.Options{Dir: filepath.Join(t.TempDir(), "azc"), Session: sess})
	if err != nil {
		t.Fatal(err)
	}
	mine := errors.New("the caller's own")
	for _, scope := range []profile.Scope{azc.ScopeUser, azc.ScopeProcess} {
		if _, err := st.Update(scope, func(*profile.Profile) error { return mine }); err != mine {
			t.Errorf("Update(scope %d) = %v, want the caller's error unchanged", scope, err)
		}
		if _, err := st.Change(scope, func(*profile.Profile) error { return mine }); err != mine {
			t.Errorf("Change(scope %d) = %v, want the caller's error unchanged", scope, err)
		}
	}
}
