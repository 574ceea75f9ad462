//go:build !darwin && !windows

package logincmd

func browserCommand(u string) (string, []string) { return "xdg-open", []string{u} }
