package auth

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/secret"
)

// signInMethods are the sign-ins whose own first token request the retry
// tests fault, each with the grant it sends.
func signInMethods(t *testing.T) (*emulator.Config, []struct {
	name  string
	grant string
	opts  func(t *testing.T, s *emulator.Server) LoginOptions
}) {
	t.Helper()
	certPEM, bundle := selfSigned(t)
	cfg := emulator.DefaultConfig()
	cfg.Apps = append(cfg.Apps,
		emulator.App{AppID: certAppID, Tenant: emulator.DefaultHomeTenantID, Certificates: []string{certPEM}},
		emulator.App{AppID: fedAppID, Tenant: emulator.DefaultHomeTenantID, FederatedCredentials: []emulator.FederatedCredential{{Issuer: emulator.FederationIssuer, Subject: fedSub}}},
	)
	return cfg, []struct {
		name  string
		grant string
		opts  func(t *testing.T, s *emulator.Server) LoginOptions
	}{
		{"device code", "device_code", func(_ *testing.T, s *emulator.Server) LoginOptions {
			s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, emulator.DefaultUser) })
			return LoginOptions{Method: DeviceCode}
		}},
		{"client secret", "client_credentials", func(*testing.T, *emulator.Server) LoginOptions {
			return LoginOptions{Method: ClientSecret, TenantID: emulator.DefaultHomeTenantID, ClientID: emulator.DefaultServicePrincipalID,
				ClientSecret: secret.New(emulator.DefaultServicePrincipalSecret)}
		}},
		{"certificate", "client_credentials", func(*testing.T, *emulator.Server) LoginOptions {
			return LoginOptions{Method: Certificate, TenantID: emulator.DefaultHomeTenantID, ClientID: certAppID, Certificate: bundle}
		}},
		{"federated token", "client_credentials", func(t *testing.T, s *emulator.Server) LoginOptions {
			// a file of each subtest's own: the token is signed by its
			// own emulator's key
			tok, err := s.FederatedToken(fedSub, emulator.DefaultFederatedAudience)
			if err != nil {
				t.Fatal(err)
			}
			fedFile := filepath.Join(t.TempDir(), "federated-token")
			if err := os.WriteFile(fedFile, []byte(tok), 0o600); err != nil {
				t.Fatal(err)
			}
			return LoginOptions{Method: FederatedToken, TenantID: emulator.DefaultHomeTenantID, ClientID: fedAppID, FederatedTokenFile: fedFile}
		}},
	}
}

// TestSignInSurvivesATransientFailureOfItsFirstTokenRequest: the sign-in's
// own token request (the device-code poll, the client-credential grant with
// a secret, a certificate or a federated token), sent by MSAL over TLS to
// the emulator, meets a connection reset, a 500, or a 429 with
// Retry-After; it is sent again and the sign-in, population included,
// succeeds.
func TestSignInSurvivesATransientFailureOfItsFirstTokenRequest(t *testing.T) {
	t.Parallel()
	cfg, methods := signInMethods(t)
	faults := []struct {
		name  string
		fault emulator.Fault
	}{
		{"a connection reset", emulator.Fault{Reset: true, Times: 1}},
		{"a 500", emulator.Fault{Status: http.StatusInternalServerError, Times: 1}},
		{"a 429 with Retry-After", emulator.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second, Times: 1}},
	}
	for _, mt := range methods {
		for _, ft := range faults {
			t.Run(mt.name+" after "+ft.name, func(t *testing.T) {
				t.Parallel()
				s := startEmulator(t, cfg)
				opts := mt.opts(t, s)
				opts.Environment = emulatorEnv(s)
				s.SetFault(emulator.RouteToken, ft.fault)
				res, err := newTestManager(s, nil).Login(context.Background(), opts)
				if err != nil {
					t.Fatalf("Login: %v", err)
				}
				if len(res.Subscriptions) == 0 {
					t.Errorf("signed in, but population found no subscription")
				}
				if n := s.Count(emulator.RouteToken, mt.grant); n != 2 {
					t.Errorf("%s grants = %d, want 2 (the failed one and its retry)", mt.grant, n)
				}
			})
		}
	}
}

// TestTheSignInsOtherRequestsSurviveATransientFailure: the OIDC metadata
// read and the device code request, MSAL's first requests of a sign-in,
// are sent again after a 503 or a reset connection.
func TestTheSignInsOtherRequestsSurviveATransientFailure(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		route string
		fault emulator.Fault
	}{
		{"the device code request after a 503", emulator.RouteDeviceCode, emulator.Fault{Status: http.StatusServiceUnavailable, Times: 1}},
		{"the device code request after a reset", emulator.RouteDeviceCode, emulator.Fault{Reset: true, Times: 1}},
		{"the OIDC metadata after a 503", emulator.RouteMetadata, emulator.Fault{Status: http.StatusServiceUnavailable, Times: 1}},
		{"the OIDC metadata after a reset", emulator.RouteMetadata, emulator.Fault{Reset: true, Times: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := startEmulator(t, nil)
			s.SetFault(tc.route, tc.fault)
			res := deviceLogin(t, s, newTestManager(s, nil), emulator.DefaultUser)
			if res.Account.ID != emulator.DefaultUser || len(res.Subscriptions) == 0 {
				t.Fatalf("account %+v, %d subscriptions", res.Account, len(res.Subscriptions))
			}
			if tc.route == emulator.RouteDeviceCode {
				if n := s.Count(emulator.RouteDeviceCode, ""); n != 2 {
					t.Errorf("device code requests = %d, want 2", n)
				}
			}
		})
	}
}

// TestSignInFailsClearlyWhenFailuresPersist: when every token request
// fails, each sign-in sends its request 1+tokenRetries times and fails
// with an error that names the failure, not a hang and not a retry loop.
func TestSignInFailsClearlyWhenFailuresPersist(t *testing.T) {
	t.Parallel()
	cfg, methods := signInMethods(t)
	faults := []struct {
		name  string
		fault emulator.Fault
		want  string
	}{
		{"503 every time", emulator.Fault{Status: http.StatusServiceUnavailable}, "503"},
		{"connection reset every time", emulator.Fault{Reset: true}, "no answer from the identity provider"},
		{"a Retry-After beyond the bound", emulator.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Minute}, "429"},
	}
	for _, mt := range methods {
		for _, ft := range faults {
			t.Run(mt.name+", "+ft.name, func(t *testing.T) {
				t.Parallel()
				s := startEmulator(t, cfg)
				opts := mt.opts(t, s)
				opts.Environment = emulatorEnv(s)
				s.SetFault(emulator.RouteToken, ft.fault)
				_, err := newTestManager(s, nil).Login(context.Background(), opts)
				if err == nil || !strings.Contains(err.Error(), ft.want) {
					t.Fatalf("Login = %v, want an error naming %s", err, ft.want)
				}
				want := 1 + tokenRetries
				if ft.fault.RetryAfter > maxRetryAfter {
					want = 1
				}
				if n := s.Count(emulator.RouteToken, mt.grant); n != want {
					t.Errorf("%s grants = %d, want %d", mt.grant, n, want)
				}
			})
		}
	}
}

// TestAnAuthorizationCodeIsRedeemedAgainOnlyWhenItCannotHaveBeenUsed: the
// interactive sign-in's code redemption is retried after a 503 (the
// identity provider did not act on it) but not after a connection reset
// once the request was sent, since the code may have been redeemed.
func TestAnAuthorizationCodeIsRedeemedAgainOnlyWhenItCannotHaveBeenUsed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		fault   emulator.Fault
		ok      bool
		redeems int
	}{
		{"after a 503 it is sent again", emulator.Fault{Status: http.StatusServiceUnavailable, Times: 1}, true, 2},
		{"after a 500 it is not", emulator.Fault{Status: http.StatusInternalServerError, Times: 1}, false, 1},
		{"after a reset of the sent request it is not", emulator.Fault{Reset: true, Times: 1}, false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := startEmulator(t, nil)
			s.SetInteractiveUser(emulator.DefaultUser)
			s.SetFault(emulator.RouteToken, tc.fault)
			_, err := newTestManager(s, nil).Login(context.Background(), LoginOptions{Environment: emulatorEnv(s), Method: Interactive,
				SkipPopulation: true, UI: UI{OpenURL: browser(s)}})
			if (err == nil) != tc.ok {
				t.Fatalf("Login = %v, want success %v", err, tc.ok)
			}
			if n := s.Count(emulator.RouteToken, "authorization_code"); n != tc.redeems {
				t.Errorf("code redemptions = %d, want %d", n, tc.redeems)
			}
		})
	}
}

// cancelOnRetry is a slog handler that cancels a context when the retrying
// client says it is about to wait.
type cancelOnRetry struct {
	slog.Handler
	cancel context.CancelFunc
}

func (h cancelOnRetry) Enabled(context.Context, slog.Level) bool { return true }

func (h cancelOnRetry) Handle(_ context.Context, r slog.Record) error {
	if strings.Contains(r.Message, "retrying") {
		h.cancel()
	}
	return nil
}

// TestCancellingDuringARetryWaitEndsTheSignInAtOnce: Ctrl-C while the
// client waits out a Retry-After ends the sign-in with the cancellation,
// without the retry.
func TestCancellingDuringARetryWaitEndsTheSignInAtOnce(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	s.SetFault(emulator.RouteToken, emulator.Fault{Status: http.StatusTooManyRequests, RetryAfter: maxRetryAfter})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := New(Config{HTTPClient: s.Client(), Logger: slog.New(cancelOnRetry{Handler: slog.DiscardHandler, cancel: cancel})})
	_, err := m.Login(ctx, LoginOptions{Environment: emulatorEnv(s), Method: ClientSecret, TenantID: emulator.DefaultHomeTenantID,
		ClientID: emulator.DefaultServicePrincipalID, ClientSecret: secret.New(emulator.DefaultServicePrincipalSecret)})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Login = %v, want the cancellation", err)
	}
	if n := s.Count(emulator.RouteToken, "client_credentials"); n != 1 {
		t.Errorf("client credential grants = %d, want 1", n)
	}
}

// TestManagedIdentitySurvivesAConnectionReset: the managed identity
// endpoint's request goes through the same retries.
func TestManagedIdentitySurvivesAConnectionReset(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	s.SetFault(emulator.RouteManagedIdentity, emulator.Fault{Reset: true, Times: 1})
	_, err := newIdentityManager(s).Login(context.Background(),
		LoginOptions{Environment: emulatorEnv(s), Method: ManagedIdentity, ClientID: emulator.DefaultManagedIdentityClientID})
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	if n := s.Count(emulator.RouteManagedIdentity, ""); n != 2 {
		t.Errorf("managed identity requests = %d, want 2", n)
	}
}
