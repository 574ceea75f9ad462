package childproc

import "strings"

// Vars are the variables azc gives a child for one context. Empty fields
// are not set (and any inherited value of theirs is removed).
type Vars struct {
	// Server holds "NAME=value" entries pointing the child at a credential
	// server (credserver.Server.Env); nil when none runs (`--no-server`).
	Server []string
	// Context is the context's name, exported as AZC_CONTEXT so that azc
	// run inside the child picks the same context.
	Context string
	// TenantID becomes AZURE_TENANT_ID and ARM_TENANT_ID.
	TenantID string
	// SubscriptionID becomes AZURE_SUBSCRIPTION_ID and ARM_SUBSCRIPTION_ID.
	SubscriptionID string
	// StorageAccount becomes AZURE_STORAGE_ACCOUNT.
	StorageAccount string
	// AzureConfigDir becomes AZURE_CONFIG_DIR: a private directory for the
	// az CLI, which keeps a managed identity login in its profile. Empty
	// leaves an inherited AZURE_CONFIG_DIR alone.
	AzureConfigDir string
	// TokenCredentials becomes AZURE_TOKEN_CREDENTIALS ("prod" keeps an
	// SDK's DefaultAzureCredential off developer-tool credentials, which
	// would be someone else's identity). Empty removes an inherited value.
	TokenCredentials string
}

// Env returns the child's environment: base, minus every variable that
// would make an Azure SDK, the az CLI or Terraform pick a credential other
// than the one azc serves, minus every variable azc sets itself, plus vars.
// base is not modified. Names are matched case-insensitively, as Windows
// does; the order of the kept entries is preserved.
func Env(base []string, v Vars) []string {
	env := make([]string, 0, len(base)+len(v.Server)+10)
	for _, kv := range base {
		if removed(strings.ToUpper(name(kv)), v) {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, v.Server...)
	add := func(name, value string) {
		if value != "" {
			env = append(env, name+"="+value)
		}
	}
	add("AZC_CONTEXT", v.Context)
	add("AZURE_TENANT_ID", v.TenantID)
	add("ARM_TENANT_ID", v.TenantID)
	add("AZURE_SUBSCRIPTION_ID", v.SubscriptionID)
	add("ARM_SUBSCRIPTION_ID", v.SubscriptionID)
	add("AZURE_STORAGE_ACCOUNT", v.StorageAccount)
	add("AZURE_CONFIG_DIR", v.AzureConfigDir)
	add("AZURE_TOKEN_CREDENTIALS", v.TokenCredentials)
	return env
}

// name returns the variable name of a "NAME=value" entry. A leading '=' is
// part of the name (Windows keeps "=C:=C:\dir" entries).
func name(kv string) string {
	if kv == "" {
		return ""
	}
	if i := strings.IndexByte(kv[1:], '='); i >= 0 {
		return kv[:i+1]
	}
	return kv
}

// removed reports whether an inherited variable (upper-case name) must not
// reach the child.
func removed(upper string, v Vars) bool {
	switch upper {
	// Set by azc itself: an inherited value would point at another
	// identity, tenant or subscription (a real App Service, an outer exec).
	case "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "ARM_USE_MSI", "ARM_MSI_ENDPOINT",
		"APPSETTING_WEBSITE_SITE_NAME", "MSI_ENDPOINT", "MSI_SECRET",
		"AZC_CONTEXT", "AZURE_TENANT_ID", "ARM_TENANT_ID", "AZURE_SUBSCRIPTION_ID",
		"ARM_SUBSCRIPTION_ID", "AZURE_STORAGE_ACCOUNT", "AZURE_TOKEN_CREDENTIALS":
		return true
	// Azure SDKs: EnvironmentCredential and WorkloadIdentityCredential come
	// before managed identity in DefaultAzureCredential; AZURE_CLIENT_ID
	// makes it ask for a user-assigned identity; the others select another
	// managed identity source (Service Fabric, Arc, IMDS).
	case "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH", "AZURE_CLIENT_CERTIFICATE_PASSWORD",
		"AZURE_CLIENT_SEND_CERTIFICATE_CHAIN", "AZURE_USERNAME", "AZURE_PASSWORD",
		"AZURE_FEDERATED_TOKEN_FILE", "AZURE_CLIENT_ID", "IDENTITY_SERVER_THUMBPRINT",
		"IMDS_ENDPOINT", "AZURE_POD_IDENTITY_AUTHORITY_HOST":
		return true
	// Terraform (azurerm, azapi, go-azure-sdk): client secret, certificate
	// and OIDC come before MSI; ARM_CLIENT_ID selects a user-assigned one.
	case "ARM_CLIENT_ID", "ARM_CLIENT_ID_FILE_PATH", "ARM_CLIENT_SECRET", "ARM_CLIENT_SECRET_FILE_PATH",
		"ARM_CLIENT_CERTIFICATE", "ARM_CLIENT_CERTIFICATE_PATH", "ARM_CLIENT_CERTIFICATE_PASSWORD",
		"ARM_USE_OIDC", "ARM_OIDC_TOKEN", "ARM_OIDC_TOKEN_FILE_PATH", "ARM_OIDC_REQUEST_TOKEN",
		"ARM_OIDC_REQUEST_URL", "ARM_OIDC_AZURE_SERVICE_CONNECTION_ID",
		"ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID", "ARM_USE_AKS_WORKLOAD_IDENTITY":
		return true
	case "AZURE_CONFIG_DIR":
		return v.AzureConfigDir != ""
	}
	return false
}
