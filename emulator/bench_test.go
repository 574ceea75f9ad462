package emulator_test

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/emulator/emulatortest"
)

// BenchmarkTokenRequests measures client-credentials token requests per second over
// loopback TLS with keep-alive (run with -cpu to set the client's parallelism).
func BenchmarkTokenRequests(b *testing.B) {
	body := url.Values{"grant_type": {"client_credentials"}, "client_id": {emulator.DefaultServicePrincipalID},
		"client_secret": {emulator.DefaultServicePrincipalSecret}, "scope": {armScope + " openid offline_access profile"}}.Encode()
	benchmarkTokens(b, func() string { return body })
}

// BenchmarkTokenRequestsSigned asks for a new resource each time, so every answer carries
// a freshly signed RS256 token (the emulator reuses identical app-only tokens within a
// second); it measures the RSA-bound worst case.
func BenchmarkTokenRequestsSigned(b *testing.B) {
	var n atomic.Int64
	benchmarkTokens(b, func() string {
		return url.Values{"grant_type": {"client_credentials"}, "client_id": {emulator.DefaultServicePrincipalID},
			"client_secret": {emulator.DefaultServicePrincipalSecret},
			"scope":         {"api://bench-" + strconv.FormatInt(n.Add(1), 10) + "/.default"}}.Encode()
	})
}

func benchmarkTokens(b *testing.B, body func() string) {
	s := emulatortest.Start(b, nil)
	tokenURL := s.URL() + "/" + emulator.DefaultHomeTenantID + "/oauth2/v2.0/token"
	client := s.Client()
	b.ReportAllocs()
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := client.Post(tokenURL, "application/x-www-form-urlencoded", strings.NewReader(body()))
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
