//go:build unix

package sessions_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/emulator/emulatortest"
)

// TestShellsKeepTheirSelectionWhileOthersRenameRepointAndRemove runs 8
// bash shells that each select their own context (`azc use NAME --scope
// process`) while 8 other bash shells rename those contexts, point their
// names at other subscriptions and remove them, over and over: every
// `azc exec` in the first 8 still gets its own subscription (a shell's
// selection is held by identity; docs/sessions.md), with no failure.
func TestShellsKeepTheirSelectionWhileOthersRenameRepointAndRemove(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	t.Parallel()
	const shells, execs, rounds = 8, 6, 4
	cfg := emulator.DefaultConfig()
	subID := func(i int) string { return fmt.Sprintf("5a5a5a5a-0000-4000-8000-0000000001%02d", i) }
	for i := range 2 * shells {
		cfg.Subscriptions = append(cfg.Subscriptions, emulator.Subscription{ID: subID(i), Name: fmt.Sprintf("Sub %02d", i), State: "Enabled", Tenant: emulator.DefaultHomeTenantID})
	}
	emu := emulatortest.Start(t, cfg)
	emu.OnDeviceCode(func(code string) { _ = emu.ApproveDeviceCode(code, emulator.DefaultUser) })
	bin := buildAzc(t)
	work := t.TempDir()
	ca := filepath.Join(work, "ca.pem")
	if err := emu.WriteCAFile(ca); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(work, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + work,
		"TMPDIR=" + tmp,
		"AZC_CONFIG_DIR=" + filepath.Join(work, "azc"),
		"NO_COLOR=1",
	}
	for _, args := range [][]string{
		{"environment", "add", "emu", "--authority-host", emu.AuthorityHost(), "--arm-endpoint", emu.ARMEndpoint(), "--arm-audience", emu.ARMAudience(), "--ca-file", ca, "-o", "none"},
		{"login", "--environment", "emu", "--device-code", "-o", "none"},
	} {
		cmd := exec.Command(filepath.Join(bin, "azc"), args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("azc %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}

	holders := make([]*bashProc, shells)
	others := make([]*bashProc, shells)
	for i := range shells {
		holders[i] = startBash(t, fmt.Sprintf("holder %d", i), env)
		holders[i].must(`eval "$(azc init bash)"`)
		holders[i].must(fmt.Sprintf(`azc use 'Sub %02d' --scope process`, i))
		others[i] = startBash(t, fmt.Sprintf("other %d", i), env)
		others[i].must(`eval "$(azc init bash)"`)
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		failures []string
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		failures = append(failures, fmt.Sprintf(format, args...))
	}
	for i := range shells {
		wg.Add(2)
		go func(b *bashProc, i int) {
			defer wg.Done()
			for n := range execs {
				out, code := b.run(`azc exec -- sh -c 'echo "sub=$AZURE_SUBSCRIPTION_ID"'`)
				if code != 0 || lastLine(out) != "sub="+subID(i) {
					fail("%s, exec %d: exit %d, %q", b.name, n, code, out)
				}
			}
		}(holders[i], i)
		go func(b *bashProc, i int) {
			defer wg.Done()
			name, other := fmt.Sprintf("Sub %02d", i), fmt.Sprintf("Sub %02d", i+shells)
			for range rounds {
				// Failures here are races between these shells, not the
				// point: the holders' selections are.
				b.run(fmt.Sprintf(`azc context rename '%s' '%s renamed' -o none`, name, name))
				b.run(fmt.Sprintf(`azc context set --subscription '%s' --name '%s' --force -o none`, other, name))
				b.run(fmt.Sprintf(`azc context remove '%s renamed' '%s' --force -o none`, name, name))
				b.run(fmt.Sprintf(`azc context set --subscription '%s' --name '%s' -o none`, name, name))
			}
		}(others[i], i)
	}
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d of %d execs failed or ran against another subscription:\n%s", len(failures), shells*execs, strings.Join(failures, "\n"))
	}
}
