//go:build unix

package profile

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/azcontext/azc/internal/termsafe"
)

// TestHintCommandsQuoteTheirPaths: a hint's command (chmod, cp) names a
// path with a space as one shell word, so that it can be pasted: macOS's
// state directory is under "~/Library/Application Support", where
// `chmod 600 /Users/a/Library/Application Support/azc/profile.json`
// would name two files, neither of them the profile.
func TestHintCommandsQuoteTheirPaths(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "Application Support")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "profile.json")
	if err := os.WriteFile(file, []byte("{"), 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(file, 0o666); err != nil {
		t.Fatal(err)
	}
	q := func(p string) string { return "'" + p + "'" }
	var ue *UnsafePathError
	if _, _, err := openState(file); !errors.As(err, &ue) || !strings.Contains(ue.Hint(), "`chmod 600 "+q(file)+"`") {
		t.Errorf("hint of a file others can write: %v, want `chmod 600 %s`", err, q(file))
	}
	denied := &fs.PathError{Op: "open", Path: file, Err: syscall.EACCES}
	if err := theirs(file, denied); !errors.As(err, &ue) || !strings.Contains(ue.Hint(), "`chmod 600 "+q(file)+"`") {
		t.Errorf("hint of a file denied: %v, want `chmod 600 %s`", err, q(file))
	}
	ce := &CorruptError{Path: file, Err: errors.New("bad"), Backup: file + ".bak"}
	if want := "`cp " + q(file+".bak") + " " + q(file) + "`"; !strings.Contains(ce.Hint(), want) {
		t.Errorf("hint of a corrupt profile: %q, want %s", ce.Hint(), want)
	}
	ie := &InsecureDirError{Path: dir, Mode: 0o777}
	if want := "`chmod 700 " + q(dir) + "`"; !strings.Contains(ie.Hint(), want) {
		t.Errorf("hint of an insecure directory: %q, want %s", ie.Hint(), want)
	}
}

// TestHintCommandsPasteAPathHoldingAControlCharacter: a path holding a
// newline (or any character a message spells out) is written in a hint's
// command as an ANSI-C quoted word ($'…'), which printing leaves as it is
// and a shell reads back as the path: a single-quoted word, printed with
// its newline spelled out as \n, pasted as another path.
func TestHintCommandsPasteAPathHoldingAControlCharacter(t *testing.T) {
	t.Parallel()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash here to read the hint's word as a user's shell would")
	}
	dir := filepath.Join(t.TempDir(), "we\nird")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "profile.json")
	if err := os.WriteFile(file, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(file, 0o666); err != nil {
		t.Fatal(err)
	}
	var ue *UnsafePathError
	if _, _, err := openState(file); !errors.As(err, &ue) {
		t.Fatalf("a file others can write: %v", err)
	}
	for _, tc := range []struct {
		hint, command, path string
	}{
		{ue.Hint(), "chmod 600 ", file},
		{(&CorruptError{Path: file, Err: errors.New("bad"), Backup: file + ".bak"}).Hint(), "cp ", file + ".bak"},
		{(&InsecureDirError{Path: dir, Mode: 0o777}).Hint(), "chmod 700 ", dir},
	} {
		printed := termsafe.Escape(tc.hint)
		_, rest, ok := strings.Cut(printed, "`"+tc.command)
		word, _, _ := strings.Cut(rest, " ")
		word = strings.TrimSuffix(word, "`")
		if !ok || word == "" {
			t.Errorf("hint %q has no `%s…`", printed, tc.command)
			continue
		}
		got, err := exec.Command(bash, "-c", "printf %s "+word).Output()
		if err != nil || string(got) != tc.path {
			t.Errorf("`%s%s` (printed %q) names %q, %v; want %q", tc.command, word, printed, got, err, tc.path)
		}
	}
}
