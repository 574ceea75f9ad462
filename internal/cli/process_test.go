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
// 20 writes (context properties, switches, an environment; 3 with -short): none may fail and no update may be lost.
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

// TestKillDuringWrites SIGKILLs azc writers at random points (500 trials;
// 20 with -short): the profile must always load and
// hold either the old or the new state.
func TestKillDuringWrites(t *testing.T) {
	t.Parallel()
	trials := 500
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

// TestUnlockedReadersSeeWholeFiles runs 16 real azc writers, which rename a
// context and set properties of changing lengths, while a reader that
// takes no lock reads profile.json over and over in small chunks, as jq or
// a backup tool does: every read must be one whole profile of one
// generation (it decodes, and it is byte for byte what azc writes for what
// it holds), never a mix of two files or a partial one.
func TestUnlockedReadersSeeWholeFiles(t *testing.T) {
	t.Parallel()
	bin := buildAzc(t)
	dir := seed(t)
	seeded, err := os.ReadFile(filepath.Join(dir, profile.FileName))
	if err != nil {
		t.Fatal(err)
	}
	const writers = 16
	writes := 12
	if testing.Short() {
		writes = 3
	}
	stop := make(chan struct{})
	reads, torn := 0, 0
	var readErr error
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		path := filepath.Join(dir, profile.FileName)
		buf := make([]byte, 64)
		for {
			select {
			case <-stop:
				return
			default:
			}
			f, err := os.Open(path)
			if err != nil {
				readErr = err
				return
			}
			var data []byte
			for {
				n, err := f.Read(buf)
				data = append(data, buf[:n]...)
				if err != nil {
					break
				}
			}
			_ = f.Close()
			reads++
			p, err := profile.Decode(data)
			if err != nil {
				torn++
				t.Errorf("read %d does not decode: %v", reads, err)
				continue
			}
			if again, _ := profile.Encode(p); string(again) != string(data) && string(data) != string(seeded) {
				torn++
				t.Errorf("read %d (generation %d) is not one file azc wrote", reads, p.Generation)
			}
		}
	}()
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Go(func() {
			for j := range writes {
				args := []string{"context", "set", "--subscription", "Prod", "--property", fmt.Sprintf("w%d=%s", i, strings.Repeat("x", rand.IntN(400)))}
				if i == 0 {
					from, to := "Dev", "Dev renamed to a longer name"
					if j%2 == 1 {
						from, to = to, from
					}
					args = []string{"context", "rename", from, to}
				}
				if out, err := azcCmd(bin, dir, args...).CombinedOutput(); err != nil {
					errs <- fmt.Errorf("writer %d write %d: %v: %s", i, j, err, out)
					return
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	<-readerDone
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if readErr != nil {
		t.Fatal(readErr)
	}
	if reads < writers {
		t.Fatalf("the reader read only %d times", reads)
	}
	t.Logf("%d reads during %d writes, %d torn", reads, writers*writes, torn)
}
