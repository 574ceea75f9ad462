package cli

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"
)

// runFull runs azc-full as a child on the same console (Windows has no
// exec) and returns its exit code. Ctrl-C reaches both processes; azc
// ignores it while it waits.
func runFull(path string, args []string) (int, error) {
	signal.Ignore(os.Interrupt)
	cmd := exec.Command(path, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), nil
	}
	if err != nil {
		return 0, err
	}
	return 0, nil
}
