package session_test

import (
	"os"
	"testing"

	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/session"
)

// BenchmarkOpenLoad is the session's share of every command run in a
// session (and of the prompt helper): open AZC_SESSION and decrypt its
// profile, here holding 50 contexts.
func BenchmarkOpenLoad(b *testing.B) {
	rt := b.TempDir()
	s, env, err := session.New(rt, os.Getpid())
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Update(func(p *profile.Profile) error {
		for i := range 50 {
			p.Contexts = append(p.Contexts, profile.Context{Name: "ctx-" + string(rune('A'+i%26)) + string(rune('a'+i/26)), Account: "a", Environment: "AzureCloud", Tenant: profile.Tenant{ID: "t"}})
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
