package cli

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/azcontext/azc/internal/cli/accounts"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/contexts"
	"github.com/azcontext/azc/profile"
)

// TestSignInCommandsFillTheirOptions: login, logout and use turn argv into
// their Options and hand them to their run functions untouched.
func TestSignInCommandsFillTheirOptions(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := cmdutil.Test()
	f := &cmdutil.Factory{IOStreams: ios, Getenv: func(string) string { return "" }}
	var login *accounts.LoginOptions
	if err := runArgs(f, newCmdLogin(f, func(o *accounts.LoginOptions) error { login = o; return nil }),
		"--service-principal", "--client-id", "app", "--client-secret-file", "-", "--tenant", "t", "--max-contexts", "3", "--scope", "user"); err != nil ||
		!login.ServicePrincipal || login.ClientID != "app" || login.ClientSecretFile != "-" || login.Tenant != "t" || login.MaxContexts != 3 ||
		login.Scope != "user" || login.Environment != "AzureCloud" {
		t.Errorf("login: %+v, %v", login, err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want accounts.LogoutOptions
	}{
		{"an account is named", []string{"alice@contoso.com"}, accounts.LogoutOptions{Account: "alice@contoso.com"}},
		{"--all signs every account out", []string{"--all"}, accounts.LogoutOptions{All: true}},
		{"-c names the context whose account goes", []string{"-c", "Dev", "--scope", "process"}, accounts.LogoutOptions{Ref: "Dev", Scope: "process"}},
	} {
		var got *accounts.LogoutOptions
		if err := runArgs(f, newCmdLogout(f, func(o *accounts.LogoutOptions) error { got = o; return nil }), tc.args...); err != nil || *got != tc.want {
			t.Errorf("logout, %s: %+v, %v; want %+v", tc.name, got, err, tc.want)
		}
	}
	var use *contexts.UseOptions
	if err := runArgs(f, newCmdUse(f, func(o *contexts.UseOptions) error { use = o; return nil }), "-", "--scope", "process"); err != nil ||
		*use != (contexts.UseOptions{Ref: "-", Scope: "process"}) {
		t.Errorf("use: %+v, %v", use, err)
	}
}

// TestTheSignInAgainHintIsALoginThatSignsTheAccountIn: the command a hint
// gives to sign an account in again (cmdutil.LoginCommand), read by a
// shell and parsed by `azc login`'s own flags, passes its check and signs
// in the same account: its kind, id, cloud and tenant, and the federated
// token file azc keeps. Only the placeholder FILE is the user's to fill in.
func TestTheSignInAgainHintIsALoginThatSignsTheAccountIn(t *testing.T) {
	t.Parallel()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh here to read the command as a user's shell would")
	}
	const home, other = "aaaaaaaa-0000-0000-0000-000000000001", "bbbbbbbb-0000-0000-0000-000000000002"
	for _, tc := range []struct {
		name   string
		acct   profile.Account
		tenant string
		scope  profile.Scope
		want   accounts.LoginOptions
	}{
		{"a user of AzureCloud", profile.Account{ID: "alice@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: home}, "", 0,
			accounts.LoginOptions{}},
		{"a user, to a tenant of a cloud of its own", profile.Account{ID: "alice@contoso.com", Type: profile.UserAccount, Environment: "Contoso 'Sovereign' $HOME", HomeTenantID: home}, other, 0,
			accounts.LoginOptions{Tenant: other, Environment: "Contoso 'Sovereign' $HOME"}},
		{"a service principal's secret", profile.Account{ID: "app-1", Type: profile.ServicePrincipal, Environment: "azurecloud", HomeTenantID: home, Credential: profile.CredentialSecret}, "", 0,
			accounts.LoginOptions{ServicePrincipal: true, ClientID: "app-1", Tenant: home, ClientSecretFile: "FILE"}},
		{"a service principal imported with no credential", profile.Account{ID: "app-1", Type: profile.ServicePrincipal, Environment: "AzureChinaCloud", HomeTenantID: home}, other, 0,
			accounts.LoginOptions{ServicePrincipal: true, ClientID: "app-1", Tenant: other, ClientSecretFile: "FILE", Environment: "AzureChinaCloud"}},
		{"a service principal's certificate", profile.Account{ID: "app-1", Type: profile.ServicePrincipal, Environment: "AzureCloud", HomeTenantID: home, Credential: profile.CredentialCertificate}, "", 0,
			accounts.LoginOptions{ServicePrincipal: true, ClientID: "app-1", Tenant: home, Certificate: "FILE"}},
		{"a service principal's federated token file", profile.Account{ID: "app-1", Type: profile.ServicePrincipal, Environment: "AzureCloud", HomeTenantID: home, Credential: profile.CredentialFederated, FederatedTokenFile: "/var/run/secrets/a token"}, "", 0,
			accounts.LoginOptions{ServicePrincipal: true, ClientID: "app-1", Tenant: home, FederatedTokenFile: "/var/run/secrets/a token"}},
		{"the system-assigned managed identity", profile.Account{ID: "systemAssigned", Type: profile.ManagedIdentity, Environment: "AzureCloud", HomeTenantID: home}, other, 0,
			accounts.LoginOptions{Identity: true}},
		{"a user-assigned managed identity", profile.Account{ID: "userAssigned", Type: profile.ManagedIdentity, Environment: "AzureCloud", ClientID: "cid"}, "", 0,
			accounts.LoginOptions{Identity: true, ClientID: "cid"}},
		{"a user-assigned managed identity by resource", profile.Account{ID: "userAssigned", Type: profile.ManagedIdentity, Environment: "AzureCloud", ResourceID: "/subscriptions/s/id"}, "", 0,
			accounts.LoginOptions{Identity: true, ResourceID: "/subscriptions/s/id"}},
		{"an access token's account", profile.Account{ID: "bob@contoso.com", Type: profile.AccessToken, Environment: "AzureUSGovernment", HomeTenantID: home}, other, 0,
			accounts.LoginOptions{AccessTokenFile: "FILE", AccountID: "bob@contoso.com", Environment: "AzureUSGovernment"}},
		{"an access token's account of the shell's session", profile.Account{ID: "bob@contoso.com", Type: profile.AccessToken, Environment: "AzureCloud", HomeTenantID: home}, "", profile.ScopeProcess,
			accounts.LoginOptions{AccessTokenFile: "FILE", AccountID: "bob@contoso.com", Scope: "process"}},
		{"a user of the shell's session", profile.Account{ID: "alice@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: home}, other, profile.ScopeProcess,
			accounts.LoginOptions{Tenant: other, Scope: "process"}},
	} {
		line := cmdutil.LoginCommand(&tc.acct, tc.tenant, tc.scope)
		rest, ok := strings.CutPrefix(line, "azc login")
		if !ok {
			t.Errorf("%s: %q is not an azc login", tc.name, line)
			continue
		}
		// bash reads the $'…' words ShellWord writes for control characters;
		// none of these accounts has one, so sh reads every word.
		out, err := exec.Command(sh, "-c", `printf '%s\0' `+rest).Output()
		if err != nil {
			t.Fatalf("%s: sh cannot read %q: %v", tc.name, line, err)
		}
		args := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
		if rest == "" {
			args = nil
		}
		ios, _, _, _ := cmdutil.Test()
		f := &cmdutil.Factory{IOStreams: ios, Getenv: func(string) string { return "" }}
		var got *accounts.LoginOptions
		if err := runArgs(f, newCmdLogin(f, func(o *accounts.LoginOptions) error { got = o; return nil }), args...); err != nil {
			t.Errorf("%s: `%s`: %v", tc.name, line, err)
			continue
		}
		if err := got.Check(); err != nil {
			t.Errorf("%s: `%s`: %v", tc.name, line, err)
		}
		want := tc.want
		if want.Environment == "" {
			want.Environment = profile.DefaultEnvironment
		}
		if *got != want {
			t.Errorf("%s: `%s` signs in\n%+v, want\n%+v", tc.name, line, *got, want)
		}
	}
}
