package cmdutil

import (
	"fmt"
	"os"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/secret"
	"github.com/azcontext/azc/session"
)

// AttachSession makes f.State open the session $AZC_SESSION names along
// with the profile (warning, not failing, when it cannot). sessioncmd.Register
// calls it; so must any path that runs commands without Register (the
// azc binary's fast path).
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
			Warn(f.IOStreams, fmt.Sprintf("ignoring %s: %v", session.EnvVar, serr))
			fmt.Fprintf(f.IOStreams.ErrOut, "azc: hint: start a new session with `eval \"$(azc init bash)\"` (or zsh, fish, pwsh) or `azc shell`\n")
		case sess != nil:
			st = st.WithSession(sess)
		}
		return st, nil
	}
}

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
