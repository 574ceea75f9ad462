package session_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/session"
)

// BenchmarkOpenLoad is the session's share of every command run in a
// session (and of the prompt helper): open AZC_SESSION and decrypt its
// profile, here holding 50 contexts.
func BenchmarkOpenLoad(b *testing.B) { benchmarkOpenLoad(b, 50) }

// BenchmarkOpenLoad10000 is BenchmarkOpenLoad of a session holding 10,000
// contexts: Open and Load decode the profile once between them.
func BenchmarkOpenLoad10000(b *testing.B) { benchmarkOpenLoad(b, 10000) }

func benchmarkOpenLoad(b *testing.B, n int) {
	rt := b.TempDir()
	s, env, err := session.New(rt, os.Getpid())
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Update(func(p *profile.Profile) error {
		for i := range n {
			p.Contexts = append(p.Contexts, profile.Context{Name: fmt.Sprintf("ctx-%05d", i), Account: "azurecloud|home|alice@contoso.com", Environment: "AzureCloud",
				Tenant:       profile.Tenant{ID: "3f2a6b1e-0c4d-4e8a-9b1f-2d3c4e5f6a7b", DefaultDomain: "contoso.onmicrosoft.com"},
				Subscription: &profile.Subscription{ID: fmt.Sprintf("%08d-5555-4666-8777-000000000000", i), Name: fmt.Sprintf("ctx-%05d", i), State: "Enabled"}})
		}
		p.DefaultContext = p.Contexts[7].Name
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		s, err := session.Open(rt, env)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Load(); err != nil {
			b.Fatal(err)
		}
	}
}
