// Package childproc runs the child process of `azc exec`: it builds the
// child's environment for a context (see [Env]), starts the child with the
// caller's stdin, stdout and stderr untouched (the terminal stays the
// child's), passes INT, TERM, HUP, QUIT, USR1 and USR2 on to it, and returns its exit
// code the way a shell reports it.
//
// The package reads no environment of its own: the child's environment,
// including the PATH its command is looked up in, comes from [Spec].
package childproc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// Spec describes the child.
type Spec struct {
	// Args is the command and its arguments. Args[0] is looked up in the
	// PATH of Env unless it contains a path separator.
	Args []string
	// Env is the child's whole environment, as "NAME=value" (see [Env]).
	Env []string
	// Dir is the child's working directory; empty means the caller's.
	Dir string
	// Stdin, Stdout and Stderr are given to the child. Pass the process's
	// own *os.File values to leave the terminal untouched: files are handed
	// over as they are, with nothing copied in between. Nil means the null
	// device.
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Signals, when set, is a channel the caller registered with
	// [Notify] before it set up anything the child
	// needs, so that no such signal ends the process meanwhile (its
	// clean-up would not run). Run forwards what arrives on it, including
	// what is queued when Run starts, and leaves its registration to the
	// caller. Nil: Run registers a channel of its own while the child runs.
	Signals chan os.Signal
}

// Forwarded returns the signals Run passes on to the child (see Run):
// those of its list this process was not started ignoring.
func Forwarded() []os.Signal {
	var sigs []os.Signal
	for _, sig := range caught() {
		if !IgnoredAtStart(sig) {
			sigs = append(sigs, sig)
		}
	}
	return sigs
}

// Notify relays the [Forwarded] signals to c (signal.Notify), and none
// when there are none (signal.Notify would relay every signal).
func Notify(c chan<- os.Signal) {
	if sigs := Forwarded(); len(sigs) > 0 {
		signal.Notify(c, sigs...)
	}
}

// ignoredAtStart holds the signals of caught() this process was started
// with ignored. It is read at its first use, which comes before any
// signal.Notify for them (every one goes through this package: Notify,
// InterruptContext), since that ends their being ignored; not at
// start-up, where azc's packages do no work. (The Go runtime keeps an
// inherited SIG_IGN of HUP and INT until then; that of TERM or QUIT it
// replaces with its own handler at once, so they never show here.)
var ignoredAtStart struct {
	once sync.Once
	sigs []os.Signal
}

// IgnoredAtStart reports whether this process was started with sig
// ignored, as nohup starts a program with HUP ignored and a
// non-interactive shell a background job (cmd &) with INT. Such a signal
// must stay ignored: catching it (signal.Notify, signal.NotifyContext)
// would let it end or interrupt this process, and the child, which
// inherits the ignoring only if it is still in force when it starts,
// would lose it too. Run neither catches nor forwards it.
func IgnoredAtStart(sig os.Signal) bool {
	ignoredAtStart.once.Do(func() {
		for _, s := range caught() {
			if signal.Ignored(s) {
				ignoredAtStart.sigs = append(ignoredAtStart.sigs, s)
			}
		}
	})
	return slices.Contains(ignoredAtStart.sigs, sig)
}

// Exit codes for a child that could not be started, as shells use them.
const (
	ExitNotFound      = 127
	ExitCannotExecute = 126
)

// Run starts the child and waits for it. While it runs, INT, TERM, HUP,
// QUIT, USR1 and USR2 sent to this process are passed on to the child instead of acting
// here (INT and QUIT only when they cannot have reached the child already
// from the terminal, so a Ctrl-C arrives once, not twice); one this
// process was started ignoring stays ignored, here and in the child
// ([IgnoredAtStart]). On Linux a child that stops (SIGSTOP, SIGTSTP, SIGTTIN,
// SIGTTOU) alone, not with this process, stops this process too, so that
// the shell that started it sees its job stopped; continuing this process
// continues the child. Cancelling ctx kills the child.
//
// exitCode is the child's exit status, or 128+N when signal N ended it. A
// non-nil error means the child could not be started or waited for; then
// exitCode is ExitNotFound when the command does not exist, else
// ExitCannotExecute.
func Run(ctx context.Context, s Spec) (exitCode int, err error) {
	if len(s.Args) == 0 || s.Args[0] == "" {
		return ExitNotFound, errors.New("no command to run")
	}
	path, err := LookPath(s.Args[0], s.Env)
	if err != nil {
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
			return ExitNotFound, err
		}
		return ExitCannotExecute, err
	}
	cmd := exec.CommandContext(ctx, path, s.Args[1:]...)
	cmd.Args[0] = s.Args[0]
	cmd.Env = s.Env
	if cmd.Env == nil {
		cmd.Env = []string{}
	}
	cmd.Dir = s.Dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = s.Stdin, s.Stdout, s.Stderr

	// Catch the signals before the child exists, so none is lost between
	// its start and the forwarding loop (they queue in the channel).
	sigs := s.Signals
	if sigs == nil {
		sigs = make(chan os.Signal, 16)
		Notify(sigs)
		defer signal.Stop(sigs)
	}

	// Looked at before the child exists: a child that takes the terminal
	// for a process group of its own (an interactive shell with job
	// control) would leave this one's in the background by the time it
	// was looked at after, and a stop of the child would not be followed.
	terminal := inTerminalForeground(s)
	if err := cmd.Start(); err != nil {
		return ExitCannotExecute, fmt.Errorf("starting %s: %w", s.Args[0], err)
	}
	stopped := watchStops(cmd.Process.Pid)
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	for {
		select {
		case sig := <-sigs:
			if forward(sig, terminal) {
				// The child may have exited already; Wait reports that.
				_ = cmd.Process.Signal(sig)
			}
		case <-stopped:
			// With job control, the job stops with the child and its
			// continuing continues the child. Without it (a script, a job
			// in the background) no shell continues this process: one
			// that stopped would stay stopped when the child was continued
			// alone, and the child's end would find no one to reap it.
			if terminal {
				followStop(cmd.Process)
			}
		case err := <-waited:
			return exitStatus(cmd, err)
		}
	}
}

// exitStatus turns Wait's result into a shell-style exit code.
func exitStatus(cmd *exec.Cmd, waitErr error) (int, error) {
	if cmd.ProcessState == nil {
		return ExitCannotExecute, fmt.Errorf("waiting for the program: %w", waitErr)
	}
	code := ExitCode(cmd.ProcessState)
	var exitErr *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &exitErr) {
		// The child ran and ended, but copying its I/O failed.
		return code, fmt.Errorf("copying the program's input or output: %w", waitErr)
	}
	return code, nil
}

// ExitCode is the exit code of an ended process the way a shell reports
// it: its exit status, or 128+N when signal N ended it.
func ExitCode(ps *os.ProcessState) int {
	if code, ok := signalExit(ps); ok {
		return code
	}
	return ps.ExitCode()
}

// LookPath finds file like a shell would with the PATH of env, the
// child's environment, not this process's. Relative PATH entries (".",
// "") are skipped, as os/exec refuses them too. Its error names file and
// says why in words: it is exec.ErrNotFound for a file no directory of
// PATH holds, else an fs.ErrNotExist or fs.ErrPermission.
func LookPath(file string, env []string) (string, error) {
	if strings.ContainsRune(file, '/') || strings.ContainsRune(file, filepath.Separator) {
		p, err := exec.LookPath(file)
		if err != nil {
			return "", lookError(file, err)
		}
		return p, nil
	}
	var firstErr error
	for _, dir := range filepath.SplitList(Getenv(env, "PATH")) {
		if !filepath.IsAbs(dir) {
			continue
		}
		p, err := exec.LookPath(filepath.Join(dir, file))
		if err == nil {
			return p, nil
		}
		if firstErr == nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, exec.ErrNotFound) {
			firstErr = err
		}
	}
	if firstErr != nil {
		return "", lookError(file, firstErr)
	}
	return "", notInPATHError(file)
}

// notInPATHError is LookPath's error for a command no directory of PATH
// holds: it is exec.ErrNotFound, whose own words ("executable file not
// found in $PATH") would say the same again.
type notInPATHError string

func (e notInPATHError) Error() string {
	return fmt.Sprintf("%q not found in the program's PATH", string(e))
}
func (e notInPATHError) Is(target error) bool { return target == exec.ErrNotFound }

// lookError says why file cannot be run, without os/exec's "exec:" prefix
// (which a user of `azc exec` would read as azc's) or the failed system
// call and path ("stat ./x: "): the reason alone, which is still an
// fs.ErrNotExist or fs.ErrPermission.
func lookError(file string, err error) error {
	var ee *exec.Error
	if errors.As(err, &ee) {
		err = ee.Err
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("%q cannot be run: %w", file, err)
}

// InterruptContext is signal.NotifyContext(parent, os.Interrupt), the
// context of an azc command that Ctrl-C ends, for a process that was not
// started with INT ignored; for one that was (a shell's background job,
// which a Ctrl-C at the terminal must not end), INT stays ignored and the
// context is parent's alone, so that a child azc exec runs inherits the
// ignoring ([IgnoredAtStart]).
func InterruptContext(parent context.Context) (context.Context, context.CancelFunc) {
	if IgnoredAtStart(os.Interrupt) {
		return context.WithCancel(parent)
	}
	return signal.NotifyContext(parent, os.Interrupt)
}
