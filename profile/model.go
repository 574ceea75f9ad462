// Package profile holds azc's data model (environments, accounts, tenants,
// subscriptions, contexts) and the user-scope store that keeps them in
// profile.json, safe under any number of concurrent processes and crashes.
package profile

import "bytes"

// FormatVersion is the profile.json format version this build writes.
// A profile with a higher version is refused rather than rewritten.
const FormatVersion = 1

// Scope says where a change is kept.
type Scope int

const (
	// ScopeUser persists the change in the profile (Azure PowerShell's CurrentUser).
	ScopeUser Scope = iota + 1
	// ScopeProcess keeps the change in the session only (Azure PowerShell's Process).
	ScopeProcess
)

// AccountType says what kind of principal an account is.
type AccountType string

// The account types: a user, a service principal, a managed identity, and
// an account known only by an access token it was given.
const (
	UserAccount      AccountType = "user"
	ServicePrincipal AccountType = "servicePrincipal"
	ManagedIdentity  AccountType = "managedIdentity"
	AccessToken      AccountType = "accessToken"
)

// Environment is a cloud.
type Environment struct {
	Name          string `json:"name"`
	AuthorityHost string `json:"authorityHost"` // e.g. https://login.microsoftonline.com/
	ARMEndpoint   string `json:"armEndpoint"`   // e.g. https://management.azure.com/
	ARMAudience   string `json:"armAudience"`   // e.g. https://management.core.windows.net/
	CAFile        string `json:"caFile,omitempty"`
	BuiltIn       bool   `json:"builtIn,omitempty"`
}

// Account is a signed-in principal. It never holds a secret: those live in
// the credential store under Key().
type Account struct {
	ID            string      `json:"id"` // UPN, application id, managed identity id, or the access token's account id
	Type          AccountType `json:"type"`
	Environment   string      `json:"environment"`
	HomeTenantID  string      `json:"homeTenantId,omitempty"`
	HomeAccountID string      `json:"homeAccountId,omitempty"` // MSAL's uid.utid
	// Credential describes how a service principal proves itself:
	// CredentialSecret, CredentialCertificate or CredentialFederated.
	Credential         string   `json:"credential,omitempty"`
	FederatedTokenFile string   `json:"federatedTokenFile,omitempty"`
	ClientID           string   `json:"clientId,omitempty"`   // managed identity: user-assigned client id
	ResourceID         string   `json:"resourceId,omitempty"` // managed identity: user-assigned resource id
	Tenants            []string `json:"tenants,omitempty"`
}

// Known reports whether azc knows a's type and, for a service principal,
// its credential kind ("" is known: an import from a file that holds no
// secret); else it returns the field it does not know ("type" or
// "credential kind") and its value. An account azc does not know (a
// profile.json edited by hand, or written by a newer azc) gets no token.
func (a *Account) Known() (field, value string, ok bool) {
	switch a.Type {
	case UserAccount, ManagedIdentity, AccessToken:
		return "", "", true
	case ServicePrincipal:
		switch a.Credential {
		case "", CredentialSecret, CredentialCertificate, CredentialFederated:
			return "", "", true
		}
		return "credential kind", a.Credential, false
	}
	return "type", string(a.Type), false
}

// The kinds of service principal credential (Account.Credential).
const (
	CredentialSecret      = "secret"
	CredentialCertificate = "certificate"
	CredentialFederated   = "federated"
)

// Tenant is a directory.
type Tenant struct {
	ID            string `json:"id"`
	DefaultDomain string `json:"defaultDomain,omitempty"`
	DisplayName   string `json:"displayName,omitempty"`
}

// Subscription is an Azure subscription.
type Subscription struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	State    string `json:"state,omitempty"`
	TenantID string `json:"tenantId"`
}

// Context is a named (account, tenant, optional subscription, environment)
// tuple. Names are unique under SameName.
type Context struct {
	Name           string            `json:"name"`
	Account        string            `json:"account"` // Account.Key() of the account it uses
	Environment    string            `json:"environment"`
	Tenant         Tenant            `json:"tenant"`
	Subscription   *Subscription     `json:"subscription,omitempty"`
	StorageAccount string            `json:"storageAccount,omitempty"`
	Properties     map[string]string `json:"properties,omitempty"`
}

// Settings are user-wide settings.
type Settings struct {
	// Autosave is nil when never set: the default is on.
	Autosave *bool `json:"autosave,omitempty"`
}

// Profile is the whole state of one scope: profile.json for the user scope,
// and the same shape (encrypted) for a session.
type Profile struct {
	Version         int           `json:"version"`
	Generation      uint64        `json:"generation"`
	DefaultContext  string        `json:"defaultContext,omitempty"`
	PreviousContext string        `json:"previousContext,omitempty"`
	Settings        Settings      `json:"settings"`
	Environments    []Environment `json:"environments,omitempty"` // custom ones only
	Accounts        []Account     `json:"accounts,omitempty"`
	Contexts        []Context     `json:"contexts,omitempty"`
}

// CAFilePEM is the PEM of a CA file's contents, data: without the UTF-8
// byte order mark that a Windows editor may write before it, which
// OpenSSL, curl and Python skip and Go's PEM decoder does not.
func CAFilePEM(data []byte) []byte {
	return bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
}
