package profile

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestAStateDirectoryBelowAFileNamesTheFile: where a directory on the way
// to the state directory is a file, the store's open and CheckFiles (what
// `azc doctor` shows) name that file, with the way out, instead of the
// system's "lstat …/azc: not a directory" and "mkdir …: not a directory".
func TestAStateDirectoryBelowAFileNamesTheFile(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("Windows says the path is not found")
	}
	file := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{filepath.Join(file, "azc"), filepath.Join(file, "a", "azc")} {
		_, openErr := Open(dir, Options{})
		checks := CheckFiles(dir)
		for what, err := range map[string]error{"Open": openErr, "CheckFiles": checks[0].Err} {
			var ue *UnsafePathError
			if !errors.As(err, &ue) || ue.Path != file || !strings.Contains(ue.Error(), "is not a directory") || !strings.Contains(ue.Hint(), "AZC_CONFIG_DIR") {
				t.Errorf("%s of %s: %v, want the file %s named, with a way out", what, dir, err, file)
			}
		}
	}
}
