//go:build !darwin && !windows

package accounts

func browserCommand(u string) (string, []string) { return "xdg-open", []string{u} }
