package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// hookRequest is the JSON body the HTTP hooks accept; each hook reads the fields it needs.
type hookRequest struct {
	UserCode    string   `json:"userCode"`
	UPN         string   `json:"upn"`
	Route       string   `json:"route"`
	Latency     Duration `json:"latency"`
	Status      int      `json:"status"`
	Description string   `json:"description"`
	RetryAfter  Duration `json:"retryAfter"`
	Hang        bool     `json:"hang"`
	Reset       bool     `json:"reset"`
	Truncate    int      `json:"truncate"`
	Times       int      `json:"times"`
	Subject     string   `json:"subject"`
	Audience    string   `json:"audience"`
	URL         string   `json:"url"`
}

func knownRoute(r string) bool {
	switch r {
	case RouteToken, RouteDeviceCode, RouteAuthorize, RouteMetadata, RouteJWKS,
		RouteTenants, RouteSubscriptions, RouteEcho, RouteManagedIdentity,
		RouteResourceGroups, RouteLocations, RouteDiscovery, RouteCloudMetadata:
		return true
	}
	return false
}

// serveHook serves the test hooks under HookPath (see docs/emulator.md).
func (s *Server) serveHook(w http.ResponseWriter, r *http.Request) {
	var req hookRequest
	if r.Method == http.MethodPost || r.Method == http.MethodPut {
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil && !errors.Is(err, io.EOF) {
			writeARMError(w, http.StatusBadRequest, "InvalidHookRequest", "the hook body is not valid JSON: "+err.Error())
			return
		}
	}
	ok := func(v any) { writeJSON(w, http.StatusOK, v) }
	bad := func(err error) { writeARMError(w, http.StatusBadRequest, "InvalidHookRequest", err.Error()) }
	op := r.Method + " " + strings.TrimPrefix(r.URL.Path, HookPath)
	switch op {
	case "POST /devicecode/approve":
		if err := s.ApproveDeviceCode(req.UserCode, req.UPN); err != nil {
			bad(err)
			return
		}
		ok(map[string]string{"status": "approved"})
	case "POST /devicecode/decline":
		if err := s.DeclineDeviceCode(req.UserCode); err != nil {
			bad(err)
			return
		}
		ok(map[string]string{"status": "declined"})
	case "POST /devicecode/expire":
		if err := s.ExpireDeviceCode(req.UserCode); err != nil {
			bad(err)
			return
		}
		ok(map[string]string{"status": "expired"})
	case "GET /devicecodes":
		var codes []string
		if w := r.URL.Query().Get("wait"); w != "" {
			d, err := time.ParseDuration(w)
			if err != nil || d < 0 || d > time.Minute {
				bad(fmt.Errorf("wait %s is not a duration up to 1m", strconvQuote(w)))
				return
			}
			codes = s.WaitPendingDeviceCodes(r.Context(), d)
		} else {
			codes = s.PendingDeviceCodes()
		}
		if codes == nil {
			codes = []string{}
		}
		ok(map[string]any{"pending": codes})
	case "PUT /interactive-user", "POST /interactive-user":
		// An empty upn unsets the user; an unknown one is a mistake to say now, not at
		// the sign-in it would fail.
		if _, known := s.dir.users[strings.ToLower(req.UPN)]; req.UPN != "" && !known {
			bad(fmt.Errorf("unknown user %s", strconvQuote(req.UPN)))
			return
		}
		s.SetInteractiveUser(req.UPN)
		ok(map[string]string{"upn": req.UPN})
	case "GET /counts":
		route := r.URL.Query().Get("route")
		if !knownRoute(route) {
			bad(fmt.Errorf("unknown route %s", strconvQuote(route)))
			return
		}
		ok(map[string]int{"count": s.Count(route, r.URL.Query().Get("grantType"))})
	case "DELETE /counts":
		s.ResetCounts()
		ok(map[string]string{"status": "reset"})
	case "PUT /faults", "POST /faults":
		if !knownRoute(req.Route) {
			bad(fmt.Errorf("unknown route %s", strconvQuote(req.Route)))
			return
		}
		if req.Status != 0 && (req.Status < 400 || req.Status > 599) || req.Times < 0 || req.Latency < 0 || req.RetryAfter < 0 || req.Truncate < 0 {
			bad(errors.New("a fault needs status 400-599 (or 0), and non-negative times, latency, retryAfter and truncate"))
			return
		}
		s.SetFault(req.Route, Fault{Latency: time.Duration(req.Latency), Status: req.Status, Description: req.Description, RetryAfter: time.Duration(req.RetryAfter), Hang: req.Hang, Reset: req.Reset, Truncate: req.Truncate, Times: req.Times})
		ok(map[string]string{"status": "set"})
	case "DELETE /faults":
		s.ClearFaults()
		ok(map[string]string{"status": "cleared"})
	case "POST /open-url":
		if err := s.OpenURL(req.URL); err != nil {
			bad(err)
			return
		}
		ok(map[string]string{"status": "delivered"})
	case "POST /federated-token":
		tok, err := s.FederatedToken(req.Subject, req.Audience)
		if err != nil {
			bad(err)
			return
		}
		ok(map[string]string{"token": tok})
	default:
		writeARMError(w, http.StatusNotFound, "NotFound", "no test hook at "+strconvQuote(op))
	}
}

var (
	formActionRE = regexp.MustCompile(`<form method="POST" name="hiddenform" action="([^"]*)">`)
	formInputRE  = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)
)

// OpenURL plays the browser for an interactive sign-in: it opens authorizeURL (which must
// point at this emulator, or at a host it impersonates) and delivers the answer to the
// redirect URI, posting the form_post form or following a query redirect. Pass it to
// public.WithOpenURL; the hook POST /_emulator/open-url does the same.
func (s *Server) OpenURL(authorizeURL string) error {
	u, err := url.Parse(authorizeURL)
	if err != nil {
		return fmt.Errorf("open url: %w", err)
	}
	host := strings.ToLower(u.Host)
	if u.Scheme != "https" || !strings.EqualFold("https://"+host, s.URL()) && !impersonated(strings.TrimSuffix(host, ":443")) {
		return fmt.Errorf("open url: %s is not an emulator URL", u.Redacted())
	}
	req, err := http.NewRequest(http.MethodGet, s.URL()+u.RequestURI(), nil)
	if err != nil {
		return fmt.Errorf("open url: %w", err)
	}
	req.Host = strings.TrimSuffix(host, ":443")
	c := s.Client()
	defer c.CloseIdleConnections() // a client per call: its connection would idle 90s
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("open url: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("open url: %w", err)
	}
	local := &http.Client{Timeout: 30 * time.Second}
	var answer *http.Response
	switch {
	case resp.StatusCode == http.StatusFound:
		answer, err = local.Get(resp.Header.Get("Location"))
	case resp.StatusCode == http.StatusOK:
		m := formActionRE.FindSubmatch(body)
		if m == nil {
			return errors.New("open url: the authorize page has no form")
		}
		form := url.Values{}
		for _, in := range formInputRE.FindAllSubmatch(body, -1) {
			form.Set(html.UnescapeString(string(in[1])), html.UnescapeString(string(in[2])))
		}
		answer, err = local.PostForm(html.UnescapeString(string(m[1])), form)
	default:
		return fmt.Errorf("open url: authorize answered %s: %s", resp.Status, strings.TrimSpace(html.UnescapeString(stripTags(string(body)))))
	}
	if err != nil {
		return fmt.Errorf("open url: deliver the answer to the redirect uri: %w", err)
	}
	_, _ = io.Copy(io.Discard, answer.Body)
	answer.Body.Close()
	return nil
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

func stripTags(s string) string { return tagRE.ReplaceAllString(s, " ") }
