package cmdutil

import (
	"errors"
	"os"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/secret"
	"github.com/azcontext/azc/session"
)

// AttachSession makes f.State open the session $AZC_SESSION names along
// with the profile. A session that cannot be opened is an error for every
// command that uses the state (SessionError), never a silent fall back to
// the user scope: the shell would then run against another context than
// it selected. Both binaries call it once, before running a command
// (cli.Run for azc-full, front.Fast for azc).
func AttachSession(f *Factory) {
	open := f.State
	var (
		st     *azc.State
		err    error
		opened bool
	)
	f.State = func() (*azc.State, error) {
		if opened {
			return st, err
		}
		opened = true
		if st, err = open(); err != nil {
			return st, err
		}
		sess, serr := OpenSession(f)
		switch {
		case serr != nil:
			st = st.WithSession(brokenSession{SessionError(serr)})
		case sess != nil:
			st = st.WithSession(sess)
		}
		return st, nil
	}
}

// SessionError is the error of a command run with an $AZC_SESSION that
// cannot be opened, with the ways out. err (package session's) already
// names the variable or the session. The way out is a new session, but for
// a directory every session shares (the runtime directory) that azc
// refuses: a new session is refused there too, and the directory's own
// fix (its hint) is the way out.
func SessionError(err error) error {
	var h interface{ Hint() string }
	if !errors.Is(err, session.ErrDamaged) && errors.As(err, &h) && h.Hint() != "" {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	return &ExitError{Code: ExitFailure, Err: err, Hints: []string{newSessionHint}}
}

// NoSessionHint is the way out of a change to the process scope without
// a session, the one hint every command gives.
const NoSessionHint = "start a session with " + session.HowToStart + ", or pass --scope user"

// newSessionHint is the way out of a session azc cannot use.
const newSessionHint = "start a new session with " + session.HowToStart + ", or leave it with `unset " + session.EnvVar + "`"

// brokenSession is a session that could not be opened: every use of it
// fails with its error.
type brokenSession struct{ err error }

func (b brokenSession) Load() (*profile.Profile, error) { return nil, b.err }

func (b brokenSession) Update(func(*profile.Profile) error) (*profile.Profile, error) {
	return nil, b.err
}

func (b brokenSession) Selections() (session.Selections, error) { return session.Selections{}, b.err }

func (b brokenSession) UpdateSelections(func(*session.Selections) error) error { return b.err }

// RuntimeDir is where this user's sessions live.
func RuntimeDir(f *Factory) string {
	tmp := f.Getenv("TMPDIR")
	if tmp == "" {
		tmp = os.TempDir()
	}
	return session.RuntimeDir(f.Getenv("XDG_RUNTIME_DIR"), tmp, os.Getuid())
}

// OpenSession opens $AZC_SESSION; nil, nil when it is unset.
func OpenSession(f *Factory) (*session.Session, error) {
	v := f.Getenv(session.EnvVar)
	if v == "" {
		return nil, nil
	}
	return session.Open(RuntimeDir(f), secret.New(v))
}
