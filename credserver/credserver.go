// Package credserver is the credential endpoint behind `azc exec`: a loopback
// HTTP server speaking the App Service managed identity protocol
// (api-version 2019-08-01), so that any Azure SDK, the az CLI or Terraform
// running in the child process gets the tokens of one azc context without
// knowing azc exists.
//
// One Server serves one identity to one child. It listens on 127.0.0.1 with a
// random port, a random path and a 256-bit random secret, which reach the
// child only through the variables of [Server.Env]. A request is refused with
// a bare status code, and no hint of why, unless it comes from a loopback
// peer, names the server's own address in Host, carries no Origin header, is
// a GET of the server's path and presents the secret in X-IDENTITY-HEADER,
// x-ms-identity or secret (compared in constant time). Only access tokens are
// served; the protocol has no place for a refresh token and neither does
// [Token].
package credserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/azcontext/azc/credserver/endpoint"
	"github.com/azcontext/azc/secret"
)

// Token is an access token and its expiry. It deliberately has no room for
// a refresh token.
type Token struct {
	AccessToken secret.String
	ExpiresOn   time.Time
}

// TokenSource gives the access token of the served identity for a resource
// (a v1 resource such as "https://management.azure.com/", never a scope).
// It is called once per request and concurrently, so it should answer warm
// requests from memory.
type TokenSource interface {
	Token(ctx context.Context, resource string) (Token, error)
}

// TokenSourceFunc adapts a function to [TokenSource].
type TokenSourceFunc func(ctx context.Context, resource string) (Token, error)

// Token calls f.
func (f TokenSourceFunc) Token(ctx context.Context, resource string) (Token, error) {
	return f(ctx, resource)
}

// RefusedError is a [TokenSource]'s error for a request that no retry
// would serve: the served identity was signed out (in another shell, while
// the child runs), or its sign-in needs the user again. The server answers
// it with 400, Code and Description, which the child's SDK shows in its
// error and does not retry, where any other error is a 500 that SDKs retry
// and whose description only points at azc's own output. Description is
// the child's to read: it must hold no secret, and Err (the source's own
// error, for azc's log) never reaches the child.
type RefusedError struct {
	Code        string // the OAuth error code, e.g. "interaction_required"
	Description string
	Err         error
}

func (e *RefusedError) Error() string { return e.Err.Error() }

func (e *RefusedError) Unwrap() error { return e.Err }

// ErrResourceNotAllowed is returned (wrapped) by resource checks such as
// [AllowHosts] for a resource the served identity must not get tokens for.
var ErrResourceNotAllowed = errors.New("resource not allowed")

// Options configure a Server.
type Options struct {
	// Source gives the tokens. Required.
	Source TokenSource
	// AllowResource, when set, is asked about every requested resource
	// before Source; an error refuses the request with 400 and
	// "invalid_resource". Use it to refuse resources outside the context's
	// cloud (see [AllowHosts]).
	AllowResource func(resource string) error
	// LegacyMSI also serves the 2017-09-01 form of the protocol (secret in
	// the "secret" header; the az CLI 2.45 that Debian ships) and adds
	// APPSETTING_WEBSITE_SITE_NAME, MSI_ENDPOINT and MSI_SECRET to Env.
	LegacyMSI bool
	// Account is the key (profile.Account.Key) of the served account,
	// given in every answer to a request that presented the secret
	// (endpoint.AccountHeader). Empty: no such header.
	Account string
	// Identity names the served identity for the selectors a request may
	// carry. A selector that does not name it is refused with 400, as App
	// Service refuses an identity it does not have.
	Identity Identity
	// Logger receives diagnostics: why a request was refused, which
	// resource was served. It never sees a secret or a token. Nil discards.
	Logger *slog.Logger
	// Now is the clock used for expires_in. Nil means time.Now.
	Now func() time.Time
	// Rand is where the random path and secret are read from. Nil means
	// crypto/rand.
	Rand io.Reader
	// Listener, when set, is where the server serves, on Endpoint (whose
	// Host is the listener's address, and whose path and secret are set):
	// a socket another process made (endpoint.Listen), with the variables
	// of Endpoint.Env already given to the child. Start takes it over; Rand
	// is not used. Nil: Start listens on 127.0.0.1 with a random port,
	// path and secret.
	Listener net.Listener
	// Endpoint is the Listener's endpoint.
	Endpoint endpoint.Endpoint
}

// Identity is what a request's identity selectors are compared with.
// Empty fields match no selector: a user's context, which is no managed
// identity, is served only to requests that name none.
type Identity struct {
	// ClientID is the client (application) id: the client_id and clientid
	// selectors, and the client_id echoed in answers.
	ClientID string
	// ObjectID is the principal's object id: object_id and principal_id.
	ObjectID string
	// ResourceID is a user-assigned identity's ARM resource id: mi_res_id
	// and msi_res_id.
	ResourceID string
}

// Server is a running credential endpoint. Its methods are safe for
// concurrent use.
type Server struct {
	opts     Options
	log      *slog.Logger
	now      func() time.Time
	ln       net.Listener
	srv      *http.Server
	ep       endpoint.Endpoint
	closeCtx context.Context
	cancel   context.CancelFunc
	done     chan struct{}

	closeOnce sync.Once
	closeErr  error
}

// The api-versions a Server answers. 2018-02-01 is the IMDS form, which
// Terraform's go-azure-sdk sends to ARM_MSI_ENDPOINT; the answer is the same.
const (
	apiVersionAppService = "2019-08-01"
	apiVersionIMDS       = "2018-02-01"
	apiVersionLegacy     = "2017-09-01"
)

// Start listens on 127.0.0.1 with a random port and serves until Close.
func Start(opts Options) (*Server, error) {
	if opts.Source == nil {
		return nil, errors.New("the credential server has no token source")
	}
	ln, ep := opts.Listener, opts.Endpoint
	if ln == nil {
		var err error
		if ep, err = endpoint.New("", opts.Rand); err != nil {
			return nil, fmt.Errorf("start the credential server: %w", err)
		}
		if ln, err = net.Listen("tcp4", endpoint.Loopback+":0"); err != nil {
			return nil, fmt.Errorf("start the credential server: listen on 127.0.0.1: %w", err)
		}
		ep.Host = ln.Addr().String()
	} else if ep.Host != ln.Addr().String() || ep.Path == "" || ep.Secret.IsZero() {
		return nil, errors.New("start the credential server: its endpoint is not its listener's, or has no path or secret")
	}
	s := &Server{
		opts: opts,
		log:  opts.Logger,
		now:  opts.Now,
		ln:   ln,
		ep:   ep,
		done: make(chan struct{}),
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.closeCtx, s.cancel = context.WithCancel(context.Background())
	s.srv = &http.Server{
		Handler:           http.HandlerFunc(s.serveHTTP),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
		BaseContext:       func(net.Listener) context.Context { return s.closeCtx },
	}
	go func() {
		defer close(s.done)
		// Serve returns http.ErrServerClosed after Close; any other error
		// means the listener failed, and Close reports nothing new then.
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Debug("credserver: serve stopped", "err", err)
		}
	}()
	return s, nil
}

// Endpoint is the URL the child sends token requests to:
// http://127.0.0.1:<port>/<random>/msi/token.
func (s *Server) Endpoint() string { return s.ep.URL() }

// Secret is the value the child must present in X-IDENTITY-HEADER (or
// x-ms-identity, or secret).
func (s *Server) Secret() secret.String { return s.ep.Secret }

// Env returns the variables, as "NAME=value", that point a child's Azure
// SDKs at this server (endpoint.Endpoint.Env, with LegacyMSI's). The
// result holds the secret in clear: it is meant for the child's
// environment only.
func (s *Server) Env() []string { return s.ep.Env(s.opts.LegacyMSI) }

// Close stops the server: the port is released, open connections are cut
// and token requests in flight are cancelled. It is idempotent.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		// Cut the connections first, so that a request in flight gets no
		// answer at all rather than a late error, then stop its token fetch.
		if err := s.srv.Close(); err != nil {
			s.closeErr = fmt.Errorf("close the credential server: %w", err)
		}
		s.cancel()
		<-s.done
	})
	return s.closeErr
}

// AllowHosts returns a resource check for [Options.AllowResource] that
// accepts https resources whose host is one of hosts or a subdomain of one
// (a host given with a port must match exactly, port included), and refuses
// every other resource with [ErrResourceNotAllowed].
func AllowHosts(hosts ...string) func(resource string) error {
	allowed := make([]string, 0, len(hosts))
	for _, h := range hosts {
		if h = strings.ToLower(strings.TrimSuffix(h, ".")); h != "" {
			allowed = append(allowed, h)
		}
	}
	return func(resource string) error {
		h, ok := resourceHost(resource)
		if ok {
			for _, a := range allowed {
				if h == a || (!strings.Contains(a, ":") && strings.HasSuffix(h, "."+a)) {
					return nil
				}
			}
		}
		return fmt.Errorf("%q: %w", resource, ErrResourceNotAllowed)
	}
}

// resourceHost returns the lower-case host (with its port, if any) of an
// https resource URI.
func resourceHost(resource string) (string, bool) {
	rest, ok := strings.CutPrefix(resource, "https://")
	if !ok {
		return "", false
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if rest == "" || strings.ContainsAny(rest, "@\\ ") {
		return "", false
	}
	return strings.ToLower(rest), true
}
