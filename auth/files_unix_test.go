//go:build unix

package auth

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/azcontext/azc/profile"
)

// TestAnEnvironmentsCAFileThatIsNoRegularFileIsRefused: the CA file a
// custom environment names, read again by every command that uses it, is
// refused with its path when it is a FIFO (or a device) rather than
// waited on: `azc login` or `azc token` hung on a FIFO no one writes to,
// and Ctrl-C did not end them. A symbolic link to a file is followed, as
// CA bundles often are links.
func TestAnEnvironmentsCAFileThatIsNoRegularFileIsRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "ca.pem")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	env := profile.Environment{Name: "lab", AuthorityHost: "https://login.lab.test/", ARMEndpoint: "https://arm.lab.test/", CAFile: fifo}
	done := make(chan error, 1)
	go func() {
		_, err := New(Config{}).httpClient(env)
		done <- err
	}()
	select {
	case err := <-done:
		var ue *profile.UnsafePathError
		if !errors.As(err, &ue) || ue.Path != fifo || !strings.Contains(err.Error(), "is not a regular file") {
			t.Fatalf("httpClient with a FIFO as its CA file: %v, want an *profile.UnsafePathError naming %s", err, fifo)
		}
	case <-time.After(time.Minute): // a guard against a hang, not a timing
		// Release the read so that the test ends.
		if w, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
			w.Close()
		}
		t.Fatalf("httpClient waited on a FIFO as its CA file")
	}

	big := filepath.Join(dir, "big.pem")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, profile.MaxFileSize+1); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.pem")
	if err := os.Symlink(big, link); err != nil {
		t.Fatal(err)
	}
	env.CAFile = link
	var tl *profile.TooLargeError
	if _, err := New(Config{}).httpClient(env); !errors.As(err, &tl) {
		t.Fatalf("httpClient with a link to a file as its CA file: %v, want the file it names read (here refused at the cap)", err)
	}
}
