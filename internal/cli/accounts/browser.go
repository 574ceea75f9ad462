package accounts

import (
	"os/exec"
)

// openBrowser opens u in the user's browser. The opener's own output is
// discarded: stdout carries only azc's result.
func openBrowser(u string) error {
	name, args := browserCommand(u)
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = nil, nil
	return cmd.Run()
}
