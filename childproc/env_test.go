package childproc_test

import (
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/azcontext/azc/childproc"
)

func TestEnv(t *testing.T) {
	t.Parallel()
	server := []string{"IDENTITY_ENDPOINT=http://127.0.0.1:1/p/msi/token", "IDENTITY_HEADER=h", "ARM_USE_MSI=true", "ARM_MSI_ENDPOINT=http://127.0.0.1:1/p/msi/token"}
	full := childproc.Vars{
		Server: server, Context: "prod", TenantID: "tid", SubscriptionID: "sid",
		StorageAccount: "acct", ARMEnvironment: "china", AzureConfigDir: "/tmp/azc-az",
		Extra: []string{"REQUESTS_CA_BUNDLE=/tmp/azc-az/ca.pem"},
	}
	for _, tc := range []struct {
		name string
		base []string
		vars childproc.Vars
		want []string
	}{
		{
			name: "a clean environment gains the context's variables in a fixed order, AZURE_TENANT_ID only without a server",
			base: []string{"PATH=/bin", "HOME=/h", "REQUESTS_CA_BUNDLE=/etc/other.pem"},
			vars: full,
			want: append(append([]string{"PATH=/bin", "HOME=/h"}, server...),
				"AZC_CONTEXT=prod", "ARM_TENANT_ID=tid", "AZURE_SUBSCRIPTION_ID=sid",
				"ARM_SUBSCRIPTION_ID=sid", "AZURE_STORAGE_ACCOUNT=acct", "ARM_ENVIRONMENT=china", "AZURE_CONFIG_DIR=/tmp/azc-az",
				"REQUESTS_CA_BUNDLE=/tmp/azc-az/ca.pem"),
		},
		{
			name: "without a server the tenant is also AZURE_TENANT_ID",
			base: []string{"PATH=/bin"},
			vars: childproc.Vars{TenantID: "tid"},
			want: []string{"PATH=/bin", "AZURE_TENANT_ID=tid", "ARM_TENANT_ID=tid"},
		},
		{
			name: "storage keys, SAS tokens, connection strings, other clouds and other sign-in methods are removed",
			base: []string{
				"ARM_ACCESS_KEY=k", "ARM_SAS_TOKEN=s", "AZURE_STORAGE_KEY=k", "AZURE_STORAGE_ACCESS_KEY=k",
				"AZURE_STORAGE_CONNECTION_STRING=c", "AZURE_STORAGE_SAS_TOKEN=s", "ARM_USE_CLI=true",
				"AZURE_AUTHORITY_HOST=https://login.other/", "ARM_ENVIRONMENT=usgovernment", "ARM_METADATA_HOSTNAME=m",
				"ARM_AUXILIARY_TENANT_IDS=t", "AZURE_ADDITIONALLY_ALLOWED_TENANTS=*", "ARM_CLIENT_ID_FILE_PATH=f",
				"ARM_CLIENT_SECRET_FILE_PATH=f", "ARM_OIDC_AZURE_SERVICE_CONNECTION_ID=c", "ARM_USE_AKS_WORKLOAD_IDENTITY=true",
				"ACC_CLOUD=1", "AZURE_ACCESS_TOKEN_FILE=f", "IDENTITY_API_VERSION=v", "AZURE_CLIENT_SEND_CERTIFICATE_CHAIN=1",
				"AZURE_STORAGE_AUTH_MODE=login", "KEEP=1",
			},
			vars: childproc.Vars{Server: server},
			want: append([]string{"AZURE_STORAGE_AUTH_MODE=login", "KEEP=1"}, server...),
		},
		{
			name: "--keep-env keeps an inherited variable, and azc then does not set it",
			base: []string{"ARM_ACCESS_KEY=k", "AZURE_STORAGE_KEY=k", "ARM_SUBSCRIPTION_ID=mine"},
			vars: childproc.Vars{Server: server, SubscriptionID: "sid", Keep: []string{"arm_access_key", "ARM_SUBSCRIPTION_ID"}},
			want: append([]string{"ARM_ACCESS_KEY=k", "ARM_SUBSCRIPTION_ID=mine"}, append(server, "AZURE_SUBSCRIPTION_ID=sid")...),
		},
		{
			name: "competing credentials are removed, whatever their case",
			base: []string{
				"AZURE_CLIENT_SECRET=s", "AZURE_CLIENT_CERTIFICATE_PATH=p", "AZURE_CLIENT_CERTIFICATE_PASSWORD=p",
				"AZURE_USERNAME=u", "AZURE_PASSWORD=p", "AZURE_FEDERATED_TOKEN_FILE=f", "AZURE_CLIENT_ID=c",
				"MSI_ENDPOINT=m", "MSI_SECRET=m", "IDENTITY_SERVER_THUMBPRINT=t", "IMDS_ENDPOINT=i",
				"ARM_CLIENT_ID=c", "ARM_CLIENT_SECRET=s", "ARM_CLIENT_CERTIFICATE_PATH=p", "ARM_USE_OIDC=true",
				"ARM_OIDC_TOKEN=t", "ARM_OIDC_TOKEN_FILE_PATH=f", "ARM_OIDC_REQUEST_TOKEN=t", "ARM_OIDC_REQUEST_URL=u",
				"azure_client_secret=lower", "Arm_Client_Secret=mixed", "AZURE_TOKEN_CREDENTIALS=AzureCLICredential",
				"KEEP=1",
			},
			vars: childproc.Vars{Server: server},
			want: append([]string{"KEEP=1"}, server...),
		},
		{
			name: "inherited identity, tenant and subscription of an outer exec or a real App Service go, even without a server",
			base: []string{
				"IDENTITY_ENDPOINT=outer", "IDENTITY_HEADER=outer", "ARM_USE_MSI=true", "ARM_MSI_ENDPOINT=outer",
				"APPSETTING_WEBSITE_SITE_NAME=site", "AZC_CONTEXT=outer", "AZURE_TENANT_ID=outer",
				"ARM_TENANT_ID=outer", "AZURE_SUBSCRIPTION_ID=outer", "ARM_SUBSCRIPTION_ID=outer",
				"AZURE_STORAGE_ACCOUNT=outer",
			},
			vars: childproc.Vars{Context: "inner", TenantID: "t2"},
			want: []string{"AZC_CONTEXT=inner", "AZURE_TENANT_ID=t2", "ARM_TENANT_ID=t2"},
		},
		{
			name: "an inherited AZURE_CONFIG_DIR stays unless a private one is asked for",
			base: []string{"AZURE_CONFIG_DIR=/home/u/.azure"},
			vars: childproc.Vars{},
			want: []string{"AZURE_CONFIG_DIR=/home/u/.azure"},
		},
		{
			name: "a private AZURE_CONFIG_DIR replaces the inherited one",
			base: []string{"AZURE_CONFIG_DIR=/home/u/.azure"},
			vars: childproc.Vars{AzureConfigDir: "/tmp/x"},
			want: []string{"AZURE_CONFIG_DIR=/tmp/x"},
		},
		{
			name: "look-alike names, Windows drive entries and malformed entries are kept",
			base: []string{"AZURE_CLIENTS=1", "MY_AZURE_CLIENT_ID=1", "=C:=C:\\dir", "NOEQUALS", "", "AZURE_CLIENT_ID"},
			vars: childproc.Vars{},
			want: []string{"AZURE_CLIENTS=1", "MY_AZURE_CLIENT_ID=1", "=C:=C:\\dir", "NOEQUALS", ""},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			base := slices.Clone(tc.base)
			got := childproc.Env(base, tc.vars)
			if !slices.Equal(got, tc.want) {
				t.Errorf("Env =\n %q\nwant\n %q", got, tc.want)
			}
			if !slices.Equal(base, tc.base) {
				t.Error("Env modified its input")
			}
		})
	}
}

// TestEveryDocumentedVariableIsRemoved holds Removed to the list in
// docs/exec.md ("Removed variables"): every name there (a family NAME_*
// by one member) is removed, except those azc removes only when it sets
// them itself.
func TestEveryDocumentedVariableIsRemoved(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../docs/exec.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "### Removed variables")
	if !ok {
		t.Fatal("docs/exec.md has no \"Removed variables\" section")
	}
	section, _, _ = strings.Cut(section, "`--keep-env VAR`")
	conditional := map[string]bool{"AZURE_CONFIG_DIR": true, "REQUESTS_CA_BUNDLE": true, "SSL_CERT_FILE": true, "NODE_EXTRA_CA_CERTS": true}
	names := regexp.MustCompile("`([A-Z][A-Z0-9_]*\\*?)`").FindAllStringSubmatch(section, -1)
	if len(names) < 40 {
		t.Fatalf("found only %d names in the section", len(names))
	}
	for _, m := range names {
		n := strings.Replace(m[1], "*", "SECRET", 1)
		if conditional[n] {
			continue
		}
		if !childproc.Removed(n) {
			t.Errorf("%s is documented as removed, but Removed(%q) is false", m[1], n)
		}
		if env := childproc.Env([]string{n + "=x"}, childproc.Vars{Server: []string{"IDENTITY_ENDPOINT=e"}}); slices.Contains(env, n+"=x") {
			t.Errorf("%s reaches the child", n)
		}
	}
}

// TestGetenvReadsTheVariableAsTheChildWould: the last entry wins, and on
// Windows a name in another case is the same variable (exec read a
// parent's `Node_Extra_CA_Certs` as unset there, and replaced it with the
// cloud's CA alone), while on Unix it is another.
func TestGetenvReadsTheVariableAsTheChildWould(t *testing.T) {
	env := []string{"NODE_EXTRA_CA_CERTS=/first.pem", "NODE_EXTRA_CA_CERTS=/last.pem", "Node_Extra_CA_Certs=/other-case.pem", "OTHER=x"}
	want := "/last.pem"
	if runtime.GOOS == "windows" {
		want = "/other-case.pem"
	}
	if got := childproc.Getenv(env, "NODE_EXTRA_CA_CERTS"); got != want {
		t.Errorf("Getenv = %q, want %q", got, want)
	}
	if got := childproc.Getenv(env, "MISSING"); got != "" {
		t.Errorf("Getenv of a variable env lacks = %q", got)
	}
}
