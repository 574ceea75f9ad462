package logincmd

import (
	"context"
	"errors"
	"time"

	"github.com/spf13/cobra"

	"github.com/azcontext/azc/auth"
	"github.com/azcontext/azc/internal/cli/cmdutil"
)

// TokenOptions is argv of `azc token`.
type TokenOptions struct {
	f   *cmdutil.Factory
	cmd *cobra.Command

	Resource string
	Scope    string
	Tenant   string
}

// NewCmdToken is `azc token` (Get-AzAccessToken; az account get-access-token).
func NewCmdToken(f *cmdutil.Factory, runF func(*TokenOptions) error) *cobra.Command {
	o := &TokenOptions{f: f}
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Print an access token for the current context",
		Long: `Print an access token (Get-AzAccessToken). The JSON form carries the field
names of ` + "`az account get-access-token`" + ` (accessToken, expiresOn, expires_on,
tokenType, subscription, tenant), so scripts written for az keep working.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.cmd = cmd
			if runF != nil {
				return runF(o)
			}
			return tokenRun(o)
		},
	}
	cmd.Flags().StringVar(&o.Resource, "resource", "", "resource (v1), e.g. https://storage.azure.com")
	cmd.Flags().StringVar(&o.Scope, "scope", "", "scope (v2), e.g. https://storage.azure.com/.default")
	cmd.Flags().StringVar(&o.Tenant, "tenant", "", "tenant to get the token in (default: the context's)")
	cmd.MarkFlagsMutuallyExclusive("resource", "scope")
	return cmd
}

func tokenRun(o *TokenOptions) error {
	f := o.f
	st, err := f.State()
	if err != nil {
		return err
	}
	c, scope, err := cmdutil.ResolveContext(st, cmdutil.ContextRef(f, o.cmd))
	if err != nil {
		return err
	}
	p, err := st.Profile()
	if err != nil {
		return err
	}
	acct := p.Account(c.Account)
	if acct == nil {
		return cmdutil.WithHint(auth.ErrNotSignedIn, cmdutil.ExitInteraction, "sign in with `azc login`")
	}
	env, err := p.Environment(c.Environment)
	if err != nil {
		return err
	}
	blobs, err := cmdutil.Blobs(f, st, scope)
	if err != nil {
		return err
	}
	var scopes []string
	switch {
	case o.Scope != "":
		scopes = []string{o.Scope}
	case o.Resource != "":
		scopes = []string{auth.ResourceScope(o.Resource)}
	}
	tenant := o.Tenant
	if tenant == "" {
		tenant = c.Tenant.ID
	}
	tok, err := newManager(f).Token(context.Background(), blobs, env, *acct, auth.TokenRequest{Scopes: scopes, TenantID: tenant})
	if err != nil {
		return tokenError(err)
	}
	sub := ""
	if c.Subscription != nil && o.Tenant == "" {
		sub = c.Subscription.ID
	}
	return cmdutil.Print(f, o.cmd, tok.AzCompatible(sub, time.Local), nil)
}

func tokenError(err error) error {
	if errors.Is(err, auth.ErrNotSignedIn) || errors.Is(err, auth.ErrInteractionRequired) {
		return cmdutil.WithHint(err, cmdutil.ExitInteraction, "sign in again with `azc login`")
	}
	return err
}
