package auth

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/azcontext/azc/internal/credblob"
	"github.com/azcontext/azc/profile"
)

// AzurePowerShellClientID is the public client azc signs users in with:
// Azure PowerShell's well-known application, pre-authorised for ARM in every
// tenant.
const AzurePowerShellClientID = "1950a258-227b-4e31-a9cf-717495945fc2"

// Errors callers map to exit codes or hints.
var (
	// ErrNotSignedIn says the account has no usable credentials in the
	// store: never signed in, signed out, or the store's key is gone.
	ErrNotSignedIn error = credblob.NotSignedIn{}
	// ErrInteractionRequired says a token cannot be obtained without the
	// user: the refresh token expired or was revoked, or a raw access token
	// expired.
	ErrInteractionRequired = errors.New("interaction required")
)

// Blobs is the encrypted per-account blob store the token caches live in:
// credstore.Blobs for the user scope, the session's store for the process
// scope. Get returns an error matching NotFound when the key is absent;
// Delete of an absent key is not an error. Lock takes the key's exclusive cross-process lock; while it is held, the
// holder writes with Put (Update takes the same lock itself).
type Blobs interface {
	Get(key string) ([]byte, error)
	Put(key string, data []byte) error
	Delete(key string) error
	Update(key string, fn func(old []byte) ([]byte, error)) error
	Lock(ctx context.Context, key string) (unlock func(), err error)
}

// UI is how a sign-in reaches the user. Every field may be nil.
type UI struct {
	// DisplayMessage shows a message the user must act on (the device
	// code instructions) or a warning.
	DisplayMessage func(msg string)
	// OpenURL opens the interactive sign-in page, in a browser or by
	// printing it. Nil or failing makes interactive sign-in fail with
	// ErrNoBrowser, so that the caller can fall back to the device code.
	OpenURL func(url string) error
	// Progress reports context population, one report at a time.
	Progress func(Progress)
}

// Progress is a snapshot of a sign-in: the wait for the identity
// provider's first answer, the wait for the user's approval of a device
// code, then context population.
type Progress struct {
	// Starting is true while the identity provider is asked to begin the
	// sign-in (a device code, the sign-in page's metadata, the first
	// token), before anything is shown to the user.
	Starting bool
	// Approval is true while a device code, just shown with
	// DisplayMessage, or the sign-in page, just opened with OpenURL,
	// waits for the user to approve it.
	Approval bool
	// Listing is true while the tenants are being listed, before any is
	// known: the first report of a population.
	Listing bool
	// Retry, when not nil, says that a request to ARM is sent again after
	// a try that got no answer in time, a 429 or a 5xx: the user waits on.
	Retry         *Retry
	TenantsDone   int
	Tenants       int
	Subscriptions int
}

func (u UI) message(msg string) {
	if u.DisplayMessage != nil {
		u.DisplayMessage(msg)
	}
}

func (u UI) progress(p Progress) {
	if u.Progress != nil {
		u.Progress(p)
	}
}

// Config holds everything Manager takes from its surroundings.
type Config struct {
	// HTTPClient, when set, is used for every environment (tests pass the
	// emulator's client). Otherwise built-in clouds get a default client
	// and custom environments one that also trusts their CAFile.
	HTTPClient *http.Client
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives diagnostics; it never sees a token or secret. Nil
	// discards.
	Logger *slog.Logger
	// Getenv looks up the managed identity endpoint (IDENTITY_ENDPOINT,
	// IDENTITY_HEADER) at token time and the proxy (HTTPS_PROXY, NO_PROXY
	// and their lower-case forms) when a client is built. Nil means none.
	Getenv func(string) string
	// ReadFile reads CA and federated token files; nil means
	// profile.ReadRegularFile (os.ReadFile up to profile.MaxFileSize,
	// refusing a FIFO or a device rather than waiting on it).
	ReadFile func(string) ([]byte, error)
	// NotFound reports whether a Blobs.Get error means "no such blob"; nil
	// means errors.Is(err, ErrBlobNotFound).
	NotFound func(error) bool
	// Retry tunes ARM retries (429 with Retry-After, 5xx, timeouts); zero
	// values take azcore's defaults, except TryTimeout: zero means
	// ResponseTimeout. RetryDelay and MaxRetryDelay, when set, also bound
	// the backoff of requests to the identity provider without a
	// Retry-After (500 ms doubling to 4 s otherwise; see retryingClient).
	Retry policy.RetryOptions
	// TokenTimeout bounds one token acquisition, retries after 429 and 5xx
	// included, and (with a little slack) the wait for the account's lock
	// behind another process's acquisition; 0 means DefaultTokenTimeout.
	TokenTimeout time.Duration
	// Parallelism bounds concurrent tenant population; 0 means 16.
	Parallelism int
}

// ErrBlobNotFound is the default NotFound sentinel for Blobs
// implementations that do not bring their own.
var ErrBlobNotFound = errors.New("blob not found")

// Manager signs in and hands out tokens. It is safe for concurrent use.
type Manager struct {
	cfg Config
	log *slog.Logger

	mu      sync.Mutex
	clients map[string]*http.Client // by environment name
}

// New returns a Manager.
func New(cfg Config) *Manager {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.ReadFile == nil {
		cfg.ReadFile = profile.ReadRegularFile
	}
	if cfg.Getenv == nil {
		cfg.Getenv = func(string) string { return "" }
	}
	if cfg.NotFound == nil {
		cfg.NotFound = func(err error) bool { return errors.Is(err, ErrBlobNotFound) }
	}
	if cfg.Parallelism <= 0 {
		cfg.Parallelism = 16
	}
	if cfg.Retry.TryTimeout == 0 {
		cfg.Retry.TryTimeout = ResponseTimeout
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Manager{cfg: cfg, log: log, clients: map[string]*http.Client{}}
}

// httpClient returns the client for env: the injected one, or one that
// trusts env's extra CA (custom environments only).
func (m *Manager) httpClient(env profile.Environment) (*http.Client, error) {
	if m.cfg.HTTPClient != nil {
		return m.cfg.HTTPClient, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if c, ok := m.clients[env.Name]; ok {
		return c, nil
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	setTimeouts(t)
	t.Proxy = proxyFunc(m.cfg.Getenv)
	if !env.BuiltIn && env.CAFile != "" {
		pem, err := m.cfg.ReadFile(env.CAFile)
		if err != nil {
			return nil, fmt.Errorf("read the CA file of environment %s: %w", env.Name, err)
		}
		extra := x509.NewCertPool()
		if !extra.AppendCertsFromPEM(profile.CAFilePEM(pem)) {
			return nil, fmt.Errorf("CA file %s of environment %s holds no PEM certificate", env.CAFile, env.Name)
		}
		t.TLSClientConfig = &tls.Config{
			MinVersion: tls.VersionTLS12,
			// Verification is not skipped: verifyExtraThenSystem does it, trying
			// the environment's CA before the system roots, so that a warm
			// `azc token` against a custom cloud never pays for loading every
			// system certificate.
			InsecureSkipVerify: true,
			VerifyConnection:   verifyExtraThenSystem(extra),
		}
	}
	c := &http.Client{Transport: t}
	m.clients[env.Name] = c
	return c, nil
}

// authority is env's authority URL for tenant ("" means organizations).
func authority(env profile.Environment, tenant string) string {
	if tenant == "" {
		tenant = "organizations"
	}
	return strings.TrimSuffix(env.AuthorityHost, "/") + "/" + tenant
}

// ARMScope is the scope of an ARM token in env.
func ARMScope(env profile.Environment) string {
	return ResourceScope(env.ARMAudience)
}

// ResourceScope turns a v1 resource into a v2 scope as the az CLI does:
// resource + "/.default" (so "https://management.core.windows.net/" gives
// the double slash ARM expects).
func ResourceScope(resource string) string {
	return resource + "/.default"
}

// instanceDiscovery reports whether MSAL may ask login.microsoftonline.com
// about env's authority: only for built-in clouds.
func instanceDiscovery(env profile.Environment) bool { return env.BuiltIn }

// drain discards and closes a response body.
func drain(r io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(r, 1<<20))
	_ = r.Close()
}

// verifyExtraThenSystem verifies a server's chain and name against extra,
// and failing that against the system roots (loaded only then).
func verifyExtraThenSystem(extra *x509.CertPool) func(tls.ConnectionState) error {
	return func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return errors.New("tls: the server sent no certificate")
		}
		inter := x509.NewCertPool()
		for _, c := range cs.PeerCertificates[1:] {
			inter.AddCert(c)
		}
		opts := x509.VerifyOptions{DNSName: cs.ServerName, Intermediates: inter, Roots: extra}
		if _, err := cs.PeerCertificates[0].Verify(opts); err == nil {
			return nil
		}
		opts.Roots = nil // the system roots
		_, err := cs.PeerCertificates[0].Verify(opts)
		return err
	}
}
