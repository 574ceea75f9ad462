package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/azcontext/azc/credserver/endpoint"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/secret"
)

// The App Service managed identity protocol (api-version 2019-08-01), which
// azc speaks itself rather than through MSAL's managedidentity package: that
// one reads the process environment and keeps a process-global cache,
// neither of which the library may rely on.
const (
	envIdentityEndpoint = "IDENTITY_ENDPOINT"
	envIdentityHeader   = "IDENTITY_HEADER"
)

// ErrNoManagedIdentity says no managed identity endpoint is reachable from
// this process.
var ErrNoManagedIdentity = errors.New("no managed identity endpoint: " + envIdentityEndpoint + " and " + envIdentityHeader + " are not set")

// ErrExecServer says IDENTITY_ENDPOINT is the credential server of an
// `azc exec` this process runs under, serving that exec's context, where a
// managed identity's token was asked for: its tokens are not the managed
// identity's.
var ErrExecServer = errors.New(envIdentityEndpoint + " points at the credential server of the `azc exec` this runs under, which serves that exec's context, not this machine's managed identity: use the managed identity outside that azc exec")

// managedIdentityToken asks the App Service endpoint for a token for scope.
func (m *Manager) managedIdentityToken(ctx context.Context, env profile.Environment, acct profile.Account, scope string) (Token, error) {
	addr, header := m.cfg.Getenv(envIdentityEndpoint), m.cfg.Getenv(envIdentityHeader)
	if addr == "" || header == "" {
		return Token{}, ErrNoManagedIdentity
	}
	u, err := url.Parse(addr)
	if err != nil {
		return Token{}, fmt.Errorf("managed identity endpoint is not a URL: %w", err)
	}
	q := u.Query()
	q.Set("api-version", "2019-08-01")
	q.Set("resource", strings.TrimSuffix(scope, "/.default"))
	switch {
	case acct.ClientID != "":
		q.Set("client_id", acct.ClientID)
	case acct.ResourceID != "":
		q.Set("mi_res_id", acct.ResourceID)
	}
	u.RawQuery = q.Encode()
	hc, err := m.httpClient(env)
	if err != nil {
		return Token{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Token{}, err
	}
	req.Header.Set("X-IDENTITY-HEADER", header)
	resp, err := m.retryingHTTPClient(hc).Do(req)
	if err != nil {
		return Token{}, fmt.Errorf("managed identity endpoint: %w", redactURLError(err))
	}
	defer drain(resp.Body)
	if v := resp.Header.Get(endpoint.AccountHeader); v != "" {
		// an azc exec's server: it serves this account, or another one
		if served, err := url.QueryUnescape(v); err != nil || served != acct.Key() {
			return Token{}, ErrExecServer
		}
	}
	if resp.StatusCode != http.StatusOK {
		return Token{}, &StatusError{Op: "managed identity endpoint", Status: resp.StatusCode,
			Text: secret.Redact(secret.Scrub(resp.Status), secret.New(header))}
	}
	var body struct {
		AccessToken string          `json:"access_token"`
		ExpiresOn   json.RawMessage `json:"expires_on"`
		ExpiresIn   json.RawMessage `json:"expires_in"`
	}
	// An answer holds a token of a few KiB: one without end is not read
	// without end.
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxAnswer)).Decode(&body); err != nil || body.AccessToken == "" {
		return Token{}, fmt.Errorf("managed identity endpoint sent no token (in the first MiB of its answer)")
	}
	t := Token{AccessToken: secret.New(body.AccessToken)}
	if n, ok := jsonInt(body.ExpiresOn); ok {
		t.ExpiresOn = time.Unix(n, 0)
	} else if n, ok := jsonInt(body.ExpiresIn); ok {
		t.ExpiresOn = m.cfg.Now().Add(time.Duration(n) * time.Second)
	} else {
		return Token{}, fmt.Errorf("managed identity endpoint sent no expiry")
	}
	t.TenantID = claimString(body.AccessToken, "tid")
	return t, nil
}

// maxAnswer is the most of a managed identity endpoint's answer azc reads.
const maxAnswer = 1 << 20

// jsonInt reads a JSON number or numeric string.
func jsonInt(raw json.RawMessage) (int64, bool) {
	s := strings.Trim(string(raw), `"`)
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

func retryable(status int) bool {
	switch status {
	case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// redactURLError drops the query string from a *url.Error: a managed
// identity URL may carry a secret in its path or query.
func redactURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}
