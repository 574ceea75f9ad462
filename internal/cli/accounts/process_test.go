package accounts_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/credstore/desktopkey"
	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/profile"
)

// TestSixteenAzcTokenProcessesRefreshOnce runs the built azc: 16 `azc token`
// processes find an expired access token at once, and the emulator sees
// exactly one refresh-token grant.
func TestSixteenAzcTokenProcessesRefreshOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds azc")
	}
	t.Parallel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "azc")
	build := exec.Command("go", "build", "-o", dir+string(filepath.Separator), "github.com/azcontext/azc/cmd/azc", "github.com/azcontext/azc/cmd/azc-full")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build azc: %v\n%s", err, out)
	}
	h, s := newHarness(t)
	s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, emulator.DefaultUser) })
	h.ok("login", "--environment", "emu", "--device-code", "-o", "none")
	h.ok("token", "-o", "none")

	// Expire every cached access token in the account's blob.
	store, err := credstore.Open(h.env["AZC_CONFIG_DIR"], credstore.Options{Env: func(k string) string { return h.env[k] }, Desktop: desktopkey.Backend()})
	if err != nil {
		t.Fatal(err)
	}
	key := profile.Account{ID: emulator.DefaultUser, Environment: "emu", HomeTenantID: emulator.DefaultHomeTenantID}.Key()
	if err := store.Update(key, expireAll); err != nil {
		t.Fatal(err)
	}

	s.ResetCounts()
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(bin, "token", "-o", "none")
			cmd.Env = []string{"AZC_CONFIG_DIR=" + h.env["AZC_CONFIG_DIR"], "HOME=" + os.Getenv("HOME"), "PATH=" + os.Getenv("PATH")}
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("azc token: %v: %s", err, out)
			}
		}()
	}
	wg.Wait()
	if n := s.Count(emulator.RouteToken, "refresh_token"); n != 1 {
		t.Fatalf("refresh grants = %d, want exactly 1", n)
	}
}

// expireAll sets every access token's expiry in an account blob to 1970.
func expireAll(old []byte) ([]byte, error) {
	var blob map[string]json.RawMessage
	if err := json.Unmarshal(old, &blob); err != nil {
		return nil, err
	}
	var cache map[string]json.RawMessage
	if err := json.Unmarshal(blob["msalCache"], &cache); err != nil {
		return nil, err
	}
	var ats map[string]map[string]any
	if err := json.Unmarshal(cache["AccessToken"], &ats); err != nil {
		return nil, err
	}
	if len(ats) == 0 {
		return nil, fmt.Errorf("no access token cached")
	}
	for _, at := range ats {
		at["expires_on"], at["extended_expires_on"] = "1000", "1000"
		delete(at, "refresh_on")
	}
	var err error
	if cache["AccessToken"], err = json.Marshal(ats); err != nil {
		return nil, err
	}
	if blob["msalCache"], err = json.Marshal(cache); err != nil {
		return nil, err
	}
	out, err := json.Marshal(blob)
	return out, err
}
