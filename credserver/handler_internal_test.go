package credserver

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/azcontext/azc/secret"
)

func newInternal(t testing.TB, calls *atomic.Int64) *Server {
	t.Helper()
	s, err := Start(Options{
		LegacyMSI: true,
		Source: TokenSourceFunc(func(context.Context, string) (Token, error) {
			calls.Add(1)
			return Token{AccessToken: secret.New("the-token"), ExpiresOn: time.Unix(1_800_000_000, 0)}, nil
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// A peer off loopback cannot reach a 127.0.0.1 listener, so this refusal is
// tested on the handler with the peer address a proxy or a future listener
// change would produce.
func TestRefusesNonLoopbackPeers(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	s := newInternal(t, &calls)
	for _, peer := range []string{"192.0.2.1:4000", "[2001:db8::1]:4000", "10.0.0.1:80", "not-an-address", ""} {
		req := httptest.NewRequest(http.MethodGet, s.Endpoint()+"?api-version=2019-08-01&resource=https://management.azure.com/", nil)
		req.RemoteAddr = peer
		req.Host = s.ep.Host
		req.Header.Set("X-IDENTITY-HEADER", s.Secret().Reveal())
		w := httptest.NewRecorder()
		s.serveHTTP(w, req)
		if w.Code != http.StatusForbidden || w.Body.Len() != 0 {
			t.Errorf("peer %q: status %d, body %q; want 403 and nothing else", peer, w.Code, w.Body)
		}
	}
	for _, peer := range []string{"127.0.0.1:4000", "127.0.0.2:4000", "[::1]:4000", "[::ffff:127.0.0.1]:4000"} {
		if !loopbackPeer(peer) {
			t.Errorf("loopbackPeer(%q) = false", peer)
		}
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("the source was asked %d times", n)
	}
}

// FuzzRequest throws arbitrary request targets and header values at the
// handler: it must never panic, and never answer 200 or show the token to a
// request that does not carry the secret.
func FuzzRequest(f *testing.F) {
	f.Add("/x/msi/token?api-version=2019-08-01&resource=https://management.azure.com/", "X-IDENTITY-HEADER", "v", "", "GET", true)
	f.Add("/x/msi/token/?resource=https://management.core.windows.net/&api-version=2017-09-01", "secret", "v", "", "GET", true)
	f.Add("/x/msi/token?resource=%zz;a=b&resource=", "x-ms-identity", "", "null", "POST", false)
	f.Add("//x/msi/token?api-version=2018-02-01&resource=/.default&client_id=a&clientid=b", "Origin", "x", "", "GET", true)
	f.Fuzz(func(t *testing.T, target, header, value, origin, method string, withSecret bool) {
		var calls atomic.Int64
		s := newInternal(t, &calls)
		u, err := url.Parse(target)
		if err != nil || !strings.HasPrefix(target, "/") {
			return
		}
		// Put the fuzzed target under the server's real path so that the
		// parsing after the checks is reached.
		real := s.ep.Path + strings.TrimPrefix(u.Path, "/x/msi/token")
		req, err := http.NewRequest(method, "http://"+s.ep.Host+real+"?"+u.RawQuery, nil)
		if err != nil {
			return
		}
		req.RemoteAddr = "127.0.0.1:5000"
		if header != "" && validHeaderName(header) {
			req.Header[header] = []string{value}
		}
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		if withSecret {
			req.Header.Set("X-Identity-Header", s.Secret().Reveal())
		}
		w := httptest.NewRecorder()
		s.serveHTTP(w, req)
		if !s.secretPresented(req.Header) {
			if w.Code == http.StatusOK || calls.Load() != 0 || w.Body.Len() != 0 {
				t.Fatalf("a request without the secret got status %d, body %q, %d source calls", w.Code, w.Body, calls.Load())
			}
		}
		if w.Code != http.StatusOK && strings.Contains(w.Body.String(), "the-token") {
			t.Fatalf("status %d shows the token", w.Code)
		}
	})
}

func validHeaderName(name string) bool {
	for _, c := range name {
		if c <= ' ' || c >= 0x7f || strings.ContainsRune("()<>@,;:\\\"/[]?={}", c) {
			return false
		}
	}
	return name != ""
}
