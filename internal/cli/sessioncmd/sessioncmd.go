// Package sessioncmd holds the commands of the process scope: `azc init`
// (shell integration), `azc shell`, `azc prompt`, `azc autosave`,
// `azc doctor` and the hidden `azc session start` that init's shell code
// calls. Register also attaches the shell's session (AZC_SESSION) to the
// Factory's State, which is how every command sees the process scope.
package sessioncmd

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/secret"
	"github.com/azcontext/azc/session"
)

// Register adds the session commands to root and makes f.State attach the
// session named by $AZC_SESSION. A session that cannot be opened (ended,
// expired, malformed) is reported once on stderr and the command runs
// without a process scope.
func Register(root *cobra.Command, f *cmdutil.Factory) {
	AttachSession(f)
	root.AddCommand(
		newCmdInit(f),
		newCmdSession(f),
		newCmdPrompt(f),
		newCmdShell(f),
		newCmdAutosave(f),
		newCmdDoctor(f),
	)
}

// AttachSession makes f.State open the session $AZC_SESSION names along
// with the profile (warning, not failing, when it cannot). Register calls
// it; so must any path that runs commands without Register.
func AttachSession(f *cmdutil.Factory) {
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
		sess, serr := openSession(f)
		switch {
		case serr != nil:
			fmt.Fprintf(f.IOStreams.ErrOut, "azc: warning: ignoring %s: %v\n", session.EnvVar, serr)
			fmt.Fprintf(f.IOStreams.ErrOut, "azc: hint: start a new session with `eval \"$(azc init bash)\"` (or zsh, fish, pwsh) or `azc shell`\n")
		case sess != nil:
			st = st.WithSession(sess)
		}
		return st, nil
	}
}

// runtimeDir is where this user's sessions live.
func runtimeDir(f *cmdutil.Factory) string {
	tmp := f.Getenv("TMPDIR")
	if tmp == "" {
		tmp = os.TempDir()
	}
	return session.RuntimeDir(f.Getenv("XDG_RUNTIME_DIR"), tmp, os.Getuid())
}

// openSession opens $AZC_SESSION; nil, nil when it is unset.
func openSession(f *cmdutil.Factory) (*session.Session, error) {
	v := f.Getenv(session.EnvVar)
	if v == "" {
		return nil, nil
	}
	return session.Open(runtimeDir(f), secret.New(v))
}

// openUserBlobs opens the user's credential store as the sign-in commands
// do.
func openUserBlobs(f *cmdutil.Factory) (*credstore.Store, error) { return cmdutil.UserBlobs(f) }

var noSessionHint = "start a session with `eval \"$(azc init bash)\"` (or zsh, fish, pwsh) or `azc shell`, or pass --scope user"

// sessionError adds the way out to the session package's errors.
func sessionError(err error) error {
	switch {
	case errors.Is(err, azc.ErrNoSession):
		return cmdutil.WithHint(err, cmdutil.ExitFailure, noSessionHint)
	case errors.Is(err, session.ErrMalformed), errors.Is(err, session.ErrNotFound),
		errors.Is(err, session.ErrExpired), errors.Is(err, session.ErrWrongKey):
		return cmdutil.WithHint(err, cmdutil.ExitFailure, "start a new session with `eval \"$(azc init bash)\"` or `azc shell`")
	}
	return err
}

func scopeName(s profile.Scope) string {
	if s == profile.ScopeProcess {
		return "process"
	}
	return "user"
}
