package auth

import (
	"context"
	"strings"
	"testing"

	"github.com/azcontext/azc/emulator"
)

// TestAnAnswerCutShortNamesNoTokenInItsError: the identity provider's token
// response reaches MSAL without its last byte (a connection cut short, a
// broken proxy), so it is not valid JSON. The sign-in or token request
// fails saying the answer could not be read, and the error does not carry
// the answer: no access token, no refresh token, no id token.
func TestAnAnswerCutShortNamesNoTokenInItsError(t *testing.T) {
	t.Parallel()
	cfg, methods := signInMethods(t)
	check := func(t *testing.T, err error) {
		t.Helper()
		if err == nil {
			t.Fatal("succeeded on an answer cut short")
		}
		msg := err.Error()
		for _, leak := range []string{"eyJ", "access_token", "refresh_token", "id_token"} {
			if strings.Contains(msg, leak) {
				t.Fatalf("error carries the answer (%q; %d bytes long)", leak, len(msg))
			}
		}
		if !strings.Contains(msg, "could not be read") {
			t.Errorf("error = %q, want it to say the answer could not be read", msg)
		}
	}
	for _, mt := range methods {
		t.Run("sign-in with "+mt.name, func(t *testing.T) {
			t.Parallel()
			s := startEmulator(t, cfg)
			opts := mt.opts(t, s)
			opts.Environment = emulatorEnv(s)
			s.SetFault(emulator.RouteToken, emulator.Fault{Truncate: 2})
			_, err := newTestManager(s, nil).Login(context.Background(), opts)
			check(t, err)
		})
	}
	t.Run("a signed-in user's token for a new resource", func(t *testing.T) {
		t.Parallel()
		s := startEmulator(t, nil)
		m := newTestManager(s, nil)
		blobs := newMemBlobs()
		user := deviceLogin(t, s, m, emulator.DefaultUser)
		if err := user.Save(context.Background(), blobs, nil); err != nil {
			t.Fatal(err)
		}
		s.SetFault(emulator.RouteToken, emulator.Fault{Truncate: 2})
		_, err := m.Token(context.Background(), blobs, emulatorEnv(s), user.Account,
			TokenRequest{Scopes: []string{"https://storage.azure.com/.default"}})
		check(t, err)
	})
}
