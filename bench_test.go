package azc_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/profile"
)

func benchState(b *testing.B, n int) *azc.State {
	b.Helper()
	st, err := azc.Open(azc.Options{Dir: filepath.Join(b.TempDir(), "azc")})
	if err != nil {
		b.Fatal(err)
	}
	acct := profile.Account{ID: "alice@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "home"}
	_, err = st.Update(azc.ScopeUser, func(p *profile.Profile) error {
		p.UpsertAccount(acct)
		cs := make([]profile.Context, n)
		for i := range cs {
			t := fmt.Sprintf("%08x-aaaa-4bbb-8ccc-%012x", i%100, i%100)
			cs[i] = profile.Context{Account: acct.Key(), Tenant: profile.Tenant{ID: t},
				Subscription: &profile.Subscription{ID: fmt.Sprintf("%08x-5555-4666-8777-%012x", i, i), Name: fmt.Sprintf("Workload %05d", i), TenantID: t}}
		}
		_, err := p.UpsertContexts(cs, profile.UpsertOptions{})
		p.DefaultContext = "Workload 00000"
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return st
}

// BenchmarkResolveDefault1000 is the library side of `azc context show`.
func BenchmarkResolveDefault1000(b *testing.B) {
	st := benchState(b, 1000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := st.Resolve(""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkContexts1000 is the library side of `azc context list`.
func BenchmarkContexts1000(b *testing.B) {
	st := benchState(b, 1000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := st.Contexts(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUse1000 is the library side of `azc use`: a locked
// read-modify-write with fsync.
func BenchmarkUse1000(b *testing.B) {
	st := benchState(b, 1000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := st.Use(azc.ScopeUser, "-"); err != nil {
			if _, err := st.Use(azc.ScopeUser, "Workload 00001"); err != nil {
				b.Fatal(err)
			}
		}
	}
}
