// Package accounts holds the sign-in commands: login/connect,
// logout/disconnect, token, subscription list and tenant list. Each turns
// argv into Options and calls package auth; nothing here talks to Entra ID
// or ARM itself.
package accounts

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/auth"
	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/cobrautil"
	"github.com/azcontext/azc/internal/cli/contexts"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/secret"
)

// New returns the command group's commands.
func New(f *cmdutil.Factory) []*cobra.Command {
	return []*cobra.Command{
		NewCmdLogin(f, nil), NewCmdLogout(f, nil),
		newCmdSubscription(f), newCmdTenant(f),
	}
}

// LoginOptions is argv of `azc login`.
type LoginOptions struct {
	f   *cmdutil.Factory
	cmd *cobra.Command

	DeviceCode         bool
	ServicePrincipal   bool
	Identity           bool
	ClientID           string
	ClientSecretFile   string
	Certificate        string
	CertificatePwdFile string
	FederatedTokenFile string
	ResourceID         string
	AccessTokenFile    string
	AccountID          string
	Tenant             string
	Subscription       string
	Environment        string
	ContextName        string
	Force              bool
	Scope              string
	MaxContexts        int
	SkipPopulation     bool
}

// NewCmdLogin is `azc login` (alias connect).
func NewCmdLogin(f *cmdutil.Factory, runF func(*LoginOptions) error) *cobra.Command {
	o := &LoginOptions{f: f}
	cmd := &cobra.Command{
		Use:     "login",
		Aliases: []string{"connect"},
		Short:   "Sign in to Azure and create a context per subscription",
		Long: `Sign in to Azure (Connect-AzAccount). Users sign in in a browser, or with
--device-code; service principals with --client-secret-file (or
AZURE_CLIENT_SECRET), --certificate or --federated-token-file; --identity uses
the managed identity; --access-token-file keeps a raw token. One context is
created per enabled subscription in every tenant; signing in again updates
them.`,
		Args: cobrautil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.cmd = cmd
			if runF != nil {
				return runF(o)
			}
			return loginRun(o)
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
	fl.StringVar(&o.ContextName, "context-name", "", "name of the default context")
	fl.BoolVar(&o.Force, "force", false, "let --context-name replace an existing context")
	fl.IntVar(&o.MaxContexts, "max-contexts", 0, "create at most N contexts")
	fl.BoolVar(&o.SkipPopulation, "skip-population", false, "do not list tenants and subscriptions")
	cobrautil.AddScopeFlag(cmd, &o.Scope)
	return cmd
}

func loginRun(o *LoginOptions) error {
	f := o.f
	st, scope, err := cmdutil.StateAndScope(f, o.Scope)
	if err != nil {
		return err
	}
	p, err := st.Profile()
	if err != nil {
		return err
	}
	env, err := p.Environment(o.Environment)
	if err != nil {
		return cmdutil.WithHint(err, cmdutil.ExitFailure, "`azc environment list` shows the clouds; `azc environment add` adds one")
	}
	blobs, err := cmdutil.Blobs(f, st, scope)
	if err != nil {
		return err
	}
	opts := auth.LoginOptions{
		Environment: env, TenantID: o.Tenant, ClientID: o.ClientID, ResourceID: o.ResourceID,
		Subscription: o.Subscription, SkipPopulation: o.SkipPopulation, MaxContexts: o.MaxContexts,
		AccountID: o.AccountID, FederatedTokenFile: o.FederatedTokenFile,
		UI: loginUI(f),
	}
	switch {
	case o.Identity:
		opts.Method = auth.ManagedIdentity
	case o.AccessTokenFile != "":
		opts.Method = auth.RawAccessToken
		tok, err := readSecret(f, o.AccessTokenFile, "")
		if err != nil {
			return err
		}
		opts.AccessToken = tok
	case o.ServicePrincipal:
		switch {
		case o.Certificate != "":
			opts.Method = auth.Certificate
			data, err := os.ReadFile(o.Certificate)
			if err != nil {
				return cmdutil.Errorf("read the certificate: %w", err)
			}
			opts.Certificate = data
			if o.CertificatePwdFile != "" || f.Getenv("AZURE_CLIENT_CERTIFICATE_PASSWORD") != "" {
				pw, err := readSecret(f, o.CertificatePwdFile, "AZURE_CLIENT_CERTIFICATE_PASSWORD")
				if err != nil {
					return err
				}
				opts.CertificatePassword = pw
			}
		case o.FederatedTokenFile != "":
			opts.Method = auth.FederatedToken
		default:
			opts.Method = auth.ClientSecret
			s, err := readSecret(f, o.ClientSecretFile, "AZURE_CLIENT_SECRET")
			if err != nil {
				return cmdutil.WithHint(err, cmdutil.ExitUsage, "give --client-secret-file FILE (or - for stdin), or set AZURE_CLIENT_SECRET")
			}
			opts.ClientSecret = s
		}
	case o.DeviceCode:
		opts.Method = auth.DeviceCode
	default:
		opts.Method = auth.Interactive
	}

	m := newManager(f)
	ctx := o.cmd.Context()
	res, err := m.Login(ctx, opts)
	if errors.Is(err, auth.ErrNoBrowser) && opts.Method == auth.Interactive {
		fmt.Fprintln(f.IOStreams.ErrOut, "azc: no browser could be opened; signing in with a device code instead")
		opts.Method = auth.DeviceCode
		res, err = m.Login(ctx, opts)
	}
	if err != nil {
		return loginError(err)
	}
	for _, w := range res.Warnings {
		cmdutil.Warn(f.IOStreams, w)
	}
	var ar auth.ApplyResult
	err = res.Save(ctx, blobs, func() error {
		_, err := st.Update(scope, func(p *profile.Profile) error {
			var err error
			ar, err = res.Apply(p, auth.ApplyOptions{ContextName: o.ContextName, Force: o.Force})
			return err
		})
		return err
	})
	if errors.Is(err, profile.ErrNameTaken) {
		return cmdutil.WithHint(err, cmdutil.ExitUsage, "pass --force to replace it, or choose another --context-name")
	}
	if err != nil {
		return err
	}
	if err := DropCredentials(ctx, f, st, scope, ar.Replaced.OrphanedAccounts); err != nil {
		return err
	}
	out := loginOutput{Account: contexts.Account{ID: res.Account.ID, Type: string(res.Account.Type)}, Tenants: len(res.Tenants),
		Subscriptions: len(res.Subscriptions), ContextsCreated: ar.Created, ContextsUpdated: ar.Updated, Default: ar.Default.Name}
	return cobrautil.PrintChange(f, o.cmd, out, fmt.Sprintf("Signed in as %s: %d context(s) created, %d updated; current context %q.",
		res.Account.ID, ar.Created, ar.Updated, ar.Default.Name))
}

// loginOutput is the JSON shape of a sign-in; its account is shaped as a
// context's.
type loginOutput struct {
	Account         contexts.Account `json:"account"`
	Tenants         int              `json:"tenants"`
	Subscriptions   int              `json:"subscriptions"`
	ContextsCreated int              `json:"contextsCreated"`
	ContextsUpdated int              `json:"contextsUpdated"`
	Default         string           `json:"defaultContext"`
}

// loginUI prints device-code instructions and progress to stderr and opens
// the browser only when a user is at a terminal.
func loginUI(f *cmdutil.Factory) auth.UI {
	ui := auth.UI{DisplayMessage: func(msg string) { fmt.Fprintln(f.IOStreams.ErrOut, msg) }}
	if f.IOStreams.IsStderrTTY() {
		ui.OpenURL = func(u string) error {
			if err := openBrowser(u); err != nil {
				return err
			}
			fmt.Fprintln(f.IOStreams.ErrOut, "azc: a browser window opened to sign in; if it did not, open:\n"+u)
			return nil
		}
		// One line, rewritten in place, says what azc waits for.
		ui.Progress = func(p auth.Progress) {
			if p.Listing {
				fmt.Fprint(f.IOStreams.ErrOut, "\r\x1b[Kazc: listing tenants (Ctrl-C to stop)…")
				return
			}
			fmt.Fprintf(f.IOStreams.ErrOut, "\r\x1b[Kazc: listing subscriptions: tenants %d/%d, subscriptions %d", p.TenantsDone, p.Tenants, p.Subscriptions)
			if p.TenantsDone == p.Tenants {
				fmt.Fprintln(f.IOStreams.ErrOut)
			}
		}
	}
	return ui
}

// readSecret reads a secret from file ("-" = stdin) or, with no file, from
// the environment variable env.
func readSecret(f *cmdutil.Factory, file, env string) (secret.String, error) {
	var data []byte
	var err error
	switch {
	case file == "-":
		data, err = io.ReadAll(io.LimitReader(f.IOStreams.In, 1<<20))
	case file != "":
		data, err = os.ReadFile(file)
	case env != "" && f.Getenv(env) != "":
		return secret.New(f.Getenv(env)), nil
	default:
		return secret.String{}, cmdutil.UsageErrorf("no secret given")
	}
	if err != nil {
		return secret.String{}, cmdutil.Errorf("read the secret: %w", err)
	}
	return secret.New(strings.TrimSpace(string(data))), nil
}

// loginError adds the next step to a failed sign-in; the profile is untouched.
func loginError(err error) error {
	var ae *auth.AADError
	var pe *auth.PopulateError
	switch {
	case errors.As(err, &pe):
		return cmdutil.WithHint(err, cmdutil.ExitFailure, "nothing was changed; retry, or sign in with --skip-population")
	case errors.As(err, &ae) && ae.Code == "invalid_client":
		return cmdutil.WithHint(err, cmdutil.ExitFailure, "nothing was changed; check the client id, the tenant and the secret or certificate")
	case errors.As(err, &ae):
		return cmdutil.WithHint(err, cmdutil.ExitFailure, "nothing was changed; sign in again")
	}
	return cmdutil.WithHint(err, cmdutil.ExitFailure, "nothing was changed")
}

func newManager(f *cmdutil.Factory) *auth.Manager {
	return auth.New(auth.Config{Logger: f.Logger, Getenv: f.Getenv, Now: f.Now, NotFound: blobNotFound})
}

// DropCredentials deletes the credential blobs of the accounts keys that
// scope's profile, as just written, no longer names (auth.DropCredentials).
func DropCredentials(ctx context.Context, f *cmdutil.Factory, st *azc.State, scope profile.Scope, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	blobs, err := cmdutil.Blobs(f, st, scope)
	if err != nil {
		return err
	}
	return auth.DropCredentials(ctx, blobs, keys, func() (*profile.Profile, error) {
		return cmdutil.ScopeProfile(st, scope)
	})
}

// blobNotFound is the store's "no such blob" (a lost key reads as one too:
// the account is then signed out, never crashed).
func blobNotFound(err error) bool { return errors.Is(err, credstore.ErrNotFound) }
