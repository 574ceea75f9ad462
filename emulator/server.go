package emulator

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Routes name the emulator's endpoints for Count and SetFault.
const (
	RouteToken           = "token"           // POST /{tenant}/oauth2/v2.0/token
	RouteDeviceCode      = "devicecode"      // POST /{tenant}/oauth2/v2.0/devicecode
	RouteAuthorize       = "authorize"       // GET /{tenant}/oauth2/v2.0/authorize
	RouteMetadata        = "metadata"        // GET /{tenant}/v2.0/.well-known/openid-configuration
	RouteJWKS            = "jwks"            // GET /{tenant}/discovery/v2.0/keys
	RouteTenants         = "tenants"         // GET /tenants
	RouteSubscriptions   = "subscriptions"   // GET /subscriptions, /subscriptions/{id}
	RouteEcho            = "echo"            // GET /providers/Azc.Emulator/whoami
	RouteManagedIdentity = "managedidentity" // GET /msi/token
	RouteResourceGroups  = "resourcegroups"  // /subscriptions/{id}/resourcegroups[/{name}]
	RouteLocations       = "locations"       // GET /subscriptions/{id}/locations
	RouteDiscovery       = "discovery"       // GET /common/discovery/instance
	RouteCloudMetadata   = "cloudmetadata"   // GET /metadata/endpoints
)

// EchoPath is the ARM-style endpoint that validates a bearer token like ARM and answers
// with its claims.
const EchoPath = "/providers/Azc.Emulator/whoami"

// ManagedIdentityPath is the App Service managed identity endpoint.
const ManagedIdentityPath = "/msi/token"

// HookPath is the prefix of the test hooks served over HTTP.
const HookPath = "/_emulator"

// armAudience is the ARM audience ARM.Audience() reports; ARM also accepts the other
// spellings in armAudiences.
const armAudience = "https://management.core.windows.net/"

// isARMAudience reports whether aud is one of the audiences ARM accepts.
func isARMAudience(aud string) bool {
	switch aud {
	case "https://management.core.windows.net/", "https://management.core.windows.net",
		"https://management.azure.com/", "https://management.azure.com":
		return true
	}
	return false
}

// Fault is an injected failure for one route.
type Fault struct {
	// Latency delays the answer (before any Status or the real answer).
	Latency time.Duration
	// Status, when non-zero, answers with this status and an error body instead of serving.
	Status int
	// Description, with Status, replaces the answer's message ("injected fault: status
	// 503"), as a provider or proxy that says something unexpected would.
	Description string
	// RetryAfter sets the Retry-After header (whole seconds) on a Status answer.
	RetryAfter time.Duration
	// Hang holds the request open until the client gives up or the server closes.
	Hang bool
	// Reset drops the connection (HTTP/2: resets the stream) without an answer, after
	// reading the request: the client sees a transport error.
	Reset bool
	// Truncate, when non-zero, serves the real answer without its last Truncate bytes, as
	// a connection cut short or a broken proxy delivers it: the client reads a whole-looking
	// body that ends early (a token response without its closing brace).
	Truncate int
	// Times is how many requests the fault applies to; 0 means every request.
	Times int
}

// Server is one emulator instance: a TLS listener on loopback, its CA, its signing key and
// its in-memory state. All methods are safe for concurrent use.
type Server struct {
	dir *directory
	now func() time.Time

	signKey *rsa.PrivateKey
	kid     string
	caPEM   []byte
	pool    *x509.CertPool
	tlsCert tls.Certificate
	miKey   string // X-IDENTITY-HEADER value

	closed chan struct{}
	once   sync.Once

	mu          sync.Mutex
	ln          net.Listener
	srv         *http.Server
	url         string
	counts      map[countKey]int
	faults      map[string]*Fault
	deviceCodes map[string]*deviceCode // by device_code
	userCodes   map[string]*deviceCode // by user_code
	authCodes   map[string]*authCode
	refresh     map[string]*refreshToken
	groups      groupStore
	interactive string
	onDevice    func(userCode string)
	issued      chan struct{} // closed and replaced whenever a device code is issued

	// The impersonating proxy (ListenProxy).
	proxyLn   net.Listener
	proxyURL  string
	proxySrv  *http.Server
	tunnelSrv *http.Server
	tunnels   *tunnelListener
	onRefused func(target string)

	// tokMu guards the per-second cache of app-only access tokens (see mintAccessToken).
	tokMu    sync.Mutex
	tokSec   int64
	tokCache map[string]string
}

type countKey struct{ route, grant string }

// New builds a server from cfg (nil means DefaultConfig()). It generates the CA, the TLS
// certificate and the token signing key but does not listen yet.
func New(cfg *Config) (*Server, error) {
	if cfg == nil {
		cfg = DefaultConfig()
	}
	dir, err := cfg.compile()
	if err != nil {
		return nil, err
	}
	s := &Server{
		dir:         dir,
		now:         cfg.Now,
		closed:      make(chan struct{}),
		issued:      make(chan struct{}),
		counts:      map[countKey]int{},
		faults:      map[string]*Fault{},
		deviceCodes: map[string]*deviceCode{},
		userCodes:   map[string]*deviceCode{},
		authCodes:   map[string]*authCode{},
		refresh:     map[string]*refreshToken{},
		groups:      groupStore{},
		tokCache:    map[string]string{},
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.signKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		return nil, fmt.Errorf("generate signing key: %w", err)
	}
	der, err := x509.MarshalPKIXPublicKey(&s.signKey.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("marshal signing key: %w", err)
	}
	sum := sha256.Sum256(der)
	s.kid = base64.RawURLEncoding.EncodeToString(sum[:15])
	if err := s.makeTLS(); err != nil {
		return nil, err
	}
	s.miKey = randomHex(16)
	return s, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}

func (s *Server) makeTLS() error {
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("generate ca key: %w", err)
	}
	serial := func() *big.Int {
		n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
		return n
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "azc-emulator CA " + randomHex(4), Organization: []string{"azc-emulator"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(30 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return fmt.Errorf("create ca certificate: %w", err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return fmt.Errorf("parse ca certificate: %w", err)
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("generate tls key: %w", err)
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(30 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     append([]string{"localhost"}, ImpersonatedHosts()...),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &leafKey.PublicKey, caKey)
	if err != nil {
		return fmt.Errorf("create tls certificate: %w", err)
	}
	s.caPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	s.pool = x509.NewCertPool()
	s.pool.AddCert(ca)
	s.tlsCert = tls.Certificate{Certificate: [][]byte{leafDER, caDER}, PrivateKey: leafKey}
	return nil
}

// Start listens on 127.0.0.1 on a free port and serves TLS in the background.
func (s *Server) Start() error { return s.Listen("127.0.0.1:0") }

// Listen listens on addr (host:port, loopback expected) and serves TLS in the background.
func (s *Server) Listen(addr string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ln, err := s.listenLocked(addr, s.ln, "emulator")
	if err != nil {
		return err
	}
	tcp := ln.Addr().(*net.TCPAddr)
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	s.ln = ln
	s.url = "https://" + net.JoinHostPort(host, strconv.Itoa(tcp.Port))
	s.srv = newHTTPServer(s)
	s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{s.tlsCert}, MinVersion: tls.VersionTLS12}
	srv := s.srv
	go func() { _ = srv.ServeTLS(ln, "", "") }()
	return nil
}

// listenLocked listens on addr for a listener of s that is held, when
// started, in held; what names it in the error when it is. s.mu must be
// held.
func (s *Server) listenLocked(addr string, held net.Listener, what string) (net.Listener, error) {
	if held != nil {
		return nil, errors.New(what + " already started")
	}
	select {
	case <-s.closed:
		return nil, errors.New("emulator closed")
	default:
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	return ln, nil
}

// newHTTPServer is an http.Server for h with the emulator's limits on a
// request's header. Its errors are not logged: TLS handshake failures from
// clients that do not trust the CA are expected, and the library never
// writes to stderr.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
}

// Close stops the server, releases hanging requests and closes open connections.
func (s *Server) Close() error {
	s.once.Do(func() { close(s.closed) })
	s.mu.Lock()
	servers := []*http.Server{s.srv, s.proxySrv, s.tunnelSrv}
	tunnels := s.tunnels
	s.mu.Unlock()
	if tunnels != nil {
		_ = tunnels.Close()
	}
	var errs []error
	for _, srv := range servers {
		if srv == nil {
			continue
		}
		if err := srv.Close(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// URL is the base URL, "https://127.0.0.1:PORT", without a trailing slash. Empty before Start.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.url
}

// AuthorityHost is the authority host to give MSAL or azidentity: URL() + "/".
func (s *Server) AuthorityHost() string { return s.URL() + "/" }

// ARMEndpoint is the ARM endpoint: URL() + "/".
func (s *Server) ARMEndpoint() string { return s.URL() + "/" }

// ARMAudience is the ARM token audience. Tokens for "https://management.azure.com/.default"
// and "https://management.core.windows.net//.default" are both accepted by ARM.
func (s *Server) ARMAudience() string { return armAudience }

// CACertPEM is the PEM of the CA that signed the server certificate.
func (s *Server) CACertPEM() []byte { return append([]byte(nil), s.caPEM...) }

// CertPool is a pool holding only the emulator CA.
func (s *Server) CertPool() *x509.CertPool { return s.pool.Clone() }

// Client is a new HTTP client that trusts the emulator CA (and nothing else).
func (s *Server) Client() *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			TLSClientConfig:     &tls.Config{RootCAs: s.pool.Clone(), MinVersion: tls.VersionTLS12},
			ForceAttemptHTTP2:   true,
			MaxIdleConnsPerHost: 64,
			IdleConnTimeout:     90 * time.Second,
		},
		Timeout: 60 * time.Second,
	}
}

// WriteCAFile writes the CA PEM to path (mode 0644: it is public).
func (s *Server) WriteCAFile(path string) error {
	if err := os.WriteFile(path, s.caPEM, 0o644); err != nil {
		return fmt.Errorf("write ca file: %w", err)
	}
	return nil
}

// ManagedIdentityEndpoint is the App Service managed identity endpoint and the
// X-IDENTITY-HEADER secret it requires; set them as IDENTITY_ENDPOINT and IDENTITY_HEADER.
// Requests pick an identity with client_id, object_id/principal_id or mi_res_id; without
// one the first seeded identity answers.
func (s *Server) ManagedIdentityEndpoint() (endpoint, header string) {
	return s.URL() + ManagedIdentityPath, s.miKey
}

// Count is the number of requests route has received since the last ResetCounts; for
// RouteToken grantType narrows it to one grant ("client_credentials", "device_code",
// "authorization_code", "refresh_token"); "" counts all, those of any other grant type
// too.
func (s *Server) Count(route, grantType string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if grantType != "" {
		return s.counts[countKey{route, grantType}]
	}
	n := 0
	for k, v := range s.counts {
		if k.route == route {
			n += v
		}
	}
	return n
}

// ResetCounts sets every request count to zero.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.counts)
}

// SetFault injects f into every following request to route (replacing any earlier fault).
func (s *Server) SetFault(route string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[route] = &f
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.faults)
}

// SetInteractiveUser sets the user /authorize signs in and consents as. Until it is set,
// /authorize answers with an error ("interaction_required").
func (s *Server) SetInteractiveUser(upn string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.interactive = upn
}

// OnDeviceCode registers f to be called (on the request goroutine, without locks held)
// with the user code of every device code issued, so a test can approve it at once.
func (s *Server) OnDeviceCode(f func(userCode string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onDevice = f
}

// takeFault returns the fault for route, consuming one of its Times.
func (s *Server) takeFault(route string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.faults[route]
	if !ok {
		return Fault{}, false
	}
	if f.Times > 0 {
		f.Times--
		if f.Times == 0 {
			delete(s.faults, route)
		}
	}
	return *f, true
}

// count counts a request to route of grant, one Count names, else of none: a grant
// type is the client's text, and counting each apart kept every one a client sent (up
// to the 1 MiB a body may be) until the emulator exited.
func (s *Server) count(route, grant string) {
	switch grant {
	case "client_credentials", "device_code", "authorization_code", "refresh_token":
	default:
		grant = ""
	}
	s.mu.Lock()
	s.counts[countKey{route, grant}]++
	s.mu.Unlock()
}

// applyFault delays, hangs or answers for the fault; it returns the fault and reports
// whether the request was answered.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, route string) (Fault, bool) {
	f, ok := s.takeFault(route)
	if !ok {
		return Fault{}, false
	}
	if f.Hang {
		select {
		case <-r.Context().Done():
		case <-s.closed:
		}
		return f, true
	}
	if f.Reset {
		// The server closes the connection, or resets the HTTP/2 stream, without
		// logging a panic.
		panic(http.ErrAbortHandler)
	}
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return f, true
		case <-s.closed:
			t.Stop()
			return f, true
		}
	}
	if f.Status == 0 {
		return f, false
	}
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((f.RetryAfter+time.Second-1)/time.Second)))
	}
	msg := f.Description
	if msg == "" {
		msg = fmt.Sprintf("injected fault: status %d", f.Status)
	}
	switch route {
	case RouteTenants, RouteSubscriptions, RouteEcho, RouteResourceGroups, RouteLocations, RouteCloudMetadata:
		writeARMError(w, f.Status, armCode(f.Status), msg)
	default:
		code := "temporarily_unavailable"
		if f.Status < 500 && f.Status != http.StatusTooManyRequests {
			code = "invalid_request"
		}
		s.writeOAuthError(w, r, &oauthError{status: f.Status, code: code, aadsts: 90033, desc: msg})
	}
	return f, true
}

// armCode is the error code ARM answers status with.
func armCode(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "BadRequest"
	case http.StatusUnauthorized:
		return "InvalidAuthenticationToken"
	case http.StatusForbidden:
		return "AuthorizationFailed"
	case http.StatusNotFound:
		return "NotFound"
	case http.StatusTooManyRequests:
		return "TooManyRequests"
	case http.StatusServiceUnavailable:
		return "ServiceUnavailable"
	}
	return "InternalServerError"
}

// truncatingWriter holds an answer's body and sends it without its last cut bytes.
type truncatingWriter struct {
	http.ResponseWriter
	body []byte
	cut  int
}

func (t *truncatingWriter) Write(p []byte) (int, error) {
	t.body = append(t.body, p...)
	return len(p), nil
}

func (t *truncatingWriter) send() {
	n := max(len(t.body)-t.cut, 0)
	_, _ = t.ResponseWriter.Write(t.body[:n])
}

// ServeHTTP routes a request. Every answer to untrusted input is a 4xx with a JSON body.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	// An endpoint with a trailing slash joined to a path gives "//metadata/endpoints" (az
	// cloud register does that); ARM answers it as one slash.
	path := armCanonical("/" + strings.TrimLeft(r.URL.Path, "/"))
	r.URL.Path = path
	if path == HookPath || strings.HasPrefix(path, HookPath+"/") {
		s.serveHook(w, r)
		return
	}
	route, tenant := classify(path)
	if route == "" {
		switch {
		case path == "/devicelogin":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, "<!doctype html><title>azc-emulator device login</title><p>This emulator approves device codes through its test hook: POST "+HookPath+"/devicecode/approve.</p>")
		default:
			writeARMError(w, http.StatusNotFound, "NotFound", "the emulator serves no route at "+strconvQuote(path))
		}
		return
	}
	grant := ""
	if route == RouteToken {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			s.writeOAuthError(w, r, errf(http.StatusMethodNotAllowed, "invalid_request", 900561, "the token endpoint only accepts POST requests"))
			s.count(route, "")
			return
		}
		if err := r.ParseForm(); err != nil {
			s.count(route, "")
			s.writeOAuthError(w, r, errf(http.StatusBadRequest, "invalid_request", 900144, "the request body could not be parsed: %v", err))
			return
		}
		if oe := repeatedParameter(r.PostForm); oe != nil {
			s.count(route, "")
			s.writeOAuthError(w, r, oe)
			return
		}
		grant = r.PostForm.Get("grant_type")
		if grant == "urn:ietf:params:oauth:grant-type:device_code" {
			grant = "device_code"
		}
	}
	s.count(route, grant)
	f, answered := s.applyFault(w, r, route)
	if answered {
		return
	}
	if f.Truncate > 0 {
		tw := &truncatingWriter{ResponseWriter: w, cut: f.Truncate}
		defer tw.send()
		w = tw
	}
	switch route {
	case RouteMetadata:
		s.serveMetadata(w, r, tenant)
	case RouteJWKS:
		s.serveJWKS(w, r)
	case RouteToken:
		s.serveToken(w, r, tenant, grant)
	case RouteDeviceCode:
		s.serveDeviceCode(w, r, tenant)
	case RouteAuthorize:
		s.serveAuthorize(w, r, tenant)
	case RouteTenants:
		s.serveTenants(w, r)
	case RouteSubscriptions:
		s.serveSubscriptions(w, r)
	case RouteEcho:
		s.serveEcho(w, r)
	case RouteManagedIdentity:
		s.serveManagedIdentity(w, r)
	case RouteResourceGroups:
		s.serveResourceGroups(w, r)
	case RouteLocations:
		s.serveLocations(w, r)
	case RouteDiscovery:
		s.serveDiscovery(w, r)
	case RouteCloudMetadata:
		s.serveCloudMetadata(w, r)
	}
}

// armCanonical spells ARM's own path segments as the emulator's routes do: ARM reads
// them without regard to case (/Subscriptions/{id}/resourceGroups is
// /subscriptions/{id}/resourcegroups), and ids and names keep theirs.
func armCanonical(path string) string {
	parts := strings.Split(path, "/")
	switch {
	case len(parts) == 2 && strings.EqualFold(parts[1], "tenants"):
		parts[1] = "tenants"
	case len(parts) >= 2 && strings.EqualFold(parts[1], "subscriptions"):
		parts[1] = "subscriptions"
		if len(parts) >= 4 && (strings.EqualFold(parts[3], "resourcegroups") || strings.EqualFold(parts[3], "locations")) {
			parts[3] = strings.ToLower(parts[3])
		}
	default:
		return path
	}
	return strings.Join(parts, "/")
}

func strconvQuote(s string) string {
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return strconv.Quote(s)
}

// classify maps a path to its route and, for the identity routes, the tenant segment.
func classify(path string) (route, tenant string) {
	switch {
	case path == "/tenants":
		return RouteTenants, ""
	case path == "/subscriptions" || (strings.HasPrefix(path, "/subscriptions/") && strings.Count(path, "/") == 2):
		return RouteSubscriptions, ""
	case strings.EqualFold(path, EchoPath):
		return RouteEcho, ""
	case path == ManagedIdentityPath:
		return RouteManagedIdentity, ""
	case path == "/discovery/keys" || path == "/discovery/v2.0/keys":
		return RouteJWKS, ""
	case path == "/metadata/endpoints":
		return RouteCloudMetadata, ""
	case path == "/common/discovery/instance":
		return RouteDiscovery, ""
	}
	if _, _, ok := resourceGroupPath(path); ok {
		return RouteResourceGroups, ""
	}
	if _, ok := locationsPath(path); ok {
		return RouteLocations, ""
	}
	seg, rest, ok := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if !ok || seg == "" {
		return "", ""
	}
	switch rest {
	case "v2.0/.well-known/openid-configuration", ".well-known/openid-configuration":
		return RouteMetadata, seg
	case "discovery/v2.0/keys", "discovery/keys":
		return RouteJWKS, seg
	case "oauth2/v2.0/token":
		return RouteToken, seg
	case "oauth2/v2.0/devicecode":
		return RouteDeviceCode, seg
	case "oauth2/v2.0/authorize":
		return RouteAuthorize, seg
	}
	return "", ""
}
