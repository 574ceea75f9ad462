package credserver_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/azcontext/azc/credserver"
)

// BenchmarkTokenResponses measures whole token requests over loopback HTTP
// with keep-alive, the way an SDK in the child sends them: one connection
// in turn ("serial"), and GOMAXPROCS clients at once ("parallel"). The
// budget (docs/benchmarks.md) is 5,000 responses/s.
func BenchmarkTokenResponses(b *testing.B) {
	run := func(b *testing.B, parallel bool) {
		s := start(b, credserver.Options{Source: newSource(b, "bench"), AllowResource: credserver.AllowHosts("management.azure.com")})
		c := client(b)
		get := func() {
			resp, err := c.Do(tokenRequest(b, s, armQuery))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, resp.Body); err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
		get() // open the kept-alive connection
		b.ReportAllocs()
		b.ResetTimer()
		if parallel {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					get()
				}
			})
		} else {
			for b.Loop() {
				get()
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "responses/s")
	}
	b.Run("serial", func(b *testing.B) { run(b, false) })
	b.Run("parallel", func(b *testing.B) { run(b, true) })
}
