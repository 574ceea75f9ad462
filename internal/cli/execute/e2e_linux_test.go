//go:build linux

package execute_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/azcontext/azc/credserver/endpoint"
	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/internal/ptytest"
	"github.com/azcontext/azc/profile"
)

// TestTheServerWarnsOnATerminalThatStopsBackgroundWriters: azc exec runs in
// the foreground of a terminal set to stop the background processes that
// write to it (stty tostop), and the child asks for a token the identity
// provider refuses, which the server, in a process group of its own, tells
// the terminal. The warning must be shown and azc end with the child: a
// server stopped by SIGTTOU as it wrote would hold the child's request,
// and azc, which waits for the server, would never end.
func TestTheServerWarnsOnATerminalThatStopsBackgroundWriters(t *testing.T) {
	t.Parallel()
	master, slave := ptytest.Open(t)
	tio, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	tio.Lflag |= unix.TOSTOP
	if err := unix.IoctlSetTermios(int(slave.Fd()), unix.TCSETS, tio); err != nil {
		t.Fatal(err)
	}
	w := newWorld(t, 1)
	w.emu.SetFault(emulator.RouteToken, emulator.Fault{Status: http.StatusBadRequest, Description: "refused-for-the-test"})
	// The ARM token is cached since the sign-in; the other spelling of
	// ARM's audience is not, so the child's request reaches the provider.
	cmd := exec.Command(bin.azc, "exec", "-c", w.ids[0].context, "--", "sh", "-c",
		`timeout 30 "$0" -cred mi -scope https://management.azure.com/.default -echo "$1" -ca "$2" >/dev/null 2>&1; echo "probe ended $?"`,
		bin.probe, w.echoURL(), w.caFile)
	cmd.Env = w.env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	read := make(chan string, 100)
	go func() {
		rd := bufio.NewReader(master)
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				close(read)
				return
			}
			read <- line
		}
	}()
	lines := (<-chan string)(read)
	ended := make(chan error, 1)
	go func() { ended <- cmd.Wait() }()
	var out strings.Builder
	timeout := time.After(90 * time.Second)
	for done := false; !done; {
		select {
		case line, ok := <-lines:
			if !ok {
				lines = nil
				continue
			}
			out.WriteString(line)
		case <-ended:
			done = true
		case <-timeout:
			t.Fatalf("azc exec did not end; the terminal showed:\n%s", out.String())
		}
	}
	// what is left on the terminal
	for drain := time.After(time.Second); lines != nil; {
		select {
		case line, ok := <-lines:
			if !ok {
				lines = nil
			}
			out.WriteString(line)
		case <-drain:
			lines = nil
		}
	}
	if !strings.Contains(out.String(), "refused-for-the-test") {
		t.Errorf("the server's warning did not reach the terminal:\n%s", out.String())
	}
	if testing.Verbose() {
		t.Logf("the terminal showed:\n%s", out.String())
	}
}

// noKeyctlEnv, set in the environment of this test binary, names a program
// it runs (execve) in its place, where the kernel refuses the key
// management system calls, as a container's seccomp profile does (Docker's
// default one): azc finds no OS key store there and keeps its credentials
// unencrypted, with a warning.
const noKeyctlEnv = "AZC_TEST_RUN_WITHOUT_KEYCTL"

func init() {
	prog := os.Getenv(noKeyctlEnv)
	if prog == "" {
		return
	}
	_ = os.Unsetenv(noKeyctlEnv)
	// A seccomp filter is the calling thread's; execve keeps it.
	runtime.LockOSThread()
	var filter []unix.SockFilter
	filter = append(filter, unix.SockFilter{Code: unix.BPF_LD | unix.BPF_W | unix.BPF_ABS, K: 0}) // the system call's number
	for _, nr := range []uintptr{unix.SYS_KEYCTL, unix.SYS_ADD_KEY, unix.SYS_REQUEST_KEY} {
		filter = append(filter,
			unix.SockFilter{Code: unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, K: uint32(nr), Jt: 0, Jf: 1},
			unix.SockFilter{Code: unix.BPF_RET | unix.BPF_K, K: unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM)})
	}
	filter = append(filter, unix.SockFilter{Code: unix.BPF_RET | unix.BPF_K, K: unix.SECCOMP_RET_ALLOW})
	prog2 := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		fmt.Fprintln(os.Stderr, "no_new_privs:", err)
		os.Exit(125)
	}
	if err := unix.Prctl(unix.PR_SET_SECCOMP, unix.SECCOMP_MODE_FILTER, uintptr(unsafe.Pointer(&prog2)), 0, 0); err != nil {
		fmt.Fprintln(os.Stderr, "seccomp:", err)
		os.Exit(125)
	}
	err := syscall.Exec(prog, os.Args, os.Environ())
	fmt.Fprintln(os.Stderr, "exec:", err)
	os.Exit(125)
}

// denyKeyctl makes cmd run where the kernel refuses the key management
// system calls (noKeyctlEnv).
func denyKeyctl(cmd *exec.Cmd) {
	self, err := os.Executable()
	if err != nil {
		panic(err)
	}
	cmd.Env = append(cmd.Env, noKeyctlEnv+"="+cmd.Path)
	cmd.Path = self
}

// TestTheUnencryptedStoreIsReportedOnce: where no OS key store works (a
// container whose seccomp profile refuses keyctl), azc exec says once, as
// every azc command does, that the credentials are kept unencrypted, and
// before the child's output, whichever of azc and azc-full serves: the
// azc-full serving beside the child opens the store again and must not say
// it a second time, in the middle of what the child writes.
func TestTheUnencryptedStoreIsReportedOnce(t *testing.T) {
	t.Parallel()
	w := newWorldWrapped(t, 1, denyKeyctl)
	const warning = "are stored unencrypted"
	for _, form := range [][]string{nil, {"--legacy-msi"}} {
		args := append(append([]string{"exec", "-c", w.ids[0].context}, form...), "--", "sh", "-c", "echo child started >&2; sleep 1; echo child ended >&2")
		r := w.azc(t, nil, nil, args...)
		if r.code != 0 {
			t.Fatalf("%q: exit %d\nstderr:\n%s", args, r.code, r.stderr)
		}
		if n := strings.Count(r.stderr, warning); n != 1 {
			t.Errorf("%q: the warning that the store is unencrypted came %d times, want once:\n%s", args, n, r.stderr)
		}
		if i := strings.Index(r.stderr, warning); i > strings.Index(r.stderr, "child started") {
			t.Errorf("%q: the warning came after the child started:\n%s", args, r.stderr)
		}
	}
}

// TestARefreshReportsTheUnencryptedStoreOnce: `--refresh` of several
// accounts says once that the credentials are kept unencrypted, as every
// command does; it opened the store again for each account, and said it
// once per account.
func TestARefreshReportsTheUnencryptedStoreOnce(t *testing.T) {
	t.Parallel()
	w := newWorldWrapped(t, 3, denyKeyctl)
	unencryptedOnce(t, w, [][]string{
		{"context", "list", "--refresh", "-o", "none"},
		{"subscription", "list", "--refresh", "-o", "none"},
		{"tenant", "list", "--refresh", "-o", "none"},
	})
}

// TestEveryCommandReportsTheUnencryptedStoreOnce: a command that opens
// the credential store more than once (a removal probes the accounts'
// locks, then drops their blobs, then those of ended shells; an import
// probes, then stores) says once that the credentials are kept
// unencrypted: `context remove` of two accounts said it twice, `context
// import` and `logout --all` of three accounts three times.
func TestEveryCommandReportsTheUnencryptedStoreOnce(t *testing.T) {
	t.Parallel()
	w := newWorldWrapped(t, 3, denyKeyctl)
	file := filepath.Join(t.TempDir(), "export.json")
	unencryptedOnce(t, w, [][]string{
		{"context", "export", "--with-credentials", "--file", file},
		{"context", "remove", w.ids[0].context, "Other 1", w.ids[1].context, "--force"},
		{"context", "import", file},
		{"logout", "--all"},
	})
}

// unencryptedOnce runs each of cmds in w, in order, and requires each to
// succeed saying once that the credentials are stored unencrypted.
func unencryptedOnce(t *testing.T, w *world, cmds [][]string) {
	t.Helper()
	const warning = "are stored unencrypted"
	for _, args := range cmds {
		r := w.azc(t, nil, nil, args...)
		if r.code != 0 {
			t.Fatalf("%q: exit %d\nstderr:\n%s", args, r.code, r.stderr)
		}
		if n := strings.Count(r.stderr, warning); n != 1 {
			t.Errorf("%q: the warning that the store is unencrypted came %d times, want once:\n%s", args, n, r.stderr)
		}
	}
}

// TestSignalsIgnoredWhenAzcStartsStayIgnored: nohup starts a program with
// HUP ignored, and a non-interactive shell starts a background job (cmd &)
// with INT ignored; every program such a one runs inherits that, and a
// wrapper such as azc exec must pass it on, not undo it (or `nohup azc
// exec -- deploy.sh &` dies when its terminal closes). The child must
// start with HUP and INT ignored, on every path of exec, and HUP and INT
// sent to azc must neither end azc nor reach the child.
func TestSignalsIgnoredWhenAzcStartsStayIgnored(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 1)
	child := []string{"sh", "-c", `grep '^SigIgn:' /proc/self/status; i=0; while [ $i -lt 20 ]; do sleep 0.05; i=$((i+1)); done; echo done`}
	for _, form := range [][]string{
		{"exec", "-c", w.ids[0].context, "--"},                 // azc serves beside azc-full
		{"exec", "--legacy-msi", "-c", w.ids[0].context, "--"}, // azc-full runs it whole
		{"exec", "--no-server", "-c", w.ids[0].context, "--"},
	} {
		t.Run(strings.Join(form[:2], " "), func(t *testing.T) {
			// trap '' leaves the signals ignored (SIG_IGN) across exec, as
			// nohup and a shell's & do.
			args := append(append([]string{"-c", `trap '' HUP INT; exec "$@"`, "sh", bin.azc}, form...), child...)
			cmd := exec.Command("sh", args...)
			cmd.Env = w.env
			stdout, stderr := startReading(t, cmd)
			line, err := stdout.ReadString('\n')
			if err != nil {
				_ = cmd.Process.Kill()
				t.Fatalf("read %q, %v; stderr %s", line, err, stderr.String())
			}
			mask := sigIgn(t, strings.TrimPrefix(line, "SigIgn:"))
			for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGINT} {
				if mask&(1<<(uint(sig)-1)) == 0 {
					t.Errorf("the child does not ignore %v, which azc was started ignoring (SigIgn %016x)", sig, mask)
				}
			}
			_ = cmd.Process.Signal(syscall.SIGHUP)
			_ = cmd.Process.Signal(syscall.SIGINT)
			rest, _ := io.ReadAll(stdout)
			_ = cmd.Wait()
			if string(rest) != "done\n" || cmd.ProcessState.ExitCode() != 0 {
				t.Errorf("after HUP and INT the child printed %q and azc exited %d; want \"done\" and 0; stderr %s", rest, cmd.ProcessState.ExitCode(), stderr.String())
			}
		})
	}
}

// TestTheServerKeepsIgnoringAHangUpAzcWasStartedIgnoring: under nohup the
// credential server azc starts beside the child (azc-full) inherits HUP
// ignored, as the child does, and must leave it so: it caught HUP and
// closed, and the child's next token request found no server.
func TestTheServerKeepsIgnoringAHangUpAzcWasStartedIgnoring(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 1)
	done := filepath.Join(t.TempDir(), "done")
	child := `echo ready; while [ ! -e "$0" ]; do sleep 0.05; done; exec "$1" -cred mi -echo "$2" -ca "$3"`
	cmd := exec.Command("sh", "-c", `trap '' HUP; exec "$@"`, "sh", bin.azc, "exec", "-c", w.ids[0].context, "--",
		"sh", "-c", child, done, bin.probe, w.echoURL(), w.caFile)
	cmd.Env = w.env
	rd, stderr := startReading(t, cmd)
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	if line, err := rd.ReadString('\n'); line != "ready\n" {
		t.Fatalf("the child printed %q, %v; stderr %s", line, err, stderr.String())
	}
	server := childNamed(t, cmd.Process.Pid, "azc-full")
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", server))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if mask, ok := strings.CutPrefix(line, "SigIgn:"); ok {
			if m := sigIgn(t, mask); m&(1<<(uint(syscall.SIGHUP)-1)) == 0 {
				t.Errorf("the server does not ignore HUP, which azc was started ignoring (SigIgn %016x)", m)
			}
		}
	}
	if err := syscall.Kill(server, syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(done, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(rd)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after a HUP to the server: %v; stderr %s", err, stderr.String())
	}
	w.ids[0].check(t, parseClaims(t, string(out)))
}

// childNamed is the process id of the child of process ppid whose command
// is name, read from /proc.
func childNamed(t *testing.T, ppid int, name string) int {
	t.Helper()
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // ended meanwhile
		}
		// pid (comm) state ppid …
		open, end := strings.IndexByte(string(b), '('), strings.LastIndexByte(string(b), ')')
		if open < 0 || end < open {
			continue
		}
		var state string
		var pid, parent int
		if _, err := fmt.Sscanf(string(b[:open]), "%d", &pid); err != nil {
			continue
		}
		if _, err := fmt.Sscanf(string(b[end+1:]), " %s %d", &state, &parent); err != nil {
			continue
		}
		if parent == ppid && string(b[open+1:end]) == name {
			return pid
		}
	}
	t.Fatalf("process %d has no child %s", ppid, name)
	return 0
}

// TestASpawnedServerServesAnAccountSignedOutSinceAzcStartedIt: the azc
// binary reads the account's token, then starts the child and azc-full's
// server together; a child that signs the account out at once (or another
// shell that does) may do so before the server has started. The server
// must still serve, telling each request that the account is signed out
// (400 interaction_required), not end on a check of its own that the
// account has a token, leaving the child no server at all.
func TestASpawnedServerServesAnAccountSignedOutSinceAzcStartedIt(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 1)
	id := w.ids[0]
	data, err := os.ReadFile(filepath.Join(w.dir, "azc", "profile.json"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := profile.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(p.Contexts, func(c profile.Context) bool { return c.Name == id.context })
	if i < 0 {
		t.Fatalf("no context %q", id.context)
	}
	c := p.Contexts[i]
	env, err := p.Environment(c.Environment)
	if err != nil {
		t.Fatal(err)
	}
	spec := map[string]any{"context": c, "account": p.Account(c.Account), "environment": env, "scope": profile.ScopeUser}
	w.mustAzc(t, nil, "logout", id.appID, "-o", "none")

	ln, host, err := endpoint.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ep, err := endpoint.New(host, nil)
	if err != nil {
		t.Fatal(err)
	}
	spec["host"], spec["path"], spec["secret"] = ep.Host, ep.Path, ep.Secret.Reveal()
	cmd := exec.Command(filepath.Join(filepath.Dir(bin.azc), "azc-full"))
	cmd.Env = append(append([]string(nil), w.env...), "AZC_EXEC_SERVE=1")
	cmd.ExtraFiles = []*os.File{ln}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	_ = ln.Close() // the server's alone: a server that ends closes it
	defer func() { _ = in.Close(); _ = cmd.Wait() }()
	if err := json.NewEncoder(in).Encode(spec); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodGet, ep.URL()+"?api-version=2019-08-01&resource="+url.QueryEscape(env.ARMAudience), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-IDENTITY-HEADER", ep.Secret.Reveal())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("no server to ask: %v; its stderr:\n%s", err, stderr.String())
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "interaction_required") || !strings.Contains(string(body), "not signed in any more") {
		t.Errorf("%d %s; want 400 interaction_required, the account not signed in any more", resp.StatusCode, body)
	}
	_ = in.Close()
	if err := cmd.Wait(); err != nil {
		t.Errorf("the server, its input ended: %v; stderr:\n%s", err, stderr.String())
	}
}

// startReading starts cmd, its standard output read through the reader it
// returns and its standard error kept in the builder.
func startReading(t *testing.T, cmd *exec.Cmd) (*bufio.Reader, *strings.Builder) {
	t.Helper()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return bufio.NewReader(stdout), &stderr
}

// sigIgn is the mask of ignored signals a SigIgn line of /proc/PID/status
// gives (after its "SigIgn:"): bit N-1 for signal N.
func sigIgn(t *testing.T, value string) uint64 {
	t.Helper()
	var m uint64
	if _, err := fmt.Sscanf(strings.TrimSpace(value), "%x", &m); err != nil {
		t.Fatalf("SigIgn %q: %v", value, err)
	}
	return m
}
