package cli

import (
	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/accounts"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/tokens"
)

// newCmdToken is `azc token` (Get-AzAccessToken; az account
// get-access-token): tokens.Run, which serves a warm token from the cache,
// with MSAL (accounts.MSALToken) as its slow path. runF, when not nil,
// runs instead (tests of argv → Options).
func newCmdToken(f *cmdutil.Factory, runF func(*tokens.Options) error) *cobra.Command {
	o := &tokens.Options{Slow: accounts.MSALToken(f)}
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Print an access token for the current context",
		Long: `Print an access token (Get-AzAccessToken). The JSON form carries the field
names of ` + "`az account get-access-token`" + ` (accessToken, expiresOn, expires_on,
tokenType, subscription, tenant), and -o tsv prints az's five columns
(accessToken, expiresOn, subscription, tenant, tokenType), so scripts written
for az keep working.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Ref = contextRef(f, cmd)
			if runF != nil {
				return runF(o)
			}
			return tokens.Run(cmd.Context(), f, outputOf(cmd), o)
		},
	}
	cmd.Flags().StringVar(&o.Resource, "resource", "", "resource (v1), e.g. https://storage.azure.com")
	cmd.Flags().StringVar(&o.Scope, "scope", "", "scope (v2), e.g. https://storage.azure.com/.default")
	cmd.Flags().StringVar(&o.Tenant, "tenant", "", "tenant to get the token in (default: the context's)")
	cmd.Flags().StringVar(&o.Subscription, "subscription", "", "subscription (id or name) whose context's token to print, as az's --subscription")
	return cmd
}
