// Package tokencmd is `azc token` (Get-AzAccessToken; az account
// get-access-token). A warm token is served straight from the account's
// credential blob by credblob.CachedToken, which links neither MSAL nor
// net/http, so azc answers it (package front runs tokens.Run); anything
// else — no usable cached token, a refresh, an error to explain — goes to
// the slow path that azc-full gives NewCmd (MSAL, in package accounts).
// azc has none: tokens.Run returns cmdutil.ErrNeedFull and azc hands the
// command over.
package tokencmd

import (
	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/cobrautil"
	"github.com/azcontext/azc/internal/cli/tokens"
)

// Options, Request and Slow are tokens's (the run function links no
// cobra: the azc binary's fast path runs it).
type (
	Options = tokens.Options
	Request = tokens.Request
	Slow    = tokens.Slow
)

// NewCmd is New with runF, when not nil, run instead of the command (tests
// of argv → Options).
func NewCmd(f *cmdutil.Factory, slow Slow, runF func(*Options) error) *cobra.Command {
	o := &Options{}
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Print an access token for the current context",
		Long: `Print an access token (Get-AzAccessToken). The JSON form carries the field
names of ` + "`az account get-access-token`" + ` (accessToken, expiresOn, expires_on,
tokenType, subscription, tenant), and -o tsv prints az's five columns
(accessToken, expiresOn, subscription, tenant, tokenType), so scripts written
for az keep working.`,
		Args: cobrautil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(o)
			}
			return tokens.Run(cmd.Context(), f, cobrautil.OutputOf(cmd), cobrautil.ContextRef(f, cmd), o, slow)
		},
	}
	cmd.Flags().StringVar(&o.Resource, "resource", "", "resource (v1), e.g. https://storage.azure.com")
	cmd.Flags().StringVar(&o.Scope, "scope", "", "scope (v2), e.g. https://storage.azure.com/.default")
	cmd.Flags().StringVar(&o.Tenant, "tenant", "", "tenant to get the token in (default: the context's)")
	cmd.Flags().StringVar(&o.Subscription, "subscription", "", "subscription (id or name) whose context's token to print, as az's --subscription")
	cmd.MarkFlagsMutuallyExclusive("resource", "scope")
	cmd.MarkFlagsMutuallyExclusive("subscription", "tenant")
	return cmd
}
