package front

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"
)

// runFull runs azc-full as a child on the same console (Windows has no
// exec) with env and returns its exit code. Ctrl-C reaches both
// processes; azc waits through it.
func runFull(path string, args, env []string) (int, error) {
	// Catch Ctrl-C (not Ignore: Windows' default handler would then end
	// azc and lose the child's exit code); the child gets its own.
	intr := make(chan os.Signal, 1)
	signal.Notify(intr, os.Interrupt)
	defer signal.Stop(intr)
	cmd := exec.Command(path, args...)
	cmd.Env = env
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
