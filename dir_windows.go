//go:build windows

package azc

// userConfigDir follows os.UserConfigDir: %AppData%.
func userConfigDir(getenv func(string) string) (string, error) {
	if d := getenv("AppData"); d != "" {
		return d, nil
	}
	return "", errNoHome
}
