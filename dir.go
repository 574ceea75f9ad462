package azc

import (
	"errors"
	"path/filepath"
)

// DefaultDir returns the state directory:
// $AZC_CONFIG_DIR, else "azc" in the user configuration directory
// (~/.config/azc on Linux). getenv is os.Getenv or a test's stand-in: the
// library itself never reads the environment.
func DefaultDir(getenv func(string) string) (string, error) {
	if d := getenv("AZC_CONFIG_DIR"); d != "" {
		return filepath.Clean(d), nil
	}
	base, err := userConfigDir(getenv)
	if err != nil {
		return "", err
	}
	return filepath.Join(base, "azc"), nil
}

var errNoHome = errors.New("cannot find the user configuration directory; set AZC_CONFIG_DIR")
