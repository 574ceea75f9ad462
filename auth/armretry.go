package auth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// Retry says that a request to ARM is being sent again (Progress.Retry):
// a try met a timeout, a 429 or a 5xx, and the user waits on.
type Retry struct {
	// Why is what became of the try before: "ARM at HOST did not answer
	// in 30s", "ARM at HOST answered 503 Service Unavailable".
	Why string
	// Try is this try, 2 or more, of at most Tries.
	Try, Tries int
}

// retryNoticeKey is the context key of the function a population gives
// its ARM requests to report their retries with (withRetryNotice).
type retryNoticeKey struct{}

// withRetryNotice returns ctx with notify, called by every ARM request
// made under it (through ARMClientOptions) before it is sent again.
func withRetryNotice(ctx context.Context, notify func(Retry)) context.Context {
	return context.WithValue(ctx, retryNoticeKey{}, notify)
}

// triesKey is the context key of one ARM request's tries.
type triesKey struct{}

// tries is what one ARM request's tries have met.
type tries struct {
	notify func(Retry)
	n      int    // tries begun
	why    string // what became of the last
}

// retryCounting is ARM's per-call policy that gives each request under a
// retry notice (withRetryNotice) its own count of tries.
type retryCounting struct{}

func (retryCounting) Do(req *policy.Request) (*http.Response, error) {
	ctx := req.Raw().Context()
	notify, ok := ctx.Value(retryNoticeKey{}).(func(Retry))
	if !ok {
		return req.Next()
	}
	return req.Clone(context.WithValue(ctx, triesKey{}, &tries{notify: notify})).Next()
}

// retryNotice is ARM's per-retry policy that reports every try but the
// first to the request's retry notice, with what became of the one
// before. tryTimeout and maxTries are the retry policy's.
type retryNotice struct {
	tryTimeout time.Duration
	maxTries   int
}

func (p retryNotice) Do(req *policy.Request) (*http.Response, error) {
	t, ok := req.Raw().Context().Value(triesKey{}).(*tries)
	if !ok {
		return req.Next()
	}
	if t.n++; t.n > 1 {
		t.notify(Retry{Why: t.why, Try: t.n, Tries: p.maxTries})
	}
	resp, err := req.Next()
	host := req.Raw().URL.Host
	var ne net.Error
	switch {
	case err == nil:
		t.why = fmt.Sprintf("ARM at %s answered %d %s", host, resp.StatusCode, http.StatusText(resp.StatusCode))
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		t.why = fmt.Sprintf("ARM at %s did not answer in %s", host, p.tryTimeout)
	default:
		t.why = fmt.Sprintf("no answer from ARM at %s", host)
	}
	return resp, err
}

// armTries is how many times a request to ARM is sent at most under r,
// as azcore's retry policy counts them.
func armTries(r policy.RetryOptions) int {
	switch {
	case r.MaxRetries < 0:
		return 1
	case r.MaxRetries == 0:
		return 4 // azcore's default: 3 retries
	}
	return int(r.MaxRetries) + 1
}
