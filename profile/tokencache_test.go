package profile_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/azcontext/azc/profile"
)

const (
	azClientID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
	psClientID = "1950a258-227b-4e31-a9cf-717495945fc2"
	spClientID = "6d7e8f90-aaaa-4bbb-8ccc-ddddeeeeffff"
	aliceHome  = "a11ce000-0000-4000-8000-000000000001." + tenant1
	bobHome    = "b0b00000-0000-4000-8000-000000000002." + tenant2
	carolHome  = "ca201000-0000-4000-8000-000000000003." + tenant1
)

// twoUsersCache is an MSAL token cache as az writes it after alice, bob
// and carol signed in and a service principal got an app token (its
// home_account_id null, as MSAL Python writes it) in tenant1 and another
// in tenant2. Each secret names its owner.
func twoUsersCache() []byte {
	user := func(home, name, realm string) map[string]map[string]any {
		who := strings.SplitN(name, "@", 2)[0]
		return map[string]map[string]any{
			"AccessToken": {home + "-login.microsoftonline.com-accesstoken-" + azClientID + "-" + realm + "-https://management.core.windows.net//.default": map[string]any{
				"home_account_id": home, "environment": "login.microsoftonline.com", "realm": realm, "credential_type": "AccessToken",
				"client_id": azClientID, "secret": "at-" + who + "-SECRET", "target": "https://management.core.windows.net//.default",
				"expires_on": "4102444800", "cached_at": "1700000000"}},
			"RefreshToken": {home + "-login.microsoftonline.com-refreshtoken-" + azClientID + "--": map[string]any{
				"home_account_id": home, "environment": "login.microsoftonline.com", "credential_type": "RefreshToken",
				"client_id": azClientID, "secret": "rt-" + who + "-SECRET", "family_id": "1"}},
			"IdToken": {home + "-login.microsoftonline.com-idtoken-" + azClientID + "-" + realm + "-": map[string]any{
				"home_account_id": home, "environment": "login.microsoftonline.com", "realm": realm, "credential_type": "IdToken",
				"client_id": azClientID, "secret": "id-" + who + "-SECRET"}},
			"Account": {home + "-login.microsoftonline.com-" + realm: map[string]any{
				"home_account_id": home, "environment": "login.microsoftonline.com", "realm": realm,
				"local_account_id": strings.SplitN(home, ".", 2)[0], "username": name, "authority_type": "MSSTS"}},
		}
	}
	cache := map[string]map[string]any{
		"AccessToken": {"-login.microsoftonline.com-accesstoken-" + spClientID + "-" + tenant1 + "-https://management.core.windows.net//.default": map[string]any{
			"home_account_id": nil, "environment": "login.microsoftonline.com", "realm": tenant1, "credential_type": "AccessToken",
			"client_id": spClientID, "secret": "at-app-SECRET", "target": "https://management.core.windows.net//.default",
			"expires_on": "4102444800", "cached_at": "1700000000"},
			"-login.microsoftonline.com-accesstoken-" + spClientID + "-" + tenant2 + "-https://management.core.windows.net//.default": map[string]any{
				"home_account_id": "", "environment": "login.microsoftonline.com", "realm": tenant2, "credential_type": "AccessToken",
				"client_id": spClientID, "secret": "at-appelsewhere-SECRET", "target": "https://management.core.windows.net//.default",
				"expires_on": "4102444800", "cached_at": "1700000000"}},
		"RefreshToken": {},
		"IdToken":      {},
		"Account":      {},
		"AppMetadata": {"appmetadata-login.microsoftonline.com-" + azClientID: map[string]any{
			"client_id": azClientID, "environment": "login.microsoftonline.com", "family_id": "1"}},
	}
	for _, u := range []map[string]map[string]any{
		user(aliceHome, "alice@contoso.com", tenant1),
		user(bobHome, "bob@fabrikam.com", tenant2),
		user(carolHome, "carol@contoso.com", tenant1),
	} {
		for section, entries := range u {
			for k, v := range entries {
				cache[section][k] = v
			}
		}
	}
	data, err := json.Marshal(cache)
	if err != nil {
		panic(err)
	}
	return data
}

// azSubscription is one subscription of an azureProfile.json.
func azSubscription(id, tenant, user, userType string) map[string]any {
	return map[string]any{"id": id, "name": "S " + id[:4], "state": "Enabled", "tenantId": tenant, "homeTenantId": tenant,
		"environmentName": "AzureCloud", "user": map[string]string{"name": user, "type": userType}}
}

func importAz(t *testing.T, subs ...map[string]any) *profile.Imported {
	t.Helper()
	data, err := json.Marshal(map[string]any{"subscriptions": subs})
	if err != nil {
		t.Fatal(err)
	}
	imp, err := profile.Import(data)
	if err != nil {
		t.Fatal(err)
	}
	return imp
}

// secretsIn names the fake secrets of twoUsersCache that data holds.
func secretsIn(data []byte) []string {
	var found []string
	for _, who := range []string{"alice", "bob", "carol", "app", "appelsewhere"} {
		for _, kind := range []string{"at", "rt", "id"} {
			if s := kind + "-" + who + "-SECRET"; bytes.Contains(data, []byte(s)) {
				found = append(found, kind+"-"+who)
			}
		}
	}
	return found
}

// TestATokenCacheIsSplitAmongTheImportedAccounts: az's one token cache
// holds every account's tokens; each imported account keeps only its own
// entries (a user's by home account id, found by user name when the file
// gives none; a service principal's app tokens by client id and tenant),
// and the entries of an account the file does not import are kept by none.
func TestATokenCacheIsSplitAmongTheImportedAccounts(t *testing.T) {
	t.Parallel()
	imp := importAz(t,
		azSubscription("11111111-0000-4000-8000-000000000001", tenant1, "alice@contoso.com", "user"),
		azSubscription("22222222-0000-4000-8000-000000000002", tenant2, "bob@fabrikam.com", "user"),
		azSubscription("33333333-0000-4000-8000-000000000003", tenant1, spClientID, "servicePrincipal"),
		azSubscription("44444444-0000-4000-8000-000000000004", tenant1, "systemAssignedIdentity", "servicePrincipal"),
	)
	if err := imp.AddTokenCache(twoUsersCache()); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"alice@contoso.com":      "at-alice rt-alice id-alice",
		"bob@fabrikam.com":       "at-bob rt-bob id-bob",
		spClientID:               "at-app",
		"systemAssignedIdentity": "",
	}
	for _, a := range imp.Accounts {
		cache := imp.TokenCaches[a.Key()]
		if got := strings.Join(secretsIn(cache), " "); got != want[a.ID] {
			t.Errorf("the cache recorded for %s (%d bytes) holds [%s], want [%s]", a.ID, len(cache), got, want[a.ID])
		}
		if want[a.ID] == "" {
			if _, ok := imp.TokenCaches[a.Key()]; ok {
				t.Errorf("a cache is recorded for %s, which has no entries", a.ID)
			}
			continue
		}
		if err := json.Unmarshal(cache, new(map[string]map[string]json.RawMessage)); err != nil {
			t.Errorf("the cache of %s is no MSAL cache: %v", a.ID, err)
		}
		if strings.HasSuffix(a.ID, ".com") && !bytes.Contains(cache, []byte(`"appmetadata-login.microsoftonline.com-`+azClientID+`"`)) {
			t.Errorf("the cache of %s lacks the app metadata of the client of its tokens", a.ID)
		}
	}
	if len(imp.Warnings) != 0 {
		t.Errorf("warnings %q, want none", imp.Warnings)
	}
}

// TestATokenCacheAfterAByteOrderMarkIsRead: a token cache saved by an
// editor or Windows PowerShell's Set-Content -Encoding utf8, which write a
// UTF-8 byte order mark first, is read as every file azc imports is (the
// profile, az's azureProfile.json, which az itself writes with one): its
// tokens were skipped with "not a JSON object".
func TestATokenCacheAfterAByteOrderMarkIsRead(t *testing.T) {
	t.Parallel()
	imp := importAz(t, azSubscription("11111111-0000-4000-8000-000000000001", tenant1, "alice@contoso.com", "user"))
	if err := imp.AddTokenCache(append([]byte("\xef\xbb\xbf"), twoUsersCache()...)); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(secretsIn(imp.TokenCaches[imp.Accounts[0].Key()]), " "); got != "at-alice rt-alice id-alice" {
		t.Errorf("the cache recorded for alice holds [%s], want her tokens", got)
	}
	if _, err := profile.DecodeMSALCache([]byte("\xef\xbb\xbf{}")); err != nil {
		t.Errorf("DecodeMSALCache of an empty cache after a byte order mark: %v", err)
	}
}

// TestAUserKeepsTheHomeAccountIDItsTokensWereFoundBy: azc finds a user's
// tokens in its blob by the account's home account id (auth's silent
// acquisition, credblob.CachedToken), which az's azureProfile.json does
// not give: the account records the one its entries were told by.
func TestAUserKeepsTheHomeAccountIDItsTokensWereFoundBy(t *testing.T) {
	t.Parallel()
	imp := importAz(t,
		azSubscription("11111111-0000-4000-8000-000000000001", tenant1, "alice@contoso.com", "user"),
		azSubscription("22222222-0000-4000-8000-000000000002", tenant2, "bob@fabrikam.com", "user"),
		azSubscription("55555555-0000-4000-8000-000000000005", tenant1, "dave@contoso.com", "user"),
	)
	if err := imp.AddTokenCache(twoUsersCache()); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"alice@contoso.com": aliceHome, "bob@fabrikam.com": bobHome, "dave@contoso.com": ""}
	for _, a := range imp.Accounts {
		if a.HomeAccountID != want[a.ID] {
			t.Errorf("home account id of %s = %q, want %q", a.ID, a.HomeAccountID, want[a.ID])
		}
	}
	p := profile.New()
	p.Merge(imp)
	if a := p.Account(imp.Accounts[0].Key()); a == nil || a.HomeAccountID != aliceHome {
		t.Errorf("alice in the profile = %+v, want her home account id", a)
	}
}

// TestAGuestSubscriptionOfAnAzUserIsOfTheUsersOneAccount: az's
// azureProfile.json gives each subscription the homeTenantId ARM gives it,
// the tenant the subscription is of, not its user's home tenant: bob, at
// home in tenant2, signed in to az with a subscription of tenant1 as a
// guest, was imported as two accounts, one "at home" in tenant1, whose
// tokens azc then could not use (interaction required) and which
// `azc logout bob` named as two. He is one account, of the home tenant his
// tokens tell, whichever subscription the file lists first.
func TestAGuestSubscriptionOfAnAzUserIsOfTheUsersOneAccount(t *testing.T) {
	t.Parallel()
	imp := importAz(t,
		azSubscription("66666666-0000-4000-8000-000000000006", tenant1, "bob@fabrikam.com", "user"),
		azSubscription("22222222-0000-4000-8000-000000000002", tenant2, "bob@fabrikam.com", "user"),
	)
	if err := imp.AddTokenCache(twoUsersCache()); err != nil {
		t.Fatal(err)
	}
	if len(imp.Accounts) != 1 {
		t.Fatalf("imported %d accounts %+v, want bob alone", len(imp.Accounts), imp.Accounts)
	}
	bob := imp.Accounts[0]
	if bob.HomeTenantID != tenant2 || bob.HomeAccountID != bobHome {
		t.Errorf("bob's home tenant %q, home account id %q, want %q, %q", bob.HomeTenantID, bob.HomeAccountID, tenant2, bobHome)
	}
	if got := strings.Join(secretsIn(imp.TokenCaches[bob.Key()]), " "); got != "at-bob rt-bob id-bob" {
		t.Errorf("the cache recorded for bob holds [%s], want his tokens", got)
	}
	for _, c := range imp.Contexts {
		if c.Account != bob.Key() {
			t.Errorf("the context of %s is of account %q, want bob's %q", c.Subscription.ID, c.Account, bob.Key())
		}
	}
	p := profile.New()
	p.Merge(imp)
	if n := len(p.Accounts); n != 1 {
		t.Errorf("the profile holds %d accounts after the merge, want 1", n)
	}
}

// TestATokenCacheOfAUserItCannotTellIsKeptByNone: an account whose entries
// the cache does not tell (no home account id, and no sign-in of its user
// name, or several of which none alone is of its home tenant) keeps none,
// with a warning, rather than another's.
func TestATokenCacheOfAUserItCannotTellIsKeptByNone(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		cache []byte
		warn  string
	}{
		{"no sign-in of its user name", twoUsersCache(), "no sign-in of that user name"},
		{"two sign-ins of its user name, neither of its home tenant", func() []byte {
			var c map[string]map[string]map[string]any
			if err := json.Unmarshal(twoUsersCache(), &c); err != nil {
				t.Fatal(err)
			}
			for k, a := range c["Account"] {
				if a["username"] == "alice@contoso.com" {
					c["Account"][k+"-2"] = map[string]any{"home_account_id": "other." + tenant2, "username": "dave@contoso.com"}
					c["Account"][k+"-3"] = map[string]any{"home_account_id": "third." + tenant2, "username": "dave@contoso.com"}
				}
			}
			data, _ := json.Marshal(c)
			return data
		}(), "2 sign-ins of that user name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			imp := importAz(t,
				azSubscription("11111111-0000-4000-8000-000000000001", tenant1, "alice@contoso.com", "user"),
				azSubscription("55555555-0000-4000-8000-000000000005", tenant1, "dave@contoso.com", "user"),
			)
			if err := imp.AddTokenCache(tc.cache); err != nil {
				t.Fatal(err)
			}
			dave := profile.Account{ID: "dave@contoso.com", Environment: "AzureCloud", HomeTenantID: tenant1}
			if cache, ok := imp.TokenCaches[dave.Key()]; ok {
				t.Errorf("a cache of %d bytes is recorded for dave, holding [%s]", len(cache), strings.Join(secretsIn(cache), " "))
			}
			w := strings.Join(imp.Warnings, "\n")
			if !strings.Contains(w, "dave@contoso.com") || !strings.Contains(w, tc.warn) || !strings.Contains(w, "azc login") {
				t.Errorf("warnings %q, want one of dave's tokens (%s)", imp.Warnings, tc.warn)
			}
			if got := strings.Join(secretsIn(imp.TokenCaches[profile.Account{ID: "alice@contoso.com", Environment: "AzureCloud", HomeTenantID: tenant1}.Key()]), " "); got != "at-alice rt-alice id-alice" {
				t.Errorf("alice keeps [%s]", got)
			}
		})
	}
}

// TestAPowerShellTokenCacheIsSplitAlike: a context's TokenCache.CacheData
// may hold several accounts; the context's account keeps only its own
// entries, by the home account id the file gives, and one with none keeps
// none, with a warning.
func TestAPowerShellTokenCacheIsSplitAlike(t *testing.T) {
	t.Parallel()
	cache := base64.StdEncoding.EncodeToString(twoUsersCache())
	ctx := func(user, home, tenant string) string {
		return fmt.Sprintf(`{"Account": {"Id": %q, "Type": "User", "ExtendedProperties": {"HomeAccountId": %q, "Tenants": %q}},
			"Tenant": {"Id": %q}, "Environment": {"Name": "AzureCloud"}, "TokenCache": {"CacheData": %q}}`, user, home, tenant, tenant, cache)
	}
	data := `{"DefaultContextKey": "A", "EnvironmentTable": {}, "Contexts": {"A": ` + ctx("alice@contoso.com", aliceHome, tenant1) +
		`, "B": ` + ctx("bob@fabrikam.com", bobHome, tenant2) + `, "E": ` + ctx("erin@contoso.com", "e0000000-0000-4000-8000-000000000005."+tenant1, tenant1) + `}}`
	imp, err := profile.Import([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"alice@contoso.com": "at-alice rt-alice id-alice", "bob@fabrikam.com": "at-bob rt-bob id-bob", "erin@contoso.com": ""}
	if len(imp.Accounts) != 3 {
		t.Fatalf("%d accounts imported, want 3", len(imp.Accounts))
	}
	for _, a := range imp.Accounts {
		if got := strings.Join(secretsIn(imp.TokenCaches[a.Key()]), " "); got != want[a.ID] {
			t.Errorf("the cache recorded for %s holds [%s], want [%s]", a.ID, got, want[a.ID])
		}
	}
	// erin's home account id has no entries in the cache
	if _, ok := imp.TokenCaches[imp.Accounts[2].Key()]; ok || len(imp.Warnings) != 1 || !strings.Contains(imp.Warnings[0], "holds no tokens of erin@contoso.com") {
		t.Errorf("erin's cache recorded: %v; warnings %q, want one that the cache holds none of hers", ok, imp.Warnings)
	}
}
