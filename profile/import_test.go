package profile_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/azcontext/azc/profile"
	"github.com/google/go-cmp/cmp"
)

const (
	tenant1 = "3f2a6b1e-0c4d-4e8a-9b1f-2d3c4e5f6a7b"
	tenant2 = "8e7d6c5b-4a39-4281-9706-f5e4d3c2b1a0"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func importFixture(t testing.TB, name string) *profile.Imported {
	t.Helper()
	imp, err := profile.Import(readFixture(t, name))
	if err != nil {
		t.Fatalf("Import(%s): %v", name, err)
	}
	return imp
}

func mergedNames(t *testing.T, imp *profile.Imported) (*profile.Profile, profile.MergeResult) {
	t.Helper()
	p := profile.New()
	return p, p.Merge(imp)
}

func TestImportAzurePowerShellSavedContext(t *testing.T) {
	t.Parallel()
	data := readFixture(t, "AzureRmContext-savedcontext.json")
	if !bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		t.Fatal("fixture lost its byte order mark")
	}
	imp, err := profile.Import(data)
	if err != nil {
		t.Fatal(err)
	}
	if imp.Format != profile.FormatAzurePowerShell {
		t.Errorf("format = %q", imp.Format)
	}
	p, res := mergedNames(t, imp)
	want := []string{tenant2 + " (alice@contoso.com)", tenant2 + " (bob@fabrikam.com)", "Contoso Dev", "Contoso Production", "stack-deploy"}
	if diff := cmp.Diff(want, names(p)); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
	if res.Default != "Contoso Production" || p.DefaultContext != "Contoso Production" {
		t.Errorf("default = %q", p.DefaultContext)
	}
	if diff := cmp.Diff([]string{"AzureStackLab"}, res.Environments); diff != "" {
		t.Errorf("environments (-want +got):\n%s", diff)
	}
	env, err := p.Environment("AzureStackLab")
	if err != nil || env.ARMEndpoint != "https://management.local.azurestack.external/" {
		t.Errorf("AzureStackLab = %+v, %v", env, err)
	}
	if c := p.Context("stack-deploy"); c == nil || c.Environment != "AzureStackLab" {
		t.Errorf("stack-deploy = %+v", c)
	}
	alice := profile.Account{ID: "alice@contoso.com", Environment: "AzureCloud", HomeTenantID: tenant1}
	a := p.Account(alice.Key())
	if a == nil || a.HomeAccountID == "" || len(a.Tenants) != 2 {
		t.Fatalf("alice = %+v", a)
	}
	cache := imp.TokenCaches[alice.Key()]
	if !bytes.Contains(cache, []byte(`"username":"alice@contoso.com"`)) || !bytes.Contains(cache, []byte("fake-refresh-token-for-tests")) {
		t.Errorf("token cache of alice (%d bytes) lacks her sign-in or refresh token", len(cache))
	}
	if len(imp.TokenCaches) != 1 {
		t.Errorf("token caches for %d accounts, want 1", len(imp.TokenCaches))
	}
	sp := p.Account(profile.Account{ID: "6d7e8f90-aaaa-4bbb-8ccc-ddddeeeeffff", Environment: "AzureStackLab", HomeTenantID: tenant1}.Key())
	if sp == nil || sp.Type != profile.ServicePrincipal || sp.Credential != "certificate" {
		t.Errorf("service principal = %+v", sp)
	}
	if !strings.Contains(strings.Join(imp.Warnings, "\n"), "access token of bob@fabrikam.com") {
		t.Errorf("warnings = %q, want the dropped access token", imp.Warnings)
	}
	if bytes.Contains(mustEncode(t, p), []byte("eyJ0eXAi")) {
		t.Errorf("the raw access token reached the profile")
	}
	if c, err := p.Find("Contoso Dev (1a2b3c4d-5e6f-4701-8293-a4b5c6d7e8f9) - " + tenant1 + " - alice@contoso.com"); err != nil || c.Name != "Contoso Dev" {
		t.Errorf("long form after import: %v, %v", c, err)
	}
}

func mustEncode(t *testing.T, p *profile.Profile) []byte {
	t.Helper()
	data, err := profile.Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestImportAzurePowerShellAutosaveFileHasNoCaches(t *testing.T) {
	t.Parallel()
	imp := importFixture(t, "AzureRmContext.json")
	if len(imp.TokenCaches) != 0 || len(imp.Contexts) != 5 {
		t.Errorf("caches %d, contexts %d; want 0, 5", len(imp.TokenCaches), len(imp.Contexts))
	}
}

func TestImportAzureCLIProfile(t *testing.T) {
	t.Parallel()
	imp := importFixture(t, "azureProfile.json")
	if imp.Format != profile.FormatAzureCLI {
		t.Errorf("format = %q", imp.Format)
	}
	cache, err := profile.ReadAzureCLITokenCache(filepath.Join("testdata", "azureProfile.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := imp.AddTokenCache(cache); err != nil {
		t.Fatal(err)
	}
	p, res := mergedNames(t, imp)
	want := []string{
		"Contoso Production",
		"Contoso Dev",
		"Contoso Production (6d7e8f90-aaaa-4bbb-8ccc-ddddeeeeffff)",
		tenant2 + " (alice@contoso.com)",
		"Ops",
	}
	got := names(p)
	if diff := cmp.Diff(sorted(want), sorted(got)); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
	if res.Default != "Contoso Dev" {
		t.Errorf("default = %q, want Contoso Dev", res.Default)
	}
	if c := p.Context(tenant2 + " (alice@contoso.com)"); c == nil || c.Subscription != nil {
		t.Errorf("tenant-level account = %+v, want a context without subscription", c)
	}
	mi := p.Context("Ops")
	if a := p.Account(mi.Account); a == nil || a.Type != profile.ManagedIdentity || a.ClientID != "11112222-3333-4444-5555-666677778888" {
		t.Errorf("managed identity = %+v", a)
	}
	// alice is two accounts (her subscriptions' home tenants differ), both
	// of the cache's one sign-in; the cache holds no app token of the
	// service principal, and none of a managed identity
	for _, a := range imp.Accounts {
		cache, ok := imp.TokenCaches[a.Key()]
		if user := a.Type == profile.UserAccount; ok != user || user && !bytes.Contains(cache, []byte("fake-refresh-token-for-tests")) {
			t.Errorf("token cache of %s: %d bytes (recorded: %v); want one holding the refresh token for each of alice's accounts and none for the others", a.Key(), len(cache), ok)
		}
	}
	if len(imp.Warnings) != 0 {
		t.Errorf("warnings %q, want none", imp.Warnings)
	}
}

func sorted(s []string) []string {
	s = append([]string(nil), s...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}

func TestExportImportRoundTrip(t *testing.T) {
	t.Parallel()
	p := sample(t)
	if err := p.SetEnvironment(profile.Environment{Name: "Emulator", AuthorityHost: "https://127.0.0.1:8443/", ARMEndpoint: "https://127.0.0.1:8443/arm/"}); err != nil {
		t.Fatal(err)
	}
	emuAlice := alice // an account of the emulator's cloud
	emuAlice.Environment = "Emulator"
	p.UpsertAccount(emuAlice)
	emu := ctxFor(emuAlice, "t9", "99", "Emu")
	emu.Environment = "Emulator"
	if _, err := p.UpsertContext(emu, profile.UpsertOptions{MakeDefault: true}); err != nil {
		t.Fatal(err)
	}
	b, err := profile.NewBundle(p, []string{"Emu", "staging"})
	if err != nil {
		t.Fatal(err)
	}
	b.Credentials = map[string][]byte{emuAlice.Key(): []byte("opaque\x00blob")}
	data, err := b.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	imp, err := profile.Import(data)
	if err != nil {
		t.Fatal(err)
	}
	if imp.Format != profile.FormatAzc || string(imp.Credentials[emuAlice.Key()]) != "opaque\x00blob" {
		t.Errorf("format %q, credentials %q", imp.Format, imp.Credentials)
	}
	q, res := mergedNames(t, imp)
	if diff := cmp.Diff([]string{"Emu", "staging"}, names(q)); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
	if res.Default != "Emu" || len(q.Environments) != 1 || len(q.Accounts) != 2 {
		t.Errorf("merge = %+v; profile %+v", res, q)
	}
}

func TestMergeNeverReplaces(t *testing.T) {
	t.Parallel()
	p := sample(t)
	if _, err := p.SetDefault("Dev"); err != nil {
		t.Fatal(err)
	}
	other := profile.New()
	other.UpsertAccount(bob)
	same := ctxFor(alice, "t1", "11111111-0000-0000-0000-000000000001", "Prod")
	same.Name = "imported prod"
	same.StorageAccount = "newstore"
	clash := ctxFor(bob, "t2", "22222222-0000-0000-0000-000000000077", "Other")
	clash.Name = "Prod"
	for _, c := range []profile.Context{same, clash} {
		if _, err := other.UpsertContext(c, profile.UpsertOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	other.DefaultContext = "Prod"
	b, err := profile.NewBundle(other, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := b.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	imp, err := profile.Import(data)
	if err != nil {
		t.Fatal(err)
	}
	res := p.Merge(imp)
	// The file's names are kept: "imported prod" is a second context of
	// Prod's identity (Prod stays); bob's "Prod" clashes with alice's and
	// gets a distinct name, reported.
	if len(res.Updated) != 0 {
		t.Errorf("updated = %q, want none", res.Updated)
	}
	if diff := cmp.Diff([]string{"imported prod", "Other"}, res.Added); diff != "" {
		t.Errorf("added (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{`context "Prod": the name is taken by another context; imported as "Other"`}, res.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	// the file's default becomes the default
	if p.DefaultContext != "Other" || res.Default != "Other" || p.PreviousContext != "Dev" {
		t.Errorf("default = %q (previous %q), result %q; want the file's", p.DefaultContext, p.PreviousContext, res.Default)
	}
	if c := p.Context("Prod"); c.Account != alice.Key() || c.StorageAccount != "" {
		t.Errorf("Prod = %+v, want it untouched", c)
	}
	if c := p.Context("imported prod"); c == nil || c.Account != alice.Key() || c.StorageAccount != "newstore" {
		t.Errorf("imported prod = %+v", c)
	}
}

func TestImportRejectsUnknownData(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, data string
		is         error
	}{
		{"an unrelated JSON object", `{"hello":"world"}`, profile.ErrUnknownFormat},
		{"another kind", `{"kind":"something.else","version":1}`, profile.ErrUnknownFormat},
		{"a newer export", `{"kind":"azc.contexts","version":7,"contexts":[]}`, nil},
		{"not JSON", `<xml/>`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := profile.Import([]byte(tt.data))
			if err == nil || (tt.is != nil && !errors.Is(err, tt.is)) {
				t.Errorf("Import error = %v, want %v", err, tt.is)
			}
		})
	}
}

// TestImportDefaultIsTheContextOfItsExactName: an export whose names are
// one under case folding (σ and Σ) makes the context its default names
// exactly the default, whichever comes first, never the other's
// subscription; with no exact name, the first the name folds to. A
// context whose name azc cannot keep ("-", spaces around) is imported
// under its default name, and is the default still when the file's
// default names it.
func TestImportDefaultIsTheContextOfItsExactName(t *testing.T) {
	t.Parallel()
	ctx := func(name, sub string) string {
		return `{"name":"` + name + `","account":"azurecloud|t|alice","environment":"AzureCloud","tenant":{"id":"t"},` +
			`"subscription":{"id":"` + sub + `","name":"` + sub + `","tenantId":"t"}}`
	}
	for _, tc := range []struct {
		name, def, first, second, wantSub string
	}{
		{"exact first", "Σ", ctx("Σ", "sub-upper"), ctx("σ", "sub-lower"), "sub-upper"},
		{"exact second", "Σ", ctx("σ", "sub-lower"), ctx("Σ", "sub-upper"), "sub-upper"},
		{"no exact name", "ς", ctx("σ", "sub-lower"), ctx("Σ", "sub-upper"), "sub-lower"},
		// a name azc cannot keep gives way to the context's default name,
		// and the default follows it, as a PowerShell file's does
		{"a name azc cannot keep", "-", ctx("Dev", "sub-dev"), ctx("-", "sub-dash"), "sub-dash"},
		{"a name with spaces around", " Y ", ctx("Dev", "sub-dev"), ctx(" y ", "sub-y"), "sub-y"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			imp, err := profile.Import([]byte(`{"kind":"azc.contexts","version":1,"defaultContext":"` + tc.def +
				`","accounts":[{"id":"alice","type":"user","environment":"AzureCloud"}],"contexts":[` + tc.first + `,` + tc.second + `]}`))
			if err != nil {
				t.Fatal(err)
			}
			p, res := mergedNames(t, imp)
			c, err := p.Default()
			if err != nil || c.Subscription.ID != tc.wantSub {
				t.Fatalf("default after import = %+v, %v (result %+v), want the context of %s", c, err, res, tc.wantSub)
			}
		})
	}
}

// TestAPowerShellFileDefaultIsTheContextItsKeyNames: Azure PowerShell's
// DefaultContextKey names its default as every name is compared
// (SameName, PowerShell's own dictionary of contexts ignores case too): a
// key that differs from the context's in case still makes it the
// default, and of two keys that are one name, the exact one wins.
func TestAPowerShellFileDefaultIsTheContextItsKeyNames(t *testing.T) {
	t.Parallel()
	ctx := func(key, sub string) string {
		return `"` + key + `":{"Account":{"Id":"alice@contoso.com","Type":"User"},"Tenant":{"Id":"t"},` +
			`"Subscription":{"Id":"` + sub + `","Name":"` + sub + `","State":"Enabled"},"Environment":{"Name":"AzureCloud"}}`
	}
	for _, tc := range []struct {
		name, def, first, second, wantSub string
	}{
		{"another case", "PROD", ctx("Prod", "sub-prod"), ctx("Dev", "sub-dev"), "sub-prod"},
		{"final sigma", "ς", ctx("Dev", "sub-dev"), ctx("σ", "sub-sigma"), "sub-sigma"},
		{"the Kelvin sign", "\u212aube", ctx("kube", "sub-kube"), ctx("Dev", "sub-dev"), "sub-kube"},
		{"exact first", "Σ", ctx("Σ", "sub-upper"), ctx("σ", "sub-lower"), "sub-upper"},
		{"exact second", "σ", ctx("Σ", "sub-upper"), ctx("σ", "sub-lower"), "sub-lower"},
		{"a name azc cannot keep", "-", ctx("Dev", "sub-dev"), ctx("-", "sub-dash"), "sub-dash"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			imp, err := profile.Import([]byte(`{"DefaultContextKey":"` + tc.def + `","Contexts":{` + tc.first + `,` + tc.second + `}}`))
			if err != nil {
				t.Fatal(err)
			}
			p, res := mergedNames(t, imp)
			c, err := p.Default()
			if err != nil || c.Subscription.ID != tc.wantSub {
				t.Fatalf("default after import = %+v, %v (result %+v), want the context of %s", c, err, res, tc.wantSub)
			}
		})
	}
}

// TestAHugeNumberIsNotQuotedWhole: a number of the wrong type, megabytes
// long, in profile.json or an import file gives an error that quotes only
// the number's start (encoding/json quotes it whole).
func TestAHugeNumberIsNotQuotedWhole(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("9", 1<<20)
	for name, doc := range map[string]string{
		"profile.json":      `{"version":1,"generation":` + huge + `}`,
		"a context's name":  `{"version":1,"generation":1,"contexts":[{"name":` + huge + `}]}`,
		"an azc export":     `{"kind":"azc.contexts","version":` + huge + `}`,
		"az's profile":      `{"subscriptions":[{"id":` + huge + `}]}`,
		"a PowerShell file": `{"DefaultContextKey":` + huge + `}`,
	} {
		_, err := profile.Import([]byte(doc))
		if err == nil || len(err.Error()) > 300 {
			t.Errorf("%s: Import error of %d bytes: %.300v", name, len(fmt.Sprint(err)), err)
		}
		if strings.HasPrefix(doc, `{"version"`) {
			_, err := profile.Decode([]byte(doc))
			if err == nil || len(err.Error()) > 300 {
				t.Errorf("%s: Decode error of %d bytes: %.300v", name, len(fmt.Sprint(err)), err)
			}
		}
	}
}

// manyAccounts is a file of format kind ("az" or "ps") with n
// subscriptions, each of an account of its own.
func manyAccounts(t testing.TB, kind string, n int) []byte {
	t.Helper()
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		user, sub := fmt.Sprintf("user%d@contoso.com", i), fmt.Sprintf("%08d-1111-4222-8333-444444444444", i)
		if kind == "az" {
			fmt.Fprintf(&b, `{"id":%q,"name":"sub %d","state":"Enabled","user":{"name":%q,"type":"user"},"tenantId":%q,"homeTenantId":%q}`,
				sub, i, user, tenant1, tenant1)
		} else {
			fmt.Fprintf(&b, `"sub %d (%s) - %s - %s":{"Account":{"Id":%q,"Type":"User"},"Tenant":{"Id":%q},"Subscription":{"Id":%q,"Name":"sub %d"},"Environment":{"Name":"AzureCloud"}}`,
				i, sub, tenant1, user, user, tenant1, sub, i)
		}
	}
	if kind == "az" {
		return []byte(`{"subscriptions":[` + b.String() + `]}`)
	}
	return []byte(`{"Contexts":{` + b.String() + `}}`)
}

// An import of n subscriptions of n accounts, and its merge, allocate in
// proportion to n: an account is found by its key in a map, not by
// comparing it with every account read so far (which would allocate
// each key it compared, n²/2 of them). Not parallel: AllocsPerRun counts the
// allocations of the whole process.
func TestImportAllocatesLinearlyInTheAccounts(t *testing.T) {
	for _, kind := range []string{"az", "ps"} {
		allocs := func(n int) float64 {
			data := manyAccounts(t, kind, n)
			return testing.AllocsPerRun(1, func() {
				imp, err := profile.Import(data)
				if err != nil {
					t.Fatal(err)
				}
				p := profile.New()
				if res := p.Merge(imp); len(res.Added) != n || len(p.Accounts) != n {
					t.Fatalf("%s: merged %d contexts and %d accounts, want %d of each", kind, len(res.Added), len(p.Accounts), n)
				}
				p.Merge(imp) // again, over the accounts it holds
			})
		}
		small, large := allocs(250), allocs(2000)
		if large > 10*small {
			t.Errorf("%s: importing 2,000 accounts allocates %.0f times, %.1f× what 250 take (%.0f); want under 10× (8× the input)", kind, large, large/small, small)
		}
	}
}

// TestImportOfAUTF16FileSaysSo: a file in UTF-16 (what Windows
// PowerShell's Out-File and > write) is refused with an error that says
// so and what to do, not with encoding/json's `invalid character 'ÿ'
// looking for beginning of value`.
func TestImportOfAUTF16FileSaysSo(t *testing.T) {
	t.Parallel()
	text := `{"kind":"azc.contexts","version":1,"contexts":[]}`
	for name, bom := range map[string][]byte{"little-endian": {0xFF, 0xFE}, "big-endian": {0xFE, 0xFF},
		// without a byte order mark ([IO.File]::WriteAllText with
		// UnicodeEncoding(false, false)): `invalid character '\x00'`
		"little-endian without a BOM": nil, "big-endian without a BOM": nil} {
		data := append([]byte(nil), bom...)
		for _, r := range text {
			if strings.HasPrefix(name, "little-endian") {
				data = append(data, byte(r), 0)
			} else {
				data = append(data, 0, byte(r))
			}
		}
		_, err := profile.Import(data)
		if err == nil || !strings.Contains(err.Error(), "UTF-16") || !strings.Contains(err.Error(), "UTF-8") {
			t.Errorf("Import of a %s UTF-16 file: %v, want an error naming UTF-16 and UTF-8", name, err)
		}
	}
}

// TestImportOfAUTF32FileSaysSo: a file in UTF-32 (PowerShell's
// -Encoding utf32) is named UTF-32, not UTF-16, with the same way out.
func TestImportOfAUTF32FileSaysSo(t *testing.T) {
	t.Parallel()
	text := `{"kind":"azc.contexts","version":1,"contexts":[]}`
	for name, bom := range map[string][]byte{"little-endian": {0xFF, 0xFE, 0, 0}, "big-endian": {0, 0, 0xFE, 0xFF},
		"little-endian without a BOM": nil, "big-endian without a BOM": nil} {
		data := append([]byte(nil), bom...)
		for _, r := range text {
			if strings.HasPrefix(name, "little-endian") {
				data = append(data, byte(r), 0, 0, 0)
			} else {
				data = append(data, 0, 0, 0, byte(r))
			}
		}
		_, err := profile.Import(data)
		if err == nil || !strings.Contains(err.Error(), "UTF-32") || strings.Contains(err.Error(), "UTF-16") || !strings.Contains(err.Error(), "UTF-8") {
			t.Errorf("Import of a %s UTF-32 file: %v, want an error naming UTF-32 (not UTF-16) and UTF-8", name, err)
		}
	}
}

// TestImportAzurePowerShellWarnsOfAContextWithNoAccount: a context whose
// Account, Tenant and Subscription are null (Azure PowerShell's empty
// placeholder, or a context damaged by hand) is skipped with a warning
// naming it, and the rest are imported.
func TestImportAzurePowerShellWarnsOfAContextWithNoAccount(t *testing.T) {
	t.Parallel()
	work := `"Work": {
      "Account": {"Id": "alice@contoso.com", "Type": "User"},
      "Tenant": {"Id": "` + tenant1 + `"},
      "Subscription": null
    }`
	empty := `"Default": {"Account": null, "Tenant": null, "Subscription": null, "Environment": null}`
	for _, tc := range []struct {
		name     string
		contexts string
		imported int
		warned   []string // the contexts a warning names, in order
	}{
		// PowerShell's empty placeholder beside signed-in contexts is
		// what every such file holds: nothing to say of it.
		{"the placeholder beside a context", empty + `, "Nothing": null, "NoAccount": {"Tenant": {"Id": "` + tenant1 + `"}}, ` + work, 1, []string{"NoAccount", "Nothing"}},
		// A file of nothing else imports nothing: the warning says why.
		{"the placeholder alone", empty, 0, []string{"Default"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			imp, err := profile.Import([]byte(`{"DefaultContextKey": "Default", "Contexts": {` + tc.contexts + `}}`))
			if err != nil {
				t.Fatal(err)
			}
			if len(imp.Contexts) != tc.imported {
				t.Errorf("contexts %+v, want %d", imp.Contexts, tc.imported)
			}
			if len(imp.Warnings) != len(tc.warned) {
				t.Fatalf("warnings %q, want one for each of %q", imp.Warnings, tc.warned)
			}
			for i, name := range tc.warned {
				if want := fmt.Sprintf("context %q skipped: ", name); !strings.HasPrefix(imp.Warnings[i], want) {
					t.Errorf("warning %q, want one beginning %q", imp.Warnings[i], want)
				}
			}
		})
	}
}

// TestImportedCredentialsAreKeyedAsTheirAccounts: an azc export that names
// an account in other cases than azc writes ("Emu|T1|Alice@…", as a script
// that writes one may) gives its credential blob under the account's Key,
// which is what the imported context's account is and what its blob is
// read by (a blob under the file's spelling is found by no one: `azc
// token` would say "not signed in"). Of two spellings of one key, the one
// azc writes wins.
func TestImportedCredentialsAreKeyedAsTheirAccounts(t *testing.T) {
	t.Parallel()
	data := []byte(`{"kind":"azc.contexts","version":1,
 "accounts":[{"id":"Alice@Contoso.com","type":"user","environment":"Emu","homeTenantId":"T1"}],
 "contexts":[{"name":"a","account":"Emu|T1|Alice@Contoso.com","environment":"Emu","tenant":{"id":"T1"}}],
 "credentials":{"Emu|T1|Alice@Contoso.com":"b3RoZXI=","emu|t1|bob@contoso.com":"Ym9i","EMU|T1|BOB@CONTOSO.COM":"Qk9C"}}`)
	imp, err := profile.Import(data)
	if err != nil {
		t.Fatal(err)
	}
	p := profile.New()
	p.Merge(imp)
	key := p.Contexts[0].Account
	if key != imp.Accounts[0].Key() {
		t.Fatalf("context account %q, account key %q", key, imp.Accounts[0].Key())
	}
	want := map[string]string{key: "other", "emu|t1|bob@contoso.com": "bob"}
	got := map[string]string{}
	for k, v := range imp.Credentials {
		got[k] = string(v)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("credentials (-want +got):\n%s", diff)
	}
}

// TestImportRefusesAnEnvironmentNameWithSpacesAround: a file that names an
// environment " lab " (in its environments, a context or an account) is
// refused, naming it: SetEnvironment stores the name trimmed, so the
// file's contexts would name no environment, and its " lab " would have
// met the profile's lab.
func TestImportRefusesAnEnvironmentNameWithSpacesAround(t *testing.T) {
	t.Parallel()
	for _, data := range []string{
		`{"kind":"azc.contexts","version":1,"environments":[{"name":" lab ","authorityHost":"https://login.evil.test/","armEndpoint":"https://arm.evil.test/","armAudience":"https://arm.evil.test/"}]}`,
		`{"kind":"azc.contexts","version":1,"contexts":[{"name":"a","account":"k","environment":"lab ","tenant":{"id":"t"}}]}`,
		`{"kind":"azc.contexts","version":1,"accounts":[{"id":"u","type":"user","environment":" AzureCloud"}]}`,
		`{"subscriptions":[{"id":"s","name":"n","tenantId":"t","environmentName":"AzureCloud ","user":{"name":"u","type":"user"}}]}`,
	} {
		imp, err := profile.Import([]byte(data))
		if err == nil || !strings.Contains(err.Error(), "white space around the name") {
			t.Errorf("Import(%s) = %+v, %v; want it refused for the name's white space", data, imp, err)
		}
	}
}

// TestImportRefusesAnEnvironmentNameHoldingABar: a file that names an
// environment "lab|west" (in its environments, a context or an account)
// is refused, naming it: "|" separates the parts of an account's key, and
// SetEnvironment refuses the name, so the file's contexts would name no
// environment.
func TestImportRefusesAnEnvironmentNameHoldingABar(t *testing.T) {
	t.Parallel()
	for _, data := range []string{
		`{"kind":"azc.contexts","version":1,"environments":[{"name":"lab|west","authorityHost":"https://login.lab.test/","armEndpoint":"https://arm.lab.test/","armAudience":"https://arm.lab.test/"}]}`,
		`{"kind":"azc.contexts","version":1,"contexts":[{"name":"a","account":"k","environment":"lab|west","tenant":{"id":"t"}}]}`,
		`{"kind":"azc.contexts","version":1,"accounts":[{"id":"u","type":"user","environment":"lab|west"}]}`,
		`{"subscriptions":[{"id":"s","name":"n","tenantId":"t","environmentName":"lab|west","user":{"name":"u","type":"user"}}]}`,
	} {
		imp, err := profile.Import([]byte(data))
		if !errors.Is(err, profile.ErrInvalidName) || !strings.Contains(err.Error(), `"lab|west"`) {
			t.Errorf("Import(%s) = %+v, %v; want it refused, naming the environment", data, imp, err)
		}
	}
}

// TestImportLeavesOutAnEnvironmentWhoseEndpointIsNoURL: an environment in
// the file whose authority host or ARM endpoint `environment add` would
// refuse (no absolute http(s) URL, or an authority host that is not https)
// is left out of the import with a warning naming it: the rules are
// CheckEndpoint's and CheckAuthorityHost's.
func TestImportLeavesOutAnEnvironmentWhoseEndpointIsNoURL(t *testing.T) {
	t.Parallel()
	env := func(authority, arm string) string {
		return `{"kind":"azc.contexts","version":1,"environments":[{"name":"lab","authorityHost":"` + authority + `","armEndpoint":"` + arm + `","armAudience":"https://arm.lab.test/"}]}`
	}
	for _, data := range []string{
		env("https://login.lab.test/", "javascript:alert(1)"),
		env("file:///etc/passwd", "https://arm.lab.test/"),
		env("https://login.lab.test/", "arm.lab.test"),
		env("", "https://arm.lab.test/"),
	} {
		imp, err := profile.Import([]byte(data))
		if err != nil || len(imp.Environments) != 0 || len(imp.Warnings) != 1 ||
			!strings.Contains(imp.Warnings[0], `environment "lab" left out`) || !strings.Contains(imp.Warnings[0], "absolute http(s) URL") {
			t.Errorf("Import(%s) = %+v, %v; want the environment left out with a warning", data, imp, err)
		}
	}
	// a plain http authority host: no sign-in to it would ever work
	imp, err := profile.Import([]byte(env("HTTP://login.lab.test/", "https://arm.lab.test/")))
	if err != nil || len(imp.Environments) != 0 || len(imp.Warnings) != 1 ||
		!strings.Contains(imp.Warnings[0], `environment "lab" left out: its authorityHost "HTTP://login.lab.test/" is not an https URL`) {
		t.Errorf("Import of an http authority host = %+v, %v; want the environment left out with a warning", imp, err)
	}
	imp, err = profile.Import([]byte(env("HTTPS://login.lab.test", "http://127.0.0.1:8443/arm/")))
	if err != nil || len(imp.Environments) != 1 || imp.Environments[0].AuthorityHost != "HTTPS://login.lab.test/" {
		t.Errorf("Import of good endpoints = %+v, %v; want them kept, as environment add keeps them (ending in /)", imp, err)
	}
}

// TestImportLeavesOutAnEnvironmentWhoseCAFileIsRelative: a CA file is
// trusted for every sign-in to its cloud and stored absolute (`environment
// add` makes it so): a relative one in a file would be read from whatever
// directory azc runs in, so a CA file planted in a checkout would be
// trusted there. Such an environment is left out with a warning; an
// absolute one is kept.
func TestImportLeavesOutAnEnvironmentWhoseCAFileIsRelative(t *testing.T) {
	t.Parallel()
	abs, err := filepath.Abs("ca.pem")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		caFile string
		kept   bool
	}{
		{"ca.pem", false},
		{"certs/ca.pem", false},
		{"../ca.pem", false},
		{abs, true},
	} {
		ca, err := json.Marshal(tc.caFile)
		if err != nil {
			t.Fatal(err)
		}
		data := `{"kind":"azc.contexts","version":1,"environments":[{"name":"lab","authorityHost":"https://login.lab.test/","armEndpoint":"https://arm.lab.test/","armAudience":"https://arm.lab.test/","caFile":` + string(ca) + `}]}`
		imp, err := profile.Import([]byte(data))
		if err != nil {
			t.Fatal(err)
		}
		if kept := len(imp.Environments) == 1; kept != tc.kept || kept != (len(imp.Warnings) == 0) {
			t.Errorf("Import of the CA file %q: environments %+v, warnings %q; want it kept: %v", tc.caFile, imp.Environments, imp.Warnings, tc.kept)
		}
		if !tc.kept && (len(imp.Warnings) != 1 || !strings.Contains(imp.Warnings[0], `environment "lab" left out`) || !strings.Contains(imp.Warnings[0], tc.caFile)) {
			t.Errorf("Import of the CA file %q: warnings %q, want one that leaves the environment out and names the file", tc.caFile, imp.Warnings)
		}
	}
}

// TestImportLeavesOutAnEnvironmentAzCannotHold: azc exec writes an
// environment's name and endpoints into the child's az config a line
// each; an import file's environment with a line break in one would start
// settings of its own there, so it is left out, with a warning, and its
// contexts name an environment the profile lacks.
func TestImportLeavesOutAnEnvironmentAzCannotHold(t *testing.T) {
	t.Parallel()
	for _, env := range []string{
		`{"name":"emu\n[extension]\nindex_url = http://evil.example/","authorityHost":"https://login.lab.test/","armEndpoint":"https://arm.lab.test/","armAudience":"https://arm.lab.test/"}`,
		`{"name":"lab","authorityHost":"https://login.lab.test/","armEndpoint":"https://arm.lab.test/","armAudience":"https://arm.lab.test/\r\n[core]\nx = y"}`,
	} {
		data := `{"kind":"azc.contexts","version":1,"environments":[` + env + `]}`
		imp, err := profile.Import([]byte(data))
		if err != nil || len(imp.Environments) != 0 || len(imp.Warnings) != 1 ||
			!strings.Contains(imp.Warnings[0], "holds a line break") || !strings.Contains(imp.Warnings[0], "left out") {
			t.Errorf("Import(%s) = %+v, %v; want the environment left out with a warning", data, imp, err)
		}
	}
}

// TestImportReadsAProfileAsDecodeDoes: a profile.json that begins with two
// UTF-8 byte order marks, which every command reads (Decode takes off each
// leading mark), is imported too.
func TestImportReadsAProfileAsDecodeDoes(t *testing.T) {
	t.Parallel()
	bom := "\xef\xbb\xbf"
	text := bom + bom + `{"version":1,"generation":3,"defaultContext":"a","contexts":[{"name":"a","account":"k","tenant":{"id":"t"}}]}`
	if _, err := profile.Decode([]byte(text)); err != nil {
		t.Fatalf("Decode: %v", err)
	}
	imp, err := profile.Import([]byte(text))
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if imp.Format != profile.FormatAzcProfile || len(imp.Contexts) != 1 {
		t.Errorf("Import = format %q, %d contexts; want the profile's one context", imp.Format, len(imp.Contexts))
	}
}

// TestImportKeepsAContextWithItsAccount: an export edited by hand, one
// context without its environment and one whose account is in neither the
// file nor the profile, imports neither silently wrong: the first takes its
// account's environment (not AzureCloud, where its account has no tokens),
// the second is kept with a warning naming it (`token` would say it is not
// signed in).
func TestImportKeepsAContextWithItsAccount(t *testing.T) {
	t.Parallel()
	data := `{"kind":"azc.contexts","version":1,
 "environments":[{"name":"lab","authorityHost":"https://login.lab.test/","armEndpoint":"https://arm.lab.test/","armAudience":"https://arm.lab.test/"}],
 "accounts":[{"id":"alice@lab.test","type":"user","environment":"lab","homeTenantId":"t"}],
 "contexts":[{"name":"no-env","account":"lab|t|alice@lab.test","tenant":{"id":"t"}},
  {"name":"orphan","account":"lab|t|bob@lab.test","environment":"lab","tenant":{"id":"t"}}]}`
	imp, err := profile.Import([]byte(data))
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	p := &profile.Profile{Version: 1}
	res := p.Merge(imp)
	c, err := p.Find("no-env")
	if err != nil {
		t.Fatalf("Find(no-env): %v", err)
	}
	if c.Environment != "lab" {
		t.Errorf("no-env's environment = %q; want its account's, lab", c.Environment)
	}
	if !slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.Contains(w, `"orphan"`) }) {
		t.Errorf("warnings %q; want one naming orphan, of no account", res.Warnings)
	}
	if len(res.Warnings) != 1 || len(res.Added) != 2 {
		t.Errorf("added %q, warnings %q; want both added, one warning", res.Added, res.Warnings)
	}
}

// TestImportWarnsOfWhatItCannotKeep: an export whose contexts name an
// environment that is in neither the file nor the profile, and whose default
// names none of its contexts, is imported with a warning for each (once for
// the environment, however many contexts name it), not silently: those
// contexts get no token until the environment is added, and the default
// stays as it was.
func TestImportWarnsOfWhatItCannotKeep(t *testing.T) {
	t.Parallel()
	data := `{"kind":"azc.contexts","version":1,"defaultContext":"nope",
 "accounts":[{"id":"alice@lab.test","type":"user","environment":"lab","homeTenantId":"t"}],
 "contexts":[{"name":"a","account":"lab|t|alice@lab.test","environment":"lab","tenant":{"id":"t"}},
  {"name":"b","account":"lab|t|alice@lab.test","environment":"lab","tenant":{"id":"t"},"subscription":{"id":"s"}}]}`
	imp, err := profile.Import([]byte(data))
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	p := &profile.Profile{Version: 1}
	res := p.Merge(imp)
	warnings := append(slices.Clone(imp.Warnings), res.Warnings...)
	count := func(s string) int {
		n := 0
		for _, w := range warnings {
			if strings.Contains(w, s) {
				n++
			}
		}
		return n
	}
	if count(`"lab"`) != 1 || count(`"nope"`) != 1 || len(warnings) != 2 {
		t.Errorf("warnings %q; want one of the environment lab, one of the default nope", warnings)
	}
	if len(res.Added) != 2 {
		t.Errorf("added %q; want a and b", res.Added)
	}
}

// TestImportCountsAContextOnce: a file that holds one context twice (az's
// azureProfile.json lists a subscription once per spelling of the user, and
// the second entry renames nothing) reports it added, not added and
// updated ("1 added, 1 updated" of a profile that holds one context).
func TestImportCountsAContextOnce(t *testing.T) {
	t.Parallel()
	e := `{"id":"s1","name":"Dev","state":"Enabled","user":{"name":"%s","type":"user"},"isDefault":%v,"tenantId":"t","environmentName":"AzureCloud"}`
	data := `{"subscriptions":[` + fmt.Sprintf(e, "alice@x.test", false) + `,` + fmt.Sprintf(e, "ALICE@x.test", true) + `]}`
	imp, err := profile.Import([]byte(data))
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	p := &profile.Profile{Version: 1}
	res := p.Merge(imp)
	if len(p.Contexts) != 1 || len(res.Added) != 1 || len(res.Updated) != 0 || res.Added[0] != p.Contexts[0].Name {
		t.Errorf("added %q, updated %q, profile holds %d; want the one context added", res.Added, res.Updated, len(p.Contexts))
	}
}

// TestImportReportsTheDefaultByTheNameItHas: a file that holds the
// default context twice, under two spellings of one name (SameName: "Σ"
// and "σ"), leaves it under the later spelling, as Added reports it; the
// default the result reports is that context by that name, not by the
// spelling it had when the first of the two made it the default.
func TestImportReportsTheDefaultByTheNameItHas(t *testing.T) {
	t.Parallel()
	ctx := func(name string) string {
		return `{"name":"` + name + `","account":"azurecloud|t|alice","environment":"AzureCloud","tenant":{"id":"t"},` +
			`"subscription":{"id":"s1","name":"Dev","tenantId":"t"}}`
	}
	imp, err := profile.Import([]byte(`{"kind":"azc.contexts","version":1,"defaultContext":"Σ",` +
		`"accounts":[{"id":"alice","type":"user","environment":"AzureCloud"}],"contexts":[` + ctx("Σ") + `,` + ctx("σ") + `]}`))
	if err != nil {
		t.Fatal(err)
	}
	p, res := mergedNames(t, imp)
	if len(p.Contexts) != 1 || res.Default != p.Contexts[0].Name || res.Default != p.DefaultContext || len(res.Added) != 1 || res.Added[0] != res.Default {
		t.Errorf("the profile holds %d context(s), its default %q; the result says default %q, added %q: want the one context's name in all",
			len(p.Contexts), p.DefaultContext, res.Default, res.Added)
	}
}

// TestImportSaysWhichFieldHasTheWrongType: a file of the right shape but a
// value of the wrong JSON type (a property that is a number, a file that is
// an array) is refused naming the field and the types in JSON's words, not
// Go's ("Go struct field Context.contexts.properties of type string").
func TestImportSaysWhichFieldHasTheWrongType(t *testing.T) {
	t.Parallel()
	for doc, want := range map[string]string{
		`{"kind":"azc.contexts","version":1,"contexts":[{"name":"a","properties":{"n":1}}]}`: `contexts.properties: found a number, want a string`,
		`{"kind":"azc.contexts","version":1,"contexts":{}}`:                                  `contexts: found an object, want an array`,
		`[1,2]`:                          `found an array, want an object`,
		`{"version":1,"generation":"x"}`: `generation: found a string, want a number`,
		// a number of the wrong kind is quoted, with the numbers wanted
		`{"version":1,"generation":-1}`:  `generation: found -1, want a whole number from 0 to 18446744073709551615`,
		`{"version":1.5,"generation":1}`: `version: found 1.5, want a whole number from -9223372036854775808 to 9223372036854775807`,
		// bytes are a base64 string in JSON, not an array
		`{"kind":"azc.contexts","version":1,"contexts":[],"credentials":{"k":5}}`: `credentials: found a number, want a string (base64)`,
	} {
		_, err := profile.Import([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "Go ") {
			t.Errorf("Import(%s) = %v; want an error saying %q", doc, err, want)
		}
	}
}

// TestImportSaysWhichNamesItCannotKeep: a context whose name azc cannot
// keep ("-", white space around it), in an azc file or an Azure
// PowerShell one, gets its default name, as `context rename` refuses the
// name; the import says so of each, naming it. A context a file does not
// name gets its default name without a word.
func TestImportSaysWhichNamesItCannotKeep(t *testing.T) {
	t.Parallel()
	azc := `{"kind":"azc.contexts","version":1,"accounts":[{"id":"alice","type":"user","environment":"AzureCloud"}],"contexts":[` +
		`{"name":"-","account":"azurecloud|t|alice","tenant":{"id":"t"},"subscription":{"id":"s1","name":"S1","tenantId":"t"}},` +
		`{"name":"y ","account":"azurecloud|t|alice","tenant":{"id":"t"},"subscription":{"id":"s2","name":"S2","tenantId":"t"}},` +
		`{"name":"","account":"azurecloud|t|alice","tenant":{"id":"t"},"subscription":{"id":"s3","name":"S3","tenantId":"t"}}]}`
	ps := `{"Contexts":{" y":{"Account":{"Id":"alice@contoso.com","Type":"User"},"Tenant":{"Id":"t"},` +
		`"Subscription":{"Id":"s1","Name":"S1","State":"Enabled"},"Environment":{"Name":"AzureCloud"}},` +
		`"n\u0000l":{"Account":{"Id":"alice@contoso.com","Type":"User"},"Tenant":{"Id":"t"},` +
		`"Subscription":{"Id":"s2","Name":"S2","State":"Enabled"},"Environment":{"Name":"AzureCloud"}}}}`
	for _, tc := range []struct {
		file string
		bad  []string
	}{{azc, []string{"-", "y "}}, {ps, []string{" y", "n\x00l"}}} {
		imp, err := profile.Import([]byte(tc.file))
		if err != nil {
			t.Fatal(err)
		}
		var said []string
		for _, w := range imp.Warnings {
			if strings.Contains(w, "default name") {
				said = append(said, w)
			}
		}
		if len(said) != len(tc.bad) {
			t.Fatalf("warnings %q, want one for each of %q", imp.Warnings, tc.bad)
		}
		for i, name := range tc.bad {
			if !strings.HasPrefix(said[i], fmt.Sprintf("context %q: ", name)) {
				t.Errorf("warning %q, want one naming %q", said[i], name)
			}
		}
	}
}

// TestImportLeavesOutATenantNoTenantIDCanBe: a context whose tenant, or
// whose account's home tenant, no tenant id or domain can be (a /, ?, ..)
// is left out with a warning, as a context without a tenant is: the tenant
// ends the authority URL of every token request, where "../../x?y" would
// be sent as a path.
func TestImportLeavesOutATenantNoTenantIDCanBe(t *testing.T) {
	t.Parallel()
	orig, err := profile.Import(readFixture(t, "azureProfile.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f map[string]any
	if err := json.Unmarshal(bytes.TrimPrefix(readFixture(t, "azureProfile.json"), []byte("\xef\xbb\xbf")), &f); err != nil {
		t.Fatal(err)
	}
	subs := f["subscriptions"].([]any)
	bad := subs[0].(map[string]any)
	bad["tenantId"], bad["homeTenantId"] = "../../x?y", "../../x?y"
	data, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	imp, err := profile.Import(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.Contexts) != len(orig.Contexts)-1 {
		t.Errorf("%d contexts imported, want %d: all but the one of a bad tenant", len(imp.Contexts), len(orig.Contexts)-1)
	}
	for _, c := range imp.Contexts {
		if !profile.ValidTenant(c.Tenant.ID) {
			t.Errorf("context of tenant %q imported", c.Tenant.ID)
		}
	}
	for _, a := range imp.Accounts {
		if !profile.ValidTenant(a.HomeTenantID) {
			t.Errorf("account of home tenant %q imported", a.HomeTenantID)
		}
	}
	if !strings.Contains(strings.Join(imp.Warnings, "\n"), `"../../x?y"`) {
		t.Errorf("warnings %q do not name the tenant", imp.Warnings)
	}
}

// TestImportLeavesOutWhatExecCannotExport: a subscription id or storage
// account holding a control character (a NUL, which no environment
// variable can hold, an escape, a newline) is left out with a warning
// naming it, in every format: the context of such a subscription id, the
// storage account alone: imported, each would fail `azc exec -- true`
// under the context with exit 126, "environment variable contains NUL".
func TestImportLeavesOutWhatExecCannotExport(t *testing.T) {
	t.Parallel()
	const good = "11111111-1111-1111-1111-111111111111"
	bundle := func(sub, storage string) string {
		b := profile.Bundle{Kind: profile.BundleKind, Version: profile.BundleVersion,
			Accounts: []profile.Account{{ID: "alice@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: tenant1}},
			Contexts: []profile.Context{
				{Name: "Bad", Account: "azurecloud|" + tenant1 + "|alice@contoso.com", Environment: "AzureCloud", Tenant: profile.Tenant{ID: tenant1},
					Subscription: &profile.Subscription{ID: sub, Name: "Bad"}, StorageAccount: storage},
				{Name: "Good", Account: "azurecloud|" + tenant1 + "|alice@contoso.com", Environment: "AzureCloud", Tenant: profile.Tenant{ID: tenant1},
					Subscription: &profile.Subscription{ID: good, Name: "Good"}},
			}}
		data, err := b.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	azureCLI := func(sub string) string {
		data, err := json.Marshal(map[string]any{"subscriptions": []any{
			map[string]any{"id": sub, "name": "Bad", "state": "Enabled", "tenantId": tenant1, "homeTenantId": tenant1, "environmentName": "AzureCloud", "isDefault": true, "user": map[string]any{"name": "alice@contoso.com", "type": "user"}},
			map[string]any{"id": good, "name": "Good", "state": "Enabled", "tenantId": tenant1, "homeTenantId": tenant1, "environmentName": "AzureCloud", "user": map[string]any{"name": "alice@contoso.com", "type": "user"}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	powerShell := func(sub string) string {
		ctx := func(id, name string) map[string]any {
			return map[string]any{
				"Account":      map[string]any{"Id": "alice@contoso.com", "Type": "User", "ExtendedProperties": map[string]any{"Tenants": tenant1}},
				"Tenant":       map[string]any{"Id": tenant1},
				"Subscription": map[string]any{"Id": id, "Name": name, "State": "Enabled"},
				"Environment":  map[string]any{"Name": "AzureCloud"},
			}
		}
		data, err := json.Marshal(map[string]any{"DefaultContextKey": "Bad", "Contexts": map[string]any{"Bad": ctx(sub, "Bad"), "Good": ctx(good, "Good")}})
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	for _, tc := range []struct {
		name, file, quoted string
		// keptStorage: the Bad context is kept, without its storage account
		keptStorage bool
	}{
		{"an azc export of a subscription id holding a NUL", bundle("abc\x00def", ""), `"abc\x00def"`, false},
		{"an azc export of a subscription id holding an escape", bundle("abc\x1b[31mdef", ""), `"abc\x1b[31mdef"`, false},
		{"an azc export of a storage account holding a NUL", bundle(good[:35]+"2", "st\x00ore"), `"st\x00ore"`, true},
		{"an azc export of a storage account holding a newline", bundle(good[:35]+"2", "st\nore"), `"st\nore"`, true},
		{"an azureProfile.json of a subscription id holding a NUL", azureCLI("abc\x00def"), `"abc\x00def"`, false},
		{"an AzureRmContext.json of a subscription id holding a NUL", powerShell("abc\x00def"), `"abc\x00def"`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			imp, err := profile.Import([]byte(tc.file))
			if err != nil {
				t.Fatal(err)
			}
			var subs []string
			for _, c := range imp.Contexts {
				if c.Subscription != nil {
					subs = append(subs, c.Subscription.ID)
				}
				if c.StorageAccount != "" {
					t.Errorf("storage account %q imported", c.StorageAccount)
				}
			}
			want := []string{good}
			if tc.keptStorage {
				want = []string{good[:35] + "2", good}
			}
			if !slices.Equal(subs, want) {
				t.Errorf("subscriptions imported: %q, want %q", subs, want)
			}
			if !strings.Contains(strings.Join(imp.Warnings, "\n"), tc.quoted) {
				t.Errorf("warnings %q do not name %s", imp.Warnings, tc.quoted)
			}
		})
	}
}

// An az azureProfile.json says nothing of how a service principal proves
// itself: importing one that azc signed in keeps the account's credential
// kind (and the federated token file), or no token could be had for it.
func TestImportKeepsASignedInServicePrincipalsCredential(t *testing.T) {
	t.Parallel()
	for _, stored := range []profile.Account{
		{ID: "6d7e8f90-aaaa-4bbb-8ccc-ddddeeeeffff", Type: profile.ServicePrincipal, Environment: "AzureCloud", HomeTenantID: tenant1, Credential: "secret"},
		{ID: "6d7e8f90-aaaa-4bbb-8ccc-ddddeeeeffff", Type: profile.ServicePrincipal, Environment: "AzureCloud", HomeTenantID: tenant1, Credential: "federated", FederatedTokenFile: "/var/run/token"},
	} {
		p := profile.New()
		p.UpsertAccount(stored)
		p.Merge(importFixture(t, "azureProfile.json"))
		if a := p.Account(stored.Key()); a == nil || a.Credential != stored.Credential || a.FederatedTokenFile != stored.FederatedTokenFile {
			t.Errorf("after the import the service principal is %+v, want its credential %q (file %q) kept", a, stored.Credential, stored.FederatedTokenFile)
		}
	}
}

// An account the profile holds keeps how it signs in when the file says
// otherwise, as the blob of its tokens and secret stays: a user imported
// from a Save-AzContext file of a raw-token sign-in (-AccessToken), a
// service principal of another certificate or token file. Only an azc
// blob the import stores for it, in place of none, brings the file's.
func TestImportKeepsHowAnAccountOfTheProfileSignsIn(t *testing.T) {
	t.Parallel()
	const sp = "6d7e8f90-aaaa-4bbb-8ccc-ddddeeeeffff"
	user := profile.Account{ID: "alice@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: tenant1,
		HomeAccountID: "a11ce000-0000-4000-8000-000000000001." + tenant1}
	spAccount := func(credential, file string) profile.Account {
		return profile.Account{ID: sp, Type: profile.ServicePrincipal, Environment: "AzureCloud", HomeTenantID: tenant1, Credential: credential, FederatedTokenFile: file}
	}
	psFile := func(id, typ string) []byte {
		return fmt.Appendf(nil, `{"DefaultContextKey": "X", "EnvironmentTable": {}, "Contexts": {"X": {
			"Account": {"Id": %q, "Type": %q, "ExtendedProperties": {"AccessToken": "raw-token-secret", "Tenants": %q}},
			"Tenant": {"Id": %q}, "Subscription": {"Id": "11111111-0000-4000-8000-000000000001", "Name": "Sub", "State": "Enabled"},
			"Environment": {"Name": "AzureCloud"}}}}`, id, typ, tenant1, tenant1)
	}
	export := func(a profile.Account, blob []byte) []byte {
		src := profile.New()
		src.UpsertAccount(a)
		if _, err := src.UpsertContext(ctxFor(a, tenant1, "11111111-0000-4000-8000-000000000001", "Sub"), profile.UpsertOptions{}); err != nil {
			t.Fatal(err)
		}
		b, err := profile.NewBundle(src, nil)
		if err != nil {
			t.Fatal(err)
		}
		if blob != nil {
			b.Credentials = map[string][]byte{a.Key(): blob}
		}
		data, err := b.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	for _, tc := range []struct {
		name   string
		stored profile.Account
		file   []byte
		want   profile.Account // its type, credential and token file
		warned bool
	}{
		{"a user stays a user when the file has its raw token", user, psFile(user.ID, "AccessToken"), user, true},
		{"a service principal keeps its certificate when the file says secret", spAccount("certificate", ""), export(spAccount("secret", ""), nil), spAccount("certificate", ""), true},
		{"a service principal keeps its token file when the file names none", spAccount("federated", "/var/run/token"), psFile(sp, "ClientAssertion"), spAccount("federated", "/var/run/token"), false},
		{"a service principal keeps its token file when the file names another", spAccount("federated", "/var/run/token"), export(spAccount("federated", "/other/token"), nil), spAccount("federated", "/var/run/token"), false},
		{"a service principal az imported takes the file's", spAccount("", ""), export(spAccount("secret", ""), []byte(`{"version":1,"secret":"s"}`)), spAccount("secret", ""), false},
		{"an account whose blob the import stores takes the file's", spAccount("secret", ""), export(spAccount("certificate", ""), []byte(`{"version":1,"certificate":"c"}`)), spAccount("certificate", ""), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := profile.New()
			p.UpsertAccount(tc.stored)
			imp, err := profile.Import(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			res := p.Merge(imp)
			a := p.Account(tc.stored.Key())
			if a == nil || a.Type != tc.want.Type || a.Credential != tc.want.Credential || a.FederatedTokenFile != tc.want.FederatedTokenFile {
				t.Errorf("after the import the account is %+v, want it to sign in as %+v", a, tc.want)
			}
			warned := slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.Contains(w, "kept as it signs in here") })
			if warned != tc.warned {
				t.Errorf("warnings %q: a warning that the account was kept: %v, want %v", res.Warnings, warned, tc.warned)
			}
			if strings.Contains(strings.Join(res.Warnings, "\n"), "raw-token-secret") {
				t.Errorf("warnings %q show the raw token", res.Warnings)
			}
		})
	}
}

// A Save-AzContext file saved with -WithCredential holds each service
// principal's secret (ServicePrincipalSecret): Import returns it, typed
// so that no print of what Import returns shows it, for the importer to
// store; a user's account has none.
func TestImportAzurePowerShellKeepsAServicePrincipalsSecret(t *testing.T) {
	t.Parallel()
	const sp, secretValue = "6d7e8f90-aaaa-4bbb-8ccc-ddddeeeeffff", "ps-sp-secret-value"
	imp, err := profile.Import(fmt.Appendf(nil, `{"DefaultContextKey": "SP", "EnvironmentTable": {}, "Contexts": {
		"SP": {"Account": {"Id": %q, "Type": "ServicePrincipal", "ExtendedProperties": {"ServicePrincipalSecret": %q}},
			"Tenant": {"Id": %q}, "Environment": {"Name": "AzureCloud"}},
		"User": {"Account": {"Id": "alice@contoso.com", "Type": "User", "ExtendedProperties": {"ServicePrincipalSecret": "not-a-users"}},
			"Tenant": {"Id": %[3]q}, "Environment": {"Name": "AzureCloud"}}}}`, sp, secretValue, tenant1))
	if err != nil {
		t.Fatal(err)
	}
	key := profile.Account{ID: sp, Environment: "AzureCloud", HomeTenantID: tenant1}.Key()
	if len(imp.Secrets) != 1 || imp.Secrets[key].Reveal() != secretValue {
		t.Fatalf("Secrets = %v (%d), want the service principal's secret under %q alone", imp.Secrets, len(imp.Secrets), key)
	}
	for _, verb := range []string{"%v", "%+v", "%#v"} {
		if s := fmt.Sprintf(verb, imp); strings.Contains(s, secretValue) {
			t.Errorf("fmt %s of the import shows the secret: %s", verb, s)
		}
	}
}

// An account is of one cloud: a context's tokens are asked of its
// environment's authority host with its account's credentials. A context
// of the file that names an account of the profile or the file but
// another environment (one the file adds with endpoints of its choice) is
// skipped with a warning, as is one of an account none holds whose key
// its environment does not begin; one whose environment's name holds a
// "|" (which could begin another's key) is refused with the whole file
// (TestImportRefusesAnEnvironmentNameHoldingABar); the same cloud in
// another spelling, or none, is kept.
func TestImportSkipsAContextOfAnotherCloudThanItsAccount(t *testing.T) {
	t.Parallel()
	sp := profile.Account{ID: "6d7e8f90-aaaa-4bbb-8ccc-ddddeeeeffff", Type: profile.ServicePrincipal, Environment: "emu", HomeTenantID: tenant1, Credential: "secret"}
	spKey := sp.Key()
	stranger := "emu|" + tenant1 + "|someone@contoso.com"
	for _, tc := range []struct {
		name, account, environment string
		kept                       bool
	}{
		{"the profile's account in another cloud", spKey, "teamcloud", false},
		{"the profile's account in a cloud named as its key begins", spKey, "emu|" + tenant1, false},
		{"an account none holds in a cloud its key does not begin with", stranger, "teamcloud", false},
		{"an account none holds in a cloud named as its key begins", stranger, "emu|" + tenant1, false},
		{"the profile's account in its cloud spelt otherwise", strings.ToUpper(spKey), "EMU", true},
		{"the profile's account with no environment", spKey, "", true},
		{"an account none holds in the cloud its key begins with", stranger, "Emu", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := profile.New()
			if err := p.SetEnvironment(profile.Environment{Name: "emu", AuthorityHost: "https://login.emu.test/", ARMEndpoint: "https://arm.emu.test/", ARMAudience: "https://arm.emu.test/"}); err != nil {
				t.Fatal(err)
			}
			p.UpsertAccount(sp)
			b := profile.Bundle{Kind: profile.BundleKind, Version: profile.BundleVersion, DefaultContext: "Team",
				Environments: []profile.Environment{{Name: tc.environment, AuthorityHost: "https://login.team.test/", ARMEndpoint: "https://arm.team.test/", ARMAudience: "https://arm.team.test/"}},
				Contexts:     []profile.Context{{Name: "Team", Account: tc.account, Environment: tc.environment, Tenant: profile.Tenant{ID: tenant1}}}}
			if tc.environment == "" || strings.EqualFold(tc.environment, "emu") {
				b.Environments = nil
			}
			data, err := b.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			imp, err := profile.Import(data)
			if strings.Contains(tc.environment, "|") {
				if !errors.Is(err, profile.ErrInvalidName) {
					t.Fatalf("Import of a cloud named %q = %+v, %v; want ErrInvalidName", tc.environment, imp, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			res := p.Merge(imp)
			c := p.Context("Team")
			if kept := c != nil; kept != tc.kept {
				t.Fatalf("context Team after the import: %+v, want it kept: %v (warnings %q)", c, tc.kept, res.Warnings)
			}
			warned := slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.Contains(w, `context "Team" skipped`) })
			if warned == tc.kept {
				t.Errorf("warnings %q: one that the context was skipped: %v, want %v", res.Warnings, warned, !tc.kept)
			}
			if !tc.kept && p.DefaultContext != "" {
				t.Errorf("default = %q, want it as it was", p.DefaultContext)
			}
		})
	}
}

// An environment is asked for ARM tokens of its ARM audience, which
// `environment add` defaults to the ARM endpoint: an imported one that
// gives none (Add-AzEnvironment without -ActiveDirectoryServiceEndpointResourceId,
// an export edited by hand) gets the same default, or every ARM token of
// its contexts is asked for the scope "/.default", which no identity
// provider grants. One that gives an audience keeps it.
func TestImportGivesAnEnvironmentWithNoAudienceItsARMEndpoint(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, data, want string }{
		{"a PowerShell file", `{"DefaultContextKey": null, "Contexts": {}, "EnvironmentTable": {"Lab": {"Name": "Lab",
			"ActiveDirectoryAuthority": "https://login.lab.test/", "ResourceManagerUrl": "https://arm.lab.test/",
			"ActiveDirectoryServiceEndpointResourceId": null}}}`, "https://arm.lab.test/"},
		{"an export", `{"kind": "azc.contexts", "version": 1, "environments": [{"name": "Lab",
			"authorityHost": "https://login.lab.test/", "armEndpoint": "https://arm.lab.test"}]}`, "https://arm.lab.test/"},
		{"an export with an audience", `{"kind": "azc.contexts", "version": 1, "environments": [{"name": "Lab",
			"authorityHost": "https://login.lab.test/", "armEndpoint": "https://arm.lab.test/", "armAudience": "https://management.core.windows.net/"}]}`,
			"https://management.core.windows.net/"},
	} {
		imp, err := profile.Import([]byte(tc.data))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(imp.Environments) != 1 || imp.Environments[0].ARMAudience != tc.want {
			t.Errorf("%s: environments %+v, want one whose ARM audience is %q", tc.name, imp.Environments, tc.want)
		}
	}
}

// An account's federated token file is read on every token request and
// what it holds sent to the account's cloud: a file naming both an
// account's cloud (with endpoints of its choice) and any file of the
// user's (a key, a Kubernetes token) would have it sent there. An import
// leaves the file out with a warning naming it, in every format that can
// give one, and the account keeps its credential kind, so that azc says
// how to sign it in again.
func TestImportLeavesOutAFederatedTokenFile(t *testing.T) {
	t.Parallel()
	account := `{"id": "6d7e8f90-aaaa-4bbb-8ccc-ddddeeeeffff", "type": "servicePrincipal", "environment": "AzureCloud", "homeTenantId": "` + tenant1 + `",
		"credential": "federated", "federatedTokenFile": "/home/me/.ssh/id_ed25519"}`
	context := `{"name": "CI", "account": "azurecloud|` + tenant1 + `|6d7e8f90-aaaa-4bbb-8ccc-ddddeeeeffff", "environment": "AzureCloud", "tenant": {"id": "` + tenant1 + `"}}`
	for _, data := range []string{
		`{"kind": "azc.contexts", "version": 1, "accounts": [` + account + `], "contexts": [` + context + `]}`,
		`{"version": 1, "generation": 3, "accounts": [` + account + `], "contexts": [` + context + `]}`,
	} {
		imp, err := profile.Import([]byte(data))
		if err != nil {
			t.Fatal(err)
		}
		if len(imp.Accounts) != 1 || imp.Accounts[0].FederatedTokenFile != "" || imp.Accounts[0].Credential != profile.CredentialFederated {
			t.Errorf("Import(%s): accounts %+v, want the service principal's credential kind without its file", data, imp.Accounts)
		}
		if len(imp.Warnings) != 1 || !strings.Contains(imp.Warnings[0], `federated token file "/home/me/.ssh/id_ed25519" was not imported`) {
			t.Errorf("Import(%s): warnings %q, want one naming the file left out", data, imp.Warnings)
		}
	}
}

// TestImportKeepsTheHomeAccountIDOfASignedInUser: azc finds a user's
// tokens in its blob by the account's home account id. An Azure PowerShell
// file that gave a signed-in user another HomeAccountId (a hand-written
// file, a user deleted and made again) replaced the profile's, and the
// user, whose blob was kept, was "not signed in" from then on: the account
// keeps the one its tokens are told by, as it keeps how it signs in.
func TestImportKeepsTheHomeAccountIDOfASignedInUser(t *testing.T) {
	t.Parallel()
	const home = "a11ce000-0000-4000-8000-000000000001." + tenant1
	alice := profile.Account{ID: "alice@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: tenant1, HomeAccountID: home}
	p := profile.New()
	p.UpsertAccount(alice)
	imp, err := profile.Import(fmt.Appendf(nil, `{"DefaultContextKey": "X", "EnvironmentTable": {}, "Contexts": {"X": {
		"Account": {"Id": "alice@contoso.com", "Type": "User", "ExtendedProperties": {"HomeAccountId": "0bad0000-0000-4000-8000-000000000009.%s"}},
		"Tenant": {"Id": %q}, "Subscription": {"Id": "11111111-0000-4000-8000-000000000001", "Name": "Sub", "State": "Enabled"},
		"Environment": {"Name": "AzureCloud"}}}}`, tenant1, tenant1))
	if err != nil {
		t.Fatal(err)
	}
	p.Merge(imp)
	if a := p.Account(alice.Key()); a == nil || a.HomeAccountID != home {
		t.Errorf("after the import alice is %+v, want her home account id %q kept", a, home)
	}
}
