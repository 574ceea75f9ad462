package accounts_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/credstore/desktopkey"
	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/emulator/emulatortest"
	"github.com/azcontext/azc/profile"
)

// buildAzc builds the real azc and azc-full into a temporary directory and
// returns azc's path.
func buildAzc(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	build := exec.Command("go", "build", "-o", dir+string(filepath.Separator), "github.com/azcontext/azc/cmd/azc", "github.com/azcontext/azc/cmd/azc-full")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build azc: %v\n%s", err, out)
	}
	return filepath.Join(dir, "azc")
}

// azcProc is a real azc process over one state directory.
type azcProc struct {
	bin string
	env []string
}

func newAzcProc(t testing.TB, bin string, s *emulator.Server, extra ...string) *azcProc {
	t.Helper()
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := s.WriteCAFile(ca); err != nil {
		t.Fatal(err)
	}
	p := &azcProc{bin: bin, env: append([]string{"AZC_CONFIG_DIR=" + filepath.Join(dir, "azc"), "HOME=" + dir, "PATH=" + os.Getenv("PATH"), "NO_COLOR=1"}, extra...)}
	p.ok(t, "environment", "add", "emu", "--authority-host", s.AuthorityHost(), "--arm-endpoint", s.ARMEndpoint(),
		"--arm-audience", s.ARMAudience(), "--ca-file", ca, "-o", "none")
	return p
}

func (p *azcProc) dir() string { return p.env[0][len("AZC_CONFIG_DIR="):] }

func (p *azcProc) cmd(args ...string) *exec.Cmd {
	cmd := exec.Command(p.bin, args...)
	cmd.Env = p.env
	return cmd
}

func (p *azcProc) ok(t testing.TB, args ...string) string {
	t.Helper()
	out, err := p.cmd(args...).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("azc %q: %v: %s", args, err, stderr)
	}
	return string(out)
}

// loadUserProfile reads the profile.json of the state directory dir.
func loadUserProfile(t testing.TB, dir string) *profile.Profile {
	t.Helper()
	p, err := readUserProfile(dir)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func readUserProfile(dir string) (*profile.Profile, error) {
	st, err := profile.Open(dir, profile.Options{})
	if err != nil {
		return nil, err
	}
	return st.Load()
}

// lostCredentials lists the contexts of dir's profile whose account has
// no credential blob.
func lostCredentials(dir string) ([]string, error) {
	p, err := readUserProfile(dir)
	if err != nil {
		return nil, err
	}
	blobs, err := credstore.Open(dir, credstore.Options{Desktop: desktopkey.Backend()})
	if err != nil {
		return nil, err
	}
	var lost []string
	for _, c := range p.Contexts {
		if _, err := blobs.Get(c.Account); err != nil {
			lost = append(lost, fmt.Sprintf("%s (%v)", c.Name, err))
		}
	}
	return lost, nil
}

// TestLoginRacingLogoutOrRemoveLosesNoCredentials races a real `azc login`
// of a service principal against `azc logout` of it or `azc context
// remove` of its only context (200 races, in 8 state directories at
// once), with the remover started at staggered offsets: both
// always succeed, and no context is ever left whose account has no
// credential blob, whichever wins.
func TestLoginRacingLogoutOrRemoveLosesNoCredentials(t *testing.T) {
	if testing.Short() {
		t.Skip("builds azc")
	}
	t.Parallel()
	bin := buildAzc(t)
	s := emulatortest.Start(t, nil)
	const lanes, races = 8, 25
	login := []string{"login", "--environment", "emu", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID,
		"--tenant", emulator.DefaultHomeTenantID, "--context-name", "sp", "-o", "none"}
	removers := [][]string{{"logout", emulator.DefaultServicePrincipalID, "-o", "none"}, {"context", "remove", "sp", "--force", "-o", "none"}}
	var wg sync.WaitGroup
	for lane := range lanes {
		p := newAzcProc(t, bin, s, "AZURE_CLIENT_SECRET="+emulator.DefaultServicePrincipalSecret)
		wg.Go(func() {
			for i := range races {
				// Each race starts signed in: the remover has a context and a
				// blob to remove while the login saves its own.
				p.ok(t, login...)
				remove := removers[(lane+i)%2]
				offset := time.Duration((lane*races+i)%20) * 15 * time.Millisecond
				var lerr, rerr error
				var lout, rout []byte
				var race sync.WaitGroup
				race.Go(func() { lout, lerr = p.cmd(login...).CombinedOutput() })
				race.Go(func() {
					time.Sleep(offset) // spreads the remover over the login's run
					rout, rerr = p.cmd(remove...).CombinedOutput()
				})
				race.Wait()
				if lerr != nil || rerr != nil {
					t.Errorf("lane %d race %d: login: %v %s; %s: %v %s", lane, i, lerr, lout, strings.Join(remove[:2], " "), rerr, rout)
					return
				}
				lost, err := lostCredentials(p.dir())
				if err != nil {
					t.Errorf("lane %d race %d: %v", lane, i, err)
					return
				}
				if len(lost) > 0 {
					t.Errorf("lane %d race %d (login vs %s after %s): contexts without credentials: %q", lane, i, strings.Join(remove[:2], " "), offset, lost)
				}
			}
		})
	}
	wg.Wait()
}

// TestSignInRacingSignOutInAShellLosesNoCredentials races a real `azc
// login --scope process` of a service principal against `azc logout
// --all` or `azc context clear` in the same shell (one session per state
// directory; 100 races in 2 state directories at once): the shell must
// never be left using a context whose account's tokens are gone, which
// `azc doctor` reports as "has no credentials" and `azc token` as "not
// signed in".
func TestSignInRacingSignOutInAShellLosesNoCredentials(t *testing.T) {
	if testing.Short() {
		t.Skip("builds azc")
	}
	t.Parallel()
	bin := buildAzc(t)
	s := emulatortest.Start(t, nil)
	const lanes, races = 2, 50
	login := []string{"login", "--environment", "emu", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID,
		"--tenant", emulator.DefaultHomeTenantID, "--context-name", "sp", "--scope", "process", "-o", "none"}
	removers := [][]string{{"logout", "--all", "-o", "none"}, {"context", "clear", "--force", "-o", "none"}}
	var wg sync.WaitGroup
	for lane := range lanes {
		p := newAzcProc(t, bin, s, "AZURE_CLIENT_SECRET="+emulator.DefaultServicePrincipalSecret, "XDG_RUNTIME_DIR="+t.TempDir())
		p.env = append(p.env, "AZC_SESSION="+strings.TrimSpace(p.ok(t, "session", "start", "--pid", strconv.Itoa(os.Getpid()))))
		wg.Go(func() {
			for i := range races {
				p.ok(t, login...)
				remove := removers[(lane+i)%2]
				offset := time.Duration((lane*races+i)%10) * 5 * time.Millisecond
				var lerr, rerr error
				var lout, rout []byte
				var race sync.WaitGroup
				race.Go(func() { lout, lerr = p.cmd(login...).CombinedOutput() })
				race.Go(func() {
					time.Sleep(offset) // spreads the remover over the login's run
					rout, rerr = p.cmd(remove...).CombinedOutput()
				})
				race.Wait()
				if lerr != nil || rerr != nil {
					t.Errorf("lane %d race %d: login: %v %s; %s: %v %s", lane, i, lerr, lout, strings.Join(remove[:2], " "), rerr, rout)
					return
				}
				out, err := p.cmd("doctor").Output()
				if err != nil {
					t.Errorf("lane %d race %d: doctor: %v\n%s", lane, i, err, out)
					return
				}
				if strings.Contains(string(out), "has no credentials") {
					t.Errorf("lane %d race %d (login vs %s after %s): the shell uses a context whose credentials are gone:\n%s", lane, i, strings.Join(remove[:2], " "), offset, out)
				}
			}
		})
	}
	wg.Wait()
}

// TestDoctorRacingASignOutReportsNoLostCredentials runs `azc doctor`
// while `azc logout` signs the account of the only context out (150
// races, in 3 state directories at once): the sign-out never leaves a
// context without its blob, so doctor, which reads the profile and the
// blobs without a lock, must never report one ("has no credentials"),
// whichever it read first.
func TestDoctorRacingASignOutReportsNoLostCredentials(t *testing.T) {
	if testing.Short() {
		t.Skip("builds azc")
	}
	t.Parallel()
	bin := buildAzc(t)
	s := emulatortest.Start(t, nil)
	const lanes, races = 3, 50
	login := []string{"login", "--environment", "emu", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID,
		"--tenant", emulator.DefaultHomeTenantID, "-o", "none"}
	var wg sync.WaitGroup
	for lane := range lanes {
		p := newAzcProc(t, bin, s, "AZURE_CLIENT_SECRET="+emulator.DefaultServicePrincipalSecret)
		wg.Go(func() {
			for i := range races {
				p.ok(t, login...)
				offset := time.Duration((lane*races+i)%10) * 2 * time.Millisecond
				var lerr, derr error
				var lout, dout []byte
				var race sync.WaitGroup
				race.Go(func() {
					lout, lerr = p.cmd("logout", emulator.DefaultServicePrincipalID, "-o", "none").CombinedOutput()
				})
				race.Go(func() {
					time.Sleep(offset)
					dout, derr = p.cmd("doctor").Output()
				})
				race.Wait()
				if lerr != nil {
					t.Errorf("lane %d race %d: logout: %v %s", lane, i, lerr, lout)
					return
				}
				if derr != nil {
					t.Errorf("lane %d race %d: doctor: %v", lane, i, derr)
					return
				}
				if strings.Contains(string(dout), "has no credentials") {
					t.Errorf("lane %d race %d (doctor after %s): doctor reports credentials a sign-out lost:\n%s", lane, i, offset, dout)
				}
			}
		})
	}
	wg.Wait()
}
