package credserver

import (
	"context"
	"fmt"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/azcontext/azc/secret"
)

// CredentialSource serves the tokens of an azcore.TokenCredential (such as
// the one azc keeps per context): a request for resource R asks cred for
// the scope R + "/.default" in tenantID ("" leaves the tenant to cred).
// Warm requests cost what cred's warm GetToken costs.
func CredentialSource(cred azcore.TokenCredential, tenantID string) TokenSource {
	return TokenSourceFunc(func(ctx context.Context, resource string) (Token, error) {
		tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{
			Scopes:   []string{resource + "/.default"},
			TenantID: tenantID,
		})
		if err != nil {
			return Token{}, fmt.Errorf("getting a token for %s: %w", resource, err)
		}
		return Token{AccessToken: secret.New(tok.Token), ExpiresOn: tok.ExpiresOn}, nil
	})
}
