package azc

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/azcontext/azc/internal/termsafe"
)

// DefaultDir returns the state directory:
// $AZC_CONFIG_DIR, else "azc" in the user configuration directory
// (~/.config/azc on Linux). getenv is os.Getenv or a test's stand-in: the
// library itself never reads the environment.
//
// A relative directory is refused: it would name another state directory
// in every directory azc runs in, and a program `azc exec` starts that
// changes directory would find none of the contexts.
func DefaultDir(getenv func(string) string) (string, error) {
	if d := getenv("AZC_CONFIG_DIR"); d != "" {
		if !filepath.IsAbs(d) {
			// The suggestion is pasted into a shell: the name is one word
			// there, whatever it holds.
			return "", fmt.Errorf("AZC_CONFIG_DIR %q is not an absolute path, so it would name another state directory in every directory; set it to one (AZC_CONFIG_DIR=\"$PWD\"/%s for the one here)", d, termsafe.ShellWord(filepath.Clean(d)))
		}
		return filepath.Clean(d), nil
	}
	base, err := userConfigDir(getenv)
	if err != nil {
		return "", err
	}
	if !filepath.IsAbs(base) {
		return "", fmt.Errorf("the user configuration directory %q is not an absolute path (is HOME relative?); set AZC_CONFIG_DIR to an absolute path", base)
	}
	return filepath.Join(base, "azc"), nil
}

var errNoHome = errors.New("cannot find the user configuration directory; set AZC_CONFIG_DIR")
