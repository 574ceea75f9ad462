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
// resource id, a user to nothing. A managed identity signed in by one of
// its ids (or by none: a system-assigned one) answers to the others too,
// which its token names (appid, xms_mirid): a program under `azc exec -c
// MI` that selects that identity by its resource id was refused, "mi_res_id
// does not name it", where App Service serves it.
func TestIdentityNamesWhatSelectorsMayName(t *testing.T) {
	t.Parallel()
	jwt := func(claims string) string {
		return "eyJhbGciOiJub25lIn0." + base64.RawURLEncoding.EncodeToString([]byte(claims)) + ".sig"
	}
	token := jwt(`{"oid":"object-1","tid":"t"}`)
	miToken := jwt(`{"oid":"object-1","tid":"t","appid":"client-1","xms_mirid":"/mi/1"}`)
	for _, tc := range []struct {
		name string
		acct profile.Account
		want credserver.Identity
	}{
		{"a managed identity signed in by its client id", profile.Account{ID: "mi", Type: profile.ManagedIdentity, ClientID: "client-1"},
			credserver.Identity{ClientID: "client-1", ObjectID: "object-1", ResourceID: "/mi/1"}},
		{"a managed identity signed in by its resource id", profile.Account{ID: "mi", Type: profile.ManagedIdentity, ResourceID: "/mi/1"},
			credserver.Identity{ClientID: "client-1", ObjectID: "object-1", ResourceID: "/mi/1"}},
		{"a system-assigned managed identity", profile.Account{ID: "systemAssignedIdentity", Type: profile.ManagedIdentity},
			credserver.Identity{ClientID: "client-1", ObjectID: "object-1", ResourceID: "/mi/1"}},
		{"a user, whose token's appid is its sign-in app's", profile.Account{ID: "alice@contoso.test", Type: profile.UserAccount}, credserver.Identity{}},
	} {
		if got := identity(&tc.acct, execute.ReadTokenIdentity(miToken)); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
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
		if got := identity(&tc.acct, execute.ReadTokenIdentity(token)); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
	if got := execute.ReadTokenIdentity("not a jwt"); got != (execute.TokenIdentity{}) {
		t.Errorf("the ids of a non-JWT: %+v", got)
	}
}
