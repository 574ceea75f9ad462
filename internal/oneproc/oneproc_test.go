package oneproc

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// TestOneProc checks that importing the package leaves one P, unless the
// environment sets GOMAXPROCS: the package init has run by the time a test
// does, so the check runs in a child test process.
func TestOneProc(t *testing.T) {
	if os.Getenv("ONEPROC_CHILD") != "" {
		os.Stdout.WriteString("procs=" + strings.Repeat("|", runtime.GOMAXPROCS(0)) + "\n")
		return
	}
	for _, tc := range []struct {
		env  []string
		want string
	}{
		{nil, "procs=|\n"},
		{[]string{"GOMAXPROCS=2"}, "procs=||\n"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestOneProc$", "-test.count=1")
		var env []string
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "GOMAXPROCS=") {
				env = append(env, kv)
			}
		}
		cmd.Env = append(append(env, "ONEPROC_CHILD=1"), tc.env...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%v: %v", tc.env, err)
		}
		if !strings.Contains(string(out), tc.want) {
			t.Errorf("with %v: %q, want %q", tc.env, out, tc.want)
		}
	}
}
