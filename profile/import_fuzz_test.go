package profile

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func addImportSeeds(f *testing.F, files ...string) {
	f.Helper()
	for _, name := range files {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// checkImported holds every importer to the contract Merge relies on: no
// context without an account key and a tenant, no tenant that no tenant id
// or domain can be (ValidTenant), and a Default that indexes Contexts or
// is -1.
func checkImported(t *testing.T, imp *Imported) {
	t.Helper()
	for _, c := range imp.Contexts {
		if c.Account == "" || c.Tenant.ID == "" {
			t.Fatalf("imported context without account or tenant: %+v", c)
		}
		if !ValidTenant(c.Tenant.ID) {
			t.Fatalf("imported context of a tenant no tenant id can be: %+v", c)
		}
	}
	for _, a := range imp.Accounts {
		if a.HomeTenantID != "" && !ValidTenant(a.HomeTenantID) || slices.ContainsFunc(a.Tenants, func(t string) bool { return !ValidTenant(t) }) {
			t.Fatalf("imported account of a tenant no tenant id can be: %+v", a)
		}
	}
	if imp.Default < -1 || imp.Default >= len(imp.Contexts) {
		t.Fatalf("Default %d out of range (%d contexts)", imp.Default, len(imp.Contexts))
	}
}

func FuzzImportPowerShell(f *testing.F) {
	addImportSeeds(f, "AzureRmContext.json", "AzureRmContext-savedcontext.json")
	f.Add([]byte(`{"Contexts":{"a":{"Account":{"Id":"x","Type":"ServicePrincipal"},"Subscription":{"Id":"s","ExtendedProperties":{"HomeTenant":"t"}},"TokenCache":{"CacheData":"!!"}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if imp, err := importPowerShell(data); err == nil {
			imp.dropBadTenants() // as Import does
			checkImported(t, imp)
		}
	})
}

func FuzzImportAzureCLI(f *testing.F) {
	addImportSeeds(f, "azureProfile.json")
	f.Add([]byte(`{"subscriptions":[{"id":"t","name":"N/A(tenant level account)","tenantId":"t","user":{"name":"systemAssignedIdentity","type":"servicePrincipal"},"assignedIdentityInfo":"MSIResource-/x"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if imp, err := importAzureCLI(data); err == nil {
			imp.dropBadTenants() // as Import does
			checkImported(t, imp)
		}
	})
}

func FuzzImportBundle(f *testing.F) {
	f.Add([]byte(`{"kind":"azc.contexts","version":1,"defaultContext":"a","contexts":[{"name":"a","account":"k","tenant":{"id":"t"}}],"credentials":{"k":"AAE="}}`))
	f.Add([]byte(`{"kind":"azc.contexts","version":1,"contexts":[{"name":"-","account":"k","tenant":{"id":"t"}},{"name":"","tenant":{"id":"t"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if imp, err := importBundle(data); err == nil {
			imp.dropBadTenants() // as Import does
			checkImported(t, imp)
		}
	})
}
