package cmdutil

import (
	"strings"

	"github.com/azcontext/azc/internal/termsafe"
	"github.com/azcontext/azc/profile"
)

// LoginCommand is the `azc login` that signs account a in again, to
// tenant when it is not empty (a service principal's to its home tenant
// then): what names a service principal, managed identity or access
// token's account, the tenant, and the cloud when it is not the default,
// each value a shell word to paste, and `--scope process` when the
// account's tokens are to be the shell's (scope, a context of the session
// whose tokens the session keeps): a sign-in at user scope would leave
// the session's tokens as they are. What azc does not keep, a secret,
// certificate or token, is the placeholder FILE.
func LoginCommand(a *profile.Account, tenant string, scope profile.Scope) string {
	const placeholder = "FILE"
	q := termsafe.ShellWord
	or := func(value string) string {
		if value == "" {
			return placeholder
		}
		return q(value)
	}
	words := []string{"azc", "login"}
	switch a.Type {
	case profile.ServicePrincipal:
		words = append(words, "--service-principal", "--client-id", q(a.ID))
		if tenant == "" {
			tenant = a.HomeTenantID
		}
	case profile.ManagedIdentity:
		words = append(words, "--identity")
		switch {
		case a.ClientID != "":
			words = append(words, "--client-id", q(a.ClientID))
		case a.ResourceID != "":
			words = append(words, "--resource-id", q(a.ResourceID))
		}
		tenant = ""
	case profile.AccessToken:
		words = append(words, "--access-token-file", placeholder, "--account-id", q(a.ID))
		tenant = ""
	}
	if tenant != "" {
		words = append(words, "--tenant", q(tenant))
	}
	if a.Environment != "" && !profile.SameName(a.Environment, profile.DefaultEnvironment) {
		words = append(words, "--environment", q(a.Environment))
	}
	if a.Type == profile.ServicePrincipal {
		switch a.Credential {
		case profile.CredentialFederated:
			words = append(words, "--federated-token-file", or(a.FederatedTokenFile))
		case profile.CredentialCertificate:
			words = append(words, "--certificate", placeholder)
		default:
			words = append(words, "--client-secret-file", placeholder)
		}
	}
	if scope == profile.ScopeProcess {
		words = append(words, "--scope", "process")
	}
	return strings.Join(words, " ")
}
