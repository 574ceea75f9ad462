package cli

import (
	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/environments"
)

// newCmdEnvironment returns `environment` and its commands.
func newCmdEnvironment(f *cmdutil.Factory) *cobra.Command {
	cmd := groupCommand(&cobra.Command{
		Use:     "environment",
		Aliases: []string{"env"},
		Short:   "List and manage clouds (environments)",
	})
	cmd.AddCommand(newCmdEnvironmentList(f), newCmdEnvironmentShow(f), newCmdEnvironmentAdd(f, nil), newCmdEnvironmentRemove(f))
	return cmd
}

func newCmdEnvironmentList(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the built-in and custom environments",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return environments.ListRun(f, outputOf(cmd))
		},
	}
}

func newCmdEnvironmentShow(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:               "show NAME",
		ValidArgsFunction: completeFirst(completeEnvironmentNames(f)),
		Short:             "Show one environment",
		Args:              exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return environments.ShowRun(f, outputOf(cmd), &environments.ShowOptions{Name: args[0]})
		},
	}
}

// newCmdEnvironmentAdd returns `environment add`; runF replaces the run function in tests.
func newCmdEnvironmentAdd(f *cmdutil.Factory, runF func(*environments.AddOptions) error) *cobra.Command {
	opts := &environments.AddOptions{}
	cmd := &cobra.Command{
		Use:   "add NAME --authority-host URL --arm-endpoint URL [--arm-audience AUD] [--ca-file FILE]",
		Short: "Add or update a custom environment (an emulator, Azure Stack)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(opts)
			}
			return environments.AddRun(cmd.Context(), f, outputOf(cmd), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.AuthorityHost, "authority-host", "", "the Entra ID authority host, e.g. https://login.microsoftonline.com/ (required)")
	fl.StringVar(&opts.ARMEndpoint, "arm-endpoint", "", "the Azure Resource Manager endpoint, e.g. https://management.azure.com/ (required)")
	fl.StringVar(&opts.ARMAudience, "arm-audience", "", "the audience of ARM tokens (default: the ARM endpoint)")
	fl.StringVar(&opts.CAFile, "ca-file", "", "a PEM file of extra CA certificates to trust for this cloud")
	addScopeFlag(cmd, &opts.Scope)
	return cmd
}

func newCmdEnvironmentRemove(f *cmdutil.Factory) *cobra.Command {
	opts := &environments.RemoveOptions{}
	cmd := &cobra.Command{
		Use:               "remove NAME",
		ValidArgsFunction: completeFirst(completeEnvironmentNames(f)),
		Aliases:           []string{"rm"},
		Short:             "Remove a custom environment that no context uses",
		Args:              exactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			opts.Name = args[0]
			return environments.RemoveRun(f, opts)
		},
	}
	addScopeFlag(cmd, &opts.Scope)
	return cmd
}
