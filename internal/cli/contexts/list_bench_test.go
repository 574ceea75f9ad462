package contexts

import (
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/profile"
)

// BenchmarkListTable1000 is `azc context list` at 1,000 contexts over ten
// accounts, once the file is read: the table laid out from the view.
func BenchmarkListTable1000(b *testing.B) {
	st, err := azc.Open(azc.Options{Dir: filepath.Join(b.TempDir(), "azc")})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.Update(profile.ScopeUser, func(p *profile.Profile) error {
		for a := range 10 {
			p.UpsertAccount(profile.Account{ID: fmt.Sprintf("user%d@contoso.com", a), Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: fmt.Sprintf("%08d-0000-0000-0000-000000000000", a)})
		}
		for i := range 1000 {
			a := &p.Accounts[i%10]
			c := profile.Context{Name: fmt.Sprintf("sub-%05d", i), Account: a.Key(), Environment: "AzureCloud",
				Tenant:       profile.Tenant{ID: a.HomeTenantID, DefaultDomain: fmt.Sprintf("tenant%d.onmicrosoft.com", i%10)},
				Subscription: &profile.Subscription{ID: fmt.Sprintf("%08d-1111-2222-3333-444444444444", i), Name: fmt.Sprintf("sub-%05d", i), State: "Enabled", TenantID: a.HomeTenantID}}
			if _, err := p.UpsertContext(c, profile.UpsertOptions{}); err != nil {
				return err
			}
		}
		p.DefaultContext = "sub-00000"
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	ml, err := st.List()
	if err != nil {
		b.Fatal(err)
	}
	ios, _, _, _ := cmdutil.Test()
	ios.Out = io.Discard
	f := &cmdutil.Factory{IOStreams: ios}
	out := cmdutil.Output{Format: cmdutil.FormatTable}
	b.ReportAllocs()
	for b.Loop() {
		if err := out.Print(f, nil, mergedTable(ml)); err != nil {
			b.Fatal(err)
		}
	}
}
