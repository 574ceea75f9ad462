package accounts

import (
	"context"
	"errors"

	"github.com/azcontext/azc/auth"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/tokens"
	"github.com/azcontext/azc/internal/credblob"
)

// MSALToken is azc-full's slow path of `azc token` (tokens.Run): a token
// through MSAL, under the account's lock, refreshed when needed.
func MSALToken(f *cmdutil.Factory) tokens.Slow {
	return func(ctx context.Context, r tokens.Request) (credblob.Token, error) {
		tok, err := newManager(f).Token(ctx, r.Blobs, r.Environment, r.Account, auth.TokenRequest{Scopes: r.Scopes, TenantID: r.TenantID})
		if err != nil {
			return auth.Token{}, tokenError(err)
		}
		return tok, nil
	}
}

func tokenError(err error) error {
	if errors.Is(err, auth.ErrNotSignedIn) || errors.Is(err, auth.ErrInteractionRequired) {
		return cmdutil.WithHint(err, cmdutil.ExitInteraction, "sign in again with `azc login`")
	}
	return err
}
