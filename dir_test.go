package azc_test

import (
	"path/filepath"
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
