// Package sessions is what the commands of the process scope do once their
// arguments are parsed: `azc init` (shell integration), `azc shell`,
// `azc autosave`, `azc doctor` and the hidden `azc session start` that
// init's shell code calls, each with an Options struct and a run function.
// (`azc prompt` is contexts.PromptRun.) The shell's session (AZC_SESSION)
// is attached to the Factory's State by cmdutil.AttachSession, which both
// binaries call.
package sessions

import (
	"errors"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/session"
)

// openUserBlobs opens the user's credential store as the sign-in commands
// do.
func openUserBlobs(f *cmdutil.Factory) (*credstore.Store, error) { return cmdutil.UserBlobs(f) }

// sessionError adds the way out to the session package's errors.
func sessionError(err error) error {
	switch {
	case errors.Is(err, azc.ErrNoSession):
		return cmdutil.WithHint(err, cmdutil.ExitFailure, cmdutil.NoSessionHint)
	case errors.Is(err, session.ErrMalformed), errors.Is(err, session.ErrNotFound),
		errors.Is(err, session.ErrExpired), errors.Is(err, session.ErrWrongKey):
		return cmdutil.WithHint(err, cmdutil.ExitFailure, "start a new session with "+session.HowToStart)
	}
	return err
}
