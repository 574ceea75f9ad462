package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/azcontext/azc/emulator"
)

// An interactive sign-in whose browser opened the page and never came back
// (the user walked away, the page was closed) ends after its wait, with
// what happened and the way out, where it waited until Ctrl-C.
func TestABrowserThatNeverComesBackEndsTheSignIn(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	s.SetInteractiveUser(emulator.DefaultUser)
	opened := 0
	_, err := newTestManager(s, nil).Login(context.Background(), LoginOptions{
		Environment: emulatorEnv(s), Method: Interactive, SkipPopulation: true,
		UI:          UI{OpenURL: func(string) error { opened++; return nil }},
		BrowserWait: 300 * time.Millisecond,
	})
	var bt *BrowserTimeoutError
	if !errors.As(err, &bt) || bt.Wait != 300*time.Millisecond {
		t.Fatalf("err = %v, want a *BrowserTimeoutError of 300ms", err)
	}
	if opened != 1 || !strings.Contains(err.Error(), "300ms") || !strings.Contains(bt.Hint(), "--device-code") {
		t.Fatalf("opened %d times; %q, hint %q", opened, err, bt.Hint())
	}
	if errors.Is(err, ErrNoBrowser) {
		t.Fatal("a browser that opened is not a missing browser: no fallback to the device code")
	}
}

func TestTheBrowserWaitIsSaidInWholeMinutes(t *testing.T) {
	if got := (&BrowserTimeoutError{Wait: DefaultBrowserWait}).Error(); !strings.Contains(got, "within 15 minutes") {
		t.Fatalf("%q", got)
	}
}
