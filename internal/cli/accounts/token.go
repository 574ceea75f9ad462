package accounts

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/azcontext/azc/auth"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/tokencmd"
	"github.com/azcontext/azc/internal/credblob"
)

// TokenOptions is argv of `azc token`.
type TokenOptions = tokencmd.Options

// NewCmdToken is azc-full's `azc token` (Get-AzAccessToken; az account
// get-access-token): package tokencmd's command, which serves warm tokens
// from the cache, with MSAL (auth.Manager.Token) as its slow path. runF,
// when not nil, runs instead (tests of argv → Options).
func NewCmdToken(f *cmdutil.Factory, runF func(*TokenOptions) error) *cobra.Command {
	return tokencmd.NewCmd(f, msalToken(f), runF)
}

// msalToken gets a token through MSAL: under the account's lock, refreshing
// it when needed.
func msalToken(f *cmdutil.Factory) tokencmd.Slow {
	return func(ctx context.Context, r tokencmd.Request) (credblob.Token, error) {
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
