package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/azcontext/azc/internal/cli/cmdutil"
)

// TestExportIsNeverWrittenInPlace: `context export --file F` without
// --force writes its file beside F and links it there whole, once synced,
// as every file azc writes: it created F and wrote the export into it, so
// that a reader watching the directory (a sync tool, a script waiting for
// F) could read F empty or cut short, and F was never synced. The
// directory's events name F only for its link (IN_CREATE), never for a
// write to it; F holds the export, mode 0600, and nothing else is left.
func TestExportIsNeverWrittenInPlace(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		t.Skipf("inotify: %v", err)
	}
	defer unix.Close(fd)
	if _, err := unix.InotifyAddWatch(fd, dir, unix.IN_CREATE|unix.IN_MODIFY|unix.IN_CLOSE_WRITE|unix.IN_MOVED_TO); err != nil {
		t.Skipf("inotify: %v", err)
	}
	path := filepath.Join(dir, "out.json")
	ios, _, out, errOut := cmdutil.Test()
	env := map[string]string{"AZC_CONFIG_DIR": seed(t)}
	f := cmdutil.NewFactory(ios, func(k string) string { return env[k] }, "v1")
	if code := Run(context.Background(), f, []string{"context", "export", "--file", "-"}); code != 0 {
		t.Fatalf("export to standard output: exit %d: %s", code, errOut)
	}
	want := out.String()
	if code := Run(context.Background(), f, []string{"context", "export", "--file", path}); code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	buf := make([]byte, 64<<10)
	n, err := unix.Read(fd, buf)
	if err != nil {
		t.Fatalf("reading the directory's events: %v", err)
	}
	for off := 0; off+unix.SizeofInotifyEvent <= n; {
		ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
		name := strings.TrimRight(string(buf[off+unix.SizeofInotifyEvent:off+unix.SizeofInotifyEvent+int(ev.Len)]), "\x00")
		off += unix.SizeofInotifyEvent + int(ev.Len)
		if name == "out.json" && ev.Mask&(unix.IN_MODIFY|unix.IN_CLOSE_WRITE) != 0 {
			t.Errorf("event %#x on %s: it was written in place", ev.Mask, path)
		}
	}
	if data, err := os.ReadFile(path); err != nil || string(data) != want {
		t.Errorf("%s holds %d bytes, %v; want the export's %d", path, len(data), err, len(want))
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("%s: %v, %v; want mode 0600", path, fi.Mode(), err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%s holds %d files; want the export alone", dir, len(entries))
	}
	if code := Run(context.Background(), f, []string{"context", "export", "--file", path}); code != 1 || !strings.Contains(errOut.String(), "already exists") {
		t.Errorf("a second export: exit %d, stderr %q; want it refused, the file there", code, errOut)
	}
	errOut.Reset()
	missing := filepath.Join(dir, "missing", "out.json")
	if code := Run(context.Background(), f, []string{"context", "export", "--file", missing}); code != 1 || errOut.String() != "azc: error: open "+missing+": no such file or directory\n" {
		t.Errorf("an export into a missing directory: exit %d, stderr %q; want it refused, naming %s", code, errOut, missing)
	}
}
