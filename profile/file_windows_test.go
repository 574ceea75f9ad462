package profile

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestAStateDirectoryThatIsAJunctionIsRefused: a junction, which any user
// can make (mklink /J) and which Go's Lstat reports as irregular rather
// than as a symbolic link, is refused as the state directory, as a
// symbolic link is, and so is one under the credential store's or a
// session's checks (CheckOwnedDir); a real directory passes.
func TestAStateDirectoryThatIsAJunctionIsRefused(t *testing.T) {
	base := t.TempDir()
	real := filepath.Join(base, "real")
	if err := os.Mkdir(real, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := CheckOwnedDir(real); err != nil {
		t.Fatalf("a directory: %v", err)
	}
	junction := filepath.Join(base, "azc")
	if out, err := exec.Command("cmd", "/c", "mklink", "/J", junction, real).CombinedOutput(); err != nil {
		t.Skipf("mklink /J: %v: %s", err, out)
	}
	_, err := Open(junction, Options{})
	var ue *UnsafePathError
	if !errors.As(err, &ue) || ue.Path != junction || !strings.Contains(err.Error(), "junction") || ue.Hint() == "" {
		t.Fatalf("Open of a junction: %v, want an *UnsafePathError naming %s as a junction, with a hint", err, junction)
	}
	if err := CheckOwnedDir(junction); !errors.As(err, &ue) {
		t.Fatalf("CheckOwnedDir of a junction: %v, want an *UnsafePathError", err)
	}
	if checks := CheckFiles(junction); checks[0].Err == nil {
		t.Fatalf("CheckFiles of a junction: the state directory passes")
	}
}
