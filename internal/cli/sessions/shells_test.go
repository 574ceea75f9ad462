//go:build !windows

package sessions_test

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/sessions"
)

// term is an interactive shell on a pseudo-terminal, typed at as a user
// types: keys go in, and the screen's bytes are read back.
type term struct {
	t    *testing.T
	name string
	pty  *os.File
	mu   sync.Mutex
	out  bytes.Buffer
	more chan struct{} // signalled when out grows or the shell ends
	done bool
	seen int // out[:seen] has been matched already
}

func startTerm(t *testing.T, name, dir string, env []string, argv ...string) *term {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	cmd.Dir = dir
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 200})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	tm := &term{t: t, name: name, pty: f, more: make(chan struct{}, 1)}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			tm.mu.Lock()
			tm.out.Write(buf[:n])
			if err != nil {
				tm.done = true
			}
			tm.mu.Unlock()
			select {
			case tm.more <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		f.Close()
	})
	return tm
}

// typ types keys (control characters included: "\t" is TAB, "\x01"
// Ctrl-A, "\r" Enter).
func (tm *term) typ(keys string) {
	tm.t.Helper()
	if _, err := tm.pty.Write([]byte(keys)); err != nil {
		tm.t.Fatalf("%s: typing %q: %v", tm.name, keys, err)
	}
}

// expect waits until the screen shows want after what earlier calls
// matched, and returns what came before it. It fails the test when the
// shell ends or shows nothing new for a long time.
func (tm *term) expect(want string) string {
	tm.t.Helper()
	for {
		tm.mu.Lock()
		all := tm.out.String()
		done := tm.done
		tm.mu.Unlock()
		if i := strings.Index(all[tm.seen:], want); i >= 0 {
			before := all[tm.seen : tm.seen+i]
			tm.seen += i + len(want)
			return before
		}
		if done {
			tm.t.Fatalf("%s ended before showing %q:\n%s", tm.name, want, all)
		}
		select {
		case <-tm.more:
		case <-time.After(60 * time.Second):
			tm.t.Fatalf("%s: no %q on the screen:\n%s", tm.name, want, all)
		}
	}
}

// exited waits until the shell ends by itself (after an `exit` typed at
// it), so that nothing it started still runs when the test's cleanup
// kills what is left and removes its directories: the prompt's `azc
// prompt` may still be running when `exit` is typed, and on a loaded
// machine outlive a shell that is killed.
func (tm *term) exited() {
	tm.t.Helper()
	for {
		tm.mu.Lock()
		done, all := tm.done, tm.out.String()
		tm.mu.Unlock()
		if done {
			return
		}
		select {
		case <-tm.more:
		case <-time.After(60 * time.Second):
			tm.t.Fatalf("%s did not exit:\n%s", tm.name, all)
		}
	}
}

// TestShellIntegration loads `azc init SHELL` in real interactive bash
// (with and without the bash-completion package), zsh and fish on a
// pseudo-terminal, as a user's start-up file would, and types at them:
// the shell gets a session that keeps its own current context, and TAB
// completes commands and context names (a name with a space, the space
// two names share, and one that exists only in the shell's session,
// included) with nothing printed but the completion.
func TestShellIntegration(t *testing.T) {
	bin := buildAzc(t)
	fixture, err := os.ReadFile(filepath.Join("testdata", "fixture.json"))
	if err != nil {
		t.Fatal(err)
	}
	const bashCompletion = "/usr/share/bash-completion/bash_completion"
	// Each shell's lines: the start-up line, and printf's form for
	// "<a>" per argument (the screen's echo of a typed line shows the
	// format, never "<a>", so a match is the command's output).
	shells := []struct {
		name, prog string
		argv       []string
		setup      string
		needs      string // a file the case needs, else it skips
	}{
		{name: "bash without bash-completion", prog: "bash", argv: []string{"bash", "--norc", "--noprofile", "-i"},
			setup: `eval "$(azc init bash)"`},
		{name: "bash with bash-completion", prog: "bash", argv: []string{"bash", "--norc", "--noprofile", "-i"},
			setup: `source ` + bashCompletion + ` && eval "$(azc init bash)"`, needs: bashCompletion},
		{name: "zsh", prog: "zsh", argv: []string{"zsh", "-f", "-i"},
			setup: `eval "$(azc init zsh)"`},
		{name: "fish", prog: "fish", argv: []string{"fish", "--no-config", "-i"},
			setup: `azc init fish | source`},
	}
	for _, sh := range shells {
		t.Run(sh.name, func(t *testing.T) {
			t.Parallel()
			if _, err := exec.LookPath(sh.prog); err != nil {
				skipOrFail(t, sh.prog+" is not installed")
			}
			if sh.needs != "" {
				if _, err := os.Stat(sh.needs); err != nil {
					skipOrFail(t, sh.needs+" is missing (Debian's bash-completion package)")
				}
			}
			work := t.TempDir()
			home := filepath.Join(work, "home")
			state := filepath.Join(work, "azc")
			tmp := filepath.Join(work, "tmp")
			for _, d := range []string{home, state, tmp} {
				if err := os.Mkdir(d, 0o700); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(filepath.Join(state, "profile.json"), fixture, 0o600); err != nil {
				t.Fatal(err)
			}
			env := []string{
				"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"),
				"HOME=" + home,
				"TMPDIR=" + tmp,
				"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
				"XDG_DATA_HOME=" + filepath.Join(home, ".local", "share"),
				"AZC_CONFIG_DIR=" + state,
				"TERM=xterm",
				"NO_COLOR=1",
				"PS1=$ ",
			}
			tm := startTerm(t, sh.name, home, env, sh.argv...)
			tm.typ(sh.setup + "\r")
			tm.typ("printf '<%s>\\n' ready\r")
			if before := tm.expect("<ready>"); strings.Contains(before, "not found") {
				t.Fatalf("loading azc init:\n%s", before)
			}

			// A session: a process-scope switch stays in this shell.
			tm.typ("azc use Dev --scope process\r")
			tm.typ("azc context show -o tsv --query name | sed 's/^/name=/'\r")
			tm.expect("name=Dev\r\n")
			tm.typ("env -u AZC_SESSION azc context show -o tsv --query name | sed 's/^/user=/'\r")
			tm.expect("user=Prod\r\n")
			tm.typ("azc context set --subscription Prod --name 'scratch pad' --scope process\r")
			tm.typ("azc context set --subscription Dev --name 'scratch pen' --scope process\r")

			// TAB completes; Ctrl-A and printf show the completed line.
			for _, c := range []struct{ typed, want string }{
				{"azc conte", "<azc>\r\n<context>\r\n"},
				{"azc context show Pro", "<azc>\r\n<context>\r\n<show>\r\n<Prod>\r\n"},
				{"azc use Dev\\ T", "<azc>\r\n<use>\r\n<Dev Test>\r\n"},
				{"azc --context=Pro", "<azc>\r\n<--context=Prod>\r\n"},
				// two names: TAB inserts what they share, a space included
				{"azc use scr", "<azc>\r\n<use>\r\n<scratch p>\r\n"},
				{"azc use scratch\\ pa", "<azc>\r\n<use>\r\n<scratch pad>\r\n"},
				// names complete ignoring case, as azc compares them
				{"azc use pro", "<azc>\r\n<use>\r\n<Prod>\r\n"},
				{"azc use dev\\ t", "<azc>\r\n<use>\r\n<Dev Test>\r\n"},
			} {
				if sh.prog == "fish" {
					c.typed = strings.ReplaceAll(c.typed, `\ `, " ")
					c.typed = strings.Replace(c.typed, "Dev T", "'Dev T", 1)
					c.typed = strings.Replace(c.typed, "scratch pa", "'scratch pa", 1)
					c.typed = strings.Replace(c.typed, "dev t", "'dev t", 1)
				}
				tm.typ(c.typed + "\t\x01printf '<%s>\\n' \r")
				tm.typ("printf '<%s>\\n' end\r")
				before := tm.expect("<end>")
				if !strings.Contains(before, c.want) {
					t.Errorf("%q then TAB: want the line %s; the screen shows:\n%q", c.typed, c.want, before)
				}
				if strings.Contains(before, "not found") {
					t.Errorf("%q then TAB printed an error:\n%s", c.typed, before)
				}
			}
			tm.typ("exit\r")
			tm.exited()
		})
	}
}

// skipOrFail skips the test for a missing peer, or fails it where peers
// are required (AZC_REQUIRE_PEERS=1, as CI sets).
func skipOrFail(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("AZC_REQUIRE_PEERS") == "1" {
		t.Fatal(why)
	}
	t.Skip(why)
}

// TestThePromptKeepsTheLastExitStatus loads `azc init SHELL` after a
// prompt that shows the last command's exit status (bash's $?, zsh's %?,
// fish's $status in its fish_prompt): the azc segment in front of it must
// not replace that status with its own.
func TestThePromptKeepsTheLastExitStatus(t *testing.T) {
	bin := buildAzc(t)
	fixture, err := os.ReadFile(filepath.Join("testdata", "fixture.json"))
	if err != nil {
		t.Fatal(err)
	}
	shells := []struct {
		name, prog string
		argv       []string
		setup      string
	}{
		{name: "bash", prog: "bash", argv: []string{"bash", "--norc", "--noprofile", "-i"},
			setup: `PS1='[$?] $ '; eval "$(azc init bash)"`},
		{name: "zsh", prog: "zsh", argv: []string{"zsh", "-f", "-i"},
			setup: `PROMPT='[%?] %# '; eval "$(azc init zsh)"`},
		{name: "fish", prog: "fish", argv: []string{"fish", "--no-config", "-i"},
			setup: `function fish_prompt; printf '[%s] > ' $status; end; azc init fish | source`},
	}
	for _, sh := range shells {
		t.Run(sh.name, func(t *testing.T) {
			t.Parallel()
			if _, err := exec.LookPath(sh.prog); err != nil {
				skipOrFail(t, sh.prog+" is not installed")
			}
			work := t.TempDir()
			home := filepath.Join(work, "home")
			state := filepath.Join(work, "azc")
			tmp := filepath.Join(work, "tmp")
			for _, d := range []string{home, state, tmp} {
				if err := os.Mkdir(d, 0o700); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(filepath.Join(state, "profile.json"), fixture, 0o600); err != nil {
				t.Fatal(err)
			}
			env := []string{
				"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"),
				"HOME=" + home,
				"TMPDIR=" + tmp,
				"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
				"XDG_DATA_HOME=" + filepath.Join(home, ".local", "share"),
				"AZC_CONFIG_DIR=" + state,
				"TERM=xterm",
				"NO_COLOR=1",
			}
			tm := startTerm(t, sh.name, home, env, sh.argv...)
			tm.typ(sh.setup + "\r")
			tm.expect("(Prod) [0] ")
			// The typed lines echo without the prompt's "(Prod) [N] ",
			// so each match is the prompt drawn after the command.
			tm.typ("false\r")
			tm.expect("(Prod) [1] ")
			tm.typ("sh -c 'exit 3'\r")
			tm.expect("(Prod) [3] ")
			tm.typ("true\r")
			tm.expect("(Prod) [0] ")
			tm.typ("exit\r")
			tm.exited()
		})
	}
}

// TestInitLoadsUnderSetU evaluates `azc init bash` in a script that runs
// with `set -u`, where PS1 is unset: the script gets its session and goes
// on.
func TestInitLoadsUnderSetU(t *testing.T) {
	bin := buildAzc(t)
	state := filepath.Join(t.TempDir(), "azc")
	if err := os.Mkdir(state, 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "--norc", "--noprofile", "-euc", `eval "$(azc init bash)"; echo "session=${AZC_SESSION%%.*}"`)
	cmd.Env = []string{
		"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + t.TempDir(),
		"TMPDIR=" + t.TempDir(),
		"AZC_CONFIG_DIR=" + state,
	}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "session=") || strings.Contains(string(out), "unbound") {
		t.Fatalf("bash -eu with azc init: %v\n%s", err, out)
	}
}

// TestAFailedSessionStartLeavesNoInheritedSession: when `azc session
// start` fails (the runtime directory's file system is full), the code of
// `azc init` leaves the shell no AZC_SESSION. The value the shell
// inherited is one the start did not keep, another shell's session (a
// terminal multiplexer started from that shell hands each pane its
// environment) or a broken one: the new shell kept it, and used and
// changed the other shell's selection. The azc here fails its start as
// one on a full disk does.
func TestAFailedSessionStartLeavesNoInheritedSession(t *testing.T) {
	t.Parallel()
	stub := filepath.Join(t.TempDir(), "azc")
	if err := os.WriteFile(stub, []byte("#!/bin/sh\necho 'azc: error: new session: no space left on device' >&2\nexit 1\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	inherited := strings.Repeat("ab", 16) + "." + strings.Repeat("A", 43)
	for _, sh := range []struct {
		name string
		argv []string
	}{
		{"bash", []string{"bash", "--norc", "--noprofile", "-c", `eval "$INIT"; echo "session=[${AZC_SESSION-}]"`}},
		{"zsh", []string{"zsh", "-f", "-c", `eval "$INIT"; echo "session=[${AZC_SESSION-}]"`}},
		{"fish", []string{"fish", "--no-config", "-c", `printf '%s\n' $INIT | source; echo "session=[$AZC_SESSION]"`}},
	} {
		t.Run(sh.name, func(t *testing.T) {
			t.Parallel()
			if _, err := exec.LookPath(sh.argv[0]); err != nil {
				skipOrFail(t, sh.argv[0]+" is not installed")
			}
			ios, _, out, _ := cmdutil.Test()
			f := cmdutil.NewFactory(ios, func(string) string { return "" }, "v0-test")
			f.Front = stub
			opts := &sessions.InitOptions{Shell: sh.name, NoPrompt: true, Completion: func(string, io.Writer) error { return nil }}
			if err := sessions.InitRun(f, opts); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(sh.argv[0], sh.argv[1:]...)
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "INIT=" + out.String(), "AZC_SESSION=" + inherited}
			got, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(got), "session=[]") {
				t.Errorf("%s with azc init, whose session start failed: %v\n%s\nwant no AZC_SESSION", sh.name, err, got)
			}
		})
	}
}
