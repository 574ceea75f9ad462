package contexts

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/profile"
)

// TestAnImportStoresNoCredentialsOfAnAccountRemovedMeanwhile: an import
// writes the profile, then stores each account's credentials under the
// account's lock. A removal of the account's contexts in between (`azc
// logout`, `context remove` in another shell) found no blob to drop; the
// import then stored the account's tokens, which nothing named, read or
// removed afterwards. The import stores an account's credentials only
// while the scope's profile names the account, as the removal decides
// under the same lock.
func TestAnImportStoresNoCredentialsOfAnAccountRemovedMeanwhile(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := cmdutil.Test()
	env := map[string]string{"AZC_CONFIG_DIR": filepath.Join(t.TempDir(), "azc")}
	f := cmdutil.NewFactory(ios, func(k string) string { return env[k] }, "v1")
	st, err := f.State()
	if err != nil {
		t.Fatal(err)
	}
	const key = "azurecloud|t1|alice@contoso.com"
	imp, err := profile.Import([]byte(`{"kind": "azc.contexts", "version": 1,
		"contexts": [{"name": "Alice", "account": "` + key + `", "environment": "AzureCloud", "tenant": {"id": "t1"}}],
		"accounts": [{"id": "alice@contoso.com", "type": "user", "environment": "AzureCloud", "homeTenantId": "t1"}],
		"credentials": {"` + key + `": "eyJ2ZXJzaW9uIjoxfQ=="}}`))
	if err != nil {
		t.Fatal(err)
	}
	dropUnusableCredentials(imp)
	if _, err := st.Change(profile.ScopeUser, func(p *profile.Profile) error { p.Merge(imp); return nil }); err != nil {
		t.Fatal(err)
	}
	// the account signed out meanwhile: its contexts and account go, and
	// its credentials, of which there are none yet
	if _, err := st.Change(profile.ScopeUser, func(p *profile.Profile) error {
		p.Contexts, p.Accounts = nil, nil
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := storeImported(f, st, profile.ScopeUser, imp); err != nil {
		t.Fatal(err)
	}
	blobs, err := cmdutil.UserBlobs(f)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := blobs.Get(key); !errors.Is(err, credstore.ErrNotFound) {
		t.Fatalf("the credentials of an account the profile no longer names were stored (Get: %v)", err)
	}
}
