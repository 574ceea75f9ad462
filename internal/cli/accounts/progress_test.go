package accounts

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/azcontext/azc/auth"
	"github.com/azcontext/azc/internal/cli/cmdutil"
)

// TestPlainProgressWritesWholeLinesAtMostEveryFewSeconds: on a stderr that
// is not a terminal, each phase is one line, and the subscription count is
// written when the listing starts, then at most every plainProgressEvery of
// the injected clock, and when it ends.
func TestPlainProgressWritesWholeLinesAtMostEveryFewSeconds(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	clock := time.Unix(1_000_000, 0)
	progress := plainProgress(&out, func() time.Time { return clock })
	steps := []struct {
		after time.Duration
		p     auth.Progress
	}{
		{0, auth.Progress{Starting: true}},
		{0, auth.Progress{Approval: true}},
		{0, auth.Progress{Listing: true}},
		{0, auth.Progress{TenantsDone: 0, Tenants: 100}},
		{time.Second, auth.Progress{TenantsDone: 10, Tenants: 100, Subscriptions: 1000}},
		{3 * time.Second, auth.Progress{TenantsDone: 40, Tenants: 100, Subscriptions: 4000}},
		{2 * time.Second, auth.Progress{TenantsDone: 60, Tenants: 100, Subscriptions: 6000}},
		{time.Second, auth.Progress{TenantsDone: 99, Tenants: 100, Subscriptions: 9900}},
		{0, auth.Progress{TenantsDone: 100, Tenants: 100, Subscriptions: 10000}},
	}
	for _, st := range steps {
		clock = clock.Add(st.after)
		progress(st.p)
	}
	want := []string{
		"azc: contacting the identity provider",
		"azc: waiting for the sign-in to be approved (Ctrl-C to stop)",
		"azc: listing tenants",
		"azc: listing subscriptions: tenants 0/100, subscriptions 0",
		"azc: listing subscriptions: tenants 60/100, subscriptions 6000",
		"azc: listing subscriptions: tenants 100/100, subscriptions 10000",
		"",
	}
	if diff := cmp.Diff(want, strings.Split(out.String(), "\n")); diff != "" {
		t.Errorf("progress lines (-want +got):\n%s", diff)
	}
}

// TestTheSignInMessageReachesTheTerminalEscaped: the message a sign-in
// shows (the device code's instructions, the identity provider's text) is
// printed with its control characters spelled out, as every text from the
// network is, where it was printed as it came: an identity provider could
// retitle the window or clear the screen.
func TestTheSignInMessageReachesTheTerminalEscaped(t *testing.T) {
	t.Parallel()
	ios, _, _, errOut := cmdutil.Test()
	ui, end := loginUI(context.Background(), cmdutil.NewFactory(ios, func(string) string { return "" }, "v0-test"))
	defer end()
	ui.DisplayMessage("To sign in, enter the code AB\x1b]0;owned\a\x1b[2J\u202e to authenticate.")
	if got, want := errOut.String(), "To sign in, enter the code AB\\x1b]0;owned\\a\\x1b[2J\\u202e to authenticate.\n"; got != want {
		t.Errorf("the sign-in message printed as %q, want %q", got, want)
	}
}
