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
	// ContextKey is the context's identity with its name
	// (azc.ContextKey), exported as AZC_CONTEXT_KEY: azc inside the child
	// keeps that context although another shell renames it or re-points
	// its name, while AZC_CONTEXT still holds the name.
	ContextKey string
	// TenantID becomes ARM_TENANT_ID, and AZURE_TENANT_ID when no server
	// runs. With a server, AZURE_TENANT_ID is left out: managed identity
	// needs no tenant, and a lone AZURE_TENANT_ID makes Python's
	// EnvironmentCredential warn "Incomplete environment configuration" in
	// every DefaultAzureCredential.
	TenantID string
	// SubscriptionID becomes AZURE_SUBSCRIPTION_ID and ARM_SUBSCRIPTION_ID.
	SubscriptionID string
	// StorageAccount becomes AZURE_STORAGE_ACCOUNT.
	StorageAccount string
	// ARMEnvironment becomes ARM_ENVIRONMENT (Terraform's name of a built-in
	// cloud: "public", "china", "usgovernment").
	ARMEnvironment string
	// AzureConfigDir becomes AZURE_CONFIG_DIR: a private directory for the
	// az CLI, which keeps a managed identity login in its profile. Empty
	// leaves an inherited AZURE_CONFIG_DIR alone.
	AzureConfigDir string
	// Extra holds further "NAME=value" entries azc sets (the CA bundle
	// variables of a custom cloud); an inherited variable of the same name
	// is removed.
	Extra []string
	// Keep names inherited variables that reach the child although the
	// rules of [Removed] would remove them (`azc exec --keep-env`). azc
	// does not set a kept variable itself.
	Keep []string
}

// Env returns the child's environment: base, minus every variable that
// would make an Azure SDK, the az CLI or Terraform pick a credential,
// cloud, tenant or subscription other than the ones azc serves (see
// [Removed]) unless v.Keep names it, minus every variable azc sets itself,
// plus vars. base is not modified. Names are matched case-insensitively, as
// Windows does; the order of the kept entries is preserved.
func Env(base []string, v Vars) []string {
	keep := make(map[string]bool, len(v.Keep))
	for _, k := range v.Keep {
		keep[strings.ToUpper(k)] = true
	}
	extra := make(map[string]bool, len(v.Extra))
	for _, kv := range v.Extra {
		extra[strings.ToUpper(name(kv))] = true
	}
	env := make([]string, 0, len(base)+len(v.Server)+len(v.Extra)+10)
	for _, kv := range base {
		n := strings.ToUpper(name(kv))
		if !keep[n] && (Removed(n) || extra[n] || (n == "AZURE_CONFIG_DIR" && v.AzureConfigDir != "")) {
			continue
		}
		env = append(env, kv)
	}
	add := func(kv string) {
		if n, value, _ := strings.Cut(kv, "="); value != "" && !keep[strings.ToUpper(n)] {
			env = append(env, kv)
		}
	}
	for _, kv := range v.Server {
		add(kv)
	}
	add("AZC_CONTEXT=" + v.Context)
	add("AZC_CONTEXT_KEY=" + v.ContextKey)
	if v.Server == nil {
		add("AZURE_TENANT_ID=" + v.TenantID)
	}
	add("ARM_TENANT_ID=" + v.TenantID)
	add("AZURE_SUBSCRIPTION_ID=" + v.SubscriptionID)
	add("ARM_SUBSCRIPTION_ID=" + v.SubscriptionID)
	add("AZURE_STORAGE_ACCOUNT=" + v.StorageAccount)
	add("ARM_ENVIRONMENT=" + v.ARMEnvironment)
	add("AZURE_CONFIG_DIR=" + v.AzureConfigDir)
	for _, kv := range v.Extra {
		add(kv)
	}
	return env
}

// Getenv is the value of the variable name in env, a "NAME=value" list, as
// the process given env sees it: the last entry of that variable wins, as
// in the environment os/exec gives a child, and on Windows a name in any
// case is the variable (`Path`, `No_Proxy`).
func Getenv(env []string, name string) string {
	v := ""
	for _, kv := range env {
		if n, val, ok := strings.Cut(kv, "="); ok && sameVar(n, name) {
			v = val
		}
	}
	return v
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

// removedPrefixes are families of credential variables removed whole.
var removedPrefixes = [...]string{
	"AZURE_CLIENT_", // azure-identity's client id, secret, certificate and its password
	"ARM_CLIENT_",   // Terraform's client id, secret, certificate, and their _FILE_PATH forms
	"ARM_OIDC_",     // Terraform's OIDC token, token file and request URL and token
}

// Removed reports whether an inherited variable (given by its upper-case
// name) never reaches a child of `azc exec` unless kept on purpose: it
// would make an Azure SDK, the az CLI or Terraform use a credential other
// than the context's, or another cloud, tenant, subscription or storage
// account. docs/exec.md lists the same names.
func Removed(upper string) bool {
	for _, p := range removedPrefixes {
		if strings.HasPrefix(upper, p) {
			return true
		}
	}
	switch upper {
	// Set by azc itself: an inherited value would point at another
	// identity, tenant or subscription (a real App Service, an outer exec).
	case "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "ARM_USE_MSI", "ARM_MSI_ENDPOINT",
		"APPSETTING_WEBSITE_SITE_NAME", "MSI_ENDPOINT", "MSI_SECRET",
		"AZC_CONTEXT", "AZC_CONTEXT_KEY", "AZURE_TENANT_ID", "ARM_TENANT_ID", "AZURE_SUBSCRIPTION_ID",
		"ARM_SUBSCRIPTION_ID", "AZURE_STORAGE_ACCOUNT", "AZURE_TOKEN_CREDENTIALS", "ARM_ENVIRONMENT":
		return true
	// Azure SDKs: EnvironmentCredential and WorkloadIdentityCredential come
	// before managed identity in DefaultAzureCredential; the authority host
	// and tenant lists send them to another cloud or tenant; the others
	// select another managed identity source (Service Fabric, Arc, IMDS,
	// Cloud Shell).
	case "AZURE_USERNAME", "AZURE_PASSWORD", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_AUTHORITY_HOST",
		"AZURE_ADDITIONALLY_ALLOWED_TENANTS", "AZURE_REGIONAL_AUTHORITY_NAME",
		"IDENTITY_SERVER_THUMBPRINT", "IDENTITY_API_VERSION", "IMDS_ENDPOINT",
		"AZURE_POD_IDENTITY_AUTHORITY_HOST", "ACC_CLOUD", "AZURE_ACCESS_TOKEN_FILE":
		return true
	// Storage keys, SAS tokens and connection strings (az storage, the
	// storage SDKs and Terraform's azurerm backend use them before any
	// token).
	case "AZURE_STORAGE_KEY", "AZURE_STORAGE_ACCESS_KEY", "AZURE_STORAGE_CONNECTION_STRING",
		"AZURE_STORAGE_SAS_TOKEN", "ARM_ACCESS_KEY", "ARM_SAS_TOKEN":
		return true
	// The az CLI: AZURE_CLOUD_NAME overrides the cloud of its configuration
	// (the context's, in the private AZURE_CONFIG_DIR), whose account it
	// then does not find.
	case "AZURE_CLOUD_NAME":
		return true
	// Terraform (azurerm, azapi, go-azure-sdk): sign-in methods that come
	// before MSI, or another cloud's metadata and other tenants.
	case "ARM_USE_OIDC", "ARM_USE_CLI", "ARM_USE_AKS_WORKLOAD_IDENTITY",
		"ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID", "ARM_METADATA_HOSTNAME", "ARM_METADATA_HOST",
		"ARM_AUXILIARY_TENANT_IDS", "ARM_MSI_API_VERSION":
		return true
	}
	return false
}
