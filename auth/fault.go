package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// How a token acquisition behaves when the identity provider fails.
const (
	// DefaultTokenTimeout bounds one acquisition, retries included, when
	// Config.TokenTimeout is zero. It is below credstore's lock timeout, so
	// that processes waiting for the account's lock behind a hung request
	// get the lock, and the holder's failure, before their wait times out.
	DefaultTokenTimeout = 6 * time.Second
	// lockSlack is how much longer than the acquisition a process waits for
	// the account's lock: the holder's own bound plus the time to record
	// its failure and unlock.
	lockSlack = 2 * time.Second
	// tokenRetries is how many times a request to the identity provider is
	// sent again after no answer or a 408, 429 or 5xx one (retryingClient).
	tokenRetries = 2
	// maxRetryAfter bounds the Retry-After honoured: a longer one ends the
	// retries at once rather than retrying early.
	maxRetryAfter = 5 * time.Second
	// failureWindow is how long a failed acquisition is shared: a process
	// that takes the account's lock within it gets the same error without
	// asking the identity provider again.
	failureWindow = 5 * time.Second
)

// failureKey is the blob beside an account's blob (key) that records its
// last failed acquisition. It is read and written under key's lock, and
// deleted with the account's blob (DropCredentials).
func failureKey(key string) string { return key + "|failure" }

// failureRecord is a failed acquisition as other processes see it: what
// failed and when, never a token or a secret (AADError holds neither).
type failureRecord struct {
	At          time.Time `json:"at"`
	Request     string    `json:"request"`
	Message     string    `json:"message"`
	Op          string    `json:"op,omitempty"`
	Code        string    `json:"code,omitempty"`
	Description string    `json:"description,omitempty"`
	Status      int       `json:"status,omitempty"`
}

// SharedFailureError is the failure of another process's acquisition for
// the same account moments ago, returned instead of asking the identity
// provider again. It unwraps to that failure (an *AADError when Entra ID
// answered, so errors.Is(err, ErrInteractionRequired) still holds).
type SharedFailureError struct {
	// At is when the other acquisition failed.
	At  time.Time
	Err error
}

func (e *SharedFailureError) Error() string {
	return e.Err.Error() + " (another azc process just failed the same way; retry in a few seconds)"
}

func (e *SharedFailureError) Unwrap() error { return e.Err }

// recentFailure returns the failure recorded for key within failureWindow,
// or nil; recorded reports whether a record exists at all. A record that
// cannot be read counts as none.
func (m *Manager) recentFailure(blobs Blobs, key, request string) (err error, recorded bool) {
	data, gerr := blobs.Get(failureKey(key))
	if gerr != nil {
		return nil, false
	}
	var rec failureRecord
	if json.Unmarshal(data, &rec) != nil {
		return nil, true
	}
	now := m.cfg.Now()
	if rec.Request != request || rec.At.After(now) || now.Sub(rec.At) >= failureWindow {
		return nil, true
	}
	var err2 error = errors.New(rec.Message)
	if rec.Code != "" {
		err2 = &AADError{Op: rec.Op, Code: rec.Code, Description: rec.Description, Status: rec.Status}
	}
	return &SharedFailureError{At: rec.At, Err: err2}, true
}

// recordFailure shares err with the processes waiting for key's lock. It
// is best effort: a failure to record only costs the waiters their own
// attempt.
func (m *Manager) recordFailure(blobs Blobs, key, request string, err error) {
	rec := failureRecord{At: m.cfg.Now(), Request: request, Message: err.Error()}
	var ae *AADError
	if errors.As(err, &ae) {
		rec.Op, rec.Code, rec.Description, rec.Status = ae.Op, ae.Code, ae.Description, ae.Status
	}
	data, merr := json.Marshal(rec)
	if merr != nil {
		return
	}
	if perr := blobs.Put(failureKey(key), data); perr != nil {
		m.log.Debug("could not share a failed acquisition", "err", perr)
	}
}

// acquireOnce runs acquire under the account's lock for all processes:
// within failureWindow of a transient failure (see transient) of the same
// request (tenant, scopes, claims) it returns that failure instead of
// asking again, and it records its own transient failure for the others.
// The lock wait and the acquisition are bounded by the token timeout, so
// behind a hung identity provider every waiter fails with the holder's
// timeout, not at the lock's. parent's own cancellation is not shared.
func (m *Manager) acquireOnce(parent context.Context, blobs Blobs, key, request, who string, acquire func(ctx context.Context) (Token, error)) (Token, error) {
	timeout := m.cfg.TokenTimeout
	if timeout <= 0 {
		timeout = DefaultTokenTimeout
	}
	lockCtx, cancelLock := context.WithTimeout(parent, timeout+lockSlack)
	defer cancelLock()
	unlock, err := blobs.Lock(lockCtx, key)
	if err != nil {
		return Token{}, fmt.Errorf("lock the credentials of %s: %w", who, err)
	}
	defer unlock()
	shared, recorded := m.recentFailure(blobs, key, request)
	if shared != nil {
		return Token{}, shared
	}
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	tok, err := acquire(ctx)
	if err != nil && parent.Err() == nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = &tokenTimeoutError{who: who, after: timeout, err: err}
		}
		if transient(err) {
			m.recordFailure(blobs, key, request, err)
		}
		return Token{}, err
	}
	if err == nil && recorded {
		_ = blobs.Delete(failureKey(key))
	}
	return tok, err
}

// transient reports whether err is a failure of the identity provider or
// the network that another process asking now would meet too: a 429 or
// 5xx answer, a timeout, a connection that failed. Errors that depend on
// the request or the local credentials (a 400, a federated token file just
// replaced) are never shared.
func transient(err error) bool {
	var ae *AADError
	var se *StatusError
	var ne net.Error
	switch {
	case errors.As(err, &ae):
		return ae.Status == http.StatusTooManyRequests || ae.Status >= 500
	case errors.As(err, &se):
		return se.Status == http.StatusTooManyRequests || se.Status >= 500
	}
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne)
}

// parseRetryAfter reads a Retry-After value: whole seconds or an HTTP
// date.
func parseRetryAfter(v string) (time.Duration, bool) {
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

// tokenTimeoutError is an acquisition the identity provider did not answer
// within the token timeout. It says so once (the error it wraps repeats
// the operation and ends in Go's "context deadline exceeded") and unwraps
// to it.
type tokenTimeoutError struct {
	who   string
	after time.Duration
	err   error
}

func (e *tokenTimeoutError) Error() string {
	at := ""
	var na *noAnswerError
	if errors.As(e.err, &na) {
		if u, err := url.Parse(na.err.URL); err == nil && u.Host != "" {
			at = " at " + u.Host
		}
	}
	return fmt.Sprintf("get a token for %s: the identity provider%s did not answer within %s", e.who, at, e.after)
}

func (e *tokenTimeoutError) Unwrap() error { return e.err }

// Hint says what to do: the failure is shared with other processes for
// failureWindow, so a try before then gets it again.
func (e *tokenTimeoutError) Hint() string {
	return fmt.Sprintf("try again in %s or more; if it keeps failing, check the network, or the proxy (HTTPS_PROXY) between this machine and the identity provider", failureWindow)
}
