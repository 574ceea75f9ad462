package azc_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/session"
)

func benchState(b *testing.B, n int) *azc.State {
	b.Helper()
	st, err := azc.Open(azc.Options{Dir: filepath.Join(b.TempDir(), "azc")})
	if err != nil {
		b.Fatal(err)
	}
	fillState(b, st, azc.ScopeUser, "Workload", n)
	return st
}

// fillState gives scope n contexts of one account, named "<prefix>
// 00000" …, the first the default.
func fillState(b *testing.B, st *azc.State, scope profile.Scope, prefix string, n int) {
	b.Helper()
	acct := profile.Account{ID: "alice@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "home"}
	_, err := st.Update(scope, func(p *profile.Profile) error {
		p.UpsertAccount(acct)
		cs := make([]profile.Context, n)
		for i := range cs {
			t := fmt.Sprintf("%08x-aaaa-4bbb-8ccc-%012x", i%100, i%100)
			cs[i] = profile.Context{Account: acct.Key(), Tenant: profile.Tenant{ID: t},
				Subscription: &profile.Subscription{ID: fmt.Sprintf("%08x-5555-4666-8777-%012x", i, i), Name: fmt.Sprintf("%s %05d", prefix, i), TenantID: t}}
		}
		_, err := p.UpsertContexts(cs, profile.UpsertOptions{})
		p.DefaultContext = prefix + " 00000"
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
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

// benchmarkContextsInASession is the library side of `azc context list` in
// a shell whose session holds as many contexts as the profile, of other
// names: merging the two grows linearly with them.
func benchmarkContextsInASession(b *testing.B, n int) {
	st := benchState(b, n)
	sess, _, err := session.New(b.TempDir(), os.Getpid())
	if err != nil {
		b.Fatal(err)
	}
	st = st.WithSession(sess)
	fillState(b, st, azc.ScopeProcess, "Session", n)
	b.ReportAllocs()
	for b.Loop() {
		if cs, err := st.Contexts(); err != nil || len(cs) != 2*n {
			b.Fatalf("%d contexts, %v; want %d", len(cs), err, 2*n)
		}
	}
}

func BenchmarkContextsInASession1000(b *testing.B)  { benchmarkContextsInASession(b, 1000) }
func BenchmarkContextsInASession10000(b *testing.B) { benchmarkContextsInASession(b, 10000) }

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
