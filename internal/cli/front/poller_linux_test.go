package front_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/front"
	"github.com/azcontext/azc/internal/sysfile"
	"github.com/azcontext/azc/session"
)

// pollerHelperEnv holds the arguments, space-separated, of the fast
// command TestPollerHelper runs.
const pollerHelperEnv = "AZC_FRONT_TEST_POLLER_ARGS"

// TestFastCommandsStartNoPoller runs each fast command, in a session and
// out of one, in a process of its own (this test binary again, without
// the test timeout's timer, which would start the runtime's network
// poller) and requires that the command did not start the poller: the
// files of the state and the session are opened through sysfile, and no
// command waits on a timer.
func TestFastCommandsStartNoPoller(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args    string
		session bool
	}{
		{args: "context show"},
		{args: "context list"},
		{args: "prompt"},
		{args: "use Prod"},
		{args: "context show", session: true},
		{args: "prompt", session: true},
	} {
		name := tc.args
		if tc.session {
			name += " in a session"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tmp := t.TempDir()
			dir := filepath.Join(tmp, "azc")
			data, err := os.ReadFile(filepath.Join("..", "testdata", "fixture.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "profile.json"), data, 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestPollerHelper$", "-test.timeout=0")
			cmd.Env = append(os.Environ(), pollerHelperEnv+"="+tc.args, "AZC_CONFIG_DIR="+dir, "AZC_CONTEXT=", session.EnvVar+"=")
			if tc.session {
				run := filepath.Join(tmp, "run")
				if err := os.Mkdir(run, 0o700); err != nil {
					t.Fatal(err)
				}
				// the session belongs to this process, which outlives the helper
				_, v, err := session.New(session.RuntimeDir(run, tmp, os.Getuid()), os.Getpid())
				if err != nil {
					t.Fatal(err)
				}
				cmd.Env = append(cmd.Env, "XDG_RUNTIME_DIR="+run, session.EnvVar+"="+v.Reveal())
			}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("azc %s: %v\n%s", tc.args, err, out)
			}
			if !strings.Contains(string(out), "no poller\n") {
				t.Fatalf("azc %s:\n%s", tc.args, out)
			}
		})
	}
}

// TestPollerHelper is not a test: it is the process
// TestFastCommandsStartNoPoller starts.
func TestPollerHelper(t *testing.T) {
	args := os.Getenv(pollerHelperEnv)
	if args == "" {
		t.Skip("helper process only")
	}
	if pollerStarted(t) {
		t.Fatal("the poller runs before the command: the check would prove nothing")
	}
	ios, _, _, errOut := cmdutil.Test()
	f := cmdutil.NewFactory(ios, os.Getenv, "v0-test")
	f.ExecFull = func(args []string) int {
		t.Fatalf("handed to azc-full: %q", args)
		return 1
	}
	if code := front.Run(f, strings.Fields(args)); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if pollerStarted(t) {
		t.Fatal("the command started the network poller")
	}
	fmt.Println("no poller")
}

// pollerStarted reports whether the process has an epoll instance open,
// which the runtime's poller creates when it starts.
func pollerStarted(t *testing.T) bool {
	// through sysfile: os.Open would start the poller
	d, err := sysfile.Open("/proc/self/fd", os.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	fds, err := d.Readdirnames(-1)
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range fds {
		if target, err := os.Readlink(filepath.Join("/proc/self/fd", fd)); err == nil && target == "anon_inode:[eventpoll]" {
			return true
		}
	}
	return false
}
