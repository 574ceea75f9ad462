//go:build darwin

package azc

import "path/filepath"

// userConfigDir follows os.UserConfigDir: ~/Library/Application Support.
func userConfigDir(getenv func(string) string) (string, error) {
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, "Library", "Application Support"), nil
	}
	return "", errNoHome
}
