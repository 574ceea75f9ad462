package profile_test

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/azcontext/azc/profile"
)

// The cross-process tests re-run this test binary as writer processes.
// helperEnv selects the helper's job; the helper only runs when it is set.
const (
	helperEnv      = "AZC_PROFILE_TEST_HELPER"
	helperDirEnv   = "AZC_PROFILE_TEST_DIR"
	helperCountEnv = "AZC_PROFILE_TEST_COUNT"
	helperIDEnv    = "AZC_PROFILE_TEST_ID"
)

// TestHelperProcess is not a test: it is the writer process the
// cross-process tests start.
func TestHelperProcess(t *testing.T) {
	job := os.Getenv(helperEnv)
	if job == "" {
		t.Skip("helper process only")
	}
	setHelperUmask()
	s, err := profile.Open(os.Getenv(helperDirEnv), profile.Options{LockTimeout: time.Minute})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	n, _ := strconv.Atoi(os.Getenv(helperCountEnv))
	id := os.Getenv(helperIDEnv)
	for i := 0; n == 0 || i < n; i++ {
		_, err := s.Update(func(p *profile.Profile) error {
			switch job {
			case "writer":
				return addChainLink(p, id+"-"+strconv.Itoa(i))
			case "chain":
				return addChainLink(p, "")
			}
			return fmt.Errorf("unknown job %q", job)
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if i == 0 {
			fmt.Println("ready")
		}
	}
	os.Exit(0)
}

// addChainLink adds a context whose position and name record the
// generation the update creates: a profile that holds anything but a whole
// chain of updates breaks checkChain.
func addChainLink(p *profile.Profile, name string) error {
	g := strconv.FormatUint(p.Generation+1, 10)
	if name == "" {
		name = "g" + g
	}
	c := profile.Context{
		Name:         name,
		Account:      alice.Key(),
		Tenant:       profile.Tenant{ID: "t1"},
		Subscription: &profile.Subscription{ID: name, Name: name, TenantID: "t1"},
		Properties:   map[string]string{"generation": g},
	}
	_, err := p.UpsertContext(c, profile.UpsertOptions{Force: true})
	return err
}

func checkChain(t *testing.T, p *profile.Profile) {
	t.Helper()
	if uint64(len(p.Contexts)) != p.Generation {
		t.Fatalf("profile at generation %d holds %d contexts", p.Generation, len(p.Contexts))
	}
	for i, c := range p.Contexts {
		if want := strconv.Itoa(i + 1); c.Properties["generation"] != want {
			t.Fatalf("context %d (%s) records generation %q, want %s", i, c.Name, c.Properties["generation"], want)
		}
	}
}

func helperCmd(t *testing.T, job, dir string, count int, id string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(),
		helperEnv+"="+job,
		helperDirEnv+"="+dir,
		helperCountEnv+"="+strconv.Itoa(count),
		helperIDEnv+"="+id,
	)
	return cmd
}

func TestConcurrentWriterProcessesLoseNoUpdate(t *testing.T) {
	t.Parallel()
	procs, writes := 32, 10
	if testing.Short() {
		procs, writes = 8, 5
	}
	s := openStore(t)
	var wg sync.WaitGroup
	errs := make(chan error, procs)
	for i := range procs {
		wg.Go(func() {
			out, err := helperCmd(t, "writer", filepath.Dir(s.Path()), writes, "w"+strconv.Itoa(i)).CombinedOutput()
			if err != nil {
				errs <- fmt.Errorf("writer %d: %v: %s", i, err, out)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	p, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if want := procs * writes; len(p.Contexts) != want || p.Generation != uint64(want) {
		t.Errorf("after %d updates: %d contexts, generation %d", want, len(p.Contexts), p.Generation)
	}
}

func TestKilledWritersLeaveALoadableProfile(t *testing.T) {
	if !killable {
		t.Skip("needs SIGKILL")
	}
	t.Parallel()
	trials, parallel := 240, 8
	if testing.Short() {
		trials = 24
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, parallel)
	for i := range trials {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			t.Run(fmt.Sprintf("trial %d", i), killTrial)
		})
	}
	wg.Wait()
}

// killTrial starts a writer that chains updates without pause, kills it
// with SIGKILL at a random point, then checks that the profile loads,
// holds a whole chain, and takes the next update.
func killTrial(t *testing.T) {
	dir := stateDir(t)
	cmd := helperCmd(t, "chain", dir, 0, "")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the writer has written once, so the kill lands among
	// writes rather than during start-up.
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if strings.TrimSpace(line) != "ready" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("writer did not start: %q", line)
	}
	// A random delay picks the point of the kill, it synchronises nothing.
	time.Sleep(time.Duration(rand.IntN(4000)) * time.Microsecond)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	s, err := profile.Open(dir, profile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Load()
	if err != nil {
		t.Fatalf("profile does not load after a kill: %v", err)
	}
	// the backup, once there is one, is a whole profile too
	if data, err := os.ReadFile(filepath.Join(dir, profile.BackupName)); err == nil {
		if _, err := profile.Decode(data); err != nil {
			t.Fatalf("the backup does not load after a kill: %v", err)
		}
	} else if !os.IsNotExist(err) {
		t.Fatal(err)
	}
	checkChain(t, p)
	q, err := s.Update(func(p *profile.Profile) error { return addChainLink(p, "") })
	if err != nil {
		t.Fatalf("update after a kill: %v", err)
	}
	checkChain(t, q)
	if q.Generation != p.Generation+1 {
		t.Errorf("generation %d after %d", q.Generation, p.Generation)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("stale temporary file %s left after an update", e.Name())
		}
	}
}
