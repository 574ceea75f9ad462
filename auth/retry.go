package auth

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync/atomic"
	"time"
)

// retryingClient is the HTTP client every request to the identity
// provider goes through (MSAL's metadata, device code and token requests;
// the managed identity endpoint): it tries a request again, up to
// tokenRetries times, when no answer came (the connection failed, was
// reset or timed out) or the identity provider answered 408, 429 or 5xx.
// It waits the answer's Retry-After when one is sent and is no longer than
// maxRetryAfter (a longer one ends the retries at once), else a backoff
// doubling from the base delay; it never waits past the request's
// deadline and stops the moment its context is cancelled.
//
// An authorization code is single-use: Entra ID refuses a second
// redemption (AADSTS54005) and may revoke what the first one issued. So a
// token request that redeems one (grant_type=authorization_code) is sent
// again only when the identity provider certainly did not act on it: the
// request never left (no connection), or the answer was 429 or 503. Every
// other request azc sends is safe to repeat: metadata reads, device code
// polls (made to be repeated), client credentials and refresh token
// grants (Entra ID keeps a redeemed refresh token valid).
type retryingClient struct {
	hc   *http.Client
	base time.Duration // first backoff without Retry-After
	most time.Duration // longest backoff without Retry-After
	log  *slog.Logger
}

// retryingHTTPClient is hc wrapped in the retries of retryingClient, with the
// backoff of cfg.Retry (RetryDelay, MaxRetryDelay) when set.
func (m *Manager) retryingHTTPClient(hc *http.Client) *retryingClient {
	c := &retryingClient{hc: hc, base: 500 * time.Millisecond, most: 4 * time.Second, log: m.log}
	if m.cfg.Retry.RetryDelay > 0 {
		c.base = m.cfg.Retry.RetryDelay
	}
	if m.cfg.Retry.MaxRetryDelay > 0 {
		c.most = m.cfg.Retry.MaxRetryDelay
	}
	return c
}

// CloseIdleConnections closes the wrapped client's idle connections.
func (c *retryingClient) CloseIdleConnections() { c.hc.CloseIdleConnections() }

// Do sends req, retrying as the type's comment says. The response or
// error returned is the last try's.
func (c *retryingClient) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	body, err := replayableBody(req)
	if err != nil {
		return nil, err
	}
	codeGrant := req.Method == http.MethodPost && body != nil && isCodeRedemption(body)
	for attempt := 0; ; attempt++ {
		try := req.Clone(ctx)
		if body != nil {
			try.Body = io.NopCloser(bytes.NewReader(body))
			try.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		}
		var wrote atomic.Bool
		try = try.WithContext(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
			WroteHeaders: func() { wrote.Store(true) },
		}))
		resp, err := c.hc.Do(try)
		if attempt == tokenRetries || ctx.Err() != nil {
			return resp, err
		}
		var d time.Duration
		switch {
		case err != nil:
			if codeGrant && wrote.Load() {
				return resp, err
			}
			d = c.backoff(attempt)
		case retryable(resp.StatusCode):
			if codeGrant && resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
				return resp, err
			}
			var ok bool
			if d, ok = c.retryAfter(resp.Header.Get("Retry-After"), attempt); !ok {
				return resp, err
			}
		default:
			return resp, err
		}
		if dl, has := ctx.Deadline(); has && time.Until(dl) < d {
			return resp, err
		}
		what := "no answer"
		if resp != nil {
			what = resp.Status
			drain(resp.Body)
		}
		c.log.Debug("identity provider request failed; retrying", "url", redactedURL(req.URL), "answer", what, "after", d, "attempt", attempt+1)
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("%s %s: %w", req.Method, redactedURL(req.URL), context.Cause(ctx))
		}
	}
}

// backoff is the wait before try attempt+2 when no Retry-After applies.
func (c *retryingClient) backoff(attempt int) time.Duration {
	d := c.base << attempt
	if d <= 0 || d > c.most {
		d = c.most
	}
	return d
}

// retryAfter is the wait a Retry-After value v (seconds or an HTTP date)
// asks for; ok is false when it is longer than maxRetryAfter. Without a
// readable value the backoff applies.
func (c *retryingClient) retryAfter(v string, attempt int) (time.Duration, bool) {
	if v == "" {
		return c.backoff(attempt), true
	}
	d, ok := parseRetryAfter(v)
	if !ok {
		return c.backoff(attempt), true
	}
	return d, d <= maxRetryAfter
}

// replayableBody reads req's body into memory so that every try sends it
// whole; nil when the request has none. MSAL's bodies are small forms.
func replayableBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	rc := req.Body
	if req.GetBody != nil {
		var err error
		if rc, err = req.GetBody(); err != nil {
			return nil, err
		}
		_ = req.Body.Close()
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("read the request body: %w", err)
	}
	return b, nil
}

// isCodeRedemption reports whether a form body redeems an authorization
// code.
func isCodeRedemption(body []byte) bool {
	form, err := url.ParseQuery(string(body))
	return err == nil && form.Get("grant_type") == "authorization_code"
}

// redactedURL is u's scheme and host: a managed identity endpoint may
// carry a secret in its path, and queries carry hints and codes.
func redactedURL(u *url.URL) string {
	return (&url.URL{Scheme: u.Scheme, Host: u.Host}).String()
}
