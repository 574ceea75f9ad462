//go:build unix

package profile_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/azcontext/azc/profile"
)

// helperUmaskEnv, when set, is the umask (octal) a helper process runs
// under: the umask is the whole process's, so no test sets it in its own.
const helperUmaskEnv = "AZC_PROFILE_TEST_UMASK"

// setHelperUmask sets the umask helperUmaskEnv gives, if any.
func setHelperUmask() {
	if m, err := strconv.ParseUint(os.Getenv(helperUmaskEnv), 8, 32); err == nil {
		syscall.Umask(int(m))
	}
}

// TestAUmaskTakesNoModeFromAzcsFiles: the state directory, the directories
// above it that a write makes, profile.json, its backup and profile.lock
// have the modes azc gives them (0700, 0600) whatever the umask of the
// process that made them: made under a umask that takes the owner's own
// bits (0277), the directory was 0500 and profile.lock 0400, so that the
// first write failed in a directory it had just made, or every write after
// it failed on the lock, with a hint to chmod what azc made.
func TestAUmaskTakesNoModeFromAzcsFiles(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "made", "azc")
	cmd := helperCmd(t, "chain", dir, 2, "")
	cmd.Env = append(cmd.Env, helperUmaskEnv+"=0277")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("a writer under umask 0277: %v\n%s", err, out)
	}
	for path, want := range map[string]fs.FileMode{
		filepath.Dir(dir):                      0o700,
		dir:                                    0o700,
		filepath.Join(dir, profile.FileName):   0o600,
		filepath.Join(dir, profile.BackupName): 0o600,
		filepath.Join(dir, profile.LockName):   0o600,
	} {
		fi, err := os.Lstat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %v under umask 0277, want %v", path, got, want)
		}
	}
}
