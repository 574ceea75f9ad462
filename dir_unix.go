//go:build !windows && !darwin

package azc

import "path/filepath"

// userConfigDir follows os.UserConfigDir: $XDG_CONFIG_HOME, else ~/.config.
func userConfigDir(getenv func(string) string) (string, error) {
	if d := getenv("XDG_CONFIG_HOME"); filepath.IsAbs(d) {
		return d, nil
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".config"), nil
	}
	return "", errNoHome
}
