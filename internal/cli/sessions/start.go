package sessions

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/azcontext/azc/internal/cli/accounts"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/secret"
	"github.com/azcontext/azc/session"
)

// StartOptions are the inputs of the hidden `azc session start`.
type StartOptions struct {
	// PID is the shell's process id: the session ends when it exits.
	PID int
}

// StartRun prints the AZC_SESSION value for the shell opts.PID: the
// inherited session when it is valid and its owner is the shell or one of
// the shell's ancestors, else a new one (`azc session
// start`, which `azc init`'s code runs).
func StartRun(ctx context.Context, f *cmdutil.Factory, opts *StartOptions) error {
	if _, err := session.OwnerOf(opts.PID); errors.Is(err, session.ErrNoProcess) {
		// refused before an inherited session is kept for it, where the
		// system does not tell a process's parents
		return cmdutil.WithHint(cmdutil.UsageErrorf("--pid %d: %w", opts.PID, err), cmdutil.ExitUsage, pidHint)
	}
	rt := cmdutil.RuntimeDir(f)
	if v := f.Getenv(session.EnvVar); v != "" {
		// Kept only by a shell that runs in the session's own: a pane of
		// a tmux server started from another shell gets one of its own.
		if s, err := session.Open(rt, secret.New(v)); err == nil && s.Owner().Encloses(opts.PID) {
			fmt.Fprintln(f.IOStreams.Out, v)
			return nil
		}
	}
	if n, err := session.GC(rt, nil); err != nil {
		f.Logger.Debug("session gc", "err", err)
	} else if n > 0 {
		f.Logger.Debug("session gc", "removed", strconv.Itoa(n))
	}
	dropReleased(ctx, f)
	sess, env, err := session.New(rt, opts.PID)
	if err != nil {
		return err
	}
	adoptDefault(f, sess)
	fmt.Fprintln(f.IOStreams.Out, env.Reveal())
	return nil
}

// pidHint is the way out of a --pid no running process has.
const pidHint = "give the process id of a running shell, as `azc init`'s code does: $$ in bash and zsh, $fish_pid in fish, $PID in PowerShell"

// adoptDefault gives the new session the user default as its own
// selection (azc.State.AdoptDefault). A profile that cannot be read does
// not stop the shell from getting its session: the commands that need the
// profile report it.
func adoptDefault(f *cmdutil.Factory, sess *session.Session) {
	st, err := f.State()
	if err == nil {
		err = st.WithSession(sess).AdoptDefault()
	}
	if err != nil {
		cmdutil.Warn(f.IOStreams, fmt.Sprintf("this shell starts with no context: %v", err))
	}
}

// dropReleased drops the tokens that only ended shells held
// (accounts.DropReleased). A failure stops no shell from getting its
// session: the tokens then wait for the next sweep.
func dropReleased(ctx context.Context, f *cmdutil.Factory) {
	st, err := f.State()
	if err == nil {
		err = accounts.DropReleased(ctx, f, st)
	}
	if err != nil {
		f.Logger.Debug("release holds", "err", err)
	}
}
