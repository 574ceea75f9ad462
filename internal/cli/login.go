package cli

import (
	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/accounts"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/profile"
)

// newCmdLogin is `azc login` (alias connect); runF replaces the run
// function in tests.
func newCmdLogin(f *cmdutil.Factory, runF func(*accounts.LoginOptions) error) *cobra.Command {
	o := &accounts.LoginOptions{}
	cmd := &cobra.Command{
		Use:     "login",
		Aliases: []string{"connect"},
		Short:   "Sign in to Azure and create a context per subscription",
		Long: `Sign in to Azure (Connect-AzAccount). Users sign in in a browser, or with
--device-code; service principals with --client-secret-file (or
AZURE_CLIENT_SECRET), --certificate or --federated-token-file; --identity uses
the managed identity; --access-token-file keeps a raw token. One context is
created per enabled (or warned) subscription in every tenant; signing in
again updates them.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(o)
			}
			return accounts.LoginRun(cmd.Context(), f, outputOf(cmd), o)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&o.DeviceCode, "device-code", false, "sign in with a device code instead of a browser")
	fl.BoolVar(&o.ServicePrincipal, "service-principal", false, "sign in as a service principal")
	fl.BoolVar(&o.Identity, "identity", false, "sign in with the managed identity")
	fl.StringVar(&o.ClientID, "client-id", "", "application id (service principal) or user-assigned identity client id")
	fl.StringVar(&o.ClientSecretFile, "client-secret-file", "", "file holding the client secret (- for stdin)")
	fl.StringVar(&o.Certificate, "certificate", "", "certificate file (PEM or PFX)")
	fl.StringVar(&o.CertificatePwdFile, "certificate-password-file", "", "file holding the certificate's password (or AZURE_CLIENT_CERTIFICATE_PASSWORD)")
	fl.StringVar(&o.FederatedTokenFile, "federated-token-file", "", "federated token file, re-read on every refresh")
	fl.StringVar(&o.ResourceID, "resource-id", "", "user-assigned managed identity resource id")
	fl.StringVar(&o.AccessTokenFile, "access-token-file", "", "file holding an access token (- for stdin)")
	fl.StringVar(&o.AccountID, "account-id", "", "account the access token belongs to")
	fl.StringVar(&o.Tenant, "tenant", "", "tenant id or domain")
	fl.StringVar(&o.Subscription, "subscription", "", "make this subscription (id or name) the default")
	fl.StringVar(&o.Environment, "environment", profile.DefaultEnvironment, "cloud to sign in to")
	_ = cmd.RegisterFlagCompletionFunc("environment", completeEnvironmentNames(f))
	fl.StringVar(&o.ContextName, "context-name", "", "name of the default context")
	fl.BoolVar(&o.Force, "force", false, "let --context-name replace an existing context, and --access-token-file a sign-in of another kind")
	fl.IntVar(&o.MaxContexts, "max-contexts", 0, "create at most N contexts")
	fl.BoolVar(&o.SkipPopulation, "skip-population", false, "do not list tenants and subscriptions")
	addScopeFlag(cmd, &o.Scope)
	return cmd
}

// newCmdLogout is `azc logout` (alias disconnect); runF replaces the run
// function in tests.
func newCmdLogout(f *cmdutil.Factory, runF func(*accounts.LogoutOptions) error) *cobra.Command {
	o := &accounts.LogoutOptions{}
	cmd := &cobra.Command{
		Use:     "logout [ACCOUNT]",
		Aliases: []string{"disconnect"},
		Short:   "Sign out: remove an account's tokens, secrets and contexts",
		Long: `Sign out (Disconnect-AzAccount): with no argument the current context's
account, or ACCOUNT, the account of --context NAME, or --all. Removes the
account's tokens and secrets and every context of it. Signing out is
idempotent: an account that is not signed in (a second sign-out) changes
nothing and exits 0.`,
		Args:              maximumNArgs(1),
		ValidArgsFunction: completeAccountIDs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.Account = args[0]
			}
			// --all is one of the four ways to name what goes, not a
			// widening of another: beside a name it would sign out more
			// than was named. $AZC_CONTEXT names no account here.
			if o.All && o.Account != "" {
				return cmdutil.UsageErrorf("ACCOUNT and --all exclude each other: name one account, or sign every account out with --all alone")
			}
			if o.All && contextFlag(cmd) != "" {
				return cmdutil.UsageErrorf("--context and --all exclude each other: name one context, or sign every account out with --all alone")
			}
			if o.Account != "" && contextFlag(cmd) != "" {
				// ACCOUNT won: the account of the context named was kept,
				// though the user may have meant it.
				return cmdutil.UsageErrorf("ACCOUNT and --context both name the account to sign out: give one")
			}
			o.Ref = contextRef(f, cmd)
			if runF != nil {
				return runF(o)
			}
			return accounts.LogoutRun(cmd.Context(), f, outputOf(cmd), o)
		},
	}
	cmd.Flags().BoolVar(&o.All, "all", false, "sign every account out, and delete the credential blobs of no account (left by a stopped sign-out)")
	addScopeFlag(cmd, &o.Scope)
	return cmd
}

// newCmdSubscription returns `subscription` and its `list`.
func newCmdSubscription(f *cmdutil.Factory) *cobra.Command {
	cmd := groupCommand(&cobra.Command{Use: "subscription", Short: "Subscriptions of the signed-in accounts"})
	opts := &accounts.ListOptions{}
	list := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the subscriptions of every context (Get-AzSubscription)",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return accounts.SubscriptionListRun(cmd.Context(), f, outputOf(cmd), opts)
		},
	}
	list.Flags().BoolVar(&opts.Refresh, "refresh", false, "ask ARM again for every account's tenants and subscriptions")
	cmd.AddCommand(list)
	return cmd
}

// newCmdTenant returns `tenant` and its `list`.
func newCmdTenant(f *cmdutil.Factory) *cobra.Command {
	cmd := groupCommand(&cobra.Command{Use: "tenant", Short: "Tenants of the signed-in accounts"})
	opts := &accounts.ListOptions{}
	list := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the tenants of every context (Get-AzTenant)",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return accounts.TenantListRun(cmd.Context(), f, outputOf(cmd), opts)
		},
	}
	list.Flags().BoolVar(&opts.Refresh, "refresh", false, "ask ARM again for every account's tenants and subscriptions")
	cmd.AddCommand(list)
	return cmd
}
