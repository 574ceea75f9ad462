package contexts

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/session"
)

// TestAForcedRenameOfTheShellsOwnCopyTakesNoCredentialLock: the shell's
// own copy of a context removed elsewhere is renamed in its selection,
// replacing no context, and a name a context of the session holds is
// refused, --force or not. So the rename tries no account's credential
// lock first: a lock held by a token refresh of that account kept the
// refusal waiting for the lock's timeout, and gave the lock's error in
// its place.
func TestAForcedRenameOfTheShellsOwnCopyTakesNoCredentialLock(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	env := map[string]string{"AZC_CONFIG_DIR": filepath.Join(tmp, "azc"), "XDG_RUNTIME_DIR": filepath.Join(tmp, "run")}
	if err := os.Mkdir(env["XDG_RUNTIME_DIR"], 0o700); err != nil {
		t.Fatal(err)
	}
	_, key, err := session.New(session.RuntimeDir(env["XDG_RUNTIME_DIR"], tmp, os.Getuid()), os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	env[session.EnvVar] = key.Reveal()
	ios, _, _, _ := cmdutil.Test()
	f := cmdutil.NewFactory(ios, func(k string) string { return env[k] }, "v1")
	cmdutil.AttachSession(f)
	shell, err := f.State()
	if err != nil {
		t.Fatal(err)
	}
	alice := profile.Account{ID: "alice@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "t1"}
	on := func(name, sub string) profile.Context {
		return profile.Context{Name: name, Account: alice.Key(), Environment: "AzureCloud", Tenant: profile.Tenant{ID: "t1"},
			Subscription: &profile.Subscription{ID: sub, Name: sub, TenantID: "t1"}}
	}
	for scope, cs := range map[profile.Scope][]profile.Context{profile.ScopeUser: {on("Prod", "prod"), on("Dev", "dev")}, profile.ScopeProcess: {on("Mine", "test")}} {
		if _, err := shell.Update(scope, func(p *profile.Profile) error {
			p.UpsertAccount(alice)
			for _, c := range cs {
				if _, err := p.UpsertContext(c, profile.UpsertOptions{}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := shell.Use(profile.ScopeProcess, "Dev"); err != nil {
		t.Fatal(err)
	}
	elsewhere, err := azc.Open(azc.Options{Dir: env["AZC_CONFIG_DIR"]})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := elsewhere.RemoveContexts(profile.ScopeUser, []string{"Dev"}); err != nil {
		t.Fatal(err)
	}
	held := errors.New("the account's credential lock is held")
	for _, scope := range []string{"", "process", "user"} {
		err := RenameRun(context.Background(), f, cmdutil.Output{Format: cmdutil.FormatNone}, &RenameOptions{Old: "Dev", New: "Mine", Force: true, Scope: scope,
			Credentials: Credentials{
				Probe: func(_ context.Context, _ *azc.State, scope profile.Scope, keys []string) error {
					t.Errorf("the rename of the copy tried the credential locks of %q in scope %d", keys, scope)
					return held
				},
				Drop: func(context.Context, *azc.State, profile.Scope, []string) error { return nil },
			}})
		var taken *azc.OtherScopeNameError
		if !errors.As(err, &taken) || taken.Name != "Mine" {
			t.Errorf("--scope %q: renaming the copy to the session's context's name, forced: %v; want an *azc.OtherScopeNameError naming Mine", scope, err)
		}
	}
	if c, err := shell.Resolve(""); err != nil || c.Name != "Dev" {
		t.Errorf("after the refused renames the shell uses %+v, %v; want its copy Dev", c, err)
	}
}
