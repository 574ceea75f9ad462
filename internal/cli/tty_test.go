//go:build unix

package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/internal/cli/termtext"
	"github.com/azcontext/azc/profile"
)

// A terminal test gives up on a program after this long: a guard against
// a hang, not a timing the test checks.
const ttyPatience = 30 * time.Second

// ttyRun is one azc process on a pseudo-terminal of its own (its
// controlling terminal, so Ctrl-C typed there is SIGINT to it).
type ttyRun struct {
	t    *testing.T
	cmd  *exec.Cmd
	pty  *os.File
	mu   sync.Mutex
	out  bytes.Buffer
	more chan struct{} // gets a value when out grows
	read chan struct{} // closed when the terminal has nothing more to read
	done chan struct{} // closed when the process has exited
	code int
	// ended is when the process exited.
	ended time.Time
}

func startTTY(t *testing.T, cols, rows int, env []string, bin string, args ...string) *ttyRun {
	t.Helper()
	r := &ttyRun{t: t, more: make(chan struct{}, 1), read: make(chan struct{}), done: make(chan struct{})}
	r.cmd = exec.Command(bin, args...)
	r.cmd.Env = env
	// The test keeps the terminal's other end open until the program has
	// exited and its last output has been read: Linux may end a read of the
	// pseudo-terminal with EIO, the last bytes lost, when the program's
	// exit closes the last other end.
	f, tty, err := pty.Open()
	if err == nil {
		err = pty.Setsize(f, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)})
	}
	if err == nil {
		r.cmd.Stdin, r.cmd.Stdout, r.cmd.Stderr = tty, tty, tty
		r.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
		err = r.cmd.Start()
	}
	if err != nil {
		t.Fatalf("start %s on a terminal: %v", bin, err)
	}
	r.pty = f
	var lastRead atomic.Int64 // when the reader last got bytes
	go func() {
		defer close(r.read)
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			lastRead.Store(time.Now().UnixNano())
			r.mu.Lock()
			r.out.Write(buf[:n])
			r.mu.Unlock()
			select {
			case r.more <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	go func() {
		err := r.cmd.Wait()
		r.ended = time.Now()
		r.code = 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			r.code = ee.ExitCode()
		}
		close(r.done)
		// the last output is read once the terminal has been quiet a while
		for time.Since(time.Unix(0, lastRead.Load())) < 100*time.Millisecond {
			time.Sleep(10 * time.Millisecond)
		}
		_ = tty.Close()
	}()
	t.Cleanup(func() {
		select {
		case <-r.done:
		default:
			_ = r.cmd.Process.Kill()
			<-r.done
		}
		_ = f.Close()
	})
	return r
}

// screen is everything the program has written to the terminal so far.
func (r *ttyRun) screen() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.out.String()
}

// expect waits until the terminal shows want.
func (r *ttyRun) expect(want string) {
	r.t.Helper()
	deadline := time.After(ttyPatience)
	for !strings.Contains(r.screen(), want) {
		select {
		case <-r.more:
		case <-r.done:
			if !strings.Contains(r.screen(), want) {
				r.t.Fatalf("azc exited %d without showing %q:\n%s", r.code, want, r.screen())
			}
		case <-deadline:
			r.t.Fatalf("azc did not show %q:\n%s", want, r.screen())
		}
	}
}

// typ types keys on the terminal.
func (r *ttyRun) typ(keys string) {
	r.t.Helper()
	if _, err := r.pty.Write([]byte(keys)); err != nil {
		r.t.Fatal(err)
	}
}

// exit waits for the process to end and returns its exit code and how
// long it took from since.
func (r *ttyRun) exit(since time.Time) (int, time.Duration) {
	r.t.Helper()
	select {
	case <-r.done:
		select {
		case <-r.read:
		case <-time.After(ttyPatience):
			r.t.Fatalf("the terminal stayed open after azc exited")
		}
		return r.code, r.ended.Sub(since)
	case <-time.After(ttyPatience):
		r.t.Fatalf("azc did not exit:\n%s", r.screen())
		return 0, 0
	}
}

// ttyEnv is the environment of azc in a terminal test.
func ttyEnv(dir string, extra ...string) []string {
	return append([]string{"AZC_CONFIG_DIR=" + dir, "HOME=" + filepath.Dir(dir), "PATH=" + os.Getenv("PATH"), "TERM=xterm"}, extra...)
}

// hostileName would retitle the window and clear the screen if printed raw.
const hostileName = "Evil\x1b]0;owned\a\x1b[2J"

// sgr is a colour escape azc writes itself.
var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

// ownEscapes are the escapes azc's picker and progress line draw with.
var ownEscapes = strings.NewReplacer("\x1b[1A", "", "\x1b[2K", "", "\x1b[K", "", "\x1b[J", "")

// ttyWorld is an emulator with a user who can see a subscription named
// to attack a terminal, one with wide characters, and azc's state
// directory with the emulator added as environment "emu".
type ttyWorld struct {
	bin string
	dir string
	s   *emulator.Server
}

func newTTYWorld(t *testing.T, bin string, cfg *emulator.Config) *ttyWorld {
	t.Helper()
	s, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	dir := filepath.Join(t.TempDir(), "azc")
	ca := filepath.Join(filepath.Dir(dir), "ca.pem")
	if err := s.WriteCAFile(ca); err != nil {
		t.Fatal(err)
	}
	w := &ttyWorld{bin: bin, dir: dir, s: s}
	w.ok(t, "environment", "add", "emu", "--authority-host", s.AuthorityHost(), "--arm-endpoint", s.ARMEndpoint(),
		"--arm-audience", s.ARMAudience(), "--ca-file", ca)
	return w
}

// ok runs azc without a terminal and fails the test unless it succeeds.
func (w *ttyWorld) ok(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(w.bin, args...)
	cmd.Env = ttyEnv(w.dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("azc %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// login signs the default user in with a device code the emulator approves.
func (w *ttyWorld) login(t *testing.T) {
	t.Helper()
	w.s.OnDeviceCode(func(code string) { _ = w.s.ApproveDeviceCode(code, emulator.DefaultUser) })
	w.ok(t, "login", "--environment", "emu", "--device-code")
	w.s.OnDeviceCode(nil)
}

// state is the state directory's files and their contents, to compare
// before and after an interrupted command; the credential store's
// metadata, which opening the store writes, is left out.
func (w *ttyWorld) state(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.Walk(w.dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() || strings.HasSuffix(p, ".lock") || p == filepath.Join(w.dir, "credentials", "meta.json") {
			return err
		}
		data, err := os.ReadFile(p)
		files[strings.TrimPrefix(p, w.dir)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func sameState(t *testing.T, before, after map[string]string) {
	t.Helper()
	for name, data := range after {
		if before[name] != data {
			t.Errorf("%s changed or appeared", name)
		}
	}
	for name := range before {
		if _, ok := after[name]; !ok {
			t.Errorf("%s went", name)
		}
	}
}

func hostileConfig(extra ...emulator.Subscription) *emulator.Config {
	cfg := emulator.DefaultConfig()
	cfg.Subscriptions = append(cfg.Subscriptions,
		emulator.Subscription{ID: "5a5a5a5a-0000-4000-8000-0000000000e1", Name: hostileName, State: "Enabled", Tenant: emulator.DefaultHomeTenantID},
		emulator.Subscription{ID: "5a5a5a5a-0000-4000-8000-0000000000e2", Name: "生产 🚀 " + strings.Repeat("production ", 8), State: "Enabled", Tenant: emulator.DefaultHomeTenantID},
	)
	cfg.Subscriptions = append(cfg.Subscriptions, extra...)
	return cfg
}

// TestTerminal runs the built azc on a pseudo-terminal as a person would:
// Ctrl-C (and kill -INT) in every state where azc waits ends it with exit
// 130 and leaves the state directory as it was; a hostile subscription
// name sends no control byte to the terminal; tables and the picker keep
// within the terminal's width.
func TestTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds azc and runs it on a pseudo-terminal")
	}
	t.Parallel()
	bin := buildAzc(t)

	interrupt := func(t *testing.T, r *ttyRun, how string) {
		t.Helper()
		sent := time.Now()
		if how == "kill" {
			if err := r.cmd.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
		} else {
			r.typ("\x03")
		}
		code, took := r.exit(sent)
		t.Logf("exit %d %s after the interrupt", code, took)
		if code != 130 {
			t.Fatalf("exit %d after the interrupt, want 130:\n%s", code, r.screen())
		}
		if strings.Contains(r.screen(), "azc: error") {
			t.Errorf("an interrupt printed an error:\n%s", r.screen())
		}
		// nothing half-written: no progress line is left for the shell's
		// prompt to follow on the same line (an erased line is empty)
		screen := r.screen()
		last := screen[strings.LastIndex(screen, "\n")+1:]
		if i := strings.LastIndex(last, "\x1b[K"); i >= 0 {
			last = last[i+len("\x1b[K"):]
		}
		if strings.Trim(last, "\r") != "" {
			t.Errorf("the interrupt left the cursor after %q, where the shell's prompt would follow", last)
		}
	}

	for _, how := range []string{"ctrl-c", "kill"} {
		t.Run("the device-code wait ends on "+how, func(t *testing.T) {
			t.Parallel()
			w := newTTYWorld(t, bin, hostileConfig())
			before := w.state(t)
			r := startTTY(t, 100, 30, ttyEnv(w.dir), bin, "login", "--environment", "emu", "--device-code")
			r.expect("enter the code")
			interrupt(t, r, how)
			sameState(t, before, w.state(t))
		})
	}

	// xdg-open that starts a browser's first window runs until that
	// browser is closed. The sign-in page is open all that time: the
	// sign-in shows its address, goes on when the browser answers, and
	// ends on an interrupt, without waiting for the opener.
	browser := func(t *testing.T, w *ttyWorld) (r *ttyRun, authorizeURL func() string) {
		t.Helper()
		bin := t.TempDir()
		opened, pid := filepath.Join(bin, "opened"), filepath.Join(bin, "pid")
		script := fmt.Sprintf("#!/bin/sh\necho $$ > %[1]s\nprintf %%s \"$1\" > %[2]s.tmp && mv %[2]s.tmp %[2]s\nexec sleep 600\n", pid, opened)
		if err := os.WriteFile(filepath.Join(bin, "xdg-open"), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if data, err := os.ReadFile(pid); err == nil {
				var p int
				if _, err := fmt.Sscan(string(data), &p); err == nil {
					_ = syscall.Kill(p, syscall.SIGKILL)
				}
			}
		})
		r = startTTY(t, 100, 30, ttyEnv(w.dir, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH")), w.bin, "login", "--environment", "emu")
		return r, func() string {
			t.Helper()
			deadline := time.Now().Add(ttyPatience)
			for {
				if data, err := os.ReadFile(opened); err == nil {
					return string(data)
				}
				if time.Now().After(deadline) {
					t.Fatalf("the browser was not opened:\n%s", r.screen())
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
	}
	t.Run("a browser sign-in goes on while the browser opener runs", func(t *testing.T) {
		t.Parallel()
		w := newTTYWorld(t, bin, hostileConfig())
		w.s.SetInteractiveUser(emulator.DefaultUser)
		r, authorizeURL := browser(t, w)
		u := authorizeURL()
		r.expect(u)
		r.expect("waiting for the sign-in to be approved")
		if err := w.s.OpenURL(u); err != nil {
			t.Fatal(err)
		}
		if code, _ := r.exit(time.Now()); code != 0 || !strings.Contains(r.screen(), "Signed in as "+emulator.DefaultUser) {
			t.Fatalf("exit %d:\n%s", code, r.screen())
		}
	})
	t.Run("a browser sign-in ends on kill while the browser opener runs", func(t *testing.T) {
		t.Parallel()
		w := newTTYWorld(t, bin, hostileConfig())
		before := w.state(t)
		r, authorizeURL := browser(t, w)
		authorizeURL()
		interrupt(t, r, "kill")
		if strings.Contains(r.screen(), "device code") {
			t.Errorf("an interrupt went on to a device code:\n%s", r.screen())
		}
		sameState(t, before, w.state(t))
	})

	for _, hang := range []struct{ name, route, shows string }{
		{"a device-code request", emulator.RouteDeviceCode, "contacting the identity provider"},
		{"a tenant list after the approval", emulator.RouteTenants, "listing tenants"},
	} {
		t.Run(hang.name+" that hangs shows progress and ends on ctrl-c", func(t *testing.T) {
			t.Parallel()
			w := newTTYWorld(t, bin, hostileConfig())
			w.s.OnDeviceCode(func(code string) { _ = w.s.ApproveDeviceCode(code, emulator.DefaultUser) })
			w.s.SetFault(hang.route, emulator.Fault{Hang: true})
			before := w.state(t)
			r := startTTY(t, 100, 30, ttyEnv(w.dir), bin, "login", "--environment", "emu", "--device-code")
			r.expect(hang.shows)
			interrupt(t, r, "ctrl-c")
			sameState(t, before, w.state(t))
		})
	}

	t.Run("a population of 10,000 subscriptions ends on ctrl-c", func(t *testing.T) {
		t.Parallel()
		cfg := hostileConfig()
		cfg.Generate = &emulator.Generate{Tenants: 20, SubscriptionsPerTenant: 500}
		cfg.PageSize = 50
		w := newTTYWorld(t, bin, cfg)
		w.s.OnDeviceCode(func(code string) { _ = w.s.ApproveDeviceCode(code, emulator.DefaultUser) })
		w.s.SetFault(emulator.RouteSubscriptions, emulator.Fault{Latency: 50 * time.Millisecond})
		before := w.state(t)
		r := startTTY(t, 100, 30, ttyEnv(w.dir), bin, "login", "--environment", "emu", "--device-code")
		r.expect("listing subscriptions")
		interrupt(t, r, "ctrl-c")
		sameState(t, before, w.state(t))
	})

	t.Run("context list --refresh ends on ctrl-c", func(t *testing.T) {
		t.Parallel()
		w := newTTYWorld(t, bin, hostileConfig())
		w.login(t)
		w.s.SetFault(emulator.RouteTenants, emulator.Fault{Hang: true})
		before := w.state(t)
		r := startTTY(t, 100, 30, ttyEnv(w.dir), bin, "context", "list", "--refresh")
		r.expect("listing tenants")
		interrupt(t, r, "ctrl-c")
		sameState(t, before, w.state(t))
	})

	t.Run("a [y/N] question ends on ctrl-c", func(t *testing.T) {
		t.Parallel()
		w := newTTYWorld(t, bin, hostileConfig())
		w.login(t)
		before := w.state(t)
		r := startTTY(t, 100, 30, ttyEnv(w.dir), bin, "context", "clear")
		r.expect("[y/N]")
		interrupt(t, r, "ctrl-c")
		sameState(t, before, w.state(t))
	})

	for _, key := range []string{"\x1b", "\x03"} {
		t.Run("the picker backs out silently on "+strings.ReplaceAll(strings.ReplaceAll(key, "\x1b", "esc"), "\x03", "ctrl-c"), func(t *testing.T) {
			t.Parallel()
			w := newTTYWorld(t, bin, hostileConfig())
			w.login(t)
			before := w.state(t)
			r := startTTY(t, 100, 30, ttyEnv(w.dir), bin, "use")
			r.expect("context>")
			sent := time.Now()
			r.typ(key)
			if code, took := r.exit(sent); code != 130 {
				t.Fatalf("exit %d after %s, want 130:\n%s", code, took, r.screen())
			}
			if strings.Contains(r.screen(), "cancelled") || strings.Contains(r.screen(), "azc:") {
				t.Errorf("backing out printed a message:\n%q", r.screen())
			}
			sameState(t, before, w.state(t))
		})
	}

	for _, cols := range []int{40, 200} {
		t.Run("the picker fits "+map[int]string{40: "40", 200: "200"}[cols]+" columns and starts on the current context", func(t *testing.T) {
			t.Parallel()
			w := newTTYWorld(t, bin, hostileConfig())
			w.login(t)
			w.ok(t, "use", "Contoso Dev")
			r := startTTY(t, cols, 12, ttyEnv(w.dir), bin, "use")
			r.expect("context>")
			r.expect("/")
			r.typ("\x1b[B")
			r.typ("\x1b[A")
			r.typ("\r")
			if code, _ := r.exit(time.Now()); code != 0 {
				t.Fatalf("exit %d:\n%s", code, r.screen())
			}
			screen := r.screen()
			if strings.Contains(screen, "\a") || strings.Contains(screen, "\x1b]") || strings.Contains(screen, "\x1b[2J") {
				t.Errorf("a hostile name reached the terminal: %q", screen)
			}
			picker, _, _ := strings.Cut(screen, "switched to context")
			for _, line := range strings.Split(ownEscapes.Replace(sgr.ReplaceAllString(picker, "")), "\n") {
				line = strings.Trim(line, "\r")
				if termtext.Width(line) >= cols {
					t.Errorf("a line of %d columns on a terminal of %d: %q", termtext.Width(line), cols, line)
				}
			}
			if !strings.Contains(screen, `switched to context "Contoso Dev"`) {
				t.Errorf("down, up and Enter did not pick the current context:\n%s", screen)
			}
		})
	}

	t.Run("the picker draws again at once when the terminal is resized", func(t *testing.T) {
		t.Parallel()
		w := newTTYWorld(t, bin, hostileConfig())
		w.login(t)
		r := startTTY(t, 200, 30, ttyEnv(w.dir), bin, "use")
		// a whole frame: the prompt to the count of the matches
		count := regexp.MustCompile(`(?s)context>.*\n  \d+/\d+\r\n`)
		frameAfter := func(from int) {
			t.Helper()
			deadline := time.After(ttyPatience)
			for !count.MatchString(r.screen()[from:]) {
				select {
				case <-r.more:
				case <-deadline:
					t.Fatalf("no whole frame drawn:\n%q", r.screen()[from:])
				}
			}
		}
		frameAfter(0)
		drawn := len(r.screen())
		// the kernel sends the picker SIGWINCH; no key is typed
		if err := pty.Setsize(r.pty, &pty.Winsize{Cols: 40, Rows: 12}); err != nil {
			t.Fatal(err)
		}
		frameAfter(drawn)
		for _, line := range strings.Split(ownEscapes.Replace(sgr.ReplaceAllString(r.screen()[drawn:], "")), "\n") {
			if line = strings.Trim(line, "\r"); termtext.Width(line) >= 40 {
				t.Errorf("a line of %d columns after a resize to 40: %q", termtext.Width(line), line)
			}
		}
		r.typ("\x1b")
		if code, _ := r.exit(time.Now()); code != 130 {
			t.Fatalf("exit %d:\n%s", code, r.screen())
		}
	})

	t.Run("the picker over 10,000 contexts picks what is typed", func(t *testing.T) {
		t.Parallel()
		dir := filepath.Join(t.TempDir(), "azc")
		st, err := profile.Open(dir, profile.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Update(func(p *profile.Profile) error {
			a := p.UpsertAccount(profile.Account{ID: "alice@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "t"})
			cs := make([]profile.Context, 10000)
			for i := range cs {
				cs[i] = profile.Context{Name: fmt.Sprintf("ctx-%05d", i), Account: a.Key(), Environment: "AzureCloud",
					Tenant:       profile.Tenant{ID: "t", DefaultDomain: "contoso.onmicrosoft.com"},
					Subscription: &profile.Subscription{ID: fmt.Sprintf("%08d-0000-4000-8000-000000000000", i), Name: fmt.Sprintf("sub %d", i), State: "Enabled", TenantID: "t"}}
			}
			_, err := p.UpsertContexts(cs, profile.UpsertOptions{})
			p.DefaultContext = "ctx-05000"
			return err
		}); err != nil {
			t.Fatal(err)
		}
		r := startTTY(t, 80, 24, ttyEnv(dir), bin, "use")
		r.expect("10000/10000")
		r.typ("ctx-09998")
		r.expect("1/10000")
		r.typ("\r")
		if code, _ := r.exit(time.Now()); code != 0 || !strings.Contains(r.screen(), `switched to context "ctx-09998"`) {
			t.Fatalf("exit %d:\n%s", code, r.screen())
		}
	})

	t.Run("tables fit 60 columns with wide characters and a hostile name sends no control byte", func(t *testing.T) {
		t.Parallel()
		w := newTTYWorld(t, bin, hostileConfig())
		w.login(t)
		var hostile string
		if err := json.Unmarshal([]byte(w.ok(t, "context", "list", "-o", "json", "--query", "[?contains(name, 'Evil')].name | [0]")), &hostile); err != nil || !strings.Contains(hostile, "Evil\x1b") {
			t.Fatalf("no context for the hostile subscription: %q", hostile)
		}
		w.ok(t, "use", "Contoso Dev")
		for _, args := range [][]string{
			{"context", "list"}, {"subscription", "list"}, {"tenant", "list"}, {"environment", "list"},
			{"context", "show", "-c", "Contoso Dev"}, {"prompt", "-c", "Contoso Dev"},
		} {
			for _, color := range []bool{true, false} {
				env := ttyEnv(w.dir)
				if !color {
					env = append(env, "NO_COLOR=1")
				}
				r := startTTY(t, 60, 30, env, bin, args...)
				if code, _ := r.exit(time.Now()); code != 0 {
					t.Fatalf("azc %s: exit %d:\n%s", strings.Join(args, " "), code, r.screen())
				}
				screen := r.screen()
				if !color && strings.ContainsAny(screen, "\x1b\a") {
					t.Errorf("azc %s with NO_COLOR wrote an escape: %q", strings.Join(args, " "), screen)
				}
				plain := sgr.ReplaceAllString(screen, "")
				if strings.ContainsAny(plain, "\x1b\a") {
					t.Errorf("azc %s wrote a control byte: %q", strings.Join(args, " "), screen)
				}
				for _, line := range strings.Split(plain, "\n") {
					if w := termtext.Width(strings.TrimRight(line, "\r")); w > 60 {
						t.Errorf("azc %s: a line of %d columns at 60: %q", strings.Join(args, " "), w, line)
					}
				}
				if args[1] == "list" && args[0] == "context" && color && !strings.Contains(screen, "\x1b[32;1m*") && !strings.Contains(screen, "\x1b[1;32m*") {
					t.Errorf("the current context is not coloured: %q", screen)
				}
			}
		}
		// the hostile context's own views, and the errors that name it
		for _, args := range [][]string{{"context", "show", hostile}, {"prompt", "-c", hostile}, {"use", hostile + "x"}} {
			r := startTTY(t, 60, 30, ttyEnv(w.dir, "NO_COLOR=1"), bin, args...)
			r.exit(time.Now())
			if strings.ContainsAny(r.screen(), "\x1b\a") {
				t.Errorf("azc %q wrote a control byte: %q", args, r.screen())
			}
			if !strings.Contains(r.screen(), `Evil\x1b]0;owned\a\x1b[2J`) {
				t.Errorf("azc %q does not show the name escaped: %q", args, r.screen())
			}
		}
		// on a terminal "error:" is red and "hint:" coloured; NO_COLOR and a
		// pipe turn that off
		r := startTTY(t, 60, 30, ttyEnv(w.dir), bin, "use", "nosuch")
		r.exit(time.Now())
		if !strings.Contains(r.screen(), "azc: \x1b[31;1merror:\x1b[0;22m") || !strings.Contains(r.screen(), "azc: \x1b[36;1mhint:\x1b[0;22m") {
			t.Errorf("the error is not coloured on a terminal: %q", r.screen())
		}
		cmd := exec.Command(bin, "use", "nosuch")
		cmd.Env = ttyEnv(w.dir)
		if out, _ := cmd.CombinedOutput(); strings.Contains(string(out), "\x1b") {
			t.Errorf("colour reached a pipe: %q", out)
		}
		// JSON keeps the exact name
		if out := w.ok(t, "context", "show", hostile, "-o", "json"); !strings.Contains(out, `Evil\u001b]0;owned\u0007\u001b[2J`) {
			t.Errorf("json lost the exact name: %s", out)
		}
	})

	// The progress line is rewritten in place with a carriage return and
	// an erase of the line, which reach only the terminal's last row of
	// it: a line wider than the terminal wrapped, and every rewrite left
	// a row behind ("tenants 1/12", "tenants 2/12", … one under another).
	t.Run("the progress line fits a 40-column terminal", func(t *testing.T) {
		t.Parallel()
		cfg := hostileConfig()
		cfg.Generate = &emulator.Generate{Tenants: 5, SubscriptionsPerTenant: 2}
		w := newTTYWorld(t, bin, cfg)
		w.s.OnDeviceCode(func(code string) { _ = w.s.ApproveDeviceCode(code, emulator.DefaultUser) })
		const cols = 40
		r := startTTY(t, cols, 30, ttyEnv(w.dir), bin, "login", "--environment", "emu", "--device-code")
		if code, _ := r.exit(time.Now()); code != 0 {
			t.Fatalf("exit %d:\n%s", code, r.screen())
		}
		progress := 0
		for _, line := range strings.Split(r.screen(), "\n") {
			// the last piece of a line is not rewritten: it may wrap
			pieces := strings.Split(strings.TrimSuffix(line, "\r"), "\r")
			for _, piece := range pieces[:len(pieces)-1] {
				piece = strings.TrimPrefix(piece, "\x1b[K")
				if !strings.HasPrefix(piece, "azc: listing") && !strings.HasPrefix(piece, "azc: waiting") {
					continue
				}
				progress++
				if termtext.Width(piece) >= cols {
					t.Errorf("a progress line of %d columns on a terminal of %d: %q", termtext.Width(piece), cols, piece)
				}
			}
		}
		if progress == 0 {
			t.Fatalf("no progress shown:\n%q", r.screen())
		}
	})

	// TERM=dumb (Emacs's shell, some CI terminals) is a terminal that
	// understands no escape sequence: azc writes it none, as with NO_COLOR,
	// and its progress as plain lines.
	t.Run("a dumb terminal gets no escape sequence", func(t *testing.T) {
		t.Parallel()
		w := newTTYWorld(t, bin, hostileConfig())
		w.s.OnDeviceCode(func(code string) { _ = w.s.ApproveDeviceCode(code, emulator.DefaultUser) })
		env := append(ttyEnv(w.dir), "TERM=dumb")
		for _, args := range [][]string{
			{"login", "--environment", "emu", "--device-code"}, {"context", "list"}, {"use", "nosuch"}, {"context", "list", "--refresh"},
			{"use"}, // no picker: it draws with escapes; the error says to name one
		} {
			r := startTTY(t, 100, 30, env, bin, args...)
			r.exit(time.Now())
			if strings.Contains(r.screen(), "\x1b") {
				t.Errorf("azc %s on TERM=dumb wrote an escape: %q", strings.Join(args, " "), r.screen())
			}
		}
	})
}

// TestASecretTypedAtTheTerminalIsNotShown: `--client-secret-file -` with
// the terminal as standard input asks for the secret, as az and ssh ask
// for a password, and reads one line without echoing it, so the secret
// never reaches the screen or its scrollback; Ctrl-C there exits 130
// with the terminal's echo back on.
func TestASecretTypedAtTheTerminalIsNotShown(t *testing.T) {
	if testing.Short() {
		t.Skip("builds azc and runs it on a pseudo-terminal")
	}
	t.Parallel()
	bin := buildAzc(t)
	w := newTTYWorld(t, bin, nil)
	args := []string{"login", "--environment", "emu", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID,
		"--tenant", emulator.DefaultHomeTenantID, "--client-secret-file", "-"}
	r := startTTY(t, 100, 30, ttyEnv(w.dir), bin, args...)
	r.expect("client secret: ")
	r.typ(emulator.DefaultServicePrincipalSecret + "\r")
	if code, _ := r.exit(time.Now()); code != 0 {
		t.Fatalf("exit %d:\n%s", code, r.screen())
	}
	if strings.Contains(r.screen(), emulator.DefaultServicePrincipalSecret) {
		t.Errorf("the secret was shown on the terminal:\n%q", r.screen())
	}
	r = startTTY(t, 100, 30, ttyEnv(w.dir), bin, args...)
	r.expect("client secret: ")
	r.typ("\x03")
	if code, _ := r.exit(time.Now()); code != 130 {
		t.Fatalf("exit %d after Ctrl-C, want 130:\n%s", code, r.screen())
	}
	if strings.Contains(r.screen(), "azc: error") {
		t.Errorf("Ctrl-C printed an error:\n%s", r.screen())
	}
}

// An import from standard input at a terminal says what it waits for and
// how to end it, where it waited silently; typed text is read as a piped
// file is.
func TestAnImportTypedAtTheTerminalSaysHowToEndIt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds azc and runs it on a pseudo-terminal")
	}
	t.Parallel()
	bin := buildAzc(t)
	w := newTTYWorld(t, bin, nil)
	r := startTTY(t, 100, 30, ttyEnv(w.dir), bin, "context", "import", "-")
	r.expect("Ctrl-D")
	r.typ("not json\r\x04")
	if code, _ := r.exit(time.Now()); code != 1 {
		t.Fatalf("exit %d, want 1 for a file that is not JSON:\n%s", code, r.screen())
	}
	if !strings.Contains(r.screen(), "standard input: parse context file: line 1, column 2") {
		t.Errorf("the typed text was not read as the file:\n%s", r.screen())
	}
}
