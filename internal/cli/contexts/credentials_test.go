package contexts

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/profile"
)

// TestAnImportStoresCredentialsBeforeItsContexts: an import stores each
// account's credentials, under the account's lock, before the change that
// adds its contexts writes the profile (as a sign-in does), so that no
// removal or stop in between leaves a context without credentials; when
// that change fails, the blobs are as they were.
func TestAnImportStoresCredentialsBeforeItsContexts(t *testing.T) {
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
	blobs, err := cmdutil.UserBlobs(f)
	if err != nil {
		t.Fatal(err)
	}
	failed := errors.New("the profile's change failed")
	if _, err := storeImported(f, st, profile.ScopeUser, imp, func() error {
		if _, err := blobs.Get(key); err != nil {
			t.Errorf("the profile is changed before the account's credentials are stored (Get: %v)", err)
		}
		return failed
	}); !errors.Is(err, failed) {
		t.Fatalf("storeImported() error = %v, want the change's", err)
	}
	if _, err := blobs.Get(key); !errors.Is(err, credstore.ErrNotFound) {
		t.Fatalf("the credentials of an import whose profile change failed were kept (Get: %v)", err)
	}
	n, err := storeImported(f, st, profile.ScopeUser, imp, func() error {
		_, err := st.Change(profile.ScopeUser, func(p *profile.Profile) error { p.Merge(imp); return nil })
		return err
	})
	if err != nil || n != 1 {
		t.Fatalf("storeImported() = %d, %v; want 1 account", n, err)
	}
	if _, err := blobs.Get(key); err != nil {
		t.Errorf("the imported credentials are not stored (Get: %v)", err)
	}
}

// TestAnImportWhoseChangeFailsAfterItsWriteKeepsTheCredentials: the
// change that adds an import's contexts can fail after profile.json was
// written (State.Change then records the shell's selection, and a write's
// directory sync comes after its rename): the blobs it stored stay, for
// the profile names their accounts. Put back, they left a context whose
// credentials were gone (`azc token`: not signed in).
func TestAnImportWhoseChangeFailsAfterItsWriteKeepsTheCredentials(t *testing.T) {
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
	failed := errors.New("the shell's selection could not be recorded")
	if _, err := storeImported(f, st, profile.ScopeUser, imp, func() error {
		if _, err := st.Change(profile.ScopeUser, func(p *profile.Profile) error { p.Merge(imp); return nil }); err != nil {
			return err
		}
		return failed
	}); !errors.Is(err, failed) {
		t.Fatalf("storeImported() error = %v, want the change's", err)
	}
	p, err := st.Store().Load()
	if err != nil {
		t.Fatal(err)
	}
	if !p.NamesAccount(key) {
		t.Fatal("the profile does not name the imported account after its write")
	}
	blobs, err := cmdutil.UserBlobs(f)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := blobs.Get(key); err != nil {
		t.Errorf("the profile names the imported account, but its credentials are gone (Get: %v)", err)
	}
}

// TestAnImportSaysWhenAnAccountKeepsItsOwnCredentials: the credentials an
// import carries for an account that has some here are not taken (it
// keeps how it signs in), and a warning says so, with the way to take
// them; the import said nothing, so a rotated secret in the file went
// unused without a word.
func TestAnImportSaysWhenAnAccountKeepsItsOwnCredentials(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := cmdutil.Test()
	env := map[string]string{"AZC_CONFIG_DIR": filepath.Join(t.TempDir(), "azc")}
	f := cmdutil.NewFactory(ios, func(k string) string { return env[k] }, "v1")
	st, err := f.State()
	if err != nil {
		t.Fatal(err)
	}
	const key = "azurecloud|t1|alice@contoso.com"
	read := func(blob string) *profile.Imported {
		imp, err := profile.Import([]byte(`{"kind": "azc.contexts", "version": 1,
			"contexts": [{"name": "Alice", "account": "` + key + `", "environment": "AzureCloud", "tenant": {"id": "t1"}}],
			"accounts": [{"id": "alice@contoso.com", "type": "user", "environment": "AzureCloud", "homeTenantId": "t1"}],
			"credentials": {"` + key + `": "` + blob + `"}}`))
		if err != nil {
			t.Fatal(err)
		}
		dropUnusableCredentials(imp)
		return imp
	}
	for i, blob := range []string{"eyJ2ZXJzaW9uIjoxfQ==", "eyJ2ZXJzaW9uIjoxLCJ4IjoxfQ=="} {
		imp := read(blob)
		if _, err := storeImported(f, st, profile.ScopeUser, imp, func() error {
			_, err := st.Change(profile.ScopeUser, func(p *profile.Profile) error { p.Merge(imp); return nil })
			return err
		}); err != nil {
			t.Fatal(err)
		}
		kept := slices.ContainsFunc(imp.Warnings, func(w string) bool {
			return strings.Contains(w, `"alice@contoso.com" keeps the credentials stored here`) && strings.Contains(w, "azc logout")
		})
		if kept != (i == 1) {
			t.Errorf("import %d: warnings %q; want one of the kept credentials: %v", i+1, imp.Warnings, i == 1)
		}
	}
}
