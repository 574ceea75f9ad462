package auth

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/secret"
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

// TestARefusalThatEchoesTheRequestNamesNoSecret: a provider (or a proxy in
// front of it) whose error description echoes the form azc sent, or a
// token, has those values replaced in the error: the client secret, a
// refresh token, an assertion, a JWT.
func TestARefusalThatEchoesTheRequestNamesNoSecret(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQifQ.c2lnbmF0dXJl"
	echo := "bad request: client_id=33333333&client_secret=" + emulator.DefaultServicePrincipalSecret +
		"&grant_type=refresh_token&refresh_token=rt-0123456789abcdef&client_assertion=" + jwt + " token " + jwt
	s.SetFault(emulator.RouteToken, emulator.Fault{Status: 400, Description: echo})
	_, err := newTestManager(s, nil).Login(context.Background(), LoginOptions{Environment: emulatorEnv(s),
		Method: ClientSecret, TenantID: emulator.DefaultHomeTenantID, ClientID: emulator.DefaultServicePrincipalID,
		ClientSecret: secret.New(emulator.DefaultServicePrincipalSecret)})
	if err == nil {
		t.Fatal("signed in against a refusal")
	}
	for _, leak := range []string{emulator.DefaultServicePrincipalSecret, "rt-0123456789abcdef", "eyJ"} {
		if strings.Contains(err.Error(), leak) {
			t.Fatalf("the error carries %q", leak)
		}
	}
	if !strings.Contains(err.Error(), "client_secret=[REDACTED]") || !strings.Contains(err.Error(), "grant_type=refresh_token") {
		t.Errorf("error = %v, want the echoed form with its secrets replaced", err)
	}
}

// TestARefusalThatEchoesASecretBareNamesItNot: a provider whose error
// description quotes the client secret or the refresh token azc sent, bare
// (not as a form parameter, not a JWT), has them replaced in the error:
// Scrub's patterns cannot know an opaque value, so the values azc holds
// for the request are replaced as they are.
func TestARefusalThatEchoesASecretBareNamesItNot(t *testing.T) {
	t.Parallel()
	newResource := TokenRequest{Scopes: []string{"https://storage.azure.com/.default"}}
	check := func(t *testing.T, err error, leak string) {
		t.Helper()
		if err == nil {
			t.Fatal("succeeded against a refusal")
		}
		if strings.Contains(err.Error(), leak) {
			t.Fatal("the error carries the secret the provider echoed")
		}
		if !strings.Contains(err.Error(), "Invalid value provided: [REDACTED].") {
			t.Errorf("error = %v, want the echoed secret replaced", err)
		}
	}
	echo := func(v string) emulator.Fault {
		return emulator.Fault{Status: 400, Description: "AADSTS7000215: Invalid value provided: " + v + "."}
	}
	t.Run("the client secret at sign-in", func(t *testing.T) {
		t.Parallel()
		s := startEmulator(t, nil)
		s.SetFault(emulator.RouteToken, echo(emulator.DefaultServicePrincipalSecret))
		_, err := newTestManager(s, nil).Login(context.Background(), LoginOptions{Environment: emulatorEnv(s),
			Method: ClientSecret, TenantID: emulator.DefaultHomeTenantID, ClientID: emulator.DefaultServicePrincipalID,
			ClientSecret: secret.New(emulator.DefaultServicePrincipalSecret)})
		check(t, err, emulator.DefaultServicePrincipalSecret)
	})
	t.Run("the client secret of a signed-in service principal", func(t *testing.T) {
		t.Parallel()
		s := startEmulator(t, nil)
		m := newTestManager(s, nil)
		blobs := newMemBlobs()
		res := spLogin(t, s, m, LoginOptions{})
		if err := res.Save(context.Background(), blobs, nil); err != nil {
			t.Fatal(err)
		}
		acct := res.Account
		s.SetFault(emulator.RouteToken, echo(emulator.DefaultServicePrincipalSecret))
		_, err := m.Token(context.Background(), blobs, emulatorEnv(s), acct, newResource)
		check(t, err, emulator.DefaultServicePrincipalSecret)
	})
	t.Run("a user's refresh token", func(t *testing.T) {
		t.Parallel()
		s := startEmulator(t, nil)
		m := newTestManager(s, nil)
		blobs := newMemBlobs()
		user := deviceLogin(t, s, m, emulator.DefaultUser)
		if err := user.Save(context.Background(), blobs, nil); err != nil {
			t.Fatal(err)
		}
		rts := refreshTokensIn(t, blobs, user.Account.Key())
		if len(rts) == 0 {
			t.Fatal("no refresh token in the blob")
		}
		s.SetFault(emulator.RouteToken, echo(rts[0]))
		_, err := m.Token(context.Background(), blobs, emulatorEnv(s), user.Account, newResource)
		check(t, err, rts[0])
	})
}

// refreshTokensIn returns the refresh tokens of key's MSAL cache in blobs.
func refreshTokensIn(t *testing.T, blobs Blobs, key string) []string {
	t.Helper()
	data, err := blobs.Get(key)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := unmarshalCredentials(data)
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		RefreshToken map[string]struct {
			Secret string `json:"secret"`
		}
	}
	if err := json.Unmarshal(creds.msalCache, &c); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, rt := range c.RefreshToken {
		out = append(out, rt.Secret)
	}
	return out
}
