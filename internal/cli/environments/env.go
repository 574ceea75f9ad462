// Package environments is what `azc environment` (list, show, add, remove:
// the clouds azc knows) does once its arguments are parsed: an Options
// struct and a run function per command, and the JSON shape of an
// environment.
package environments

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/termsafe"
	"github.com/azcontext/azc/profile"
)

// Environment is the JSON shape of an environment.
type Environment struct {
	Name          string `json:"name"`
	AuthorityHost string `json:"authorityHost"`
	ARMEndpoint   string `json:"armEndpoint"`
	ARMAudience   string `json:"armAudience"`
	CAFile        string `json:"caFile,omitempty"`
	BuiltIn       bool   `json:"builtIn"`
}

func fromProfile(e profile.Environment) Environment {
	return Environment{Name: e.Name, AuthorityHost: e.AuthorityHost, ARMEndpoint: e.ARMEndpoint, ARMAudience: e.ARMAudience, CAFile: e.CAFile, BuiltIn: e.BuiltIn}
}

func table(envs []Environment) func() *cmdutil.Table {
	return func() *cmdutil.Table {
		t := &cmdutil.Table{Header: []string{"NAME", "AUTHORITY HOST", "ARM ENDPOINT", "BUILT IN"}}
		for _, e := range envs {
			t.Rows = append(t.Rows, []string{e.Name, e.AuthorityHost, e.ARMEndpoint, fmt.Sprint(e.BuiltIn)})
		}
		return t
	}
}

// ListRun lists the built-in and custom environments: `environment list`.
func ListRun(f *cmdutil.Factory, out cmdutil.Output) error {
	st, err := f.State()
	if err != nil {
		return err
	}
	p, err := st.Profile()
	if err != nil {
		return err
	}
	var envs []Environment
	for _, e := range p.AllEnvironments() {
		envs = append(envs, fromProfile(e))
	}
	return out.Print(f, envs, table(envs))
}

// ShowOptions are the inputs of `environment show`.
type ShowOptions struct {
	Name string
}

// ShowRun shows one environment: `environment show` once its arguments are
// parsed.
func ShowRun(f *cmdutil.Factory, out cmdutil.Output, opts *ShowOptions) error {
	st, err := f.State()
	if err != nil {
		return err
	}
	p, err := st.Profile()
	if err != nil {
		return err
	}
	e, err := p.FindEnvironment(opts.Name)
	if err != nil {
		return err
	}
	env := fromProfile(e)
	return out.Print(f, env, func() *cmdutil.Table {
		t := &cmdutil.Table{Rows: [][]string{
			{"Name", env.Name}, {"Authority host", env.AuthorityHost}, {"ARM endpoint", env.ARMEndpoint},
			{"ARM audience", env.ARMAudience}, {"Built in", fmt.Sprint(env.BuiltIn)},
		}}
		if env.CAFile != "" {
			t.Rows = append(t.Rows, []string{"CA file", env.CAFile})
		}
		return t
	})
}

// AddOptions are the inputs of `azc environment add`.
type AddOptions struct {
	Name          string
	AuthorityHost string
	ARMEndpoint   string
	ARMAudience   string
	CAFile        string
	Scope         string
}

// Validate checks the options and turns them into an environment: both
// URLs absolute, the authority host https, the ARM endpoint http(s), the audience defaulting to the ARM endpoint, the
// CA file made absolute, readable and holding a PEM certificate.
func (o *AddOptions) Validate() (profile.Environment, error) {
	e := profile.Environment{Name: strings.TrimSpace(o.Name), ARMAudience: o.ARMAudience}
	if err := profile.CheckEnvironmentName(e.Name); err != nil {
		return e, cmdutil.WithHint(err, cmdutil.ExitUsage, "give the environment another name")
	}
	var err error
	if e.AuthorityHost, err = checkURL("--authority-host", o.AuthorityHost, profile.CheckAuthorityHost); err != nil {
		return e, err
	}
	if e.ARMEndpoint, err = checkURL("--arm-endpoint", o.ARMEndpoint, profile.CheckEndpoint); err != nil {
		return e, err
	}
	e.DefaultAudience()
	if err := e.CheckExported(); err != nil {
		hint := "give the name and endpoints on one line each"
		if errors.Is(err, profile.ErrAzDefaults) || errors.Is(err, profile.ErrAzStripped) {
			hint = "give it another name"
		}
		return e, cmdutil.WithHint(err, cmdutil.ExitUsage, hint)
	}
	if o.CAFile != "" {
		abs, err := filepath.Abs(o.CAFile)
		if err != nil {
			return e, cmdutil.Errorf("--ca-file: %w", err)
		}
		// Read as every later read of it is (auth.Config.ReadFile): a FIFO
		// or bash's <(…) would be read once and gone.
		if fi, err := os.Stat(abs); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
			return e, cmdutil.WithHint(cmdutil.Errorf("--ca-file: %s is not a regular file", abs), cmdutil.ExitFailure, "give a regular file (or a link to one): azc reads it again whenever it signs in or gets a token")
		}
		data, err := profile.ReadRegularFile(abs)
		if err != nil {
			return e, cmdutil.Errorf("--ca-file: %w", err)
		}
		if !x509.NewCertPool().AppendCertsFromPEM(profile.CAFilePEM(data)) {
			return e, cmdutil.Errorf("--ca-file %s holds no PEM certificate", abs)
		}
		e.CAFile = abs
	}
	return e, nil
}

func checkURL(flag, v string, check func(string) (string, error)) (string, error) {
	if v == "" {
		return "", cmdutil.UsageErrorf("%s is required", flag)
	}
	v, err := check(v)
	if err != nil {
		return "", cmdutil.UsageErrorf("%s %w", flag, err)
	}
	return v, nil
}

// AddRun adds or updates a custom environment: `environment add` once its
// arguments are parsed.
func AddRun(ctx context.Context, f *cmdutil.Factory, out cmdutil.Output, opts *AddOptions) error {
	env, err := opts.Validate()
	if err != nil {
		return err
	}
	st, scope, err := cmdutil.StateAndScope(f, opts.Scope)
	if err != nil {
		return err
	}
	if scope == profile.ScopeProcess {
		// the shell sees the profile's environment of a name in place of
		// its own (docs/sessions.md): its own would never be used
		user, err := st.Store().View()
		if err != nil {
			return err
		}
		if e, err := user.Header().Environment(env.Name); err == nil && !e.BuiltIn {
			return cmdutil.WithHint(fmt.Errorf("environment %s: the user scope has an environment of that name, %s, which this shell uses in place of its own", termsafe.Escape(env.Name), termsafe.Escape(e.Name)),
				cmdutil.ExitFailure, "change the user's without --scope process, or give this shell's another name")
		}
	}
	if scope == profile.ScopeUser && st.HasSession() {
		// and the other way: the user's would take the place of this
		// shell's own, and the shell's contexts of that cloud would sign
		// in at the user's endpoints
		sp, err := cmdutil.ScopeProfile(st, profile.ScopeProcess)
		if err != nil {
			return err
		}
		if e, err := sp.Environment(env.Name); err == nil && !e.BuiltIn && !sameEndpoints(e, env) {
			return cmdutil.WithHint(fmt.Errorf("environment %s: this shell has its own environment of that name, %s, with other endpoints, which its contexts would no longer use", termsafe.Escape(env.Name), termsafe.Escape(e.Name)),
				cmdutil.ExitFailure, fmt.Sprintf("remove this shell's first (`azc environment remove %s --scope process`), or give the user's another name", termsafe.ShellWord(e.Name)))
		}
	}
	_, err = st.Update(scope, func(p *profile.Profile) error { return p.SetEnvironment(env) })
	if errors.Is(err, profile.ErrBuiltinEnvironment) {
		var names []string
		for _, b := range profile.BuiltinEnvironments() {
			names = append(names, b.Name)
		}
		return cmdutil.WithHint(err, cmdutil.ExitFailure, fmt.Sprintf("give your cloud another name: %s and %s are azc's own",
			strings.Join(names[:len(names)-1], ", "), names[len(names)-1]))
	}
	if err != nil {
		return err
	}
	return out.PrintChange(f, fromProfile(env), fmt.Sprintf("saved environment %s (%s scope)", profile.QuoteShort(env.Name), cmdutil.ScopeName(scope)))
}

// RemoveOptions are the inputs of `environment remove`.
type RemoveOptions struct {
	Name  string
	Scope string
}

// RemoveRun removes a custom environment that no context uses:
// `environment remove` once its arguments are parsed.
func RemoveRun(f *cmdutil.Factory, opts *RemoveOptions) error {
	st, scope, err := cmdutil.StateAndScope(f, opts.Scope)
	if err != nil {
		return err
	}
	if opts.Scope == "" && scope == profile.ScopeUser && st.HasSession() {
		// where it lives, as context remove: an environment of the
		// shell's session alone (add --scope process) is removed from it
		if scope, err = environmentScope(st, opts.Name); err != nil {
			return err
		}
	}
	removed := strings.TrimSpace(opts.Name) // the environment's name, as the profile spells it
	_, err = st.Update(scope, func(p *profile.Profile) error {
		if e, err := p.FindEnvironment(opts.Name); err == nil {
			removed = e.Name
		}
		return p.RemoveEnvironment(opts.Name)
	})
	switch {
	case errors.Is(err, profile.ErrBuiltinEnvironment):
		return cmdutil.WithHint(err, cmdutil.ExitFailure, "only an environment added with `azc environment add` can be removed")
	case errors.Is(err, profile.ErrEnvironmentInUse):
		return cmdutil.WithHint(err, cmdutil.ExitFailure, "sign its accounts out with `azc logout ACCOUNT`, or remove its contexts with `azc context remove NAME…`, first")
	case err != nil:
		return err
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "removed environment %s (%s scope)\n", profile.QuoteShort(removed), cmdutil.ScopeName(scope))
	return nil
}

// environmentScope is the scope whose custom environment name is: the
// user's when the profile has it, else the process scope when the
// session has it, else the user's (whose removal reports it missing).
func environmentScope(st *azc.State, name string) (profile.Scope, error) {
	user, err := st.Store().View()
	if err != nil {
		return 0, err
	}
	if e, err := user.Header().Environment(name); err == nil && !e.BuiltIn {
		return profile.ScopeUser, nil
	}
	sp, err := st.Session().Load()
	if err != nil {
		return 0, err
	}
	if e, err := sp.Environment(name); err == nil && !e.BuiltIn {
		return profile.ScopeProcess, nil
	}
	return profile.ScopeUser, nil
}

// sameEndpoints reports whether a and b send a sign-in and ARM's calls to
// the same places, trusting the same CAs.
func sameEndpoints(a, b profile.Environment) bool {
	return a.AuthorityHost == b.AuthorityHost && a.ARMEndpoint == b.ARMEndpoint &&
		a.ARMAudience == b.ARMAudience && a.CAFile == b.CAFile
}
