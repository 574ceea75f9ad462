package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/azcontext/azc/emulator"
)

// helperResult is how one helper process (one `azc token`) ended.
type helperResult struct {
	code   int
	stderr string
}

// refreshStorm signs alice in, expires her access tokens, injects fault on
// the token endpoint and runs 16 helper processes that each need a token
// for her at once. It returns how each ended and how many refresh grants
// reached the identity provider.
func refreshStorm(t *testing.T, fault emulator.Fault, timeout time.Duration) ([]helperResult, int) {
	t.Helper()
	s := startEmulator(t, nil)
	m := newTestManager(s, nil)
	res := deviceLogin(t, s, m, emulator.DefaultUser)
	store, dir, key := openTestStore(t)
	if err := res.Save(context.Background(), store, nil); err != nil {
		t.Fatal(err)
	}
	expireAccessTokens(t, store, res.Account.Key())
	env := emulatorEnv(s)
	env.CAFile = filepath.Join(t.TempDir(), "ca.pem")
	if err := s.WriteCAFile(env.CAFile); err != nil {
		t.Fatal(err)
	}
	spec, _ := json.Marshal(helperSpec{Dir: dir, Key: key, Env: env, Account: res.Account, Timeout: timeout})
	s.ResetCounts()
	s.SetFault(emulator.RouteToken, fault)
	results := make([]helperResult, 16)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), helperEnv+"="+string(spec))
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			var ee *exec.ExitError
			if err != nil && !errors.As(err, &ee) {
				t.Errorf("helper: %v", err)
			}
			results[i] = helperResult{code: cmd.ProcessState.ExitCode(), stderr: stderr.String()}
		})
	}
	wg.Wait()
	return results, s.Count(emulator.RouteToken, "refresh_token")
}

func TestARefreshStormThrottledOnceMakesTwoRequests(t *testing.T) {
	t.Parallel()
	results, n := refreshStorm(t, emulator.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second, Times: 1}, 0)
	for i, r := range results {
		if r.code != 0 {
			t.Errorf("process %d failed after a single 429 with Retry-After: %s", i, r.stderr)
		}
	}
	if n != 2 {
		t.Errorf("refresh grants = %d, want 2 (the 429 and its retry after Retry-After)", n)
	}
}

func TestARefreshStormMeetingA503ShareItsFailure(t *testing.T) {
	t.Parallel()
	results, n := refreshStorm(t, emulator.Fault{Status: http.StatusServiceUnavailable, RetryAfter: time.Second}, 0)
	for i, r := range results {
		if r.code == 0 || !strings.Contains(r.stderr, "503") {
			t.Errorf("process %d: exit %d, stderr %q; want a failure naming the 503", i, r.code, r.stderr)
		}
	}
	if want := 1 + tokenRetries; n != want {
		t.Errorf("refresh grants = %d, want %d (one process's request and its retries; the others share its failure)", n, want)
	}
}

func TestARefreshStormBehindAHungProviderFailsAtTheTokenTimeout(t *testing.T) {
	t.Parallel()
	results, n := refreshStorm(t, emulator.Fault{Hang: true}, 2*time.Second)
	for i, r := range results {
		// A waiter that gave up at the lock would say so ("lock the
		// credentials … timed out"); each must carry the holder's timeout.
		if r.code == 0 || !strings.Contains(r.stderr, "did not answer within 2s") || strings.Contains(r.stderr, "lock") {
			t.Errorf("process %d: exit %d, stderr %q; want the identity provider's timeout, shared", i, r.code, r.stderr)
		}
		// said once, in words: not "get a token for …: …: get a token for
		// …: …: context deadline exceeded"
		if strings.Count(r.stderr, "get a token for") != 1 || strings.Contains(r.stderr, "deadline exceeded") {
			t.Errorf("process %d: stderr %q; want the timeout said once, without Go's words", i, r.stderr)
		}
	}
	if n != 1 {
		t.Errorf("refresh grants = %d, want 1", n)
	}
}

func TestARetryAfterBeyondTheBoundFailsAtOnce(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	m := newTestManager(s, nil)
	res := deviceLogin(t, s, m, emulator.DefaultUser)
	blobs := newMemBlobs()
	if err := res.Save(context.Background(), blobs, nil); err != nil {
		t.Fatal(err)
	}
	expireAccessTokens(t, blobs, res.Account.Key())
	s.ResetCounts()
	s.SetFault(emulator.RouteToken, emulator.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Minute})
	_, err := m.Token(context.Background(), blobs, emulatorEnv(s), res.Account, TokenRequest{})
	var ae *AADError
	var se *StatusError
	if !errors.As(err, &ae) && !errors.As(err, &se) {
		t.Fatalf("Token = %v; want the 429 answer", err)
	}
	if n := s.Count(emulator.RouteToken, "refresh_token"); n != 1 {
		t.Errorf("refresh grants = %d, want 1: a Retry-After of a minute is not waited for", n)
	}
	// The failure is shared with the next request for a few seconds; a
	// request for another resource is not held by it.
	_, err = m.Token(context.Background(), blobs, emulatorEnv(s), res.Account, TokenRequest{})
	var shared *SharedFailureError
	if !errors.As(err, &shared) {
		t.Errorf("second Token = %v; want the shared failure", err)
	}
	if n := s.Count(emulator.RouteToken, "refresh_token"); n != 1 {
		t.Errorf("refresh grants = %d after the second request, want still 1", n)
	}
	s.ClearFaults()
	if _, err := m.Token(context.Background(), blobs, emulatorEnv(s), res.Account, TokenRequest{Scopes: []string{"https://vault.azure.net/.default"}}); err != nil {
		t.Errorf("a request for another resource: %v", err)
	}
}
