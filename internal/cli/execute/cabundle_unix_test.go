//go:build unix

package execute

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/azcontext/azc/childproc"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/profile"
)

// TestCABundleTrustsOnlyABundleAzcWrote: the bundle a child is told to
// trust (SSL_CERT_FILE) is reused only when it is a regular, non-empty
// file of the user's in a ca-bundles directory of the user's. A bundle
// that is a symbolic link (to a file another user can write), or empty,
// is written afresh; a ca-bundles directory that is a link or not a
// directory is refused with its path. Each was handed to the child as
// its trust store.
func TestCABundleTrustsOnlyABundleAzcWrote(t *testing.T) {
	t.Parallel()
	setup := func(t *testing.T) (dir, ca, bundles string, env func(string) string) {
		dir = t.TempDir()
		ca = filepath.Join(dir, "ca.pem")
		roots := filepath.Join(dir, "roots.pem")
		for p, c := range map[string]string{ca: "CA\n", roots: "ROOTS\n"} {
			if err := os.WriteFile(p, []byte(c), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		return dir, ca, filepath.Join(dir, "ca-bundles"), func(k string) string {
			return map[string]string{"SSL_CERT_FILE": roots}[k]
		}
	}
	for _, kind := range []string{"link", "empty"} {
		t.Run("a bundle that is "+kind, func(t *testing.T) {
			t.Parallel()
			dir, ca, bundles, env := setup(t)
			bundle, err := caBundle(bundles, env, ca)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Remove(bundle); err != nil {
				t.Fatal(err)
			}
			if kind == "link" {
				evil := filepath.Join(dir, "evil.pem")
				if err := os.WriteFile(evil, []byte("EVIL\n"), 0o666); err != nil {
					t.Fatal(err)
				}
				err = os.Symlink(evil, bundle)
			} else {
				err = os.WriteFile(bundle, nil, 0o600)
			}
			if err != nil {
				t.Fatal(err)
			}
			again, err := caBundle(bundles, env, ca)
			if err != nil || again != bundle {
				t.Fatalf("caBundle = %q, %v; want %q", again, err, bundle)
			}
			fi, err := os.Lstat(again)
			if got, _ := os.ReadFile(again); err != nil || !fi.Mode().IsRegular() || string(got) != "ROOTS\nCA\n" {
				t.Errorf("the child is given %v holding %q, want a regular file of the roots and the CA", fi.Mode(), got)
			}
		})
	}
	for _, kind := range []string{"link", "file"} {
		t.Run("a ca-bundles directory that is a "+kind, func(t *testing.T) {
			t.Parallel()
			dir, ca, bundles, env := setup(t)
			var err error
			if kind == "link" {
				elsewhere := filepath.Join(dir, "elsewhere")
				if err := os.Mkdir(elsewhere, 0o700); err != nil {
					t.Fatal(err)
				}
				err = os.Symlink(elsewhere, bundles)
			} else {
				err = os.WriteFile(bundles, nil, 0o600)
			}
			if err != nil {
				t.Fatal(err)
			}
			_, err = caBundle(bundles, env, ca)
			var ue *profile.UnsafePathError
			if !errors.As(err, &ue) || ue.Path != bundles {
				t.Fatalf("caBundle = %v, want an *profile.UnsafePathError naming %s", err, bundles)
			}
		})
	}
}

// TestNoSystemCAFileIsAWarningEscaped: an environment with its own CA on a
// system with no CA file to add it to gets a warning whose environment
// name is escaped, as every warning is: the name is the profile's, which
// may hold a terminal's control sequences. Not parallel: it empties
// systemCAFiles while it runs.
func TestNoSystemCAFileIsAWarningEscaped(t *testing.T) {
	saved := systemCAFiles
	systemCAFiles = nil
	t.Cleanup(func() { systemCAFiles = saved })
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, []byte("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ios, _, _, errOut := cmdutil.Test()
	getenv := func(string) string { return "" }
	f := cmdutil.NewFactory(ios, getenv, "")
	f.StateDir = filepath.Join(dir, "azc")
	env := profile.Environment{Name: "emu\x1b]0;owned\a", CAFile: ca}
	var vars childproc.Vars
	if _, err := prepareEnv(f, &ExecOptions{}, &profile.Context{Name: "c"}, env, getenv, &vars); err != nil {
		t.Fatal(err)
	}
	want := `azc: warning: exec: no system CA file found, so the child does not trust the CA of environment emu\x1b]0;owned\a` + "\n"
	if got := errOut.String(); got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
	if len(vars.Extra) != 0 {
		t.Errorf("the child is pointed at a bundle: %q", vars.Extra)
	}
}
