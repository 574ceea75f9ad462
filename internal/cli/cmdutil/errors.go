package cmdutil

import (
	"errors"
	"fmt"
	"strings"
)

// Exit codes (docs/cli.md, "Exit codes and errors").
const (
	ExitOK          = 0 // success
	ExitFailure     = 1 // any failure not listed below
	ExitUsage       = 2 // bad flags or arguments, or a context name that matches several
	ExitInteraction = 3 // not signed in, or a token needs the user's interaction
	// ExitInterrupted ends a command that Ctrl-C (SIGINT) cancelled, or a
	// picker or question the user backed out of with Esc or Ctrl-C.
	ExitInterrupted = 130
)

// ExitError is an error with the exit code the process ends with and hint
// lines telling the user what to do next. It prints as
//
//	azc: error: <Err>
//	azc: hint: <Hints[0]>
//	...
type ExitError struct {
	Code  int
	Err   error
	Hints []string
}

func (e *ExitError) Error() string { return e.Err.Error() }

// SilentExit ends azc with Code and prints nothing: the command has already
// said all there is (azc exec passing on its child's exit code).
type SilentExit struct{ Code int }

func (e *SilentExit) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

func (e *ExitError) Unwrap() error { return e.Err }

// Errorf returns an ExitError with code ExitFailure.
func Errorf(format string, a ...any) *ExitError {
	return &ExitError{Code: ExitFailure, Err: fmt.Errorf(format, a...)}
}

// UsageErrorf returns an ExitError with code ExitUsage.
func UsageErrorf(format string, a ...any) *ExitError {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, a...)}
}

// WithHint returns err as an ExitError carrying the extra hint lines; a
// plain error gets code ExitFailure.
func WithHint(err error, code int, hints ...string) *ExitError {
	var ee *ExitError
	if errors.As(err, &ee) {
		return &ExitError{Code: ee.Code, Err: ee.Err, Hints: append(append([]string(nil), ee.Hints...), hints...)}
	}
	return &ExitError{Code: code, Err: err, Hints: hints}
}

// ErrNeedFull is returned by a command the azc binary runs that cannot
// finish without azc-full (`azc token` when MSAL must refresh). The
// command returns it before any side effect, and Finish then runs the same
// arguments in azc-full (Factory.ExecFull). Commands of azc-full never
// return it.
var ErrNeedFull = errors.New("this command needs azc-full")

// ErrCancelled is returned when the user backs out of a prompt or picker.
var ErrCancelled = errors.New("cancelled")

// HandedOverEnv marks the environment of a hand-over from azc to
// azc-full. An azc that finds it set and would hand over again was started
// as azc-full: it stops there instead of exec'ing itself forever.
// azc-full unsets it.
const HandedOverEnv = "AZC_HANDED_OVER"

// FrontEnv carries, on a hand-over, the path of the azc the user ran to
// azc-full, which unsets it (see AzcPath).
const FrontEnv = "AZC_FRONT"

// FrontVersionEnv carries, on a hand-over, the version of the azc the user
// ran to azc-full, which unsets it and refuses to run for another version
// (CheckFrontVersion): the two halves of one release share the profile's
// and the session's formats and the hand-over's contract.
const FrontVersionEnv = "AZC_FRONT_VERSION"

// CheckFrontVersion is azc-full's side of the hand-over: front and
// frontVersion are FrontEnv's and FrontVersionEnv's values (empty when
// azc-full was run directly); self and version are azc-full's path and
// version. It returns an *ExitError naming both and the fix when the
// versions differ.
func CheckFrontVersion(front, frontVersion, self, version string) error {
	if frontVersion == "" || frontVersion == version {
		return nil
	}
	if front == "" {
		front = "azc"
	}
	// go install takes a release's version or a pseudo-version, not a
	// build of a checkout ("dev", or a version stamped "+dirty")
	install := fmt.Sprintf("or with go install github.com/azcontext/azc/cmd/azc@%[1]s github.com/azcontext/azc/cmd/azc-full@%[1]s", frontVersion)
	if !strings.HasPrefix(frontVersion, "v") || strings.Contains(frontVersion, "+") {
		install = "or build both from one checkout: go build ./cmd/azc ./cmd/azc-full"
	}
	return &ExitError{
		Code:  ExitFailure,
		Err:   fmt.Errorf("%s is version %s but %s is version %s: azc and azc-full must come from one release", front, frontVersion, self, version),
		Hints: []string{fmt.Sprintf("install azc and azc-full from one release archive or package, %s; or set AZC_FULL to an azc-full of version %s", install, frontVersion)},
	}
}
