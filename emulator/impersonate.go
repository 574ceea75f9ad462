package emulator

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// publicLoginHosts are the public cloud's Entra ID host names, the aliases instance
// discovery names for login.microsoftonline.com.
var publicLoginHosts = []string{"login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"}

// publicARMHost is the public cloud's Resource Manager.
const publicARMHost = "management.azure.com"

// ImpersonatedHosts are the public cloud's host names the impersonating proxy
// (ListenProxy) answers for: Entra ID under each of its aliases, and Resource Manager.
func ImpersonatedHosts() []string {
	return append(slices.Clone(publicLoginHosts), publicARMHost)
}

func impersonated(host string) bool {
	return slices.Contains(ImpersonatedHosts(), strings.ToLower(host))
}

// cloudInstances is what Entra ID's instance discovery answers with: every cloud's
// host aliases, the preferred one for the network and for token caches.
var cloudInstances = []map[string]any{
	{"preferred_network": "login.microsoftonline.com", "preferred_cache": "login.windows.net", "aliases": publicLoginHosts},
	{"preferred_network": "login.partner.microsoftonline.cn", "preferred_cache": "login.partner.microsoftonline.cn", "aliases": []string{"login.partner.microsoftonline.cn", "login.chinacloudapi.cn"}},
	{"preferred_network": "login.microsoftonline.de", "preferred_cache": "login.microsoftonline.de", "aliases": []string{"login.microsoftonline.de"}},
	{"preferred_network": "login.microsoftonline.us", "preferred_cache": "login.microsoftonline.us", "aliases": []string{"login.microsoftonline.us", "login.usgovcloudapi.net"}},
	{"preferred_network": "login-us.microsoftonline.com", "preferred_cache": "login-us.microsoftonline.com", "aliases": []string{"login-us.microsoftonline.com"}},
}

// serveDiscovery answers instance discovery (GET /common/discovery/instance) as Entra ID
// does: for an authorization endpoint on a known host, where to find its tenant's OpenID
// configuration and every cloud's aliases; for any other host, invalid_instance. The
// emulator's own address is a known host, its own only alias.
func (s *Server) serveDiscovery(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		s.writeOAuthError(w, r, errf(http.StatusMethodNotAllowed, "invalid_request", 900561, "the instance discovery endpoint only accepts GET requests"))
		return
	}
	q := r.URL.Query()
	raw := q.Get("authorization_endpoint")
	if raw == "" {
		s.writeOAuthError(w, r, errf(http.StatusBadRequest, "invalid_request", 900144, "the request must contain the following parameter: 'authorization_endpoint'"))
		return
	}
	u, err := url.Parse(raw)
	host := ""
	if err == nil && u.Scheme == "https" {
		host = strings.ToLower(strings.TrimSuffix(u.Host, ":443"))
	}
	metadata := cloudInstances
	own := strings.TrimPrefix(s.URL(), "https://")
	switch {
	case host != "" && s.ownName(host):
		// MSAL Python sends the authority's host without its port.
		host = own
		metadata = append([]map[string]any{{"preferred_network": own, "preferred_cache": own, "aliases": []string{own}}}, cloudInstances...)
	case host == "" || !slices.ContainsFunc(cloudInstances, func(m map[string]any) bool { return slices.Contains(m["aliases"].([]string), host) }):
		s.writeOAuthError(w, r, errf(http.StatusBadRequest, "invalid_instance", 50049, "unknown or invalid instance %s", strconvQuote(raw)))
		return
	}
	tenant, rest, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
	if tenant == "" {
		tenant = "common"
	}
	version := ""
	if strings.HasPrefix(rest, "oauth2/v2.0/") {
		version = "/v2.0"
	}
	apiVersion := q.Get("api-version")
	if apiVersion == "" {
		apiVersion = "1.1"
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"tenant_discovery_endpoint": "https://" + host + "/" + tenant + version + "/.well-known/openid-configuration",
		"api-version":               apiVersion,
		"metadata":                  metadata,
	})
}

// serveCloudMetadata answers ARM's GET /metadata/endpoints. On management.azure.com it
// describes the public cloud; on the emulator's own address, the emulator. api-version
// 2015-01-01 gets the old shape (what az cloud register reads), 2019-05-01 up to 2022-09-01
// a list of clouds, later versions one cloud.
func (s *Server) serveCloudMetadata(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		methodNotAllowed(w, r, http.MethodGet)
		return
	}
	base := "https://" + r.Host + "/"
	name, login, graph, portal, gallery := "AzcEmulator", base, base, base, base
	suffixes := map[string]string{}
	if impersonated(r.Host) {
		name, login, graph, portal, gallery = "AzureCloud", "https://login.microsoftonline.com", "https://graph.windows.net/", "https://portal.azure.com", "https://gallery.azure.com/"
		suffixes = map[string]string{"acrLoginServer": "azurecr.io", "keyVaultDns": "vault.azure.net", "sqlServerHostname": "database.windows.net", "storage": "core.windows.net"}
	}
	audiences := []string{armAudience, base}
	v := r.URL.Query().Get("api-version")
	if v < "2019-05-01" {
		if impersonated(r.Host) {
			login = "https://login.windows.net/"
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"galleryEndpoint": gallery, "graphEndpoint": graph, "portalEndpoint": portal,
			"authentication": map[string]any{"loginEndpoint": login, "audiences": audiences},
		})
		return
	}
	cloud := map[string]any{
		"name": name, "portal": portal, "resourceManager": base, "gallery": gallery, "graph": graph, "graphAudience": graph,
		"authentication": map[string]any{"loginEndpoint": login, "audiences": audiences, "tenant": "common", "identityProvider": "AAD"},
		"suffixes":       suffixes,
	}
	if v < "2022-09-01" {
		writeJSON(w, http.StatusOK, []any{cloud})
		return
	}
	writeJSON(w, http.StatusOK, cloud)
}

// tunnelListener hands the connections the proxy tunnels to the server that answers on
// the impersonated hosts.
type tunnelListener struct {
	addr   net.Addr
	conns  chan net.Conn
	done   chan struct{}
	closed sync.Once
}

func (l *tunnelListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *tunnelListener) Close() error {
	l.closed.Do(func() { close(l.done) })
	return nil
}

func (l *tunnelListener) Addr() net.Addr { return l.addr }

func (l *tunnelListener) push(c net.Conn) {
	select {
	case l.conns <- c:
	case <-l.done:
		_ = c.Close()
	}
}

// bufferedConn is a hijacked connection whose first bytes were already read.
type bufferedConn struct {
	net.Conn
	r io.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// ListenProxy listens on addr (loopback expected) as an HTTP proxy that impersonates the
// public cloud: a CONNECT to port 443 of one of ImpersonatedHosts is answered by the
// emulator itself, over TLS with a certificate from its CA; any other CONNECT, and any
// request that is not a CONNECT, is refused with 403. Clients need only HTTPS_PROXY set
// to ProxyURL and the CA trusted.
func (s *Server) ListenProxy(addr string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ln, err := s.listenLocked(addr, s.proxyLn, "emulator proxy")
	if err != nil {
		return err
	}
	s.proxyLn = ln
	s.proxyURL = "http://" + ln.Addr().String()
	s.tunnels = &tunnelListener{addr: ln.Addr(), conns: make(chan net.Conn), done: make(chan struct{})}
	s.tunnelSrv = newHTTPServer(http.HandlerFunc(s.serveImpersonated))
	s.proxySrv = newHTTPServer(http.HandlerFunc(s.serveProxy))
	tlsCfg := &tls.Config{Certificates: []tls.Certificate{s.tlsCert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}}
	tunnelSrv, proxySrv, tunnels := s.tunnelSrv, s.proxySrv, s.tunnels
	go func() { _ = tunnelSrv.Serve(tls.NewListener(tunnels, tlsCfg)) }()
	go func() { _ = proxySrv.Serve(ln) }()
	return nil
}

// ProxyURL is the impersonating proxy's URL, "http://127.0.0.1:PORT", for HTTPS_PROXY.
// Empty before ListenProxy.
func (s *Server) ProxyURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.proxyURL
}

// OnRefusedConnect registers f to be called with the target ("host:port") of every
// CONNECT the proxy refuses, so a user can see which hosts a tool asked for.
func (s *Server) OnRefusedConnect(f func(target string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onRefused = f
}

func (s *Server) serveProxy(w http.ResponseWriter, r *http.Request) {
	hosts := strings.Join(ImpersonatedHosts(), ", ")
	if r.Method != http.MethodConnect {
		http.Error(w, "azc-emulator: this proxy only tunnels HTTPS (CONNECT) to the hosts it impersonates: "+hosts, http.StatusForbidden)
		return
	}
	if !s.tunnelled(r.Host) {
		s.mu.Lock()
		notify := s.onRefused
		s.mu.Unlock()
		if notify != nil {
			notify(r.Host)
		}
		http.Error(w, "azc-emulator: refusing CONNECT to "+strconvQuote(r.Host)+": it answers only for "+hosts+" (port 443) and its own address "+strings.TrimPrefix(s.URL(), "https://"), http.StatusForbidden)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "azc-emulator: the connection cannot be tunnelled", http.StatusBadRequest)
		return
	}
	conn, brw, err := hj.Hijack()
	if err != nil {
		return
	}
	if _, err = brw.WriteString("HTTP/1.1 200 Connection established\r\n\r\n"); err == nil {
		err = brw.Flush()
	}
	if err != nil {
		_ = conn.Close()
		return
	}
	s.tunnels.push(withBuffered(conn, brw.Reader))
}

// tunnelled reports whether the proxy tunnels a CONNECT to target: port 443 of an
// impersonated host, or the emulator's own address (clients that send loopback through
// the proxy too reach the hooks and the managed identity endpoint).
func (s *Server) tunnelled(target string) bool {
	if s.ownHost(target) {
		return true
	}
	host, port, err := net.SplitHostPort(target)
	return err == nil && port == "443" && impersonated(host)
}

// ownHost reports whether hostport is the emulator's own address, under any of the
// names its certificate holds.
func (s *Server) ownHost(hostport string) bool {
	own := strings.TrimPrefix(s.URL(), "https://")
	_, port, err := net.SplitHostPort(own)
	if err != nil {
		return false
	}
	switch strings.ToLower(hostport) {
	case own, net.JoinHostPort("localhost", port), net.JoinHostPort("::1", port):
		return true
	}
	return false
}

// ownName reports whether host, with or without a port, names the emulator's own address.
func (s *Server) ownName(host string) bool {
	if s.ownHost(host) {
		return true
	}
	own, _, err := net.SplitHostPort(strings.TrimPrefix(s.URL(), "https://"))
	return err == nil && (host == own || host == "localhost" || host == "::1" || host == "[::1]")
}

// withBuffered keeps the bytes the proxy's reader already took off conn.
func withBuffered(conn net.Conn, br *bufio.Reader) net.Conn {
	n := br.Buffered()
	if n == 0 {
		return conn
	}
	head, _ := br.Peek(n)
	return &bufferedConn{Conn: conn, r: io.MultiReader(bytes.NewReader(bytes.Clone(head)), conn)}
}

// serveImpersonated serves a request that came through the proxy. The Host header names
// the public host without the default port, as a client that reached it directly sends it,
// so issuers and links carry the public names.
func (s *Server) serveImpersonated(w http.ResponseWriter, r *http.Request) {
	if s.ownHost(r.Host) {
		s.ServeHTTP(w, r)
		return
	}
	host := strings.ToLower(strings.TrimSuffix(r.Host, ":443"))
	if !impersonated(host) && r.TLS != nil {
		host = strings.ToLower(r.TLS.ServerName)
	}
	if !impersonated(host) {
		writeARMError(w, http.StatusMisdirectedRequest, "MisdirectedRequest", "azc-emulator answers on this connection only for "+strings.Join(ImpersonatedHosts(), ", "))
		return
	}
	r.Host = host
	s.ServeHTTP(w, r)
}
