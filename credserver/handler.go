package credserver

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/azcontext/azc/credserver/endpoint"
	"github.com/azcontext/azc/internal/credblob"
	"github.com/azcontext/azc/secret"
)

// tokenResponse is the App Service answer. Both expires_on (MSAL, Python,
// az) and expires_in (Terraform reads only this) are sent.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	ExpiresOn   string `json:"expires_on"`
	ExpiresIn   int64  `json:"expires_in"`
	Resource    string `json:"resource"`
	TokenType   string `json:"token_type"`
	ClientID    string `json:"client_id"`
}

type errorResponse struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// serveHTTP answers one token request. Every refusal before the secret is
// verified is a bare status code, and closes the connection: the reason
// goes to the logger only.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength != 0 {
		// No request of this protocol has a body, and none is read: the
		// connection is closed after the answer, and its read deadline
		// passed, so that net/http does not wait, with no limit, for a
		// declared body a client never sends.
		w.Header().Set("Connection", "close")
		_ = http.NewResponseController(w).SetReadDeadline(time.Unix(1, 0))
	}
	if status, reason := s.check(r); status != 0 {
		s.log.Debug("credserver: refused a request", "reason", reason, "status", status)
		// A peer refused here keeps no connection open: one without the
		// secret cannot pile up idle connections while the child runs.
		w.Header().Set("Connection", "close")
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(status)
		return
	}
	if s.opts.Account != "" {
		w.Header().Set(endpoint.AccountHeader, url.QueryEscape(s.opts.Account))
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		s.fail(w, http.StatusBadRequest, "invalid_request", "the query string does not parse")
		return
	}
	q = foldNames(q)
	apiVersion := single(q, "api-version")
	switch apiVersion {
	case apiVersionAppService, apiVersionIMDS:
	case apiVersionLegacy:
		if !s.opts.LegacyMSI {
			s.fail(w, http.StatusBadRequest, "invalid_request", "api-version 2017-09-01 is not served: azc exec ran with --legacy-msi=false")
			return
		}
	default:
		s.fail(w, http.StatusBadRequest, "invalid_request", "unsupported api-version; use 2019-08-01")
		return
	}
	resource, problem := requestedResource(q)
	if problem != "" {
		s.fail(w, http.StatusBadRequest, "invalid_request", problem)
		return
	}
	if name, ok := s.foreignSelector(q); !ok {
		s.log.Info("credserver: refused a request for another identity", "selector", name)
		s.fail(w, http.StatusBadRequest, "invalid_request", "Unable to load the requested managed identity: this endpoint serves one identity and "+name+" does not name it")
		return
	}
	if s.opts.AllowResource != nil {
		if err := s.opts.AllowResource(resource); err != nil {
			s.log.Info("credserver: refused a resource", "resource", resource, "err", err)
			s.fail(w, http.StatusBadRequest, "invalid_resource", "this context does not serve tokens for that resource")
			return
		}
	}
	tok, err := s.opts.Source.Token(r.Context(), resource)
	if err != nil {
		s.log.Warn("credserver: no token for a request", "resource", resource, "err", err)
		if re := (*RefusedError)(nil); errors.As(err, &re) {
			s.fail(w, http.StatusBadRequest, re.Code, re.Description)
			return
		}
		s.fail(w, http.StatusInternalServerError, "token_unavailable", "azc could not get a token for this context; see azc's error output")
		return
	}
	if tok.AccessToken.IsZero() {
		s.log.Warn("credserver: the token source returned an empty token", "resource", resource)
		s.fail(w, http.StatusInternalServerError, "token_unavailable", "azc could not get a token for this context; see azc's error output")
		return
	}
	expiresIn := int64(tok.ExpiresOn.Sub(s.now()).Seconds())
	if expiresIn < 0 {
		expiresIn = 0
	}
	body, err := json.Marshal(tokenResponse{
		AccessToken: tok.AccessToken.Reveal(),
		ExpiresOn:   strconv.FormatInt(tok.ExpiresOn.Unix(), 10),
		ExpiresIn:   expiresIn,
		Resource:    resource,
		TokenType:   "Bearer",
		ClientID:    s.opts.Identity.ClientID,
	})
	if err != nil {
		s.fail(w, http.StatusInternalServerError, "token_unavailable", "encoding the answer failed")
		return
	}
	s.log.Debug("credserver: served a token", "resource", resource)
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// check decides whether a request may be answered at all. It returns 0 to
// go on, or the status to refuse with and the reason to log.
func (s *Server) check(r *http.Request) (status int, reason string) {
	if !loopbackPeer(r.RemoteAddr) {
		return http.StatusForbidden, "peer is not on loopback"
	}
	// An absolute-form request line (GET http://host/path) would set Host
	// from its URL and hide the Host header; no client of this protocol
	// sends one, so it is refused before Host is read.
	if !strings.HasPrefix(r.RequestURI, "/") {
		return http.StatusForbidden, "request line is not in origin form"
	}
	if r.Host != s.ep.Host {
		return http.StatusForbidden, "Host is not the server's own address"
	}
	if _, ok := r.Header["Origin"]; ok {
		return http.StatusForbidden, "request carries an Origin header"
	}
	if r.URL.Path != s.ep.Path && r.URL.Path != s.ep.Path+"/" {
		return http.StatusNotFound, "wrong path"
	}
	if r.Method != http.MethodGet {
		return http.StatusMethodNotAllowed, "method is not GET"
	}
	if !s.secretPresented(r.Header) {
		return http.StatusUnauthorized, "missing or wrong secret"
	}
	return 0, ""
}

// secretPresented reports whether the request carries the secret in at
// least one of the headers clients use, and nothing else in any of them:
// X-IDENTITY-HEADER (App Service 2019-08-01: azidentity, MSAL, Python),
// x-ms-identity (Terraform's go-azure-sdk) and secret (2017-09-01: the az
// CLI 2.45's msrestazure). Names are in canonical form.
func (s *Server) secretPresented(h http.Header) bool {
	found := false
	for _, name := range [...]string{"X-Identity-Header", "X-Ms-Identity", "Secret"} {
		for _, v := range h[name] {
			if !s.ep.Secret.Equal(secret.New(v)) {
				return false
			}
			found = true
		}
	}
	return found
}

// selectors are the query parameters that pick a managed identity, with
// the field of Identity each must name: App Service's client_id,
// object_id/principal_id and mi_res_id, the 2017-09-01 form's clientid,
// and IMDS's msi_res_id.
var selectors = [...]struct {
	name  string
	field func(Identity) string
}{
	{"client_id", func(i Identity) string { return i.ClientID }},
	{"clientid", func(i Identity) string { return i.ClientID }},
	{"object_id", func(i Identity) string { return i.ObjectID }},
	{"principal_id", func(i Identity) string { return i.ObjectID }},
	{"mi_res_id", func(i Identity) string { return i.ResourceID }},
	{"msi_res_id", func(i Identity) string { return i.ResourceID }},
}

// foreignSelector returns the first selector of q that does not name the
// served identity (ids compare case-insensitively, as Entra ID and ARM
// do); ok is true when every selector present names it.
func (s *Server) foreignSelector(q url.Values) (name string, ok bool) {
	for _, sel := range selectors {
		v, present := q[sel.name]
		if !present || (len(v) == 1 && v[0] == "") {
			continue
		}
		want := sel.field(s.opts.Identity)
		if len(v) != 1 || want == "" || !strings.EqualFold(v[0], want) {
			return sel.name, false
		}
	}
	return "", true
}

// requestedResource returns the one resource a request names, as a v1
// resource: a scope's "/.default" suffix is removed. Otherwise it says what
// is wrong. A resource is one (credblob.OneResource): a space would add a
// scope the resource check never saw.
func requestedResource(q url.Values) (res, problem string) {
	const one = "exactly one resource parameter is required"
	v := q["resource"]
	if len(v) != 1 {
		return "", one
	}
	res = strings.TrimSuffix(v[0], "/.default")
	switch {
	case res == "":
		return "", one
	case !credblob.OneResource(res):
		return "", "the resource must be one URI, without spaces or control characters"
	}
	return res, ""
}

// foldNames returns q with its parameter names in lower case, the values of
// names that differ only in case together. A parameter in another case
// (Client_Id, Resource) is thus read, never ignored: an identity selector
// so spelled is checked, and a second resource so spelled makes two.
func foldNames(q url.Values) url.Values {
	out := make(url.Values, len(q))
	for k, v := range q {
		lk := strings.ToLower(k)
		out[lk] = append(out[lk], v...)
	}
	return out
}

// single returns the value of a parameter given exactly once, else "".
func single(q url.Values, name string) string {
	if v := q[name]; len(v) == 1 {
		return v[0]
	}
	return ""
}

func loopbackPeer(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return false
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// fail answers a request that presented the secret but cannot be served.
// The description says what to change; it never holds a secret.
func (s *Server) fail(w http.ResponseWriter, status int, code, description string) {
	body, err := json.Marshal(errorResponse{Error: code, Description: description})
	if err != nil {
		w.WriteHeader(status)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
