package profile

import (
	"encoding/json"
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

// FuzzAddTokenCache holds the split of an imported token cache
// (splitMSALCache) to its rule whatever the cache: each account's part is
// an MSAL cache DecodeMSALCache reads, holding only the account's own
// entries (a user's of its home account id, a service principal's app
// tokens of its client id and tenants, AppMetadata of a client of those).
func FuzzAddTokenCache(f *testing.F) {
	addImportSeeds(f, "msal_token_cache.json")
	f.Add([]byte(`{"AccessToken":{"a":{"home_account_id":null,"client_id":"app","realm":"t"},"b":{"home_account_id":"h.t","client_id":"c"}},` +
		`"RefreshToken":{"r":{"home_account_id":"H.T","secret":"s"},"x":{"home_account_id":1}},"Account":{"u":{"home_account_id":"h.t","username":"Bob@t"}},` +
		`"AppMetadata":{"m":{"client_id":"c"},"n":{"client_id":"app"}},"Other":{}}`))
	f.Add([]byte(`{"Account":{"1":{"home_account_id":"a.x","username":"bob@t"},"2":{"home_account_id":"b.t","username":"BOB@t"}},"IdToken":null}`))
	accounts := []Account{
		{ID: "alice@t", Type: UserAccount, Environment: DefaultEnvironment, HomeTenantID: "t", HomeAccountID: "a.t"},
		{ID: "bob@t", Type: UserAccount, Environment: DefaultEnvironment, HomeTenantID: "t"},
		{ID: "app", Type: ServicePrincipal, Environment: DefaultEnvironment, HomeTenantID: "t", Tenants: []string{"u"}},
		{ID: "mi", Type: ManagedIdentity, Environment: DefaultEnvironment, HomeTenantID: "t"},
	}
	f.Fuzz(func(t *testing.T, cache []byte) {
		imp := newImported(FormatAzureCLI)
		for _, a := range accounts {
			imp.addAccount(a)
		}
		if imp.AddTokenCache(cache) != nil {
			if len(imp.TokenCaches) != 0 {
				t.Fatal("a cache AddTokenCache refused was recorded")
			}
			return
		}
		for _, a := range imp.Accounts {
			part, ok := imp.TokenCaches[a.Key()]
			if !ok {
				continue
			}
			top, err := DecodeMSALCache(part)
			if err != nil {
				t.Fatalf("the part of %s is no MSAL cache: %v", a.ID, err)
			}
			clients := map[string]bool{}
			for _, s := range msalSections {
				var entries map[string]json.RawMessage
				_ = json.Unmarshal(top[s], &entries)
				for k, raw := range entries {
					e := decodeMSALEntry(raw)
					switch {
					case s == "AppMetadata":
						continue
					case !e.ok:
					case a.Type == UserAccount && a.HomeAccountID != "" && SameName(e.home, a.HomeAccountID):
						clients[NameKey(e.client)] = true
						continue
					case a.Type == ServicePrincipal && e.home == "" && s != "Account" && SameName(e.client, a.ID) &&
						(SameName(e.realm, a.HomeTenantID) || containsName(a.Tenants, e.realm)):
						clients[NameKey(e.client)] = true
						continue
					}
					t.Fatalf("the part of %s holds %s entry %q, not its own", a.ID, s, k)
				}
			}
			var meta map[string]json.RawMessage
			_ = json.Unmarshal(top["AppMetadata"], &meta)
			for k, raw := range meta {
				if e := decodeMSALEntry(raw); !clients[NameKey(e.client)] {
					t.Fatalf("the part of %s holds AppMetadata %q of a client none of its entries is of", a.ID, k)
				}
			}
		}
	})
}
