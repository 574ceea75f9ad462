// Package environments is `azc environment`: the clouds azc knows.
package environments

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/cobrautil"
	"github.com/azcontext/azc/internal/cli/contexts"
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

// New returns the environment command group.
func New(f *cmdutil.Factory) []*cobra.Command {
	cmd := cobrautil.GroupCommand(&cobra.Command{
		Use:     "environment",
		Aliases: []string{"env"},
		Short:   "List and manage clouds (environments)",
	})
	cmd.AddCommand(newCmdList(f), newCmdShow(f), NewCmdAdd(f, nil), newCmdRemove(f))
	return []*cobra.Command{cmd}
}

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the built-in and custom environments",
		Args:    cobrautil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
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
			return cobrautil.Print(f, cmd, envs, table(envs))
		},
	}
}

func newCmdShow(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "show NAME",
		Short: "Show one environment",
		Args:  cobrautil.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := f.State()
			if err != nil {
				return err
			}
			p, err := st.Profile()
			if err != nil {
				return err
			}
			e, err := p.Environment(args[0])
			if err != nil {
				return err
			}
			env := fromProfile(e)
			return cobrautil.Print(f, cmd, env, func() *cmdutil.Table {
				t := &cmdutil.Table{Rows: [][]string{
					{"Name", env.Name}, {"Authority host", env.AuthorityHost}, {"ARM endpoint", env.ARMEndpoint},
					{"ARM audience", env.ARMAudience}, {"Built in", fmt.Sprint(env.BuiltIn)},
				}}
				if env.CAFile != "" {
					t.Rows = append(t.Rows, []string{"CA file", env.CAFile})
				}
				return t
			})
		},
	}
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

// NewCmdAdd returns `environment add`; runF replaces the run function in tests.
func NewCmdAdd(f *cmdutil.Factory, runF func(*cobra.Command, *AddOptions) error) *cobra.Command {
	opts := &AddOptions{}
	cmd := &cobra.Command{
		Use:   "add NAME --authority-host URL --arm-endpoint URL [--arm-audience AUD] [--ca-file FILE]",
		Short: "Add or update a custom environment (an emulator, Azure Stack)",
		Args:  cobrautil.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(cmd, opts)
			}
			return addRun(f, cmd, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.AuthorityHost, "authority-host", "", "the Entra ID authority host, e.g. https://login.microsoftonline.com/ (required)")
	fl.StringVar(&opts.ARMEndpoint, "arm-endpoint", "", "the Azure Resource Manager endpoint, e.g. https://management.azure.com/ (required)")
	fl.StringVar(&opts.ARMAudience, "arm-audience", "", "the audience of ARM tokens (default: the ARM endpoint)")
	fl.StringVar(&opts.CAFile, "ca-file", "", "a PEM file of extra CA certificates to trust for this cloud")
	cobrautil.AddScopeFlag(cmd, &opts.Scope)
	return cmd
}

// Validate checks the options and turns them into an environment: both
// URLs absolute http(s), the audience defaulting to the ARM endpoint, the
// CA file made absolute and readable.
func (o *AddOptions) Validate() (profile.Environment, error) {
	e := profile.Environment{Name: strings.TrimSpace(o.Name), ARMAudience: o.ARMAudience}
	if e.Name == "" {
		return e, cmdutil.UsageErrorf("environment name is empty")
	}
	var err error
	if e.AuthorityHost, err = checkURL("--authority-host", o.AuthorityHost); err != nil {
		return e, err
	}
	if e.ARMEndpoint, err = checkURL("--arm-endpoint", o.ARMEndpoint); err != nil {
		return e, err
	}
	if e.ARMAudience == "" {
		e.ARMAudience = e.ARMEndpoint
	}
	if o.CAFile != "" {
		abs, err := filepath.Abs(o.CAFile)
		if err != nil {
			return e, cmdutil.Errorf("--ca-file: %w", err)
		}
		if _, err := os.ReadFile(abs); err != nil {
			return e, cmdutil.Errorf("--ca-file: %w", err)
		}
		e.CAFile = abs
	}
	return e, nil
}

func checkURL(flag, v string) (string, error) {
	if v == "" {
		return "", cmdutil.UsageErrorf("%s is required", flag)
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", cmdutil.UsageErrorf("%s %q is not an absolute http(s) URL", flag, v)
	}
	if !strings.HasSuffix(v, "/") {
		v += "/"
	}
	return v, nil
}

func addRun(f *cmdutil.Factory, cmd *cobra.Command, opts *AddOptions) error {
	env, err := opts.Validate()
	if err != nil {
		return err
	}
	st, scope, err := cmdutil.StateAndScope(f, opts.Scope)
	if err != nil {
		return err
	}
	if _, err := st.Update(scope, func(p *profile.Profile) error { return p.SetEnvironment(env) }); err != nil {
		return err
	}
	out := fromProfile(env)
	return cobrautil.PrintChange(f, cmd, out, fmt.Sprintf("saved environment %s (%s scope)", env.Name, contexts.ScopeName(scope)))
}

func newCmdRemove(f *cmdutil.Factory) *cobra.Command {
	var scopeFlag string
	cmd := &cobra.Command{
		Use:     "remove NAME",
		Aliases: []string{"rm"},
		Short:   "Remove a custom environment that no context uses",
		Args:    cobrautil.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, scope, err := cmdutil.StateAndScope(f, scopeFlag)
			if err != nil {
				return err
			}
			_, err = st.Update(scope, func(p *profile.Profile) error { return p.RemoveEnvironment(args[0]) })
			if err != nil {
				return err
			}
			fmt.Fprintf(f.IOStreams.ErrOut, "removed environment %s\n", args[0])
			return nil
		},
	}
	cobrautil.AddScopeFlag(cmd, &scopeFlag)
	return cmd
}
