package emulator

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// sign signs claims as an RS256 JWT with the emulator's key.
func (s *Server) sign(claims jwt.MapClaims) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	t.Header["kid"] = s.kid
	tok, err := t.SignedString(s.signKey)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return tok, nil
}

// jwks is the JSON Web Key Set with the signing key.
func (s *Server) jwks() map[string]any {
	pub := s.signKey.PublicKey
	return map[string]any{"keys": []map[string]any{{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": s.kid,
		"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}}
}

func (s *Server) serveJWKS(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		methodNotAllowed(w, r, http.MethodGet)
		return
	}
	writeJSON(w, http.StatusOK, s.jwks())
}

// FederatedToken mints a workload identity token from FederationIssuer for subject and
// audience (default DefaultFederatedAudience), valid for ten minutes. An app whose
// federated credential names FederationIssuer and subject accepts it as client_assertion.
func (s *Server) FederatedToken(subject, audience string) (string, error) {
	if subject == "" {
		return "", errors.New("federated token: empty subject")
	}
	if audience == "" {
		audience = DefaultFederatedAudience
	}
	now := s.now()
	return s.sign(jwt.MapClaims{
		"iss": FederationIssuer, "sub": subject, "aud": audience, "jti": uuid.NewString(),
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(),
	})
}

// accessClaims are the claims of a token the emulator issued, as ARM sees them.
type accessClaims = jwt.MapClaims

// verifyAccessToken checks signature, exp, nbf and issuer of a token the emulator issued.
func (s *Server) verifyAccessToken(raw string) (accessClaims, error) {
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(raw, claims, func(t *jwt.Token) (any, error) {
		if kid, _ := t.Header["kid"].(string); kid != s.kid {
			return nil, errors.New("unknown signing key")
		}
		return &s.signKey.PublicKey, nil
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(s.now), jwt.WithExpirationRequired(), jwt.WithLeeway(5*time.Second))
	if err != nil {
		return nil, err
	}
	tid, _ := claims["tid"].(string)
	if iss, _ := claims["iss"].(string); tid == "" || iss != "https://sts.windows.net/"+tid+"/" {
		return nil, errors.New("the token was not issued by the emulator's security token service")
	}
	return claims, nil
}

// audiences returns the aud claim as a list.
func audiences(c jwt.MapClaims) []string {
	aud, err := c.GetAudience()
	if err != nil {
		return nil
	}
	return aud
}

// assertionError is a client assertion failure with its AADSTS code.
type assertionError struct {
	code int
	msg  string
}

func (e *assertionError) Error() string { return e.msg }

// checkAssertion verifies a client assertion for app: a certificate assertion signed by
// one of the app's certificates (x5t#S256 or x5t), or a federated token matching one of
// its federated credentials. tokenURL is the URL the request was sent to.
func (s *Server) checkAssertion(app *appRec, assertion, tokenURL string) error {
	parser := jwt.NewParser()
	unverified := jwt.MapClaims{}
	tok, _, err := parser.ParseUnverified(assertion, unverified)
	if err != nil {
		return &assertionError{50027, "the client assertion is not a valid JWT: " + err.Error()}
	}
	iss, _ := unverified["iss"].(string)
	sub, _ := unverified["sub"].(string)
	_, hasS256 := tok.Header["x5t#S256"]
	_, hasSHA1 := tok.Header["x5t"]
	// A certificate assertion names a certificate and is issued by an application,
	// whose id is a GUID; a federated one comes from an issuer, a URL.
	_, guidErr := uuid.Parse(iss)
	if (hasS256 || hasSHA1) && (strings.EqualFold(iss, app.AppID) || strings.EqualFold(sub, app.AppID) || guidErr == nil) {
		return s.checkCertAssertion(app, assertion, tok, iss, sub, tokenURL)
	}
	return s.checkFederatedAssertion(app, assertion, iss, sub)
}

func (s *Server) checkCertAssertion(app *appRec, assertion string, tok *jwt.Token, iss, sub, tokenURL string) error {
	if !strings.EqualFold(iss, app.AppID) {
		return &assertionError{700021, fmt.Sprintf("client assertion application identifier %s doesn't match 'client_id' parameter %s. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials", strconvQuote(iss), strconvQuote(app.AppID))}
	}
	if !strings.EqualFold(sub, iss) {
		return &assertionError{50048, "subject mismatches Issuer claim in the client assertion"}
	}
	s256, _ := tok.Header["x5t#S256"].(string)
	sha1t, _ := tok.Header["x5t"].(string)
	var key any
	for _, c := range app.certs {
		h := sha256.Sum256(c.Raw)
		h1 := sha1.Sum(c.Raw)
		if (s256 != "" && thumbprintEqual(s256, h[:])) || (sha1t != "" && thumbprintEqual(sha1t, h1[:])) {
			key = c.PublicKey
			break
		}
	}
	if key == nil {
		return &assertionError{700027, fmt.Sprintf("client assertion failed signature validation: the certificate with thumbprint %q is not registered for application %s", s256+sha1t, app.AppID)}
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(assertion, claims, func(*jwt.Token) (any, error) { return key, nil },
		jwt.WithValidMethods([]string{"PS256", "RS256"}), jwt.WithTimeFunc(s.now), jwt.WithExpirationRequired(), jwt.WithLeeway(time.Minute))
	if err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) || errors.Is(err, jwt.ErrTokenNotValidYet) {
			return &assertionError{700024, "the client assertion is not within its valid time range"}
		}
		return &assertionError{700027, "client assertion failed signature validation: " + err.Error()}
	}
	if !slices.ContainsFunc(audiences(claims), func(a string) bool { return s.sameTokenEndpoint(a, tokenURL) }) {
		return &assertionError{700023, fmt.Sprintf("client assertion audience claim does not match Realm issuer: it must be the token endpoint %s. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials", tokenURL)}
	}
	return nil
}

// sameTokenEndpoint reports whether aud names the token endpoint at tokenURL: the same
// URL, or one naming the same tenant by its id or another of its domains, as Entra ID
// compares an assertion's audience with the realm the request is for.
func (s *Server) sameTokenEndpoint(aud, tokenURL string) bool {
	if strings.EqualFold(aud, tokenURL) {
		return true
	}
	a, err1 := url.Parse(aud)
	t, err2 := url.Parse(tokenURL)
	if err1 != nil || err2 != nil || a.Scheme != "https" || !strings.EqualFold(a.Host, t.Host) || a.RawQuery != "" || a.Fragment != "" {
		return false
	}
	aTenant, aRest, _ := strings.Cut(strings.TrimPrefix(a.Path, "/"), "/")
	tTenant, tRest, _ := strings.Cut(strings.TrimPrefix(t.Path, "/"), "/")
	if !strings.EqualFold(aRest, tRest) {
		return false
	}
	at, err1 := s.dir.tenant(aTenant)
	tt, err2 := s.dir.tenant(tTenant)
	return err1 == nil && err2 == nil && at == tt
}

func (s *Server) checkFederatedAssertion(app *appRec, assertion, iss, sub string) error {
	var matching []FederatedCredential
	for _, fc := range app.FederatedCredentials {
		if fc.Issuer == iss {
			matching = append(matching, fc)
		}
	}
	if len(matching) == 0 {
		return &assertionError{700211, fmt.Sprintf("no matching federated identity record found for presented assertion issuer %q", iss)}
	}
	var keys []any
	if iss == FederationIssuer {
		keys = []any{&s.signKey.PublicKey}
	} else {
		keys = s.dir.issuers[iss]
	}
	if len(keys) == 0 {
		return &assertionError{700211, fmt.Sprintf("the emulator has no keys for federated issuer %q", iss)}
	}
	claims := jwt.MapClaims{}
	var lastErr error
	for _, k := range keys {
		clear(claims)
		_, lastErr = jwt.ParseWithClaims(assertion, claims, func(*jwt.Token) (any, error) { return k, nil },
			jwt.WithValidMethods([]string{"RS256", "PS256", "ES256"}), jwt.WithTimeFunc(s.now), jwt.WithExpirationRequired(), jwt.WithLeeway(time.Minute))
		if lastErr == nil {
			break
		}
	}
	if lastErr != nil {
		if errors.Is(lastErr, jwt.ErrTokenExpired) || errors.Is(lastErr, jwt.ErrTokenNotValidYet) {
			return &assertionError{700024, "the client assertion is not within its valid time range"}
		}
		return &assertionError{700027, "client assertion failed signature validation: " + lastErr.Error()}
	}
	var bySubject []FederatedCredential
	for _, fc := range matching {
		if fc.Subject == sub {
			bySubject = append(bySubject, fc)
		}
	}
	if len(bySubject) == 0 {
		return &assertionError{700213, fmt.Sprintf("no matching federated identity record found for presented assertion subject %q", sub)}
	}
	aud := audiences(claims)
	for _, fc := range bySubject {
		for _, a := range fc.Audiences {
			if slices.Contains(aud, a) {
				return nil
			}
		}
	}
	return &assertionError{700212, fmt.Sprintf("no matching federated identity record found for presented assertion audience %q", strings.Join(aud, " "))}
}

// thumbprintEqual compares a base64 (standard or URL, padded or not) thumbprint to sum.
func thumbprintEqual(b64 string, sum []byte) bool {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if got, err := enc.DecodeString(b64); err == nil {
			return string(got) == string(sum)
		}
	}
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
