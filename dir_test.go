package azc_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/azcontext/azc"
)

// TestDefaultDirRefusesARelativePath: a relative AZC_CONFIG_DIR (or HOME)
// names another state directory in every directory azc runs in (a child
// of `azc exec` that changes directory would make and read an empty one
// there, and find no context). It is refused, naming the variable and
// what to set; an absolute one is kept.
func TestDefaultDirRefusesARelativePath(t *testing.T) {
	t.Parallel()
	abs := filepath.Join(t.TempDir(), "azc")
	for _, tc := range []struct {
		env  map[string]string
		want string // "" for an error naming the variable
		name string
	}{
		{map[string]string{"AZC_CONFIG_DIR": abs}, abs, ""},
		{map[string]string{"AZC_CONFIG_DIR": "azc-state"}, "", "AZC_CONFIG_DIR"},
		{map[string]string{"AZC_CONFIG_DIR": "./azc-state"}, "", "AZC_CONFIG_DIR"},
		{map[string]string{"HOME": "home", "AppData": "home"}, "", "AZC_CONFIG_DIR"},
	} {
		got, err := azc.DefaultDir(func(k string) string { return tc.env[k] })
		if tc.want != "" {
			if err != nil || got != tc.want {
				t.Errorf("DefaultDir(%v) = %q, %v; want %q", tc.env, got, err, tc.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.name) || !strings.Contains(err.Error(), "absolute") {
			t.Errorf("DefaultDir(%v) = %q, %v; want an error saying %s must be an absolute path", tc.env, got, err, tc.name)
		}
	}
}

// TestDefaultDirSuggestsTheDirectoryItRefused: the command the error
// suggests for a relative AZC_CONFIG_DIR, pasted into a shell, names that
// directory under the current one, whatever characters its name holds;
// one it suggested ran a $( ) the name held and named another directory.
func TestDefaultDirSuggestsTheDirectoryItRefused(t *testing.T) {
	t.Parallel()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to paste the suggestion into")
	}
	base := t.TempDir()
	suggestion := regexp.MustCompile(`\(AZC_CONFIG_DIR=(.*) for the one here\)$`)
	for _, dir := range []string{"azc-state", "./a b", "$(touch ran)", "it's `here`", `back\slash "quoted"`} {
		_, err := azc.DefaultDir(func(k string) string { return map[string]string{"AZC_CONFIG_DIR": dir}[k] })
		if err == nil {
			t.Fatalf("DefaultDir accepted %q", dir)
		}
		m := suggestion.FindStringSubmatch(err.Error())
		if m == nil {
			t.Fatalf("%q: the error suggests no command: %v", dir, err)
		}
		cmd := exec.Command(sh, "-c", `AZC_CONFIG_DIR=`+m[1]+`; printf %s "$AZC_CONFIG_DIR"`)
		cmd.Dir = base
		cmd.Env = []string{"PWD=" + base}
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%q: the suggestion %s does not run: %v", dir, m[1], err)
		}
		if want := filepath.Join(base, dir); string(out) != want {
			t.Errorf("%q: the suggestion %s names %q, want %q", dir, m[1], out, want)
		}
		if _, err := os.Stat(filepath.Join(base, "ran")); err == nil {
			t.Fatalf("%q: the suggestion ran a command", dir)
		}
	}
}
