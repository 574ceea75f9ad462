//go:build unix

package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/azcontext/azc/internal/cli/cmdutil"
)

// TestCtrlCEndsAReadOfAnInputThatNeverEnds: a file a command line names
// that is a FIFO whose writer sends nothing, or standard input where the
// user types nothing, blocks the read in the kernel; Ctrl-C (the command's
// context ending) ends the command all the same, with exit 130. The read
// was not interruptible: `azc context import FIFO` ignored Ctrl-C until
// killed.
func TestCtrlCEndsAReadOfAnInputThatNeverEnds(t *testing.T) {
	t.Parallel()
	lab := []string{"--authority-host", "https://127.0.0.1:1/", "--arm-endpoint", "https://127.0.0.1:1/"}
	sp := []string{"login", "--environment", "lab", "--service-principal", "--client-id", "app", "--tenant", "t"}
	for _, tc := range []struct {
		name string
		args func(fifo string) []string
	}{
		{"an import file", func(fifo string) []string { return []string{"context", "import", fifo} }},
		{"an import from standard input", func(string) []string { return []string{"context", "import", "-"} }},
		{"a client secret file", func(fifo string) []string { return append(sp, "--client-secret-file", fifo) }},
		{"a client secret on standard input", func(string) []string { return append(sp, "--client-secret-file", "-") }},
		{"a certificate", func(fifo string) []string { return append(sp, "--certificate", fifo) }},
		{"an access token file", func(fifo string) []string {
			return []string{"login", "--environment", "lab", "--access-token-file", fifo, "--account-id", "x"}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fifo := filepath.Join(t.TempDir(), "fifo")
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
			args := tc.args(fifo)
			stdin := strings.Contains(tc.name, "standard input")
			ios, _, _, errOut := cmdutil.Test()
			// Standard input is a pipe whose writer, like the FIFO's,
			// sends nothing.
			inR, inW := io.Pipe()
			defer inW.Close()
			ios.In = inR
			env := map[string]string{"AZC_CONFIG_DIR": filepath.Join(t.TempDir(), "azc")}
			f := cmdutil.NewFactory(ios, func(k string) string { return env[k] }, "v1")
			if code := Run(context.Background(), f, append([]string{"environment", "add", "lab"}, lab...)); code != 0 {
				t.Fatalf("environment add: exit %d: %s", code, errOut)
			}
			errOut.Reset()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan int, 1)
			go func() { done <- Run(ctx, f, args) }()
			if stdin {
				// The command is reading once its read takes what is
				// written: a write of nothing waits for that read.
				if _, err := inW.Write(nil); err != nil {
					t.Fatal(err)
				}
			} else {
				// Opening the FIFO for writing returns once azc has
				// opened it for reading; nothing is written, and it is
				// kept open, so azc's read waits.
				w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
				if err != nil {
					t.Fatal(err)
				}
				defer w.Close()
			}
			cancel() // Ctrl-C
			select {
			case code := <-done:
				if code != cmdutil.ExitInterrupted {
					t.Errorf("azc %s after Ctrl-C: exit %d, want %d; stderr %q", strings.Join(args, " "), code, cmdutil.ExitInterrupted, errOut)
				}
			case <-time.After(time.Minute): // a guard against a hang, not a timing
				t.Fatalf("azc %s did not end after Ctrl-C while it read an input that never ends", strings.Join(args, " "))
			}
		})
	}
}

// TestExportForceNeverReplacesWhatIsNoRegularFile: `context export --file
// F --force` replaces a file F, never a FIFO, a device or a symbolic link
// there: it renamed its file over them, so that run as root
// `--file /dev/null --force` left /dev/null a regular file of the export,
// and a link the user made was replaced rather than the file it names
// written. Each is refused with its path, and left as it was.
func TestExportForceNeverReplacesWhatIsNoRegularFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	target := filepath.Join(dir, "target.json")
	if err := os.WriteFile(target, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	paths := map[string]os.FileMode{fifo: os.ModeNamedPipe, link: os.ModeSymlink}
	if os.Geteuid() == 0 {
		dev := filepath.Join(dir, "null")
		if err := syscall.Mknod(dev, syscall.S_IFCHR|0o666, 1<<8|3); err == nil { // /dev/null's numbers
			paths[dev] = os.ModeDevice | os.ModeCharDevice
		}
	}
	for path, mode := range paths {
		ios, _, _, errOut := cmdutil.Test()
		env := map[string]string{"AZC_CONFIG_DIR": seed(t)}
		f := cmdutil.NewFactory(ios, func(k string) string { return env[k] }, "v1")
		code := Run(context.Background(), f, []string{"context", "export", "--file", path, "--force"})
		if code == 0 || !strings.Contains(errOut.String(), path) {
			t.Errorf("export --force over %s: exit %d, stderr %q; want it refused, naming it", path, code, errOut)
		}
		if fi, err := os.Lstat(path); err != nil || fi.Mode().Type() != mode {
			t.Errorf("after export --force over %s: %v, %v; want it left a %v", path, fi.Mode(), err, mode)
		}
	}
	if data, err := os.ReadFile(target); err != nil || string(data) != "mine" {
		t.Errorf("the file the link names holds %q, %v; want it unchanged", data, err)
	}
}

// TestExportOverWhatIsNoRegularFileSaysTheWayOut: `context export --file
// /dev/null` (a FIFO, a link) without --force said "already exists" and
// hinted --force, which then refused it as no regular file: the first
// answer names what is there and the way that works.
func TestExportOverWhatIsNoRegularFileSaysTheWayOut(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(filepath.Join(dir, "target.json"), link); err != nil {
		t.Fatal(err)
	}
	for path, hint := range map[string]string{
		"/dev/null": "azc: hint: export to standard output with --file - and redirect it\n",
		fifo:        "azc: hint: export to standard output with --file - and redirect it\n",
		link:        "azc: hint: name the file it links to, or remove the link\n",
	} {
		ios, _, _, errOut := cmdutil.Test()
		env := map[string]string{"AZC_CONFIG_DIR": seed(t)}
		f := cmdutil.NewFactory(ios, func(k string) string { return env[k] }, "v1")
		code := Run(context.Background(), f, []string{"context", "export", "--file", path})
		if code != 1 || !strings.Contains(errOut.String(), path) || !strings.HasSuffix(errOut.String(), hint) || strings.Contains(errOut.String(), "--force") {
			t.Errorf("export over %s: exit %d, stderr %q; want exit 1 naming it, and %q", path, code, errOut, hint)
		}
	}
}
