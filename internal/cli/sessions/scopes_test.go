//go:build unix

package sessions_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/profile"
)

// helperBash is sourced by the scripts of testdata/scopes:
//
//	signin UPN [FLAG…]  azc login --device-code as UPN (the emulator
//	                    approves the code for the user named in $WORK/upn)
const helperBash = `signin() {
	local upn=$1
	shift
	printf '%s\n' "$upn" >"$WORK/upn"
	azc login --environment emu --device-code "$@" -o none
}
`

// TestScopes runs testdata/scopes: every example of the two seeds and each
// point of issue 13, as real bash sessions (eval "$(azc init bash)", azc
// shell) of the azc binaries, with a second shell acting meanwhile where a
// point needs one, against an emulator started for each script and added
// to its state directory as environment "emu". Users sign in with device
// codes that the emulator approves at once.
func TestScopes(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	t.Parallel()
	testscript.Run(t, testscript.Params{
		Dir: "testdata/scopes",
		Setup: func(env *testscript.Env) error {
			cfg := emulator.DefaultConfig()
			cfg.Subscriptions = append(cfg.Subscriptions,
				emulator.Subscription{ID: "5a5a5a5a-0000-4000-8000-000000000005", Name: "my-subscription-2", State: "Enabled", Tenant: emulator.DefaultHomeTenantID},
				emulator.Subscription{ID: "5a5a5a5a-0000-4000-8000-000000000006", Name: "Contoso Staging", State: "Enabled", Tenant: emulator.DefaultHomeTenantID, Principals: []string{emulator.DefaultUser}})
			s, err := emulator.New(cfg)
			if err != nil {
				return err
			}
			if err := s.Start(); err != nil {
				return err
			}
			env.Defer(func() { _ = s.Close() })
			upnFile := filepath.Join(env.WorkDir, "upn")
			s.OnDeviceCode(func(code string) {
				upn, err := os.ReadFile(upnFile)
				if err == nil {
					_ = s.ApproveDeviceCode(code, strings.TrimSpace(string(upn)))
				}
			})
			ca := filepath.Join(env.WorkDir, "ca.pem")
			if err := s.WriteCAFile(ca); err != nil {
				return err
			}
			dir := filepath.Join(env.WorkDir, "azc")
			st, err := azc.Open(azc.Options{Dir: dir})
			if err != nil {
				return err
			}
			if _, err := st.Update(profile.ScopeUser, func(p *profile.Profile) error {
				return p.SetEnvironment(profile.Environment{Name: "emu", AuthorityHost: s.AuthorityHost(),
					ARMEndpoint: s.ARMEndpoint(), ARMAudience: s.ARMAudience(), CAFile: ca})
			}); err != nil {
				return err
			}
			env.Setenv("AZC_CONFIG_DIR", dir)
			env.Setenv("NO_COLOR", "1")
			env.Setenv("HOME", filepath.Join(env.WorkDir, "home"))
			return os.WriteFile(filepath.Join(env.WorkDir, "azc-test.bash"), []byte(helperBash), 0o600)
		},
		Cmds:                map[string]func(*testscript.TestScript, bool, []string){"exitcode": cmdExitCode},
		RequireExplicitExec: true,
	})
}
