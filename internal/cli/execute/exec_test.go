package execute

import (
	"encoding/base64"
	"slices"
	"testing"

	"github.com/azcontext/azc/credserver"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/profile"
)

func TestArgvToOptions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name                          string
		argv                          []string
		wantArgs                      []string
		noServer, legacy, privateConf bool
		keep                          []string
		wantErr                       bool
	}{
		{name: "a command after -- is served with the legacy protocol and a private az config dir", argv: []string{"--", "terraform", "plan", "-out", "x"}, wantArgs: []string{"terraform", "plan", "-out", "x"}, legacy: true, privateConf: true},
		{name: "flags after the command belong to the command", argv: []string{"python3", "--no-server", "-c", "x"}, wantArgs: []string{"python3", "--no-server", "-c", "x"}, legacy: true, privateConf: true},
		{name: "--no-server has neither", argv: []string{"--no-server", "--", "env"}, wantArgs: []string{"env"}, noServer: true},
		{name: "--legacy-msi=false serves only the current protocol", argv: []string{"--legacy-msi=false", "--", "az"}, wantArgs: []string{"az"}, privateConf: true},
		{name: "--private-az-config=false leaves az's own config", argv: []string{"--private-az-config=false", "--", "az"}, wantArgs: []string{"az"}, legacy: true},
		{name: "--keep-env is repeatable", argv: []string{"--keep-env", "ARM_ACCESS_KEY", "--keep-env=AZURE_STORAGE_KEY", "--", "x"}, wantArgs: []string{"x"}, legacy: true, privateConf: true, keep: []string{"ARM_ACCESS_KEY", "AZURE_STORAGE_KEY"}},
		{name: "no command is a usage error", argv: []string{}, wantErr: true},
		{name: "--no-server and --legacy-msi exclude each other", argv: []string{"--no-server", "--legacy-msi", "--", "x"}, wantErr: true},
		{name: "--no-server and --private-az-config exclude each other", argv: []string{"--no-server", "--private-az-config", "--", "x"}, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, _ := cmdutil.Test()
			var got *ExecOptions
			cmd := NewCmdExec(&cmdutil.Factory{IOStreams: ios}, func(o *ExecOptions) error { got = o; return nil })
			cmd.SetArgs(tc.argv)
			cmd.SetOut(ios.Out)
			cmd.SetErr(ios.ErrOut)
			err := cmd.Execute()
			if (err != nil) != tc.wantErr {
				t.Fatalf("Execute = %v, want error %v", err, tc.wantErr)
			}
			if tc.wantErr {
				return
			}
			if !slices.Equal(got.Args, tc.wantArgs) || got.NoServer != tc.noServer || got.LegacyMSI != tc.legacy || got.PrivateAzConfig != tc.privateConf || !slices.Equal(got.KeepEnv, tc.keep) {
				t.Errorf("options %+v", *got)
			}
		})
	}
}

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
		if got := identity(&tc.acct, token); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
	if got := objectID("not a jwt"); got != "" {
		t.Errorf("objectID of a non-JWT = %q", got)
	}
}
