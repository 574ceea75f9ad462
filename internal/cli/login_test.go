package cli

import (
	"testing"

	"github.com/azcontext/azc/internal/cli/accounts"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/contexts"
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
