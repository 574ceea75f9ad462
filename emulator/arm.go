package emulator

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

func writeARMError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

// armCaller is a validated ARM caller.
type armCaller struct {
	claims jwt.MapClaims
	tenant *tenantRec
	ids    []string // lower-case identifiers that Subscription.Principals may name
	member func(tenantID string) bool
}

// authenticateARM validates the bearer token as ARM does; on failure it has answered 401.
func (s *Server) authenticateARM(w http.ResponseWriter, r *http.Request) (*armCaller, bool) {
	deny := func(code, msg string) (*armCaller, bool) {
		w.Header().Set("WWW-Authenticate", `Bearer authorization_uri="`+authorityFor(r, "organizations")+`", error="invalid_token", error_description="`+strings.ReplaceAll(msg, `"`, "'")+`"`)
		writeARMError(w, http.StatusUnauthorized, code, msg)
		return nil, false
	}
	h := r.Header.Get("Authorization")
	if h == "" {
		return deny("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.")
	}
	scheme, raw, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || raw == "" {
		return deny("AuthenticationFailed", "Authentication failed. The 'Authorization' header is provided in an invalid format.")
	}
	claims, err := s.verifyAccessToken(strings.TrimSpace(raw))
	if err != nil {
		if strings.Contains(err.Error(), "expired") {
			return deny("ExpiredAuthenticationToken", "The access token expiry UTC time is earlier than current UTC time.")
		}
		return deny("InvalidAuthenticationToken", "The access token is invalid: "+err.Error())
	}
	if !slices.ContainsFunc(audiences(claims), isARMAudience) {
		return deny("InvalidAuthenticationToken", "The access token has been obtained for the wrong audience or resource "+strconv.Quote(strings.Join(audiences(claims), " "))+". It should exactly match one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.")
	}
	tid, _ := claims["tid"].(string)
	t, err := s.dir.tenant(tid)
	if err != nil {
		return deny("InvalidAuthenticationTokenTenant", "The access token is from a tenant the emulator does not know.")
	}
	c := &armCaller{claims: claims, tenant: t}
	oid, _ := claims["oid"].(string)
	appid, _ := claims["appid"].(string)
	if upn, _ := claims["upn"].(string); upn != "" {
		u, ok := s.dir.users[strings.ToLower(upn)]
		if !ok {
			return deny("InvalidAuthenticationToken", "The access token names an unknown user.")
		}
		c.ids = []string{strings.ToLower(upn), oid}
		c.member = func(id string) bool { return u.tenants[id] }
	} else if _, isMI := claims["xms_mirid"]; isMI {
		mi := s.findMI(appid)
		if mi == nil {
			return deny("InvalidAuthenticationToken", "The access token names an unknown managed identity.")
		}
		c.ids = []string{mi.ClientID, strings.ToLower(mi.Name), mi.ObjectID}
		c.member = func(id string) bool { return id == mi.tenant.ID }
	} else {
		app, ok := s.dir.apps[strings.ToLower(appid)]
		if !ok {
			return deny("InvalidAuthenticationToken", "The access token names an unknown application.")
		}
		c.ids = []string{app.AppID, app.ObjectID}
		c.member = func(id string) bool { return app.tenants[id] }
	}
	return c, true
}

// armRequest checks a request to one of ARM's own operations, which allows the methods
// allowed (else 405), then authenticates it; as on Azure, it also needs an api-version
// (any value): a signed-in request without one gets 400 MissingApiVersionParameter. On
// failure it has answered.
func (s *Server) armRequest(w http.ResponseWriter, r *http.Request, allowed ...string) (*armCaller, bool) {
	if !slices.Contains(allowed, r.Method) {
		methodNotAllowed(w, r, allowed...)
		return nil, false
	}
	c, ok := s.authenticateARM(w, r)
	if !ok {
		return nil, false
	}
	if r.URL.Query().Get("api-version") == "" {
		writeARMError(w, http.StatusBadRequest, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
		return nil, false
	}
	return c, true
}

// subscriptionNotFound answers for a subscription the caller's token cannot reach: one of
// another tenant gets ARM's 401 InvalidAuthenticationTokenTenant, naming the authority to
// get a token from (the emulator's own, or login.windows.net's on an impersonated host);
// any other 404 SubscriptionNotFound.
func (s *Server) subscriptionNotFound(w http.ResponseWriter, r *http.Request, c *armCaller, id string) {
	sub, ok := s.dir.subByID[strings.ToLower(id)]
	if !ok || sub.tenant == c.tenant {
		writeARMError(w, http.StatusNotFound, "SubscriptionNotFound", "The subscription '"+id+"' could not be found.")
		return
	}
	authority := authorityFor(r, sub.tenant.ID)
	w.Header().Set("WWW-Authenticate", `Bearer authorization_uri="`+authority+`", error="invalid_token", error_description="The access token is from the wrong issuer."`)
	writeARMError(w, http.StatusUnauthorized, "InvalidAuthenticationTokenTenant",
		"The access token is from the wrong issuer 'https://sts.windows.net/"+c.tenant.ID+"/'. It must match the tenant 'https://sts.windows.net/"+sub.tenant.ID+
			"/' associated with this subscription. Please use the authority (URL) '"+authority+"' to get the token.")
}

// authorityFor is the authority for tenant that ARM's 401 challenges name: the
// emulator's own, or, on an impersonated host, the public cloud's login host, as Azure's
// ARM names it (management.azure.com is no authority).
func authorityFor(r *http.Request, tenant string) string {
	if impersonated(r.Host) {
		return "https://login.windows.net/" + tenant
	}
	return "https://" + r.Host + "/" + tenant
}

func (s *Server) findMI(clientID string) *miRec {
	for _, m := range s.dir.mis {
		if strings.EqualFold(m.ClientID, clientID) {
			return m
		}
	}
	return nil
}

func (c *armCaller) sees(sub *subRec) bool {
	if sub.tenant != c.tenant {
		return false
	}
	if len(sub.principals) == 0 {
		return true
	}
	for _, id := range c.ids {
		if sub.principals[id] {
			return true
		}
	}
	return false
}

// page answers one page of n items (item(i) renders the i-th) with an absolute nextLink
// that keeps api-version; only the page's items are rendered.
func (s *Server) page(w http.ResponseWriter, r *http.Request, n int, item func(i int) any) {
	q := r.URL.Query()
	skip := 0
	if st := q.Get("$skiptoken"); st != "" {
		v, err := strconv.Atoi(st)
		if err != nil || v < 0 || v > n {
			writeARMError(w, http.StatusBadRequest, "InvalidSkipToken", "the $skiptoken is not valid")
			return
		}
		skip = v
	}
	end := min(skip+s.dir.pageSize, n)
	value := make([]any, 0, end-skip)
	for i := skip; i < end; i++ {
		value = append(value, item(i))
	}
	resp := map[string]any{"value": value}
	if end < n {
		next := url.Values{}
		next.Set("api-version", q.Get("api-version"))
		next.Set("$skiptoken", strconv.Itoa(end))
		resp["nextLink"] = "https://" + r.Host + r.URL.Path + "?" + next.Encode()
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) serveTenants(w http.ResponseWriter, r *http.Request) {
	c, ok := s.armRequest(w, r, http.MethodGet)
	if !ok {
		return
	}
	var tenants []*tenantRec
	for _, t := range s.dir.tenants {
		if c.member(t.ID) {
			tenants = append(tenants, t)
		}
	}
	s.page(w, r, len(tenants), func(i int) any {
		t := tenants[i]
		return map[string]any{
			"id": "/tenants/" + t.ID, "tenantId": t.ID, "countryCode": t.CountryCode, "displayName": t.DisplayName,
			"domains": t.domains, "tenantCategory": "Home", "defaultDomain": t.DefaultDomain, "tenantType": "AAD",
		}
	})
}

func subscriptionJSON(sub *subRec) map[string]any {
	return map[string]any{
		"id": "/subscriptions/" + sub.ID, "subscriptionId": sub.ID, "tenantId": sub.tenant.ID,
		"displayName": sub.Name, "state": sub.State,
		"subscriptionPolicies": map[string]any{"locationPlacementId": "Public_2014-09-01", "quotaId": "PayAsYouGo_2014-09-01", "spendingLimit": "Off"},
		"authorizationSource":  "RoleBased", "managedByTenants": []any{}, "tags": map[string]any{},
	}
}

func (s *Server) serveSubscriptions(w http.ResponseWriter, r *http.Request) {
	c, ok := s.armRequest(w, r, http.MethodGet)
	if !ok {
		return
	}
	if id, one := strings.CutPrefix(r.URL.Path, "/subscriptions/"); one {
		for _, sub := range s.dir.subsByTenant[c.tenant.ID] {
			if strings.EqualFold(sub.ID, id) && c.sees(sub) {
				writeJSON(w, http.StatusOK, subscriptionJSON(sub))
				return
			}
		}
		s.subscriptionNotFound(w, r, c, id)
		return
	}
	var subs []*subRec
	for _, sub := range s.dir.subsByTenant[c.tenant.ID] {
		if c.sees(sub) {
			subs = append(subs, sub)
		}
	}
	s.page(w, r, len(subs), func(i int) any { return subscriptionJSON(subs[i]) })
}

// serveEcho answers with the caller's validated token claims.
func (s *Server) serveEcho(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		methodNotAllowed(w, r, http.MethodGet)
		return
	}
	c, ok := s.authenticateARM(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, c.claims)
}
