package emulator

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// oauthError is an error answer in the AADSTS shape.
type oauthError struct {
	status int
	code   string
	aadsts int
	desc   string
}

func errf(status int, code string, aadsts int, format string, args ...any) *oauthError {
	return &oauthError{status: status, code: code, aadsts: aadsts, desc: fmt.Sprintf(format, args...)}
}

func (s *Server) writeOAuthError(w http.ResponseWriter, r *http.Request, e *oauthError) {
	ts := s.now().UTC().Format("2006-01-02 15:04:05Z")
	trace := uuid.NewString()
	corr := r.Header.Get("client-request-id")
	if _, err := uuid.Parse(corr); err != nil {
		corr = uuid.NewString()
	}
	writeJSON(w, e.status, map[string]any{
		"error":             e.code,
		"error_description": fmt.Sprintf("AADSTS%d: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s", e.aadsts, e.desc, trace, corr, ts),
		"error_codes":       []int{e.aadsts},
		"timestamp":         ts,
		"trace_id":          trace,
		"correlation_id":    corr,
		"error_uri":         fmt.Sprintf("https://login.microsoftonline.com/error?code=%d", e.aadsts),
	})
}

// repeatedParameter refuses a request body that names a parameter twice, as Entra ID
// does (AADSTS9000411), rather than taking one of its values.
func repeatedParameter(form url.Values) *oauthError {
	var names []string
	for k, v := range form {
		if len(v) > 1 {
			names = append(names, k)
		}
	}
	if len(names) == 0 {
		return nil
	}
	slices.Sort(names)
	return errf(http.StatusBadRequest, "invalid_request", 9000411, "the request is not properly formatted. The parameter %s is duplicated", strconvQuote(names[0]))
}

// tenantSpec is the authority's tenant segment, resolved.
type tenantSpec struct {
	seg    string     // as requested
	tenant *tenantRec // nil for organizations/common
}

func (s *Server) resolveTenant(seg string) (tenantSpec, *oauthError) {
	switch strings.ToLower(seg) {
	case "organizations", "common":
		return tenantSpec{seg: seg}, nil
	case "consumers":
		// The emulator's applications are for work and school accounts only, as the
		// Microsoft ones it stands in for.
		return tenantSpec{}, errf(http.StatusBadRequest, "invalid_request", 9002332, "application is configured for use by Microsoft Entra users only. Please do not use the /consumers endpoint to serve this request (the emulator has no personal Microsoft accounts)")
	}
	t, err := s.dir.tenant(seg)
	if err != nil {
		return tenantSpec{}, errf(http.StatusBadRequest, "invalid_request", 90002, "tenant %s not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud", strconvQuote(seg))
	}
	return tenantSpec{seg: seg, tenant: t}, nil
}

func (s *Server) serveMetadata(w http.ResponseWriter, r *http.Request, seg string) {
	if r.Method != http.MethodGet {
		methodNotAllowed(w, r, http.MethodGet)
		return
	}
	ts, oe := s.resolveTenant(seg)
	if oe != nil {
		if oe.aadsts == 90002 {
			// What Entra ID's discovery document says of a tenant it does not know.
			oe = &oauthError{status: oe.status, code: "invalid_tenant", aadsts: oe.aadsts, desc: oe.desc}
		}
		s.writeOAuthError(w, r, oe)
		return
	}
	base := "https://" + r.Host
	// Entra ID names a tenant by its id in the endpoints, whichever domain the
	// authority used: MSAL Python keeps tokens under the token endpoint's tenant, so a
	// token got through contoso.test is found again through the tenant's id.
	p := base + "/" + url.PathEscape(ts.seg)
	issuerTenant := "{tenantid}"
	if ts.tenant != nil {
		issuerTenant = ts.tenant.ID
		p = base + "/" + ts.tenant.ID
	}
	cloud := "azc-emulator.test"
	if impersonated(r.Host) {
		cloud = "microsoftonline.com" // what Entra ID says on the public cloud's hosts
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                base + "/" + issuerTenant + "/v2.0",
		"authorization_endpoint":                p + "/oauth2/v2.0/authorize",
		"token_endpoint":                        p + "/oauth2/v2.0/token",
		"device_authorization_endpoint":         p + "/oauth2/v2.0/devicecode",
		"jwks_uri":                              p + "/discovery/v2.0/keys",
		"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"tenant_region_scope":                   "NA",
		"cloud_instance_name":                   cloud,
	})
}

// scopeRequest is a parsed scope parameter.
type scopeRequest struct {
	all      []string // every requested scope, echoed in the answer
	resource string   // the audience of the access token
	scp      string   // the delegated scopes, for scp
	dflt     bool     // the resource was asked for with /.default
}

var oidcScopes = map[string]bool{"openid": true, "profile": true, "offline_access": true, "email": true}

// parseScope parses a scope parameter for an app's token (client credentials, managed
// identity) when app is set, else for a user's. Either is for one resource; Entra ID
// names the mistake of asking for two differently for each.
func parseScope(raw string, app bool) (scopeRequest, *oauthError) {
	sr := scopeRequest{all: strings.Fields(raw)}
	var perms []string
	for _, sc := range sr.all {
		if oidcScopes[strings.ToLower(sc)] {
			continue
		}
		res, perm := sc, ""
		if strings.HasSuffix(sc, "/.default") {
			// "https://management.azure.com/.default" names https://management.azure.com;
			// az CLI's "https://management.core.windows.net//.default" names the resource
			// with its trailing slash.
			res, sr.dflt = strings.TrimSuffix(strings.TrimSuffix(sc, ".default"), "/"), true
		} else if i := strings.LastIndex(sc, "/"); i > len("https://") {
			res, perm = sc[:i], sc[i+1:]
		} else {
			return sr, errf(http.StatusBadRequest, "invalid_scope", 70011, "the provided value for the input parameter 'scope' is not valid. The scope %s is not valid", strconvQuote(sc))
		}
		u, err := url.Parse(res)
		if err != nil || (u.Scheme != "https" && u.Scheme != "api" && u.Scheme != "http") || u.Host == "" && u.Opaque == "" {
			if _, uerr := uuid.Parse(res); uerr != nil {
				return sr, errf(http.StatusBadRequest, "invalid_scope", 70011, "the provided value for the input parameter 'scope' is not valid. The scope %s is not valid", strconvQuote(sc))
			}
		}
		if sr.resource != "" && !sameResource(sr.resource, res) {
			if app {
				return sr, errf(http.StatusBadRequest, "invalid_scope", 70011, "the provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope %s is not valid", strconvQuote(raw))
			}
			return sr, errf(http.StatusBadRequest, "invalid_scope", 28000, "provided value for the input parameter scope is not valid because it contains more than one resource. Scope %s is not valid", strconvQuote(raw))
		}
		sr.resource = res
		if perm != "" {
			perms = append(perms, perm)
		}
	}
	sr.scp = strings.Join(perms, " ")
	if sr.scp == "" {
		sr.scp = "user_impersonation"
	}
	return sr, nil
}

func sameResource(a, b string) bool {
	return strings.EqualFold(strings.TrimSuffix(a, "/"), strings.TrimSuffix(b, "/"))
}

// subject is who a token is for.
type subject struct {
	user *userRec
	app  *appRec // the client application
	mi   *miRec
	acr  string // appidacr: 0 public, 1 secret, 2 certificate or federated
}

// tokenOptions describe one issued token.
type tokenOptions struct {
	subject
	tenant    *tenantRec
	authority tenantSpec
	scope     scopeRequest
	issueRT   bool
	host      string
	nonce     string // the authorization request's, for the id_token
}

// mintAccessToken signs an ARM-style v1 access token. App-only tokens (service principal
// or managed identity) asked for again within the same clock second, for the same resource
// and with the same credential type, are reused: their claims would differ only in uti, and
// an RSA signature per request would make the emulator the bottleneck of load tests.
func (s *Server) mintAccessToken(o tokenOptions, resource string) (string, time.Time, error) {
	now := s.now()
	exp := now.Add(s.dir.tokenLife)
	if o.user == nil {
		who := ""
		if o.mi != nil {
			who = "mi:" + o.mi.ClientID
		} else {
			who = "app:" + o.app.AppID
		}
		key := who + "|" + o.tenant.ID + "|" + resource + "|" + o.acr
		sec := now.Unix()
		s.tokMu.Lock()
		if s.tokSec != sec {
			s.tokSec = sec
			clear(s.tokCache)
		}
		tok, ok := s.tokCache[key]
		s.tokMu.Unlock()
		if ok {
			return tok, time.Unix(sec, 0).Add(s.dir.tokenLife), nil
		}
		tok, exp, err := s.signAccessToken(o, resource, now, exp)
		if err == nil {
			s.tokMu.Lock()
			if s.tokSec == sec {
				s.tokCache[key] = tok
			}
			s.tokMu.Unlock()
		}
		return tok, exp, err
	}
	return s.signAccessToken(o, resource, now, exp)
}

func (s *Server) signAccessToken(o tokenOptions, resource string, now, exp time.Time) (string, time.Time, error) {
	c := jwt.MapClaims{
		"aud": resource, "iss": "https://sts.windows.net/" + o.tenant.ID + "/",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": exp.Unix(),
		"tid": o.tenant.ID, "ver": "1.0", "uti": randomHex(8),
	}
	switch {
	case o.mi != nil:
		c["oid"], c["sub"], c["appid"], c["appidacr"], c["idtyp"] = o.mi.ObjectID, o.mi.ObjectID, o.mi.ClientID, "2", "app"
		c["xms_mirid"] = o.mi.ResourceID
		c["name"] = o.mi.Name
	case o.user != nil:
		c["oid"], c["sub"], c["idtyp"] = o.user.ObjectID, o.user.ObjectID, "user"
		c["appid"], c["appidacr"] = o.app.AppID, o.acr
		c["upn"], c["unique_name"], c["name"] = o.user.UPN, o.user.UPN, o.user.DisplayName
		c["scp"] = o.scope.scp
		if o.user.home.ID != o.tenant.ID {
			c["acct"] = 1
			c["idp"] = "https://sts.windows.net/" + o.user.home.ID + "/"
		}
	default:
		c["oid"], c["sub"], c["idtyp"] = o.app.ObjectID, o.app.ObjectID, "app"
		c["appid"], c["appidacr"] = o.app.AppID, o.acr
		c["name"] = o.app.DisplayName
		if len(o.app.Roles) > 0 {
			c["roles"] = o.app.Roles
		}
	}
	tok, err := s.sign(c)
	return tok, exp, err
}

// issue answers a token request.
func (s *Server) issue(w http.ResponseWriter, r *http.Request, o tokenOptions) {
	resource := o.scope.resource
	if resource == "" {
		resource = "00000003-0000-0000-c000-000000000000" // Microsoft Graph
	}
	at, _, err := s.mintAccessToken(o, resource)
	if err != nil {
		s.writeOAuthError(w, r, errf(http.StatusInternalServerError, "server_error", 90100, "could not sign the token"))
		return
	}
	life := int(s.dir.tokenLife / time.Second)
	resp := map[string]any{
		"token_type": "Bearer", "scope": strings.Join(o.scope.all, " "),
		"expires_in": life, "ext_expires_in": life, "access_token": at,
	}
	if o.user != nil {
		ci, _ := json.Marshal(map[string]string{"uid": o.user.ObjectID, "utid": o.user.home.ID})
		resp["client_info"] = base64.RawURLEncoding.EncodeToString(ci)
		now := s.now()
		claims := jwt.MapClaims{
			"aud": o.app.AppID, "iss": "https://" + o.host + "/" + o.tenant.ID + "/v2.0",
			"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix(),
			"sub": o.user.ObjectID, "oid": o.user.ObjectID, "tid": o.tenant.ID,
			"preferred_username": o.user.UPN, "name": o.user.DisplayName, "ver": "2.0",
		}
		if o.nonce != "" {
			claims["nonce"] = o.nonce // OpenID Connect: clients check it (MSAL Python does)
		}
		id, err := s.sign(claims)
		if err != nil {
			s.writeOAuthError(w, r, errf(http.StatusInternalServerError, "server_error", 90100, "could not sign the id token"))
			return
		}
		resp["id_token"] = id
		if o.issueRT {
			rt := randomHex(32)
			s.mu.Lock()
			s.refresh[rt] = &refreshToken{clientID: o.app.AppID, upn: strings.ToLower(o.user.UPN)}
			s.mu.Unlock()
			resp["refresh_token"] = rt
			if familyClient(o.app.AppID) {
				resp["foci"] = "1"
			}
		}
	}
	writeJSON(w, http.StatusOK, resp)
}

// familyClient reports whether clientID is one of Microsoft's family of client ids
// (FOCI) that the emulator knows, Azure PowerShell and the az CLI: Entra ID answers them
// with "foci": "1", and any of them may redeem another's refresh token.
func familyClient(clientID string) bool {
	return strings.EqualFold(clientID, AzurePowerShellClientID) || strings.EqualFold(clientID, AzureCLIClientID)
}

// sameClientOrFamily reports whether a refresh token issued to issuedTo may be redeemed
// by clientID.
func sameClientOrFamily(issuedTo, clientID string) bool {
	return strings.EqualFold(issuedTo, clientID) || (familyClient(issuedTo) && familyClient(clientID))
}

type refreshToken struct {
	clientID string
	upn      string
}

// userTenant picks the token tenant for a user at an authority: the user's home tenant for
// organizations/common, otherwise the named tenant if the user belongs to it.
func userTenant(u *userRec, ts tenantSpec) (*tenantRec, *oauthError) {
	if ts.tenant == nil {
		return u.home, nil
	}
	if !u.tenants[ts.tenant.ID] {
		return nil, errf(http.StatusBadRequest, "invalid_grant", 50020, "user account %s from identity provider does not exist in tenant %s and cannot access the application in that tenant", strconvQuote(u.UPN), strconvQuote(ts.tenant.DisplayName))
	}
	return ts.tenant, nil
}

// client finds the application and authenticates it. The token tenant t may be nil (an
// organizations/common request); a confidential client must then have been authenticated
// in its home tenant.
func (s *Server) client(r *http.Request, t *tenantRec, tokenURL string) (*appRec, string, *oauthError) {
	f := r.PostForm
	id, secret, assertion := f.Get("client_id"), f.Get("client_secret"), f.Get("client_assertion")
	// client_secret_basic, which the metadata offers: the id and secret, each
	// form-encoded, in an Authorization: Basic header (RFC 6749, 2.3.1).
	if user, pass, ok := r.BasicAuth(); ok {
		hid, err1 := url.QueryUnescape(user)
		hsecret, err2 := url.QueryUnescape(pass)
		switch {
		case err1 != nil || err2 != nil:
			return nil, "", errf(http.StatusBadRequest, "invalid_request", 900144, "the Authorization header's client id or secret is not form-encoded")
		case id != "" && !strings.EqualFold(id, hid):
			return nil, "", errf(http.StatusBadRequest, "invalid_request", 900144, "the client_id in the request body is not the one in the Authorization header")
		case secret != "" || assertion != "":
			return nil, "", errf(http.StatusBadRequest, "invalid_request", 900144, "the client authenticates in the Authorization header and in the request body; use one")
		}
		id, secret = hid, hsecret
	}
	if id == "" {
		return nil, "", errf(http.StatusBadRequest, "invalid_request", 900144, "the request body must contain the following parameter: 'client_id'")
	}
	app, ok := s.dir.apps[strings.ToLower(id)]
	where := "organizations"
	if t != nil {
		where = t.ID
	}
	if !ok || (!app.Public && t != nil && !app.tenants[t.ID]) {
		return nil, "", errf(http.StatusBadRequest, "unauthorized_client", 700016, "application with identifier %s was not found in the directory %s", strconvQuote(id), strconvQuote(where))
	}
	if app.Public {
		if secret != "" || assertion != "" {
			return nil, "", errf(http.StatusUnauthorized, "invalid_client", 700025, "client is public so neither 'client_assertion' nor 'client_secret' should be presented")
		}
		return app, "0", nil
	}
	switch {
	case secret != "":
		for _, want := range app.Secrets {
			if subtle.ConstantTimeCompare([]byte(secret), []byte(want)) == 1 {
				return app, "1", nil
			}
		}
		return nil, "", errf(http.StatusUnauthorized, "invalid_client", 7000215, "invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app %s", strconvQuote(app.AppID))
	case assertion != "":
		if typ := f.Get("client_assertion_type"); typ != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
			return nil, "", errf(http.StatusBadRequest, "invalid_request", 900144, "client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
		}
		if err := s.checkAssertion(app, assertion, tokenURL); err != nil {
			ae := err.(*assertionError)
			return nil, "", errf(http.StatusUnauthorized, "invalid_client", ae.code, "%s", ae.msg)
		}
		return app, "2", nil
	}
	return nil, "", errf(http.StatusUnauthorized, "invalid_client", 7000218, "the request body must contain the following parameter: 'client_assertion' or 'client_secret'")
}

func (s *Server) serveToken(w http.ResponseWriter, r *http.Request, seg, grant string) {
	ts, oe := s.resolveTenant(seg)
	if oe != nil {
		s.writeOAuthError(w, r, oe)
		return
	}
	if grant == "" {
		// The first parameter Entra ID looks for, so a body that is not a form (JSON) is
		// told of it.
		s.writeOAuthError(w, r, errf(http.StatusBadRequest, "invalid_request", 900144, "the request body must contain the following parameter: 'grant_type'"))
		return
	}
	sr, oe := parseScope(r.PostForm.Get("scope"), grant == "client_credentials")
	// The device code and refresh token grants may leave scope out (MSAL Python polls
	// for a device code without it): the grant's own scope applies. An authorization
	// code without one gets Entra ID's own refusal (grantAuthCode).
	if oe == nil && len(sr.all) == 0 && grant != "authorization_code" && grant != "refresh_token" && grant != "device_code" {
		oe = errf(http.StatusBadRequest, "invalid_request", 900144, "the request body must contain the following parameter: 'scope'")
	}
	if oe != nil {
		s.writeOAuthError(w, r, oe)
		return
	}
	o := tokenOptions{authority: ts, scope: sr, host: r.Host}
	tokenURL := "https://" + r.Host + r.URL.Path
	switch grant {
	case "client_credentials":
		oe = s.grantClientCredentials(r, &o, tokenURL)
	case "device_code":
		oe = s.grantDeviceCode(r, &o, tokenURL)
	case "authorization_code":
		oe = s.grantAuthCode(r, &o, tokenURL)
	case "refresh_token":
		oe = s.grantRefresh(r, &o, tokenURL)
	default:
		oe = errf(http.StatusBadRequest, "unsupported_grant_type", 70003, "the app requested an unsupported grant type %s", strconvQuote(grant))
	}
	if oe != nil {
		s.writeOAuthError(w, r, oe)
		return
	}
	s.issue(w, r, o)
}

func (s *Server) grantClientCredentials(r *http.Request, o *tokenOptions, tokenURL string) *oauthError {
	if o.authority.tenant == nil {
		return errf(http.StatusBadRequest, "invalid_request", 90133, "the client credentials flow needs a tenant-specific authority, not %s", strconvQuote(o.authority.seg))
	}
	if o.scope.resource == "" || !o.scope.dflt {
		return errf(http.StatusBadRequest, "invalid_scope", 1002012, "the provided value for scope %s is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)", strconvQuote(strings.Join(o.scope.all, " ")))
	}
	app, acr, oe := s.client(r, o.authority.tenant, tokenURL)
	if oe != nil {
		return oe
	}
	if app.Public {
		return errf(http.StatusUnauthorized, "invalid_client", 7000218, "the request body must contain the following parameter: 'client_assertion' or 'client_secret'")
	}
	o.app, o.acr, o.tenant = app, acr, o.authority.tenant
	return nil
}

func (s *Server) grantRefresh(r *http.Request, o *tokenOptions, tokenURL string) *oauthError {
	raw := r.PostForm.Get("refresh_token")
	if raw == "" {
		return errf(http.StatusBadRequest, "invalid_request", 900144, "the request body must contain the following parameter: 'refresh_token'")
	}
	app, acr, oe := s.client(r, o.authority.tenant, tokenURL)
	if oe != nil {
		return oe
	}
	s.mu.Lock()
	rt, ok := s.refresh[raw]
	if ok && s.dir.rotate && sameClientOrFamily(rt.clientID, app.AppID) {
		delete(s.refresh, raw) // strict rotation: a refresh token is good once
	}
	s.mu.Unlock()
	if !ok {
		return errf(http.StatusBadRequest, "invalid_grant", 70000, "the provided grant is invalid or malformed: the refresh token was already used, revoked or never issued")
	}
	if !sameClientOrFamily(rt.clientID, app.AppID) {
		return errf(http.StatusBadRequest, "invalid_grant", 70000, "the refresh token was issued to a different client")
	}
	u := s.dir.users[rt.upn]
	t, oe := userTenant(u, o.authority)
	if oe != nil {
		return oe
	}
	o.user, o.app, o.acr, o.tenant, o.issueRT = u, app, acr, t, true
	return nil
}

// authCode is an issued authorization code.
type authCode struct {
	clientID, redirectURI, challenge string
	nonce                            string
	upn                              string
	authority                        string
	expires                          time.Time
	used                             bool
}

func (s *Server) grantAuthCode(r *http.Request, o *tokenOptions, tokenURL string) *oauthError {
	f := r.PostForm
	code := f.Get("code")
	if code == "" {
		return errf(http.StatusBadRequest, "invalid_request", 900144, "the request body must contain the following parameter: 'code'")
	}
	// Checked before the code is taken, so the client may redeem it again with one.
	if len(o.scope.all) == 0 {
		return errf(http.StatusBadRequest, "invalid_request", 28003, "provided value for the input parameter scope cannot be empty when requesting an access token using the provided authorization code. Please specify a valid scope")
	}
	app, acr, oe := s.client(r, o.authority.tenant, tokenURL)
	if oe != nil {
		return oe
	}
	s.mu.Lock()
	ac, ok := s.authCodes[code]
	var reused bool
	if ok {
		reused = ac.used
		ac.used = true
	}
	s.mu.Unlock()
	switch {
	case !ok:
		return errf(http.StatusBadRequest, "invalid_grant", 70000, "the provided authorization code is invalid or malformed")
	case reused:
		return errf(http.StatusBadRequest, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token")
	case s.now().After(ac.expires):
		return errf(http.StatusBadRequest, "invalid_grant", 70008, "the provided authorization code or refresh token has expired due to inactivity")
	case !strings.EqualFold(ac.clientID, app.AppID):
		return errf(http.StatusBadRequest, "invalid_grant", 70000, "the authorization code was issued to a different client")
	case f.Get("redirect_uri") != ac.redirectURI:
		return errf(http.StatusUnauthorized, "invalid_client", 500112, "the reply address %s does not match the reply address %s provided when requesting Authorization code", strconvQuote(f.Get("redirect_uri")), strconvQuote(ac.redirectURI))
	}
	if ac.challenge != "" {
		v := f.Get("code_verifier")
		sum := sha256.Sum256([]byte(v))
		if v == "" || subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(ac.challenge)) != 1 {
			return errf(http.StatusBadRequest, "invalid_grant", 501481, "the code_verifier does not match the code_challenge supplied in the authorization request")
		}
	}
	u := s.dir.users[ac.upn]
	t, oe := userTenant(u, o.authority)
	if oe != nil {
		return oe
	}
	o.user, o.app, o.acr, o.tenant, o.issueRT, o.nonce = u, app, acr, t, true, ac.nonce
	return nil
}

// serveAuthorize answers as if the interactive user signed in and consented, with
// form_post (the default) or a query redirect. Errors about the client or redirect URI are
// shown on an error page, as Entra does; later ones go back to the redirect URI.
func (s *Server) serveAuthorize(w http.ResponseWriter, r *http.Request, seg string) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		methodNotAllowed(w, r, http.MethodGet, http.MethodPost)
		return
	}
	if err := r.ParseForm(); err != nil {
		authorizePage(w, http.StatusBadRequest, "the request could not be parsed")
		return
	}
	if oe := repeatedParameter(r.Form); oe != nil {
		authorizePage(w, oe.status, fmt.Sprintf("AADSTS%d: %s", oe.aadsts, oe.desc))
		return
	}
	q := r.Form
	ts, oe := s.resolveTenant(seg)
	if oe != nil {
		authorizePage(w, http.StatusBadRequest, fmt.Sprintf("AADSTS%d: %s", oe.aadsts, oe.desc))
		return
	}
	app, ok := s.dir.apps[strings.ToLower(q.Get("client_id"))]
	if !ok || (!app.Public && ts.tenant != nil && !app.tenants[ts.tenant.ID]) {
		authorizePage(w, http.StatusBadRequest, fmt.Sprintf("AADSTS700016: application with identifier %s was not found in the directory", strconvQuote(q.Get("client_id"))))
		return
	}
	redirect := q.Get("redirect_uri")
	if !redirectAllowed(app, redirect) {
		authorizePage(w, http.StatusBadRequest, fmt.Sprintf("AADSTS50011: the redirect URI %s specified in the request does not match the redirect URIs configured for the application %s", strconvQuote(redirect), strconvQuote(app.AppID)))
		return
	}
	mode := q.Get("response_mode")
	if mode == "" {
		mode = "query"
	}
	if mode != "query" && mode != "form_post" && mode != "fragment" {
		authorizePage(w, http.StatusBadRequest, "AADSTS900144: the emulator answers with response_mode form_post, query or fragment only")
		return
	}
	answer := func(v url.Values) {
		if st := q.Get("state"); st != "" {
			v.Set("state", st)
		}
		u, _ := url.Parse(redirect)
		switch mode {
		case "form_post":
			formPost(w, redirect, v)
			return
		case "fragment":
			u.Fragment, u.RawFragment = "", ""
			http.Redirect(w, r, u.String()+"#"+v.Encode(), http.StatusFound)
			return
		}
		u.RawQuery = v.Encode()
		http.Redirect(w, r, u.String(), http.StatusFound)
	}
	fail := func(code, desc string) { answer(url.Values{"error": {code}, "error_description": {desc}}) }
	if q.Get("response_type") != "code" {
		fail("unsupported_response_type", "AADSTS700054: the emulator supports response_type code only")
		return
	}
	challenge, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	if challenge != "" && method != "S256" {
		fail("invalid_request", "AADSTS501491: code_challenge_method must be S256")
		return
	}
	if _, oe := parseScope(q.Get("scope"), false); oe != nil {
		fail(oe.code, fmt.Sprintf("AADSTS%d: %s", oe.aadsts, oe.desc))
		return
	}
	s.mu.Lock()
	upn := s.interactive
	s.mu.Unlock()
	u, ok := s.dir.users[strings.ToLower(upn)]
	if !ok {
		fail("interaction_required", "AADSTS50058: no interactive user is set in the emulator (SetInteractiveUser) or the user is unknown")
		return
	}
	if _, oe := userTenant(u, ts); oe != nil {
		fail("access_denied", fmt.Sprintf("AADSTS%d: %s", oe.aadsts, oe.desc))
		return
	}
	code := randomHex(24)
	s.mu.Lock()
	if !s.pruneLocked() {
		s.mu.Unlock()
		fail(errTooManyCodes.code, fmt.Sprintf("AADSTS%d: %s", errTooManyCodes.aadsts, errTooManyCodes.desc))
		return
	}
	s.authCodes[code] = &authCode{clientID: app.AppID, redirectURI: redirect, challenge: challenge, nonce: q.Get("nonce"), upn: strings.ToLower(u.UPN), authority: ts.seg, expires: s.now().Add(10 * time.Minute)}
	s.mu.Unlock()
	answer(url.Values{"code": {code}})
}

// redirectAllowed: exact match, or for http://localhost registrations any port (RFC 8252).
func redirectAllowed(app *appRec, redirect string) bool {
	got, err := url.Parse(redirect)
	if err != nil || redirect == "" {
		return false
	}
	for _, reg := range app.RedirectURIs {
		if reg == redirect {
			return true
		}
		want, err := url.Parse(reg)
		if err != nil {
			continue
		}
		if want.Scheme == "http" && got.Scheme == "http" && (want.Hostname() == "localhost" || want.Hostname() == "127.0.0.1") &&
			got.Hostname() == want.Hostname() && strings.TrimSuffix(got.Path, "/") == strings.TrimSuffix(want.Path, "/") {
			return true
		}
	}
	return false
}

func authorizePage(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!doctype html><title>Sign in error</title><p id=\"error\">%s</p>\n", html.EscapeString(msg))
}

// formPost writes the auto-submitting form of response_mode=form_post.
func formPost(w http.ResponseWriter, action string, v url.Values) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	var b strings.Builder
	fmt.Fprintf(&b, "<!doctype html><html><head><title>Working...</title></head><body onload=\"document.forms[0].submit()\">\n<form method=\"POST\" name=\"hiddenform\" action=\"%s\">\n", html.EscapeString(action))
	for _, k := range []string{"code", "error", "error_description", "state"} {
		if val := v.Get(k); val != "" {
			fmt.Fprintf(&b, "<input type=\"hidden\" name=\"%s\" value=\"%s\">\n", k, html.EscapeString(val))
		}
	}
	b.WriteString("<noscript><input type=\"submit\" value=\"Continue\"></noscript>\n</form></body></html>\n")
	_, _ = w.Write([]byte(b.String()))
}

// maxCodes bounds the authorization and device codes the emulator holds at once: each
// request for one added a code until it expired (15 minutes for a device code), so a
// loop of device code requests grew the emulator by 2 MB a second. A request beyond it
// is answered 429, as Entra ID throttles.
const maxCodes = 10_000

// errTooManyCodes answers a request for a code when maxCodes are held.
var errTooManyCodes = errf(http.StatusTooManyRequests, "temporarily_unavailable", 90033,
	"the emulator holds %d authorization and device codes, the most it keeps: redeem them or let them expire, then retry", maxCodes)

// pruneLocked forgets expired authorization and device codes once there are many, so a
// long-running emulator's memory stays bounded, and reports whether there is room for one
// more (maxCodes); s.mu must be held.
func (s *Server) pruneLocked() bool {
	if len(s.authCodes)+len(s.deviceCodes) < 1024 {
		return true
	}
	now := s.now()
	for k, ac := range s.authCodes {
		if now.After(ac.expires) {
			delete(s.authCodes, k)
		}
	}
	for k, dc := range s.deviceCodes {
		if now.After(dc.expires) {
			s.dropDevice(k)
		}
	}
	return len(s.authCodes)+len(s.deviceCodes) < maxCodes
}
