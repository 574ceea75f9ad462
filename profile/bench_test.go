package profile_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/azcontext/azc/profile"
)

// bigProfile builds a realistic profile: n contexts over 100 tenants and
// 10 accounts, each with a subscription.
func bigProfile(n int) *profile.Profile {
	p := profile.New()
	for a := range 10 {
		p.Accounts = append(p.Accounts, profile.Account{
			ID: fmt.Sprintf("user%d@contoso%d.onmicrosoft.com", a, a), Type: profile.UserAccount,
			Environment: "AzureCloud", HomeTenantID: fmt.Sprintf("%08x-0000-4000-8000-%012x", a, a),
			HomeAccountID: fmt.Sprintf("%08x-1111-4222-8333-%012x.%08x-0000-4000-8000-%012x", a, a, a, a),
		})
	}
	for i := range n {
		a := p.Accounts[i%10]
		t := fmt.Sprintf("%08x-aaaa-4bbb-8ccc-%012x", i%100, i%100)
		p.Contexts = append(p.Contexts, profile.Context{
			Name:        fmt.Sprintf("Contoso Workload %05d", i),
			Account:     a.Key(),
			Environment: "AzureCloud",
			Tenant:      profile.Tenant{ID: t, DefaultDomain: fmt.Sprintf("tenant%d.onmicrosoft.com", i%100)},
			Subscription: &profile.Subscription{
				ID: fmt.Sprintf("%08x-5555-4666-8777-%012x", i, i), Name: fmt.Sprintf("Contoso Workload %05d", i),
				State: "Enabled", TenantID: t,
			},
		})
	}
	p.DefaultContext = p.Contexts[n/2].Name
	return p
}

func storeWith(b testing.TB, n int) *profile.Store {
	b.Helper()
	s := openStore(b)
	data, err := profile.Encode(bigProfile(n))
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(s.Path(), data, 0o600); err != nil {
		b.Fatal(err)
	}
	if b, ok := b.(*testing.B); ok {
		b.SetBytes(int64(len(data)))
	}
	return s
}

func benchmarkLoad(b *testing.B, n int) {
	s := storeWith(b, n)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Load(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoad1000(b *testing.B)  { benchmarkLoad(b, 1000) }
func BenchmarkLoad10000(b *testing.B) { benchmarkLoad(b, 10000) }

func BenchmarkUpdate1000(b *testing.B) {
	s := storeWith(b, 1000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Update(func(p *profile.Profile) error {
			_, err := p.SetDefault("-")
			if err != nil {
				_, err = p.SetDefault("Contoso Workload 00001")
			}
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFind1000(b *testing.B) {
	p := bigProfile(1000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Find("Contoso Workload 00999"); err != nil {
			b.Fatal(err)
		}
	}
}

// benchmarkRemoveContexts is `azc context remove` of every other context
// by name, in one call, and `azc logout` of one of the 10 accounts (a
// tenth of the contexts); each on a copy of a profile of n contexts, the
// copy's cost (the clone case) included. Both grow linearly with n.
func benchmarkRemoveContexts(b *testing.B, n int) {
	src := bigProfile(n)
	var refs []string
	for i := 0; i < n; i += 2 {
		refs = append(refs, src.Contexts[i].Name)
	}
	b.Run("every-other", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := src.Clone().RemoveContexts(refs); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("account", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if rem := src.Clone().RemoveAccounts([]string{src.Accounts[0].Key()}); len(rem.Contexts) != n/10 {
				b.Fatalf("removed %d contexts, want %d", len(rem.Contexts), n/10)
			}
		}
	})
	b.Run("clone", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			src.Clone()
		}
	})
}

func BenchmarkRemoveContexts1000(b *testing.B)  { benchmarkRemoveContexts(b, 1000) }
func BenchmarkRemoveContexts10000(b *testing.B) { benchmarkRemoveContexts(b, 10000) }

// BenchmarkUpsertContexts10000 is a sign-in of 10,000 subscriptions in
// one UpsertContexts call: into an empty profile ("new"), and again over
// the contexts of the sign-in before, which finds each as it is ("again").
func BenchmarkUpsertContexts10000(b *testing.B) {
	src := bigProfile(10000)
	cs := make([]profile.Context, len(src.Contexts))
	for i, c := range src.Contexts {
		c.Name = ""
		cs[i] = c
	}
	for _, again := range []bool{false, true} {
		b.Run(map[bool]string{false: "new", true: "again"}[again], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				p := profile.New()
				p.Accounts = src.Accounts
				if again {
					p = src.Clone()
				}
				b.StartTimer()
				if _, err := p.UpsertContexts(cs, profile.UpsertOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkViewDefault1000 is `azc context show`'s read: open the lazy
// view and decode the default context.
func BenchmarkViewDefault1000(b *testing.B) {
	s := storeWith(b, 1000)
	b.ReportAllocs()
	for b.Loop() {
		v, err := s.View()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := v.Default(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkViewKeepingDefault1000 is `azc context show`'s read: the
// streamed view keeping the default context.
func BenchmarkViewKeepingDefault1000(b *testing.B) {
	s := storeWith(b, 1000)
	b.ReportAllocs()
	for b.Loop() {
		v, err := s.ViewKeeping("")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := v.Default(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkViewFind1000(b *testing.B) {
	s := storeWith(b, 1000)
	b.ReportAllocs()
	for b.Loop() {
		v, err := s.View()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := v.Find("contoso workload 00999"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkViewProfile1000 is `azc context list`'s read: every context
// decoded once through the view.
func BenchmarkViewProfile1000(b *testing.B) {
	s := storeWith(b, 1000)
	b.ReportAllocs()
	for b.Loop() {
		v, err := s.View()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := v.Profile(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSetDefault1000 is `azc use` back and forth between two
// contexts: every call writes.
func BenchmarkSetDefault1000(b *testing.B) {
	s := storeWith(b, 1000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.SetDefault("-"); err != nil {
			if _, err := s.SetDefault("Contoso Workload 00001"); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkViewColumns1000 is `azc context list`'s read: stream the file
// keeping every context's columns and the default context (outside a
// session), and take the columns twice, as the table does (once for the
// widths, once for the lines).
func BenchmarkViewColumns1000(b *testing.B) {
	s := storeWith(b, 1000)
	b.ReportAllocs()
	var c profile.Columns
	for b.Loop() {
		v, err := s.ViewColumns("")
		if err != nil {
			b.Fatal(err)
		}
		for range 2 {
			for i := range v.Len() {
				v.ColumnsAt(i, &c)
			}
		}
	}
}
