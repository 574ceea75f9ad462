package cli

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/azcontext/azc/profile"
)

// buildAzc builds the real azc and azc-full binaries into a temporary
// directory and returns azc's path.
func buildAzc(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command("go", "build", "-o", dir+string(filepath.Separator), "github.com/azcontext/azc/cmd/azc", "github.com/azcontext/azc/cmd/azc-full").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return filepath.Join(dir, "azc")
}

// seed makes a state directory holding the test fixture.
func seed(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "azc")
	data, err := os.ReadFile(filepath.Join("testdata", "fixture.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "profile.json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func azcCmd(bin, dir string, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"AZC_CONFIG_DIR=" + dir, "HOME=" + dir, "PATH=" + os.Getenv("PATH")}
	return cmd
}

func loadProfile(t *testing.T, dir string) *profile.Profile {
	t.Helper()
	st, err := profile.Open(dir, profile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.Load()
	if err != nil {
		t.Fatalf("profile does not load: %v", err)
	}
	return p
}

// TestConcurrentProcesses runs 64 real azc processes at once, each making
// 20 writes (context properties, switches, an environment) as DESIGN
// section 8 asks (3 with -short): none may fail and no update may be lost.
func TestConcurrentProcesses(t *testing.T) {
	t.Parallel()
	bin := buildAzc(t)
	dir := seed(t)
	before := loadProfile(t, dir).Generation
	const procs = 64
	writes := 20
	if testing.Short() {
		writes = 3
	}
	var wg sync.WaitGroup
	errs := make(chan error, procs)
	for i := range procs {
		wg.Go(func() {
			for j := range writes {
				var args []string
				switch {
				case j == writes-1:
					args = []string{"environment", "add", fmt.Sprintf("Env%d", i), "--authority-host", "https://127.0.0.1:1/", "--arm-endpoint", "https://127.0.0.1:1/"}
				case j%5 == 4:
					args = []string{"use", "Dev"} // a switch: no write when Dev is already the default
				default:
					args = []string{"context", "set", "--subscription", "Prod", "--property", fmt.Sprintf("p%d_%d=v", i, j)}
				}
				if out, err := azcCmd(bin, dir, args...).CombinedOutput(); err != nil {
					errs <- fmt.Errorf("process %d write %d: %v: %s", i, j, err, out)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	p := loadProfile(t, dir)
	switches := uint64(procs * ((writes - 1) / 5))
	if got, most := p.Generation, before+uint64(procs*writes); got > most || got < most-switches {
		t.Errorf("generation = %d, want %d minus at most %d switches: updates were lost", got, most, switches)
	}
	prod := p.Context("Prod")
	for i := range procs {
		for j := range writes - 1 {
			if j%5 == 4 {
				continue
			}
			if prod.Properties[fmt.Sprintf("p%d_%d", i, j)] != "v" {
				t.Errorf("property p%d_%d lost", i, j)
			}
		}
		if _, err := p.Environment(fmt.Sprintf("Env%d", i)); err != nil {
			t.Errorf("environment Env%d lost", i)
		}
	}
}

// TestKillDuringWrites SIGKILLs azc writers at random points (500 trials as
// DESIGN section 8 asks; 20 with -short): the profile must always load and
// hold either the old or the new state.
func TestKillDuringWrites(t *testing.T) {
	t.Parallel()
	trials := 500 // DESIGN section 8
	if testing.Short() {
		trials = 20
	}
	bin := buildAzc(t)
	dir := seed(t)
	done := map[string]bool{} // keys whose write finished: they must stay
	for i := range trials {
		key := fmt.Sprintf("k%d", i)
		cmd := azcCmd(bin, dir, "context", "set", "--subscription", "Dev", "--property", key+"=v", "--property", "team=t"+key)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// a random point: anywhere from before main to after the rename
		timer := time.AfterFunc(time.Duration(rand.IntN(40000))*time.Microsecond, func() { _ = cmd.Process.Signal(syscall.SIGKILL) })
		err := cmd.Wait()
		timer.Stop()
		p := loadProfile(t, dir)
		dev := p.Context("Dev")
		if dev == nil {
			t.Fatalf("trial %d: context Dev is gone", i)
		}
		for k := range done {
			if dev.Properties[k] != "v" {
				t.Fatalf("trial %d: finished write %s lost", i, k)
			}
		}
		newState := dev.Properties[key] == "v"
		if newState != (dev.Properties["team"] == "t"+key) {
			t.Fatalf("trial %d: a mix of old and new state: %v", i, dev.Properties)
		}
		if err == nil && !newState {
			t.Fatalf("trial %d: azc succeeded but its write is missing", i)
		}
		if newState {
			done[key] = true
		}
		if entries, _ := os.ReadDir(dir); len(entries) > 8 {
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			t.Logf("trial %d: state dir holds %s", i, strings.Join(names, ", "))
		}
	}
	t.Logf("%d trials, %d writes completed", trials, len(done))
}
