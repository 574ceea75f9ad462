// Package execcmd is `azc exec`: run any program under a context, with the
// context's credentials served to it by a credential server (package
// credserver) for exactly as long as it runs (DESIGN section 5).
package execcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/auth"
	"github.com/azcontext/azc/childproc"
	"github.com/azcontext/azc/credserver"
	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/cobrautil"
	"github.com/azcontext/azc/profile"
)

// New returns the commands of this group: exec.
func New(f *cmdutil.Factory) []*cobra.Command {
	return []*cobra.Command{NewCmdExec(f, nil)}
}

// ExecOptions is argv of `azc exec`.
type ExecOptions struct {
	f   *cmdutil.Factory
	cmd *cobra.Command

	// Args is the child's command line.
	Args []string
	// NoServer exports the context's variables without a credential server.
	NoServer bool
	// LegacyMSI also serves the 2017-09-01 protocol (az CLI 2.45).
	LegacyMSI bool
	// PrivateAzConfig gives the child a fresh AZURE_CONFIG_DIR, removed
	// when it ends. Default: on with --legacy-msi.
	PrivateAzConfig bool

	// Environ is the environment the child's is built from (os.Environ).
	Environ func() []string
}

// NewCmdExec is `azc exec [-c NAME] [--no-server] [--legacy-msi] -- CMD ARGS…`.
func NewCmdExec(f *cmdutil.Factory, runF func(*ExecOptions) error) *cobra.Command {
	o := &ExecOptions{f: f, Environ: os.Environ}
	cmd := &cobra.Command{
		Use:   "exec [-c NAME] [--no-server] [--legacy-msi] -- CMD [ARGS...]",
		Short: "Run a program with a context's credentials",
		Long: `Run CMD under a context (Start-Job with a context). azc serves the context's
tokens to CMD on 127.0.0.1 through the App Service managed identity protocol,
which the Azure SDKs for Go, Python, JavaScript and .NET, Terraform and the az
CLI understand, for exactly as long as CMD runs. CMD gets IDENTITY_ENDPOINT,
IDENTITY_HEADER, ARM_USE_MSI, ARM_MSI_ENDPOINT, AZURE_TENANT_ID,
AZURE_SUBSCRIPTION_ID, ARM_TENANT_ID, ARM_SUBSCRIPTION_ID, AZC_CONTEXT and
AZURE_STORAGE_ACCOUNT, and loses variables that would make an SDK use another
credential (AZURE_CLIENT_SECRET, ARM_CLIENT_SECRET, MSI_ENDPOINT, ...).
CMD's exit code is azc's; INT, TERM and HUP reach it.

--legacy-msi also serves the older 2017-09-01 form for the az CLI 2.45 that
Debian ships, and gives CMD a private AZURE_CONFIG_DIR so that
'az login --identity' does not touch your own az profile.`,
		Example: `  azc exec -c prod -- terraform plan
  azc exec -c dev -- python3 app.py
  azc exec -c dev --legacy-msi -- sh -c 'az login --identity --allow-no-subscriptions >/dev/null && az group list'`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.cmd = cmd
			o.Args = args
			if !cmd.Flags().Changed("private-az-config") {
				o.PrivateAzConfig = o.LegacyMSI
			}
			if runF != nil {
				return runF(o)
			}
			return execRun(o)
		},
	}
	// Everything after CMD belongs to CMD, even without "--".
	cmd.Flags().SetInterspersed(false)
	fl := cmd.Flags()
	fl.BoolVar(&o.NoServer, "no-server", false, "only export the context's variables; serve no credentials")
	fl.BoolVar(&o.LegacyMSI, "legacy-msi", false, "also serve api-version 2017-09-01 and set MSI_ENDPOINT, MSI_SECRET (az CLI 2.45)")
	fl.BoolVar(&o.PrivateAzConfig, "private-az-config", false, "give CMD a fresh AZURE_CONFIG_DIR, removed afterwards (default: on with --legacy-msi)")
	cmd.MarkFlagsMutuallyExclusive("no-server", "legacy-msi")
	return cmd
}

func execRun(o *ExecOptions) error {
	code, err := runChild(o)
	if err != nil {
		return err
	}
	if code != 0 {
		// Every clean-up of runChild has run: the server is closed and the
		// private az directory gone. Leave with the child's code, silently.
		return &cmdutil.SilentExit{Code: code}
	}
	return nil
}

// runChild serves the context to the child and returns the child's exit
// code once the server is closed and temporary files are removed.
func runChild(o *ExecOptions) (int, error) {
	f := o.f
	st, err := f.State()
	if err != nil {
		return 0, err
	}
	p, c, scope, err := cmdutil.ResolveContext(st, cobrautil.ContextRef(f, o.cmd))
	if err != nil {
		return 0, err
	}
	vars := childproc.Vars{Context: c.Name, TenantID: c.Tenant.ID, StorageAccount: c.StorageAccount}
	if c.Subscription != nil {
		vars.SubscriptionID = c.Subscription.ID
	}
	if !o.NoServer {
		srv, err := startServer(o, st, p, c, scope)
		if err != nil {
			return 0, err
		}
		defer func() {
			if err := srv.Close(); err != nil {
				f.Logger.Debug("exec: closing the credential server", "err", err)
			}
		}()
		vars.Server = srv.Env()
		f.Logger.Debug("exec: credential server started", "context", c.Name, "variables", "IDENTITY_ENDPOINT IDENTITY_HEADER ARM_USE_MSI ARM_MSI_ENDPOINT")
	}
	if o.PrivateAzConfig {
		dir, err := os.MkdirTemp("", "azc-exec-az-")
		if err != nil {
			return 0, fmt.Errorf("exec: creating a private AZURE_CONFIG_DIR: %w", err)
		}
		defer os.RemoveAll(dir)
		vars.AzureConfigDir = dir
	}
	ios := f.IOStreams
	// The command's context ends at the first Ctrl-C, which belongs to the
	// child: it must neither kill the child nor stop the server early.
	code, err := childproc.Run(context.WithoutCancel(o.cmd.Context()), childproc.Spec{
		Args:   o.Args,
		Env:    childproc.Env(o.Environ(), vars),
		Stdin:  ios.In,
		Stdout: ios.Out,
		Stderr: ios.ErrOut,
	})
	if err != nil {
		return 0, &cmdutil.ExitError{Code: code, Err: fmt.Errorf("exec: %w", err)}
	}
	return code, nil
}

// startServer starts the credential server of context c.
func startServer(o *ExecOptions, st *azc.State, p *profile.Profile, c *profile.Context, scope profile.Scope) (*credserver.Server, error) {
	f := o.f
	acct := p.Account(c.Account)
	if acct == nil {
		return nil, cmdutil.WithHint(auth.ErrNotSignedIn, cmdutil.ExitInteraction, "sign in with `azc login`")
	}
	env, err := p.Environment(c.Environment)
	if err != nil {
		return nil, err
	}
	blobs, err := cmdutil.Blobs(f, st, scope)
	if err != nil {
		return nil, err
	}
	m := auth.New(auth.Config{Logger: f.Logger, Getenv: f.Getenv, Now: f.Now, NotFound: func(err error) bool { return errors.Is(err, credstore.ErrNotFound) }})
	cred := m.Credential(blobs, env, *acct, c.Tenant.ID)
	// Fail before the child starts when no token can be had at all: the
	// user sees why here, once, instead of from inside the child.
	if _, err := credserver.CredentialSource(cred, c.Tenant.ID).Token(o.cmd.Context(), env.ARMAudience); err != nil {
		if errors.Is(err, auth.ErrNotSignedIn) || errors.Is(err, auth.ErrInteractionRequired) {
			return nil, cmdutil.WithHint(err, cmdutil.ExitInteraction, "sign in again with `azc login`")
		}
		return nil, err
	}
	return credserver.Start(credserver.Options{
		Source:        warnOnError(credserver.CredentialSource(cred, c.Tenant.ID), f.IOStreams.ErrOut),
		AllowResource: credserver.AllowHosts(allowedHosts(env)...),
		LegacyMSI:     o.LegacyMSI,
		ClientID:      clientID(acct),
		Logger:        f.Logger.With(slog.String("context", c.Name)),
		Now:           f.Now,
	})
}

// warnOnError tells the user on stderr why a token the child asked for
// could not be had; the child itself only learns "token_unavailable".
func warnOnError(src credserver.TokenSource, w io.Writer) credserver.TokenSource {
	var mu sync.Mutex
	return credserver.TokenSourceFunc(func(ctx context.Context, resource string) (credserver.Token, error) {
		tok, err := src.Token(ctx, resource)
		if err != nil && ctx.Err() == nil {
			mu.Lock()
			fmt.Fprintf(w, "azc: warning: exec: %v\n", err)
			mu.Unlock()
		}
		return tok, err
	})
}

// clientID is the client id the served identity answers to, if it has one.
func clientID(a *profile.Account) string {
	switch a.Type {
	case profile.ServicePrincipal:
		return a.ID
	case profile.ManagedIdentity:
		return a.ClientID
	}
	return ""
}

// allowedHosts are the resource hosts (and their subdomains) a context of
// env may get tokens for: its own ARM endpoint and audience, and for a
// built-in cloud the DNS zones of that cloud's services.
func allowedHosts(env profile.Environment) []string {
	var hosts []string
	for _, u := range []string{env.ARMEndpoint, env.ARMAudience} {
		if pu, err := url.Parse(u); err == nil && pu.Host != "" {
			hosts = append(hosts, pu.Host)
		}
	}
	switch strings.ToLower(env.Name) {
	case "azurecloud":
		hosts = append(hosts, "azure.com", "azure.net", "windows.net", "graph.microsoft.com",
			"loganalytics.io", "azurecr.io", "azuredatabricks.net", "azuresynapse.net", "azure-api.net", "powerbi.com")
	case "azurechinacloud":
		hosts = append(hosts, "chinacloudapi.cn", "azure.cn", "azurecr.cn", "azuresynapse.azure.cn")
	case "azureusgovernment":
		hosts = append(hosts, "usgovcloudapi.net", "azure.us", "microsoft.us", "azurecr.us", "loganalytics.us")
	}
	return hosts
}
