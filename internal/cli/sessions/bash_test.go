package sessions_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/azcontext/azc/internal/shquote"
)

// buildAzc builds cmd/azc into a temp dir and returns that dir.
func buildAzc(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds azc and runs real shells")
	}
	bin := t.TempDir()
	out, err := exec.Command("go", "build", "-o", bin+string(filepath.Separator), "github.com/azcontext/azc/cmd/azc", "github.com/azcontext/azc/cmd/azc-full").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// bashProc is a running bash fed commands on stdin.
type bashProc struct {
	t     *testing.T
	name  string
	cmd   *exec.Cmd
	in    *bufio.Writer
	stdin interface{ Close() error }
	out   *bufio.Scanner
	n     int
}

func startBash(t *testing.T, name string, env []string) *bashProc {
	t.Helper()
	cmd := exec.Command("bash", "--norc", "--noprofile")
	cmd.Env = env
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	b := &bashProc{t: t, name: name, cmd: cmd, in: bufio.NewWriter(stdin), stdin: stdin, out: bufio.NewScanner(r)}
	t.Cleanup(func() { b.exit(); r.Close() })
	return b
}

// run runs line in the shell and returns its output (stdout and stderr)
// and exit status.
func (b *bashProc) run(line string) (string, int) {
	b.t.Helper()
	b.n++
	marker := fmt.Sprintf("__azc_test_done_%d__", b.n)
	fmt.Fprintf(b.in, "%s\necho %s $?\n", line, marker)
	if err := b.in.Flush(); err != nil {
		b.t.Fatalf("%s: %v", b.name, err)
	}
	var out []string
	for b.out.Scan() {
		l := b.out.Text()
		// Output without a final newline (the prompt function) shares
		// the marker's line.
		if before, rest, ok := strings.Cut(l, marker+" "); ok {
			var code int
			fmt.Sscan(rest, &code)
			if before != "" {
				out = append(out, before)
			}
			return strings.Join(out, "\n"), code
		}
		out = append(out, l)
	}
	b.t.Fatalf("%s ended while running %q: %v\n%s", b.name, line, b.out.Err(), strings.Join(out, "\n"))
	return "", 0
}

// must runs line and fails the test unless it succeeds.
func (b *bashProc) must(line string) string {
	b.t.Helper()
	out, code := b.run(line)
	if code != 0 {
		b.t.Fatalf("%s: %q exited %d:\n%s", b.name, line, code, out)
	}
	return out
}

func (b *bashProc) exit() {
	if b.cmd.ProcessState != nil {
		return
	}
	fmt.Fprintln(b.in, "exit 0")
	_ = b.in.Flush()
	_ = b.stdin.Close()
	_ = b.cmd.Wait()
}

// lastLine is the last line of out.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	return lines[len(lines)-1]
}

// TestTwoBashSessionsSideBySide runs two real bash shells with
// `eval "$(azc init bash)"`: each keeps its own current context while the
// user default stays put, and with autosave off a shell's changes stay in
// its session and are gone when the shell ends.
func TestTwoBashSessionsSideBySide(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("bash sessions are a Unix test")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	bin := buildAzc(t)
	work := t.TempDir()
	state := filepath.Join(work, "azc")
	if err := os.MkdirAll(state, 0o700); err != nil {
		t.Fatal(err)
	}
	fixture, err := os.ReadFile(filepath.Join("testdata", "fixture.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(state, "profile.json"), fixture, 0o600); err != nil {
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
		"AZC_CONFIG_DIR=" + state,
		"NO_COLOR=1",
	}
	outside := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(filepath.Join(bin, "azc"), args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("azc %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}

	a := startBash(t, "bash A", env)
	b := startBash(t, "bash B", env)
	a.must(`eval "$(azc init bash)"`)
	b.must(`eval "$(azc init bash)"`)
	sa, sb := a.must(`echo "$AZC_SESSION"`), b.must(`echo "$AZC_SESSION"`)
	if sa == "" || sb == "" || sa == sb {
		t.Fatalf("sessions: A %q, B %q; want two different ones", sa, sb)
	}
	if got := a.must(`__azc_ps1`); got != "(Prod) " {
		t.Fatalf("A's prompt = %q", got)
	}
	// The prompt runs azc (which starts fast), not azc-full, although
	// azc hands `init` to azc-full; so does azc-full's own init.
	want := shquote.Quote(filepath.Join(bin, "azc")) + " prompt"
	if got := a.must(`declare -f __azc_ps1`); !strings.Contains(got, want) {
		t.Fatalf("the prompt hook does not call %s:\n%s", want, got)
	}
	if got := outside("init", "bash"); strings.Contains(got, "azc-full prompt") || strings.Contains(got, "azc-full' prompt") || !strings.Contains(got, want) {
		t.Fatal("azc init bash puts azc-full in the prompt hook")
	}
	cmd := exec.Command(filepath.Join(bin, "azc-full"), "init", "bash")
	cmd.Env = env
	if got, err := cmd.Output(); err != nil || !strings.Contains(string(got), want) {
		t.Fatalf("azc-full init bash (%v) does not call azc beside it", err)
	}

	a.must(`azc use Dev --scope process`)
	b.must(`azc use 'Dev Test' --scope process`)
	if got := lastLine(a.must(`azc context show -o tsv --query name`)); got != "Dev" {
		t.Fatalf("A's current context = %q, want Dev", got)
	}
	if got := lastLine(b.must(`azc context show -o tsv --query name`)); got != "Dev Test" {
		t.Fatalf("B's current context = %q, want Dev Test", got)
	}
	if got := a.must(`__azc_ps1`); got != "(Dev) " {
		t.Fatalf("A's prompt = %q", got)
	}
	// A child process of A belongs to A's session.
	if got := a.must(`bash -c 'azc prompt'`); got != "Dev" {
		t.Fatalf("a child of A sees %q", got)
	}
	if got := outside("context", "show", "-o", "tsv", "--query", "name"); got != "Prod" {
		t.Fatalf("the user default moved to %q", got)
	}

	// Autosave off in A: a new context stays in A's session.
	a.must(`azc autosave disable --scope process`)
	out := a.must(`azc context set --subscription 'Dev Test' --name scratch`)
	if !strings.Contains(out, "(process scope)") {
		t.Fatalf("context set with autosave off: %q", out)
	}
	if got := lastLine(a.must(`azc context show -o tsv --query name`)); got != "scratch" {
		t.Fatalf("A's current context = %q, want scratch", got)
	}
	if _, code := b.run(`azc context show scratch`); code == 0 {
		t.Fatal("B sees A's session-only context")
	}
	if got := outside("context", "list", "-o", "tsv", "--query", "[].name"); strings.Contains(got, "scratch") {
		t.Fatalf("the profile got A's session-only context: %q", got)
	}

	// A ends; its session goes with it (collected by the next session start).
	a.exit()
	c := startBash(t, "bash C", env)
	c.must(`eval "$(azc init bash)"`)
	entries, err := os.ReadDir(filepath.Join(tmp, fmt.Sprintf("azc-%d", os.Getuid()), "azc", "sessions"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(sa, e.Name()+".") {
			t.Fatalf("A's session %s outlived its shell", e.Name())
		}
	}
	if len(entries) != 2 {
		t.Fatalf("%d sessions left, want B's and C's", len(entries))
	}
	if _, code := c.run(`azc context show scratch`); code == 0 {
		t.Fatal("A's session-only context outlived A")
	}
	if got := lastLine(c.must(`azc context show -o tsv --query name`)); got != "Prod" {
		t.Fatalf("a new shell's context = %q, want the user default Prod", got)
	}
	if got := lastLine(b.must(`azc context show -o tsv --query name`)); got != "Dev Test" {
		t.Fatalf("B's context after A ended = %q", got)
	}
	// A stale AZC_SESSION (A's) is an error with the way out, never a
	// silent fall back to the user default.
	out, code := c.run(fmt.Sprintf(`AZC_SESSION=%q azc context show -o tsv --query name`, sa))
	if code != 1 || !strings.Contains(out, "session not found") || !strings.Contains(out, "azc: hint: start a new session") || strings.Contains(out, "Prod") {
		t.Fatalf("a dead session's value: exit %d, %q", code, out)
	}
}
