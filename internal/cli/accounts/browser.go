package accounts

import (
	"context"
	"os/exec"
	"time"
)

// openerWait is how long a sign-in waits for the browser opener to say
// whether it opened the page. One still running then has opened it:
// xdg-open that starts a browser's first window runs until that browser
// is closed, and the sign-in must go on meanwhile.
const openerWait = time.Second

// openBrowser opens u in the user's browser: it returns the opener's
// failure if the opener ends within openerWait, nil if the opener is still
// running then, and ctx's error if ctx ends first (Ctrl-C waits for no
// opener). The opener's own output is discarded: stdout carries only azc's
// result.
func openBrowser(ctx context.Context, u string) error {
	name, args := browserCommand(u)
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	wait := time.NewTimer(openerWait)
	defer wait.Stop()
	select {
	case err := <-done:
		return err
	case <-wait.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
