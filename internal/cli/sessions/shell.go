package sessions

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strings"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/childproc"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/session"
)

// depthEnv marks a shell started by `azc shell`; nesting is refused.
const depthEnv = "AZC_SHELL_DEPTH"

// ShellOptions are the inputs of `azc shell`.
type ShellOptions struct {
	// Name is the context the subshell's session selects; empty: the
	// user default.
	Name string
}

// ShellRun starts $SHELL with a fresh session and returns when it exits,
// with its exit code: `azc shell` once its arguments are parsed.
func ShellRun(ctx context.Context, f *cmdutil.Factory, opts *ShellOptions) error {
	if d := f.Getenv(depthEnv); d != "" && d != "0" {
		return cmdutil.WithHint(errors.New("already in an azc shell: nested azc shells are refused"), cmdutil.ExitFailure,
			"`exit` to leave it first, or switch this shell's context with `azc use --scope process NAME`")
	}
	sh := userShell(f)
	if _, err := childproc.LookPath(sh, os.Environ()); err != nil {
		// before a session exists, as exec's command is looked up
		return &cmdutil.ExitError{Code: childproc.ExitNotFound, Err: fmt.Errorf("the shell ($SHELL): %w", err),
			Hints: []string{"set SHELL to your shell's path, e.g. `SHELL=/bin/bash azc shell`"}}
	}
	st, err := f.State()
	if err != nil {
		return err
	}
	rt := cmdutil.RuntimeDir(f)
	if _, err := session.GC(rt, nil); err != nil {
		f.Logger.Debug("session gc", "err", err)
	}
	// The session belongs to this azc process, which waits for the
	// subshell and ends the session after it.
	sess, env, err := session.New(rt, os.Getpid())
	if err != nil {
		return err
	}
	defer func() {
		// the session's hold goes with it, and the tokens only it held
		for _, err := range []error{sess.Release(f.StateDir), sess.End()} {
			if err != nil {
				cmdutil.Warn(f.IOStreams, err.Error())
			}
		}
		dropReleased(ctx, f)
	}()
	st = st.WithSession(sess)
	what := ""
	if opts.Name != "" {
		c, err := st.Use(profile.ScopeProcess, opts.Name)
		if err != nil {
			return err
		}
		what = fmt.Sprintf(" with context %s", profile.QuoteShort(c.Name))
	} else if err := st.AdoptDefault(); err != nil {
		return err
	}
	child := exec.Command(sh)
	child.Env = childEnv(os.Environ(), map[string]string{
		session.EnvVar: env.Reveal(),
		depthEnv:       "1",
	}, "AZC_CONTEXT", azc.ContextKeyVar)
	child.Stdin, child.Stdout, child.Stderr = f.IOStreams.In, f.IOStreams.Out, f.IOStreams.ErrOut
	fmt.Fprintf(f.IOStreams.ErrOut, "azc: starting %s in a new session%s; `exit` to end it\n", sh, what)
	if f.Getenv("AZC_CONTEXT") != "" {
		fmt.Fprintf(f.IOStreams.ErrOut, "azc: note: AZC_CONTEXT is not passed to the subshell, so the session's context applies\n")
	}
	// Ctrl-C belongs to the subshell: azc waits through it. (Notify,
	// not Ignore: an ignored signal would stay ignored in the child; but
	// one azc was started ignoring, as a background job is, stays so in
	// both: childproc.IgnoredAtStart.)
	intr := make(chan os.Signal, 1)
	if !childproc.IgnoredAtStart(os.Interrupt) {
		signal.Notify(intr, os.Interrupt)
	}
	err = child.Run()
	signal.Stop(intr)
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		// The subshell's exit code is its last command's, or 128+N when
		// signal N ended it: azc passes it on, as exec does its child's,
		// and has nothing to report.
		return &cmdutil.SilentExit{Code: childproc.ExitCode(ee.ProcessState)}
	}
	if err != nil {
		return fmt.Errorf("starting %s: %w", sh, err)
	}
	return nil
}

// userShell is $SHELL, else the platform's shell.
func userShell(f *cmdutil.Factory) string {
	if sh := f.Getenv("SHELL"); sh != "" {
		return sh
	}
	if runtime.GOOS == "windows" {
		if sh := f.Getenv("COMSPEC"); sh != "" {
			return sh
		}
		return "cmd.exe"
	}
	return "/bin/sh"
}

// childEnv is environ with set applied and drop removed.
func childEnv(environ []string, set map[string]string, drop ...string) []string {
	out := make([]string, 0, len(environ)+len(set))
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		if _, ok := set[k]; ok {
			continue
		}
		dropped := false
		for _, d := range drop {
			dropped = dropped || k == d
		}
		if !dropped {
			out = append(out, kv)
		}
	}
	for k, v := range set {
		out = append(out, k+"="+v)
	}
	return out
}
