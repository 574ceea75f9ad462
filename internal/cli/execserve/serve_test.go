package execserve

import (
	"encoding/base64"
	"testing"

	"github.com/azcontext/azc/credserver"
	"github.com/azcontext/azc/internal/cli/execute"
	"github.com/azcontext/azc/profile"
)

func TestAllowedHosts(t *testing.T) {
	t.Parallel()
	envs := profile.BuiltinEnvironments()
	custom := profile.Environment{Name: "emulator", ARMEndpoint: "https://127.0.0.1:8443/", ARMAudience: "https://management.core.windows.net/"}
	for _, tc := range []struct {
		env      profile.Environment
		resource string
		ok       bool
	}{
		{envs[0], "https://management.azure.com/", true},
		{envs[0], "https://management.core.windows.net/", true},
		{envs[0], "https://vault.azure.net", true},
		{envs[0], "https://myacct.blob.core.windows.net", true},
		{envs[0], "https://graph.microsoft.com", true},
		{envs[0], "https://management.chinacloudapi.cn/", false},
		{envs[0], "https://attacker.example/", false},
		{envs[1], "https://management.chinacloudapi.cn/", true},
		{envs[1], "https://management.core.chinacloudapi.cn/", true},
		{envs[1], "https://management.azure.com/", false},
		{envs[2], "https://management.usgovcloudapi.net/", true},
		{envs[2], "https://vault.usgovcloudapi.net", true},
		{envs[2], "https://management.azure.com/", false},
		{custom, "https://127.0.0.1:8443/", true},
		{custom, "https://management.core.windows.net/", true},
		{custom, "https://management.azure.com/", true},
		{custom, "https://management.azure.com", true},
		{custom, "https://management.core.windows.net", true},
		{custom, "https://vault.azure.net", false},
	} {
		err := credserver.AllowHosts(allowedHosts(tc.env)...)(tc.resource)
		if (err == nil) != tc.ok {
			t.Errorf("%s: %s: %v, want ok=%v", tc.env.Name, tc.resource, err, tc.ok)
		}
	}
}

// TestIdentityNamesWhatSelectorsMayName: a service principal answers to
// its application id and its token's oid, a managed identity also to its
// resource id, a user to nothing.
func TestIdentityNamesWhatSelectorsMayName(t *testing.T) {
	t.Parallel()
	token := "eyJhbGciOiJub25lIn0." + base64.RawURLEncoding.EncodeToString([]byte(`{"oid":"object-1","tid":"t"}`)) + ".sig"
	for _, tc := range []struct {
		name string
		acct profile.Account
		want credserver.Identity
	}{
		{"a service principal", profile.Account{ID: "app-1", Type: profile.ServicePrincipal}, credserver.Identity{ClientID: "app-1", ObjectID: "object-1"}},
		{"a managed identity", profile.Account{ID: "mi", Type: profile.ManagedIdentity, ClientID: "client-1", ResourceID: "/mi/1"},
			credserver.Identity{ClientID: "client-1", ObjectID: "object-1", ResourceID: "/mi/1"}},
		{"a user", profile.Account{ID: "alice@contoso.test", Type: profile.UserAccount}, credserver.Identity{}},
	} {
		if got := identity(&tc.acct, execute.ObjectID(token)); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
	if got := execute.ObjectID("not a jwt"); got != "" {
		t.Errorf("objectID of a non-JWT = %q", got)
	}
}
