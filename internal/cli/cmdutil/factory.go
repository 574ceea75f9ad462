// Package cmdutil is what every azc command shares: the Factory that
// carries the process's dependencies, terminal streams, output formatting
// (-o, --query), the error type that carries exit codes and hints, and the
// scope choice. It links no cobra (package cli has all the cobra wiring),
// so that the azc binary's fast path can do without it. It never
// reads the process environment itself: cli.Main reads it once and hands it
// down through Factory.Getenv.
package cmdutil

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/profile"
)

// Factory carries the dependencies of one azc invocation. Commands copy
// what they need into their Options struct when they run, never at
// construction, so that flags parsed by the root (--debug) are in effect.
// A Factory holds no package-level state: tests build their own.
type Factory struct {
	// IOStreams is the terminal.
	IOStreams *IOStreams
	// Getenv reads the environment azc was started with.
	Getenv func(string) string
	// StateDir is the state directory ($AZC_CONFIG_DIR or ~/.config/azc).
	StateDir string
	// Logger receives diagnostics; it discards them unless --debug is given,
	// and then writes redacted records to stderr.
	Logger *slog.Logger
	// Now is the clock.
	Now func() time.Time
	// Version returns azc's version string. Of a build without one set
	// at link time it reads the module's build information, on first use
	// only: `context show` and `list` never ask.
	Version func() string
	// State opens the state directory on first call and returns the same
	// *azc.State afterwards. Commands that do not touch state never call it.
	State func() (*azc.State, error)
	// ExecFull runs args in azc-full and returns its exit code (on Unix it
	// replaces the process and returns only on failure). The azc binary
	// (package front), which links neither cobra nor MSAL nor the ARM
	// client so that it starts fast, calls it for every invocation it does
	// not run itself, and Finish when a command returns ErrNeedFull where
	// it would need them. Nil in azc-full.
	ExecFull func(args []string) int
	// FullCommand is an unstarted azc-full, found and marked as ExecFull's
	// is, for a process that works beside azc: the credential server of an
	// exec the azc binary runs. Nil in azc-full.
	FullCommand func() (*exec.Cmd, error)
	// Front is the path of the azc that handed this invocation to
	// azc-full ($AZC_FRONT, read by cli.Main); "" otherwise.
	Front string
	// Desktop is the client of the desktop's key store (the Secret Service,
	// the macOS Keychain) that the user's credential store opens with
	// (credstore.Options.Desktop): desktopkey.Backend() in azc-full. Nil in
	// azc, which links no D-Bus client: a command that needs that key
	// store goes to azc-full (UserBlobs).
	Desktop credstore.KeyBackend
	// Interrupt, once closed (Ctrl-C), ends a change's wait for the
	// profile's lock (azc.Options.Interrupt); nil in azc, which Ctrl-C
	// ends as it waits.
	Interrupt <-chan struct{}
	// storeWarnings are the credential store's warnings said so far
	// (UserBlobs), each said once; nil (a Factory not of NewFactory):
	// each said whenever the store gives it.
	storeWarnings *warnings
}

// WithStderr is f with its standard error going to w: a command that
// holds back or drops what a step says there.
func WithStderr(f *Factory, w io.Writer) *Factory {
	ios := *f.IOStreams
	ios.ErrOut = w
	wf := *f
	wf.IOStreams = &ios
	return &wf
}

// CABundleDir is where `azc exec` keeps the CA bundles it gives children
// of a custom environment: ca-bundles in the state directory.
func CABundleDir(f *Factory) string { return filepath.Join(f.StateDir, "ca-bundles") }

// CheckCABundleDir refuses a CA bundle directory dir that is not a
// directory of the user's that only the user can write to
// (profile.CheckOwnedDir): a bundle in it is what a child trusts. A
// missing one is fine: exec creates it. azc exec and azc doctor check it.
func CheckCABundleDir(dir string) error {
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return profile.CheckOwnedDir(dir)
}

// CABundleDirsInTheWay lists, as *profile.UnsafePathError, each directory
// in the CA bundle directory dir: exec replaces a bundle by a rename,
// which no directory gives way to, so one at a bundle's name fails every
// exec of the cloud whose bundle it is. Files of any other kind there are
// replaced. azc doctor reports each.
func CABundleDirsInTheWay(dir string) []error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var errs []error
	for _, e := range entries {
		if e.IsDir() {
			p := filepath.Join(dir, e.Name())
			errs = append(errs, &profile.UnsafePathError{Path: p, Problem: "is not a regular file", Fix: fmt.Sprintf("move %s away", p)})
		}
	}
	return errs
}

// ContextRef returns the context a command uses when it is not given one
// as an argument: flag (the -c/--context flag's value), else $AZC_CONTEXT,
// else "" (which azc.State.Resolve takes as "the default";
// docs/sessions.md).
func ContextRef(f *Factory, flag string) string {
	if flag != "" {
		return flag
	}
	return f.Getenv("AZC_CONTEXT")
}

// StateAndScope opens the state and decides, by ChangeScope, the scope a
// state-changing command with the given --scope flag writes to.
func StateAndScope(f *Factory, flag string) (*azc.State, profile.Scope, error) {
	st, err := f.State()
	if err != nil {
		return nil, 0, err
	}
	scope, err := ChangeScope(f, st, flag)
	if err != nil {
		return nil, 0, err
	}
	return st, scope, nil
}

// ChangeScope decides which scope a state-changing command writes to: the
// --scope flag, else the library's rule (azc.State.ChangeScope) over the
// autosave variables of the environment, which f.State read.
func ChangeScope(f *Factory, st *azc.State, flag string) (profile.Scope, error) {
	d, err := ScopeDecision(f, st, flag)
	return d.Scope, err
}

// ScopeDecision is ChangeScope that also says which rule chose the scope.
func ScopeDecision(f *Factory, st *azc.State, flag string) (azc.ScopeDecision, error) {
	s, err := ParseScope(flag)
	if err != nil {
		return azc.ScopeDecision{}, err
	}
	d, err := st.ChangeScope(s)
	if errors.Is(err, azc.ErrNoSession) {
		return azc.ScopeDecision{}, WithHint(err, ExitUsage, NoSessionHint)
	}
	return d, err
}

// EnvAutosave is azc.AutosaveEnv over the command's environment, whose
// error is a usage error (exit 2) with the way out.
func EnvAutosave(f *Factory) (on *bool, name string, err error) {
	on, name, err = azc.AutosaveEnv(f.Getenv)
	if err != nil {
		return nil, name, WithHint(err, ExitUsage, fmt.Sprintf("set %s to true or false, or unset it", name))
	}
	return on, name, nil
}

// AutosaveEnvError is an autosave variable whose value is not a boolean.
type AutosaveEnvError = azc.AutosaveEnvError

// CheckTenantFlag refuses, exit 2, a --tenant value that no tenant id or
// domain can be (profile.ValidTenant); empty is no flag.
func CheckTenantFlag(v string) error {
	if v != "" && !profile.ValidTenant(v) {
		return UsageErrorf("invalid --tenant %s: want a tenant id (a GUID) or a domain such as contoso.onmicrosoft.com", profile.QuoteShort(v))
	}
	return nil
}
