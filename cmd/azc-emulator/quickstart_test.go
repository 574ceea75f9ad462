//go:build linux

package main_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestQuickStartPrintsWhatTheREADMEShows runs scripts/quickstart.sh on the
// binaries TestMain built and requires every command of the README's quick
// start to print there what the README shows, but for what changes from run
// to run (the device code, the token's expiry). The README shows the
// script's output as captured, so nothing else keeps the two in step.
// Users copy the script's way of asking azc exec's credential server for a
// token, so that way must not leak the server's secret: curl under the
// exec must not get it in its arguments, which every user of the machine
// reads (ps, /proc/PID/cmdline) while curl runs.
func TestQuickStartPrintsWhatTheREADMEShows(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"bash", "curl", "python3", "mkfifo"} {
		_, err := exec.LookPath(tool)
		needPeer(t, err == nil, tool)
	}
	curl, leaks := secretWatchingCurl(t)
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, block, opened := strings.Cut(string(readme), "\n```console\n")
	block, _, closed := strings.Cut(block, "\n```")
	if !opened || !closed {
		t.Fatal("README.md has no console block")
	}
	want := quickStartSteps(block)
	if len(want) == 0 {
		t.Fatal("README.md's console block shows no command")
	}

	script, err := filepath.Abs(filepath.Join("..", "..", "scripts", "quickstart.sh"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", script)
	cmd.Env = append(withoutAzc(os.Environ()), "AZC_BIN_DIR="+bin.dir, "TMPDIR="+t.TempDir(),
		"PATH="+curl+string(filepath.ListSeparator)+os.Getenv("PATH"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out // one pipe: the steps and their output in order
	if err := cmd.Run(); err != nil {
		t.Fatalf("scripts/quickstart.sh: %v\n%s", err, out.String())
	}
	if n, err := os.ReadFile(leaks); err == nil {
		t.Errorf("curl under azc exec got the credential server's secret in its arguments %d times, where every user of the machine reads it", bytes.Count(n, []byte("\n")))
	}
	// a pipe, as a CI log or `quickstart.sh > out.txt` is: no colour
	// escapes, as azc writes none there (docs/cli.md)
	if bytes.Contains(out.Bytes(), []byte("\x1b[")) {
		t.Errorf("scripts/quickstart.sh writes colour escapes to a pipe:\n%q", firstLineWith(out.String(), "\x1b["))
	}
	got := quickStartSteps(out.String())
	for _, step := range want {
		found := false
		for _, g := range got {
			if g.cmd == step.cmd {
				found = true
				if g.out != step.out {
					t.Errorf("$ %s\nprints:\n%s\nREADME.md shows:\n%s", step.cmd, g.out, step.out)
				}
				break
			}
		}
		if !found {
			t.Errorf("README.md shows `%s`, which scripts/quickstart.sh does not run", step.cmd)
		}
	}
}

// secretWatchingCurl returns a directory holding a curl that runs the real
// one, and the file it adds a line to for every run under azc exec that
// gets IDENTITY_HEADER's value in an argument (the value itself is written
// nowhere).
func secretWatchingCurl(t *testing.T) (dir, leaks string) {
	t.Helper()
	real, err := exec.LookPath("curl")
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	leaks = filepath.Join(dir, "leaks")
	script := "#!/bin/sh\n" +
		`if [ -n "$IDENTITY_HEADER" ]; then for a in "$@"; do case $a in *"$IDENTITY_HEADER"*) echo leak >>'` + leaks + `';; esac; done; fi` + "\n" +
		`exec '` + real + `' "$@"` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "curl"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, leaks
}

// withoutAzc drops the variables that would point azc elsewhere than the
// script's own state and binaries.
func withoutAzc(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "AZC_") {
			out = append(out, kv)
		}
	}
	return out
}

// quickStartStep is one `$ CMD` of a transcript and what follows it.
type quickStartStep struct{ cmd, out string }

var quickStartVolatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`enter the code \S+ to`), "enter the code CODE to"},
	{regexp.MustCompile(`"expiresOn": "[^"]*"`), `"expiresOn": "TIME"`},
	{regexp.MustCompile(`"expires_on": [0-9]+`), `"expires_on": SECONDS`},
	{regexp.MustCompile(`expiring [0-9]+`), "expiring SECONDS"},
}

// quickStartSteps splits a transcript at its `$ ` lines. Of a run of
// progress lines counting subscriptions it keeps the first and the last
// (a slow machine adds one every 5 seconds between them), and it replaces
// what changes from run to run.
func quickStartSteps(text string) []quickStartStep {
	var steps []quickStartStep
	var lines []string
	flush := func() {
		if len(steps) > 0 {
			steps[len(steps)-1].out = strings.TrimSpace(strings.Join(lines, "\n"))
		}
		lines = nil
	}
	for _, line := range strings.Split(text, "\n") {
		if cmd, ok := strings.CutPrefix(line, "$ "); ok {
			flush()
			steps = append(steps, quickStartStep{cmd: strings.TrimSpace(cmd)})
			continue
		}
		for _, v := range quickStartVolatile {
			line = v.re.ReplaceAllString(line, v.with)
		}
		const counting = "azc: listing subscriptions: "
		if n := len(lines); n >= 2 && strings.HasPrefix(line, counting) &&
			strings.HasPrefix(lines[n-1], counting) && strings.HasPrefix(lines[n-2], counting) {
			lines[n-1] = line
			continue
		}
		lines = append(lines, line)
	}
	flush()
	return steps
}

// firstLineWith is the first line of s that holds sub, or "".
func firstLineWith(s, sub string) string {
	for line := range strings.Lines(s) {
		if strings.Contains(line, sub) {
			return line
		}
	}
	return ""
}
