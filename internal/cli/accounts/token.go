package accounts

import (
	"context"
	"errors"

	"github.com/azcontext/azc/auth"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/tokens"
	"github.com/azcontext/azc/internal/credblob"
	"github.com/azcontext/azc/profile"
)

// MSALToken is azc-full's slow path of `azc token` (tokens.Run): a token
// through MSAL, under the account's lock, refreshed when needed.
func MSALToken(f *cmdutil.Factory) tokens.Slow {
	return func(ctx context.Context, r tokens.Request) (credblob.Token, error) {
		tok, err := newManager(f).Token(ctx, r.Blobs, r.Environment, r.Account, auth.TokenRequest{Scopes: r.Scopes, TenantID: r.TenantID})
		if err != nil {
			return auth.Token{}, TokenError(err, &r.Account, r.TenantID, r.Scope)
		}
		return tok, nil
	}
}

// TokenError adds the next step to a token the identity provider did not
// give account acct for tenant (`azc token`, `azc exec`'s check before its
// child starts, `context list --refresh`), whose tokens the store of
// scope keeps: the sign-in that mends it names acct's cloud and tenant,
// and the process scope for the session's (cmdutil.LoginCommand).
func TokenError(err error, acct *profile.Account, tenant string, scope profile.Scope) error {
	var ae *auth.AADError
	var other *auth.OtherTenantError
	switch {
	case errors.Is(err, auth.ErrNoManagedIdentity):
		return cmdutil.WithHint(err, cmdutil.ExitFailure, "a managed identity's token is had where its endpoint is: run azc in the App Service, Functions or Container Apps app the identity is of, or use a context of another account")
	case errors.As(err, &other):
		return cmdutil.WithHint(err, cmdutil.ExitFailure, "use a context of tenant "+other.Home+", or sign in an account of tenant "+other.Tenant+" (`azc tenant list` lists the accounts' tenants)")
	case errors.Is(err, auth.ErrNotSignedIn) || errors.Is(err, auth.ErrInteractionRequired):
		return cmdutil.WithHint(err, cmdutil.ExitInteraction, "sign in again with `"+cmdutil.LoginCommand(acct, tenant, scope)+"`")
	case errors.As(err, &ae) && (ae.Code == "invalid_request" || ae.Code == "invalid_tenant" || ae.Code == "unauthorized_client"):
		// A tenant that does not exist (AADSTS90002), or one the
		// application is not registered in (AADSTS700016).
		return cmdutil.WithHint(err, cmdutil.ExitFailure, "check the tenant: the account must belong to it (`azc tenant list` lists the account's tenants)")
	case errors.As(err, &ae) && ae.Code == "invalid_scope":
		return cmdutil.WithHint(err, cmdutil.ExitFailure, "check the resource or scope: a resource URI (--resource) or one scope ending in /.default (--scope)")
	}
	return err
}
