package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/fatih/color"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/internal/termsafe"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/session"
)

// NewFactory builds the Factory of one invocation over ios and getenv.
func NewFactory(ios *IOStreams, getenv func(string) string, version string) *Factory {
	v := func() string { return version }
	if version == "" {
		v = sync.OnceValue(buildVersion)
	}
	f := &Factory{
		IOStreams: ios,
		Getenv:    getenv,
		Logger:    DiscardLogger(),
		Now:       time.Now,
		Version:   v,

		storeWarnings: &warnings{},
	}
	dir, dirErr := azc.DefaultDir(getenv)
	f.StateDir = dir
	var (
		st     *azc.State
		stErr  error
		opened bool
	)
	f.State = func() (*azc.State, error) {
		if opened {
			return st, stErr
		}
		opened = true
		if dirErr != nil {
			stErr = dirErr
			return nil, stErr
		}
		f.Logger.Debug("opening state directory", "dir", dir)
		// An invalid variable fails every command that uses the state, as
		// it fails the changes (ChangeScope): what the shell sees depends
		// on it, so going on by the other rules would show and serve the
		// profile's contexts to a shell whose variable meant to hide them.
		env, _, envErr := EnvAutosave(f)
		if envErr != nil {
			stErr = envErr
			return nil, stErr
		}
		st, stErr = azc.Open(azc.Options{Dir: dir, Logger: f.Logger, AutosaveEnv: env, Interrupt: f.Interrupt, Getenv: f.Getenv,
			UserBlobs: func() (credstore.Blobs, error) { return UserBlobs(f) }})
		return st, stErr
	}
	return f
}

func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// Interrupted reports whether err is the failure of a command whose
// context ctx ended (Ctrl-C): azc then exits ExitInterrupted and prints
// nothing more. A SilentExit is the command's own exit.
func Interrupted(ctx context.Context, err error) bool {
	var silent *SilentExit
	return err != nil && ctx.Err() != nil && !errors.As(err, &silent)
}

// Finish turns the error of the command at path, run with args, into the
// exit code, printing it with its hints. started tells whether the command
// ran: an error before it did is a usage error.
func Finish(f *Factory, args []string, err error, started bool, path string) int {
	if errors.Is(err, ErrNeedFull) && f.ExecFull != nil {
		return f.ExecFull(args)
	}
	if err == nil {
		return ExitOK
	}
	if se := (*SilentExit)(nil); errors.As(err, &se) {
		return se.Code
	}
	code, hints := Classify(err)
	if !started && code == ExitFailure {
		// cobra failed before the command ran: an unknown command, a bad
		// flag or argument count.
		code = ExitUsage
	}
	var nf *profile.NotFoundError
	if errors.As(err, &nf) && nf.Kind == "context" {
		names, _ := contextNames(f)
		why := MissingContextsHint(f)
		switch h := DidYouMean(Suggest(nf.Ref, names), func(s string) string { return fmt.Sprintf("%q", s) }); {
		case fromEnv(f, nf.Ref) && !onCommandLine(args, nf.Ref):
			// The user may not know the variable is set: the name came
			// from the environment, not from the command line.
			if why != "" {
				hints = []string{"AZC_CONTEXT names it: unset AZC_CONTEXT; " + why}
			} else {
				hints = []string{"AZC_CONTEXT names it: unset AZC_CONTEXT, or set it to a context `azc context list` shows"}
			}
		case why != "" && inProfile(f, nf.Ref):
			// one of the profile's contexts that autosave off hides
			hints = []string{why}
		case h != "":
			hints = []string{h}
		case why != "":
			hints = []string{why}
		}
	}
	if errors.Is(err, azc.ErrNoContext) {
		if names, ok := contextNames(f); ok && len(names) == 0 {
			// nothing to select either
			if why := MissingContextsHint(f); why != "" {
				hints = []string{why}
			}
		}
	}
	if code == ExitUsage && len(hints) == 0 && path != "" {
		hints = append(hints, fmt.Sprintf("run `%s --help` for usage", path))
	}
	PrintError(f.IOStreams, err, hints)
	return code
}

// example is the first of names short enough to give as an example to
// paste, as a shell word (termsafe.ShellWord) of at most maxExample bytes:
// cut short, it would be no example; false when there is none.
func example(names []string) (string, bool) {
	const maxExample = 80
	for _, n := range names {
		if w := termsafe.ShellWord(n); len(w) <= maxExample {
			return w, true
		}
	}
	return "", false
}

// onCommandLine reports whether ref is on the command line args, before a
// "--" (what follows is exec's command): an argument of its own, or a
// flag's value after '=' (see sameRef).
func onCommandLine(args []string, ref string) bool {
	for _, a := range args {
		if a == "--" {
			break
		}
		if sameRef(a, ref) {
			return true
		}
		if _, v, ok := strings.Cut(a, "="); ok && strings.HasPrefix(a, "-") && sameRef(v, ref) {
			return true
		}
	}
	return false
}

// fromEnv reports whether ref is what AZC_CONTEXT holds (see sameRef),
// white space alone included: the variable is set.
func fromEnv(f *Factory, ref string) bool {
	v := f.Getenv("AZC_CONTEXT")
	return v != "" && sameRef(v, ref)
}

// sameRef reports whether s, typed or in AZC_CONTEXT, is the reference
// ref: the same text without the white space around it, which names no
// context (profile.Find takes it off).
func sameRef(s, ref string) bool { return profile.TrimRef(s) == profile.TrimRef(ref) }

// contextNames are the names of the contexts in view, for suggestions;
// ok is false when the state cannot be read.
func contextNames(f *Factory) (names []string, ok bool) {
	if f.State == nil {
		return nil, false
	}
	st, err := f.State()
	if err != nil {
		return nil, false
	}
	entries, err := st.Contexts()
	if err != nil {
		return nil, false
	}
	names = make([]string, len(entries))
	for i := range entries {
		names[i] = entries[i].Name
	}
	return names, true
}

// inProfile reports whether ref names one of the profile's contexts,
// seen or not.
func inProfile(f *Factory, ref string) bool {
	st, err := f.State()
	if err != nil {
		return false
	}
	v, err := st.Store().View()
	if err != nil {
		return false
	}
	_, err = v.Index(ref)
	return err == nil
}

// PrintError writes err and hints to ios's stderr the way azc shows every
// failure: "azc: error: …" on one line, then "azc: hint: …" lines, every
// control character escaped, "error" in red on a terminal.
func PrintError(ios *IOStreams, err error, hints []string) {
	msg := strings.TrimSpace(err.Error())
	msg = strings.ReplaceAll(msg, "\n", " ")
	w := ios.ErrOut
	fmt.Fprintf(w, "azc: %s %s\n", ios.errLabel("error:", color.FgRed), termsafe.Escape(msg))
	for _, h := range hints {
		PrintHint(ios, h)
	}
}

// noContextsHint is the way to a first context, for a command that found
// none at all (a new install).
const noContextsHint = "there are no contexts yet: sign in with `azc login`, or import some with `azc context import FILE`"

// HintMissingContexts prints MissingContextsHint, when there is one, for
// a command that shows or exports no context; it reports whether it did.
func HintMissingContexts(f *Factory) bool {
	h := MissingContextsHint(f)
	if h != "" {
		PrintHint(f.IOStreams, h)
	}
	return h != ""
}

// MissingContextsHint says why `azc context list` shows no context that
// a command looked for: on a new install, how to get a first one
// (noContextsHint); when autosave off hides the profile's contexts
// (docs/sessions.md), that, and how to see them again; else "".
func MissingContextsHint(f *Factory) string {
	names, ok := contextNames(f)
	if !ok {
		return ""
	}
	st, err := f.State()
	if err != nil {
		return ""
	}
	v, err := st.Store().View()
	if err != nil {
		return ""
	}
	if v.Len() == 0 {
		// nothing hidden; with nothing in view either, a new install, or
		// a profile.json removed whose backup holds the contexts
		if len(names) > 0 {
			return ""
		}
		if lost := st.Store().Lost(); lost != nil {
			return lost.Hint()
		}
		return noContextsHint
	}
	src, err := st.ProfileHiddenBy()
	if err != nil || src == "" {
		return ""
	}
	if src == azc.SourceEnvironment {
		_, name, err := EnvAutosave(f)
		if err != nil || name == "" {
			return ""
		}
		return fmt.Sprintf("the profile's contexts are hidden here: %s turns autosave off; unset %s to see them", name, name)
	}
	return "the profile's contexts are hidden here: autosave is off; `azc autosave enable` turns it on and shows them"
}

// PrintHint writes "azc: hint: hint" to ios's stderr, as PrintError
// writes the hints of a failure, for a command that succeeded.
func PrintHint(ios *IOStreams, hint string) {
	fmt.Fprintf(ios.ErrOut, "azc: %s %s\n", ios.errLabel("hint:", color.FgCyan), termsafe.Escape(hint))
}

// Warn writes "azc: warning: msg" to ios's stderr, "warning" in yellow on
// a terminal, control characters escaped.
func Warn(ios *IOStreams, msg string) {
	fmt.Fprintf(ios.ErrOut, "azc: %s %s\n", ios.errLabel("warning:", color.FgYellow), termsafe.Escape(msg))
}

// errLabel is label in colour c when stderr may be coloured.
func (s *IOStreams) errLabel(label string, c color.Attribute) string {
	if !s.ErrColorEnabled() {
		return label
	}
	col := color.New(c, color.Bold)
	col.EnableColor()
	return col.Sprint(label)
}

// Classify maps an error to its exit code and the hint that tells the user
// what to do next (at most one: a command's own hint, else the error's,
// else the one for its kind). It is the only place library errors meet
// exit codes.
func Classify(err error) (int, []string) {
	code, hints := classify(err)
	if lost := (*credstore.KeyLostError)(nil); errors.As(err, &lost) && lost.Unreachable != "" {
		// The commands' "sign in again" would store the account's
		// credentials unencrypted here, where its key store is out of
		// reach: the key store's own way out comes first.
		hints = append([]string{lost.Hint()}, hints...)
	}
	if uw := (*profile.UnwritableError)(nil); errors.As(err, &uw) {
		// A command's own way out ("sign in again") fails the same way
		// while the directory cannot be written: the directory's comes
		// first.
		hints = append([]string{uw.Hint()}, hints...)
	}
	if len(hints) > 1 {
		hints = hints[:1]
	}
	return code, hints
}

func classify(err error) (int, []string) {
	var (
		ee      *ExitError
		amb     *profile.AmbiguousError
		nf      *profile.NotFoundError
		corrupt *credstore.CorruptError
		// unusable is a profile that cannot be used: a failure whatever
		// made it so (an invalid name in the file is no usage error).
		unusable *profile.CorruptError
		hint     interface{ Hint() string }
		started  *azc.StartedRemovedError
	)
	var hints []string
	code := ExitFailure
	if errors.As(err, &ee) {
		code = ee.Code
		hints = append(hints, ee.Hints...)
	}
	if errors.As(err, &hint) {
		if h := hint.Hint(); h != "" {
			hints = append(hints, h)
		}
	}
	switch {
	case errors.As(err, &unusable):
	case errors.As(err, &amb):
		code = ExitUsage
		eg, ok := example(amb.Candidates)
		switch {
		case len(amb.Candidates) == 0:
		case amb.Kind != "" && amb.Kind != "context" && ok:
			hints = append(hints, fmt.Sprintf("give the %s's id, or name its context, e.g. %s", amb.Kind, eg))
		case amb.Kind != "" && amb.Kind != "context":
			hints = append(hints, fmt.Sprintf("give the %s's id, or name its context: `azc context list` shows them", amb.Kind))
		case ok:
			// any command that takes a context gets it: use, exec -c, token -c
			hints = append(hints, "name one exactly, e.g. "+eg)
		default:
			hints = append(hints, "name one exactly: `azc context list` shows them")
		}
	case errors.As(err, &nf):
		switch nf.Kind {
		case "context":
			hints = append(hints, "run `azc context list` to see the contexts")
		case "environment":
			hints = append(hints, "run `azc environment list` to see the environments")
		}
	case errors.Is(err, azc.ErrNoContext):
		code = ExitInteraction
		hints = append(hints, "select one with `azc use NAME`, or sign in with `azc login`")
	case errors.Is(err, azc.ErrNoSession):
		code = ExitUsage
		if len(hints) == 0 {
			hints = append(hints, NoSessionHint)
		}
	case errors.Is(err, profile.ErrNameTaken):
		hints = append(hints, "pass --force to give the name to this one, or choose another name")
	case errors.Is(err, profile.ErrInvalidName):
		code = ExitUsage
	case errors.Is(err, profile.ErrNoPrevious):
		hints = append(hints, "`azc use -` returns to the context that was the default before the last switch")
	case errors.Is(err, session.ErrDamaged):
		hints = append(hints, newSessionHint)
	case errors.As(err, &corrupt):
		hints = append(hints, "sign the account out with `azc logout "+termsafe.ShellWord(corrupt.Key)+"`, which removes its damaged credentials, then sign in again with `azc login`")
	case errors.Is(err, ErrCancelled):
	case errors.As(err, &started):
		hints = append(hints, "leave this program and start it again with `azc exec`; or, in it, give --context another context's name (`azc context list` shows them), or unset AZC_CONTEXT to use the shell's context")
	}
	return code, hints
}
