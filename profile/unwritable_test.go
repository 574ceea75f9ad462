package profile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestUnwritableNamesTheDirectoryThatCannotBeWritten: the failure to
// create or open a file for writing because its directory cannot be
// written (a read-only file system; permission denied to create a file
// that is not there) is one *UnwritableError naming the file, the
// directory and the way out; a file of the user's that its own mode denies
// them keeps its error (the open names it with its chmod).
func TestUnwritableNamesTheDirectoryThatCannotBeWritten(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	there := filepath.Join(dir, LockName)
	if err := os.WriteFile(there, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "credentials", "datakey.lock")
	for _, tc := range []struct {
		name, path string
		err        error
		want       string // in the error; "" keeps err as it is
	}{
		{"a file that is there, on a read-only file system", there, &fs.PathError{Op: "open", Path: there, Err: syscall.EROFS}, "cannot write " + there + ": the directory " + dir + " is on a read-only file system"},
		{"a file to create, on a read-only file system", missing, &fs.PathError{Op: "open", Path: missing, Err: syscall.EROFS}, "cannot create " + missing + ": the directory " + filepath.Dir(missing) + " is on a read-only file system"},
		{"a file to create where the user may not", missing, &fs.PathError{Op: "open", Path: missing, Err: syscall.EACCES}, "cannot create " + missing + ": the directory " + filepath.Dir(missing) + " is not writable by you"},
		{"a directory to create where the user may not", missing, &fs.PathError{Op: "mkdir", Path: filepath.Dir(missing), Err: syscall.EACCES}, "the directory " + dir + " is not writable by you"},
		{"a file of the user's that its mode denies them", there, &fs.PathError{Op: "open", Path: there, Err: syscall.EACCES}, ""},
		{"another failure", missing, &fs.PathError{Op: "open", Path: missing, Err: syscall.ENOSPC}, ""},
	} {
		got := Unwritable(tc.path, tc.err)
		var uw *UnwritableError
		if tc.want == "" {
			if got != tc.err {
				t.Errorf("%s: %v; want the error as it was", tc.name, got)
			}
			continue
		}
		if !errors.As(got, &uw) || !strings.Contains(got.Error(), tc.want) || !errors.Is(got, tc.err.(*fs.PathError).Err) {
			t.Errorf("%s: %v; want an *UnwritableError saying %q, wrapping the cause", tc.name, got, tc.want)
			continue
		}
		if !strings.Contains(uw.Hint(), "AZC_CONFIG_DIR") {
			t.Errorf("%s: hint %q; want the way out", tc.name, uw.Hint())
		}
	}
}
