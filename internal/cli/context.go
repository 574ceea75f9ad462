package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/internal/cli/accounts"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/contexts"
	"github.com/azcontext/azc/profile"
)

// newCmdContext returns `context` and its commands; `use` is also a
// top-level command (newCmdUse).
func newCmdContext(f *cmdutil.Factory) *cobra.Command {
	cmd := groupCommand(&cobra.Command{
		Use:     "context",
		Aliases: []string{"ctx"},
		Short:   "List, select and manage contexts",
	})
	use := newCmdUse(f, nil)
	use.Aliases = []string{"select"}
	cmd.AddCommand(
		newCmdContextList(f, nil),
		newCmdContextShow(f, nil),
		use,
		newCmdContextSet(f, nil),
		newCmdContextRename(f, nil),
		newCmdContextRemove(f, nil),
		newCmdContextClear(f, nil),
		newCmdContextExport(f, nil),
		newCmdContextImport(f, nil),
	)
	return cmd
}

// credentials is what removing contexts needs of the sign-in code.
func credentials(f *cmdutil.Factory) contexts.Credentials {
	return contexts.Credentials{
		Drop: func(ctx context.Context, st *azc.State, scope profile.Scope, keys []string) error {
			return accounts.DropCredentials(ctx, f, st, scope, keys)
		},
		SignOut: func(ctx context.Context, st *azc.State, scope profile.Scope, keys []string) error {
			return accounts.SignOutCredentials(ctx, f, st, scope, keys)
		},
		DropReleased: func(ctx context.Context, st *azc.State) error { return accounts.DropReleased(ctx, f, st) },
		Probe: func(ctx context.Context, st *azc.State, scope profile.Scope, keys []string) error {
			return accounts.ProbeCredentialLocks(ctx, f, st, scope, keys)
		},
	}
}

// newCmdContextList returns `context list`; runF replaces the run function
// in tests.
func newCmdContextList(f *cmdutil.Factory, runF func(*contexts.ListOptions) error) *cobra.Command {
	opts := &contexts.ListOptions{}
	var refresh bool
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the contexts, marking the current one",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if refresh {
				opts.Refresh = func(ctx context.Context, st *azc.State) error { return accounts.RefreshAll(ctx, f, st) }
			}
			if runF != nil {
				return runF(opts)
			}
			return contexts.ListRun(cmd.Context(), f, outputOf(cmd), opts)
		},
	}
	cmd.Flags().BoolVar(&refresh, "refresh", false, "ask ARM again for every account's tenants and subscriptions first")
	return cmd
}

// newCmdContextShow returns `context show`; runF replaces the run function
// in tests.
func newCmdContextShow(f *cmdutil.Factory, runF func(*contexts.ShowOptions) error) *cobra.Command {
	opts := &contexts.ShowOptions{}
	return &cobra.Command{
		Use:               "show [NAME]",
		Short:             "Show a context (default: the current one)",
		Args:              maximumNArgs(1),
		ValidArgsFunction: completeFirstContextName(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Ref = args[0]
			} else {
				opts.Ref = contextRef(f, cmd)
			}
			if runF != nil {
				return runF(opts)
			}
			return contexts.ShowRun(f, outputOf(cmd), opts)
		},
	}
}

// newCmdUse returns `use`; runF replaces the run function in tests.
func newCmdUse(f *cmdutil.Factory, runF func(*contexts.UseOptions) error) *cobra.Command {
	opts := &contexts.UseOptions{}
	cmd := &cobra.Command{
		Use:   "use [NAME | -]",
		Short: "Make a context the default (`-`: the previous one; no name on a terminal: pick one)",
		Long: `Make a context the default of the user profile or of this shell's session.
NAME may be the context's name, its subscription id, its subscription name
when unique, a unique prefix of its name, or Azure PowerShell's long name.
"azc use -" returns to the previous context. Without NAME on a terminal, a
fuzzy picker opens.`,
		Args:              maximumNArgs(1),
		ValidArgsFunction: completeFirstContextName(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Ref = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return contexts.UseRun(cmd.Context(), f, outputOf(cmd), opts)
		},
	}
	addScopeFlag(cmd, &opts.Scope)
	return cmd
}

// newCmdContextRename returns `context rename`; runF replaces the run function in tests.
func newCmdContextRename(f *cmdutil.Factory, runF func(*contexts.RenameOptions) error) *cobra.Command {
	opts := &contexts.RenameOptions{Credentials: credentials(f)}
	cmd := &cobra.Command{
		Use:               "rename OLD NEW",
		Aliases:           []string{"mv"},
		Short:             "Rename a context; the default follows",
		Args:              exactArgs(2),
		ValidArgsFunction: completeFirstContextName(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Old, opts.New = args[0], args[1]
			if runF != nil {
				return runF(opts)
			}
			return contexts.RenameRun(cmd.Context(), f, outputOf(cmd), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "replace an existing context called NEW")
	addScopeFlag(cmd, &opts.Scope)
	return cmd
}

// newCmdContextRemove returns `context remove`; runF replaces the run function in tests.
func newCmdContextRemove(f *cmdutil.Factory, runF func(*contexts.RemoveOptions) error) *cobra.Command {
	opts := &contexts.RemoveOptions{Credentials: credentials(f)}
	cmd := &cobra.Command{
		Use:               "remove NAME…",
		Aliases:           []string{"rm"},
		Short:             "Remove contexts (asks before removing the default or this shell's context unless --force)",
		Args:              minimumNArgs(1),
		ValidArgsFunction: completeContextNames(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Refs = args
			if runF != nil {
				return runF(opts)
			}
			return contexts.RemoveRun(cmd.Context(), f, outputOf(cmd), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Force, "force", "f", false, "remove the default context, or the one this shell uses, without asking")
	addScopeFlag(cmd, &opts.Scope)
	return cmd
}

// newCmdContextClear returns `context clear`; runF replaces the run function in tests.
func newCmdContextClear(f *cmdutil.Factory, runF func(*contexts.ClearOptions) error) *cobra.Command {
	opts := &contexts.ClearOptions{Credentials: credentials(f)}
	cmd := &cobra.Command{
		Use:   "clear",
		Short: "Remove every context and account (asks unless --force)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return contexts.ClearRun(cmd.Context(), f, outputOf(cmd), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Force, "force", "f", false, "do not ask")
	addScopeFlag(cmd, &opts.Scope)
	return cmd
}

// newCmdContextSet returns `context set`; runF replaces the run function in tests.
func newCmdContextSet(f *cmdutil.Factory, runF func(*contexts.SetOptions) error) *cobra.Command {
	opts := &contexts.SetOptions{FindSubscription: func(ctx context.Context, st *azc.State, cur *profile.Context, sub, tenant string) (profile.Context, error) {
		return accounts.FindSubscription(ctx, f, st, cur, sub, tenant)
	}, Credentials: credentials(f)}
	cmd := &cobra.Command{
		Use:   "set [--subscription ID|NAME] [--tenant ID|DOMAIN] [--name NAME] [--storage-account NAME] [--property KEY=VALUE]…",
		Short: "Create or update a context and make it the default",
		Long: `Create or update a context and make it the default in the chosen scope.
With --subscription and/or --tenant it starts from a subscription or tenant a
context holds (preferring the current context's account), else from one ARM
lists for the current context's account; otherwise it updates the current
context (or the one -c names). --name names it (--force takes a
name another context holds, removing that one); --property key=value adds an
extended property, key= removes it.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Ref = contextRef(f, cmd)
			for _, p := range opts.Properties {
				if _, _, err := contexts.ParseProperty(p); err != nil {
					return cmdutil.UsageErrorf("%v", err)
				}
			}
			if err := profile.CheckExported(opts.StorageAccount); err != nil {
				// JSON holds UTF-8 only (it would be saved as another name),
				// and azc exec exports it as AZURE_STORAGE_ACCOUNT
				return cmdutil.UsageErrorf("invalid --storage-account: %v", err)
			}
			if opts.Name != "" {
				// before a subscription is looked up in ARM
				if err := profile.CheckName(opts.Name); err != nil {
					return fmt.Errorf("--name %w", err)
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return contexts.SetRun(cmd.Context(), f, outputOf(cmd), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Subscription, "subscription", "", "subscription id or name")
	fl.StringVar(&opts.Tenant, "tenant", "", "tenant id or domain")
	fl.StringVar(&opts.Name, "name", "", "the context's name")
	fl.StringVar(&opts.StorageAccount, "storage-account", "", "default storage account")
	fl.StringArrayVar(&opts.Properties, "property", nil, "extended property key=value (repeatable; key= removes)")
	fl.BoolVar(&opts.Force, "force", false, "take a name another context holds, removing that context")
	addScopeFlag(cmd, &opts.Scope)
	return cmd
}

// newCmdContextExport returns `context export`; runF replaces the run function in tests.
func newCmdContextExport(f *cmdutil.Factory, runF func(*contexts.ExportOptions) error) *cobra.Command {
	opts := &contexts.ExportOptions{}
	cmd := &cobra.Command{
		Use:               "export [NAME…] --file FILE",
		ValidArgsFunction: completeContextNames(f),
		Short:             "Save contexts (default: all) to a versioned azc JSON file",
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Refs = args
			if opts.File == "" {
				return cmdutil.UsageErrorf("--file is required (use - for stdout)")
			}
			if runF != nil {
				return runF(opts)
			}
			return contexts.ExportRun(f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.File, "file", "", "the file to write, or - for stdout")
	cmd.Flags().BoolVar(&opts.WithCredentials, "with-credentials", false, "include tokens and secrets (the file is created 0600)")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "overwrite an existing file")
	return cmd
}

// newCmdContextImport returns `context import`; runF replaces the run function in tests.
func newCmdContextImport(f *cmdutil.Factory, runF func(*contexts.ImportOptions) error) *cobra.Command {
	opts := &contexts.ImportOptions{Credentials: credentials(f)}
	cmd := &cobra.Command{
		Use:   "import FILE|-",
		Short: "Merge contexts from an azc export, an Azure PowerShell context file or an az CLI azureProfile.json",
		Long: `Merge contexts from an azc export, an Azure PowerShell context file or an az CLI
azureProfile.json into the scope, never replacing it. The tokens the file brings (an export's
credentials, Azure PowerShell's token cache, az's msal_token_cache.json beside the file) go
into the credential store (encrypted where the OS keeps a key): each account keeps only its own
tokens, so that signing one out removes them all. What cannot be imported is said in a warning on stderr.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if runF != nil {
				return runF(opts)
			}
			return contexts.ImportRun(cmd.Context(), f, outputOf(cmd), opts)
		},
	}
	addScopeFlag(cmd, &opts.Scope)
	return cmd
}
