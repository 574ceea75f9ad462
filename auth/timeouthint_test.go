package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/azcontext/azc/emulator"
)

// A token the identity provider did not answer for within the token
// timeout comes with what to do (try again shortly; it keeps failing: the
// network or proxy), which `azc token` prints as its hint.
func TestATokenTimeoutSaysWhatToDo(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	m := New(Config{HTTPClient: s.Client(), TokenTimeout: 500 * time.Millisecond,
		Retry: policy.RetryOptions{RetryDelay: 1e6, MaxRetryDelay: 5e6}})
	res := deviceLogin(t, s, m, emulator.DefaultUser)
	blobs := newMemBlobs()
	if err := res.Save(context.Background(), blobs, nil); err != nil {
		t.Fatal(err)
	}
	expireAccessTokens(t, blobs, res.Account.Key())
	s.SetFault(emulator.RouteToken, emulator.Fault{Hang: true})
	_, err := m.Token(context.Background(), blobs, emulatorEnv(s), res.Account, TokenRequest{})
	var hint interface{ Hint() string }
	if err == nil || !strings.Contains(err.Error(), "did not answer within 500ms") || !errors.As(err, &hint) {
		t.Fatalf("Token = %v; want the timeout with a hint", err)
	}
	if h := hint.Hint(); !strings.Contains(h, "try again") || !strings.Contains(h, "proxy") {
		t.Errorf("hint %q", h)
	}
}
