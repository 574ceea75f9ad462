package profile

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// manyOf is a profile document whose member key holds n copies of elem:
// a few bytes each, which encoding/json decodes into hundreds of bytes of
// memory each (a Context or Account struct, a string header).
func manyOf(key, elem string, n int) []byte {
	var b strings.Builder
	b.WriteString(`{"version":1,"generation":1,"` + key + `":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(elem)
	}
	b.WriteString("]}")
	return []byte(b.String())
}

// TestDecodeRefusesMoreValuesThanItReads: a file within MaxFileSize whose
// values are tiny (`{}` three bytes each) decodes into hundreds of times
// its size: 64 MiB of `{},` as accounts would take 10 GB and 40 s to
// decode, and end in "fatal error: out of memory" with a stack trace
// where memory is limited. More objects or values than a profile of
// 100,000 contexts holds are refused before anything is decoded, with an
// error that says so, by Decode and Import alike (Unmarshal, which
// session records go through too).
func TestDecodeRefusesMoreValuesThanItReads(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"objects", manyOf("accounts", "{}", maxObjects+1), "more than 500,000 JSON objects"},
		{"values", []byte(strings.Replace(string(manyOf("accounts", `""`, maxValues+1)), `"accounts":[`, `"accounts":[{"id":"a","tenants":[`, 1) + "]}"), "more than 4,000,000 JSON values"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(tc.data)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Decode of %d bytes: %v; want an error saying %q", len(tc.data), err, tc.want)
			}
			if _, err := Import(tc.data); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Import of %d bytes: %v; want an error saying %q", len(tc.data), err, tc.want)
			}
		})
	}
}

// TestTheValueLimitsHoldTheLargestProfiles: a profile of 100,000 contexts,
// each with every field set (as many objects and values as a context can
// have), is within the limits, as it is within MaxFileSize.
func TestTheValueLimitsHoldTheLargestProfiles(t *testing.T) {
	p := filledProfile()
	p.Contexts = p.Contexts[:1]
	one, err := Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	p.Contexts = nil
	none, err := Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	o1, v1 := countValues(one)
	o0, v0 := countValues(none)
	const contexts = 100_000
	if o, v := o0+contexts*(o1-o0), v0+contexts*(v1-v0); o > maxObjects || v > maxValues {
		t.Fatalf("%d contexts hold %d objects and %d values: over the limits (%d, %d)", contexts, o, v, maxObjects, maxValues)
	}
}

// TestCountValuesSkipsStrings: what strings hold (brackets, commas,
// colons, escaped quotes) counts for nothing; each value and object
// counts once.
func TestCountValuesSkipsStrings(t *testing.T) {
	for doc, want := range map[string][2]int{
		`{"a":"x\"{[,:","b":[1,2,{}]}`: {2, 6},
		`["a\\\\",{}]`:                 {1, 3},
		`["\\\"{", "}\\", {"k": [] }]`: {1, 6}, // the empty array counts one
		`{}`:                           {1, 1},
		`"{[,:`:                        {0, 1},
	} {
		if o, v := countValues([]byte(doc)); o != want[0] || v != want[1] {
			t.Errorf("countValues(%s) = %d objects, %d values; want %d, %d", doc, o, v, want[0], want[1])
		}
	}
}

// TestAStoreRefusesAHeaderOfMoreObjectsThanDecodeReads: a profile.json in
// Encode's layout whose header holds more accounts than Decode reads (each
// `{}`, which the skim does not read itself and has encoding/json decode)
// is refused by a Store's read as Decode refuses it: 60 MiB of them would
// take 5.4 GB and 8 s of every `azc context show`.
func TestAStoreRefusesAHeaderOfMoreObjectsThanDecodeReads(t *testing.T) {
	var b strings.Builder
	b.WriteString("{\n  \"version\": 1,\n  \"generation\": 3,\n  \"settings\": {},\n  \"accounts\": [\n")
	for i := range maxObjects + 1 {
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteString("    {}")
	}
	b.WriteString("\n  ],\n  \"contexts\": [\n    {\"name\":\"a\",\"account\":\"k\",\"environment\":\"AzureCloud\",\"tenant\":{\"id\":\"t\"}}\n  ]\n}\n")
	s := storeWith(t, []byte(b.String()))
	// refused undecoded: decoded first, the accounts would take a hundred
	// and more bytes of memory each, some 150 times the file's size
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := s.View()
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "more than 500,000 JSON objects") {
		t.Fatalf("View: %v; want the objects refused", err)
	}
	if got, most := after.TotalAlloc-before.TotalAlloc, uint64(10*b.Len()); got > most {
		t.Errorf("View of a header of %d accounts (%d bytes) allocated %d bytes before it refused them, over %d; want them refused before they are decoded", maxObjects+1, b.Len(), got, most)
	}
}

// TestAStoreRefusesAHeaderOfMoreValuesThanDecodeReads: a header in
// Encode's very layout, which the skim decodes itself (an account's
// tenants, here more than Decode reads), is held to Decode's limits too,
// and refused as Decode refuses it.
func TestAStoreRefusesAHeaderOfMoreValuesThanDecodeReads(t *testing.T) {
	var b strings.Builder
	b.WriteString("{\n  \"version\": 1,\n  \"generation\": 3,\n  \"settings\": {},\n  \"accounts\": [\n")
	b.WriteString(`    {"id":"u","type":"user","environment":"AzureCloud","tenants":[`)
	for i := range maxValues {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`""`)
	}
	b.WriteString("]}\n  ],\n  \"contexts\": [\n    {\"name\":\"a\",\"account\":\"k\",\"environment\":\"AzureCloud\",\"tenant\":{\"id\":\"t\"}}\n  ]\n}\n")
	if _, err := Decode([]byte(b.String())); err == nil || !strings.Contains(err.Error(), "more than 4,000,000 JSON values") {
		t.Fatalf("Decode: %v; want the values refused", err)
	}
	s := storeWith(t, []byte(b.String()))
	// refused before the skim decodes the tenants (16 bytes and more each,
	// some 8 times the file's size)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := s.View()
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("View: read a header of more values than Decode reads")
	}
	if got, most := after.TotalAlloc-before.TotalAlloc, uint64(4*b.Len()); got > most {
		t.Errorf("View of a header of %d tenants (%d bytes) allocated %d bytes before it refused them, over %d; want them refused before they are decoded", maxValues, b.Len(), got, most)
	}
	for name, read := range map[string]func() error{
		"View":        func() error { _, err := s.View(); return err },
		"ViewKeeping": func() error { _, err := s.ViewKeeping(""); return err },
		"ViewColumns": func() error { _, err := s.ViewColumns(""); return err },
		"Load":        func() error { _, err := s.Load(); return err },
	} {
		if err := read(); err == nil || !strings.Contains(err.Error(), "more than 4,000,000 JSON values") {
			t.Errorf("%s: %v; want the values refused, as Decode refuses them", name, err)
		}
	}
}

// TestAWriteOverTheValueLimitsWritesNothing: a change that would make
// profile.json hold more objects than Decode reads (here 125,001 contexts,
// each with a subscription and a property: some 40 MB, within
// MaxFileSize) is refused, and nothing written: azc never writes a
// profile it would then refuse to read, which would stop every command.
func TestAWriteOverTheValueLimitsWritesNothing(t *testing.T) {
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := filledProfile()
	want.Contexts = want.Contexts[:1]
	if _, err := s.Update(func(p *Profile) error { *p = *want.Clone(); return nil }); err != nil {
		t.Fatal(err)
	}
	_, err = s.Update(func(p *Profile) error {
		c := p.Contexts[0]
		for i := range maxObjects / 4 {
			c.Name = fmt.Sprint("c", i)
			p.Contexts = append(p.Contexts, c)
		}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "more than 500,000 JSON objects") || !strings.Contains(err.Error(), "nothing was written") {
		t.Errorf("Update() to %d contexts: %v; want an error saying it holds more than 500,000 JSON objects and nothing was written", maxObjects/4+1, err)
	}
	p, err := s.Load()
	if err != nil {
		t.Fatalf("Load() after the refused write: %v", err)
	}
	if len(p.Contexts) != 1 {
		t.Errorf("Load() after the refused write: %d contexts, want 1", len(p.Contexts))
	}
}

// TestAHeaderInEncodesLayoutOfMoreAccountsThanDecodeReadsIsRefused: the
// skim reads a header in Encode's layout itself (headerMember), and must
// refuse what Decode refuses: 500,001 accounts, each as Encode writes one.
func TestAHeaderInEncodesLayoutOfMoreAccountsThanDecodeReadsIsRefused(t *testing.T) {
	var b strings.Builder
	b.WriteString("{\n  \"version\": 1,\n  \"generation\": 3,\n  \"accounts\": [\n")
	for i := range maxObjects + 1 {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `    {"id":"a%d","type":"user","environment":"AzureCloud"}`, i)
	}
	b.WriteString("\n  ],\n  \"contexts\": [\n    {\"name\":\"a\",\"account\":\"azurecloud||a0\",\"environment\":\"AzureCloud\",\"tenant\":{\"id\":\"t\"}}\n  ]\n}\n")
	if _, err := Decode([]byte(b.String())); err == nil || !strings.Contains(err.Error(), "more than 500,000 JSON objects") {
		t.Fatalf("Decode: %v; want the objects refused", err)
	}
	s := storeWith(t, []byte(b.String()))
	if _, err := s.View(); err == nil || !strings.Contains(err.Error(), "more than 500,000 JSON objects") {
		t.Fatalf("View: %v; want the objects refused, as Decode refuses them", err)
	}
}

// TestAHeaderOfBlankLinesIsNotTakenForManyElements: the skim sizes the
// accounts it decodes by the header's lines, one an account in Encode's
// layout; an array of blank lines (60 MB of them, within MaxFileSize),
// taken for as many accounts, would have it ask for 10 GB before it read
// one, a Go fatal error where memory is limited.
func TestAHeaderOfBlankLinesIsNotTakenForManyElements(t *testing.T) {
	for _, key := range []string{"accounts", "environments"} {
		text := "{\n  \"version\": 1,\n  \"generation\": 3,\n  \"" + key + "\": [" + strings.Repeat("\n", 1<<20) + "],\n  \"contexts\": []\n}\n"
		s := storeWith(t, []byte(text))
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, _ = s.View()
		runtime.ReadMemStats(&after)
		if got, most := after.TotalAlloc-before.TotalAlloc, uint64(10*len(text)); got > most {
			t.Errorf("View of %s of %d blank lines (%d bytes) allocated %d bytes, over %d", key, 1<<20, len(text), got, most)
		}
	}
}

// TestImportPowerShellTenantsAreValues holds the tenants of an Azure
// PowerShell file's accounts, each Tenants one string of ids joined by
// commas, to the values Unmarshal reads of a file: unbounded, 60 MB of
// "t," in one account would take 22 s and 2.9 GB to import before the
// profile's size refused it. Fewer are imported.
func TestImportPowerShellTenantsAreValues(t *testing.T) {
	file := func(tenants string) []byte {
		data, err := json.Marshal(map[string]any{"Contexts": map[string]any{"x": map[string]any{
			"Account":      map[string]any{"Id": "alice@contoso.com", "Type": "User", "ExtendedProperties": map[string]string{"Tenants": tenants}},
			"Tenant":       map[string]string{"Id": "3f2a6b1e-0c4d-4e8a-9b1f-2d3c4e5f6a7b"},
			"Subscription": map[string]string{"Id": "0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f", "Name": "P"},
		}}})
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	_, err := Import(file(strings.Repeat("t,", maxValues)))
	if err == nil || !strings.Contains(err.Error(), "more than 4000000 tenants") {
		t.Errorf("Import of %d tenants: err = %v, want it refused for its tenants", maxValues+1, err)
	}
	imp, err := Import(file("3f2a6b1e-0c4d-4e8a-9b1f-2d3c4e5f6a7b, contoso.com"))
	if err != nil || len(imp.Accounts) != 1 || len(imp.Accounts[0].Tenants) != 2 {
		t.Errorf("Import of 2 tenants = %+v, %v, want one account of 2 tenants", imp, err)
	}
}

// TestDefaultNameOfManyAlikeLooksUpFew holds defaultName, in a batch, to a
// few lookups when many contexts share one subscription name: trying
// each suffix from (2) on, one name made and looked up each, an import of
// 20,000 contexts of one subscription name would take 55 s.
func TestDefaultNameOfManyAlikeLooksUpFew(t *testing.T) {
	const n = 2000
	ctx := func(i int) Context {
		return Context{Account: "AzureCloud|t|alice", Tenant: Tenant{ID: "t"},
			Subscription: &Subscription{ID: fmt.Sprintf("sub-%d", i), Name: "Same"}}
	}
	p := &Profile{}
	ix := p.buildIndex(n)
	for i := range n {
		if _, _, err := p.upsert(ctx(i), UpsertOptions{}, ix); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := p.Contexts[n-1].Name, fmt.Sprintf("Same (alice) (%d)", n-1); got != want {
		t.Fatalf("the last context is %q, want %q", got, want)
	}
	next := ctx(n)
	var name string
	allocs := testing.AllocsPerRun(5, func() { name = p.defaultName(&next, ix) })
	if want := fmt.Sprintf("Same (alice) (%d)", n); name != want || allocs > 20 {
		t.Errorf("defaultName = %q in %.0f allocations, want %q in a few", name, allocs, want)
	}
}

// psEnvironments is an Azure PowerShell file of one context and n custom
// environments E0…E(n-1), the last also spelt in upper case, and of a
// context naming an environment the file lacks.
func psEnvironments(n int) []byte {
	env := map[string]any{}
	add := func(name string, i int) {
		env[name] = map[string]string{"Name": name, "ResourceManagerUrl": fmt.Sprintf("https://m%d.test/", i), "ActiveDirectoryAuthority": "https://login.test/"}
	}
	for i := range n {
		add(fmt.Sprintf("E%d", i), i)
	}
	add(fmt.Sprintf("E%d", n-1), n)
	ctx := func(sub, env string) map[string]any {
		return map[string]any{"Account": map[string]any{"Id": "alice@contoso.com", "Type": "User"}, "Tenant": map[string]string{"Id": "t.test"},
			"Subscription": map[string]string{"Id": sub, "Name": sub}, "Environment": map[string]string{"Name": env}}
	}
	data, _ := json.Marshal(map[string]any{"EnvironmentTable": env, "Contexts": map[string]any{"a": ctx("s1", "E0"), "b": ctx("s2", "Gone"), "c": ctx("s3", "gone")}})
	return data
}

// TestMergeOfManyEnvironments holds an import of many environments to
// the rules of one at a time: the first of a name (any case) is kept, one
// the profile holds is kept as it was, a missing one is warned of once.
func TestMergeOfManyEnvironments(t *testing.T) {
	imp, err := Import(psEnvironments(1000))
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.Environments) != 1000 {
		t.Fatalf("%d environments imported, want 1000 (E999 once)", len(imp.Environments))
	}
	p := &Profile{Environments: []Environment{{Name: "e5", ARMEndpoint: "https://kept.test/", AuthorityHost: "https://login.test/"}}}
	res := p.Merge(imp)
	if len(p.Environments) != 1000 || p.Environments[0].ARMEndpoint != "https://kept.test/" || len(res.Environments) != 999 {
		t.Errorf("%d environments, the first %+v, %d added; want 1000, e5 as it was, 999", len(p.Environments), p.Environments[0], len(res.Environments))
	}
	gone := 0
	for _, w := range res.Warnings {
		if strings.Contains(strings.ToLower(w), `environment "gone"`) {
			gone++
		}
	}
	if gone != 1 {
		t.Errorf("warnings %q: want one of the missing environment", res.Warnings)
	}
}

// BenchmarkImportManyEnvironments is the cost of an import of 20,000
// custom environments, each looked up in a map: a scan of them for each
// would take O(n²), 26 s for 80,000 (`azc context import`).
func BenchmarkImportManyEnvironments(b *testing.B) {
	data := psEnvironments(20000)
	for b.Loop() {
		imp, err := Import(data)
		if err != nil {
			b.Fatal(err)
		}
		(&Profile{}).Merge(imp)
	}
}

// TestATokenCacheOfManyAccountsIsNotCopiedWithoutEnd: each account an
// import brings keeps its own entries of az's token cache, and the
// AppMetadata entry of their client goes with each; entries over
// MaxFileSize in all are recorded for none, with a warning: a 9.5 MB cache
// whole beside each of 200 accounts would take 83 s and 1.7 GB of disk.
func TestATokenCacheOfManyAccountsIsNotCopiedWithoutEnd(t *testing.T) {
	azProfile := func(users int) []byte {
		subs := make([]map[string]any, users)
		for i := range subs {
			subs[i] = map[string]any{"id": fmt.Sprintf("00000000-0000-4000-8000-%012d", i), "name": "S", "tenantId": "t.test",
				"user": map[string]string{"name": fmt.Sprintf("u%d@t.test", i), "type": "user"}}
		}
		data, _ := json.Marshal(map[string]any{"subscriptions": subs})
		return data
	}
	// a cache of the users' sign-ins, whose one AppMetadata entry is a
	// hundredth of MaxFileSize
	tokenCache := func(users int) []byte {
		rts, accounts := map[string]any{}, map[string]any{}
		for i := range users {
			home := fmt.Sprintf("u%d.t.test", i)
			rts[home+"-rt"] = map[string]string{"home_account_id": home, "client_id": "c", "secret": "rt"}
			accounts[home] = map[string]string{"home_account_id": home, "username": fmt.Sprintf("u%d@t.test", i)}
		}
		data, _ := json.Marshal(map[string]any{"RefreshToken": rts, "Account": accounts,
			"AppMetadata": map[string]any{"c": map[string]string{"client_id": "c", "x": strings.Repeat("x", MaxFileSize/100)}}})
		return data
	}
	for _, tc := range []struct {
		users int
		kept  bool
	}{{99, true}, {200, false}} {
		imp, err := Import(azProfile(tc.users))
		if err != nil {
			t.Fatal(err)
		}
		if err := imp.AddTokenCache(tokenCache(tc.users)); err != nil {
			t.Fatal(err)
		}
		warned := slices.ContainsFunc(imp.Warnings, func(w string) bool { return strings.Contains(w, "token cache") && strings.Contains(w, "azc login") })
		if kept := len(imp.TokenCaches) == tc.users; kept != tc.kept || warned == tc.kept || !kept && len(imp.TokenCaches) != 0 {
			t.Errorf("%d accounts: %d caches recorded, warnings %q; want them all: %v", tc.users, len(imp.TokenCaches), imp.Warnings, tc.kept)
		}
	}
}

// TestTheSkimCountsTheContextsWithTheHeader: a file whose header is within
// Decode's limits but whose header and contexts together are over them is
// refused by every read, as Decode refuses it: were the skim to hold the
// header alone to the limits, `context show` (a streamed read) would
// answer from a file that `context list -o json` (a whole decoding)
// refuses.
func TestTheSkimCountsTheContextsWithTheHeader(t *testing.T) {
	const contexts = "\n  ],\n  \"contexts\": [\n" +
		"    {\"name\":\"a\",\"account\":\"azurecloud||u\",\"environment\":\"AzureCloud\",\"tenant\":{\"id\":\"t\"},\"subscription\":{\"id\":\"s\",\"name\":\"S\",\"tenantId\":\"t\"},\"properties\":{\"x\":\"1\"}},\n" +
		"    {\"name\":\"b\",\"account\":\"azurecloud||u\",\"environment\":\"AzureCloud\",\"tenant\":{\"id\":\"t\"}},\n" +
		"    {\"name\":\"c\",\"account\":\"azurecloud||u\",\"environment\":\"AzureCloud\",\"tenant\":{\"id\":\"t\"}}\n  ]\n}\n"
	for _, tc := range []struct {
		name, want string
		file       func(n int) string // a file whose header holds n values or objects
	}{
		{"values", "more than 4,000,000 JSON values", func(n int) string {
			var b strings.Builder
			b.WriteString("{\n  \"version\": 1,\n  \"generation\": 3,\n  \"settings\": {},\n  \"accounts\": [\n")
			b.WriteString(`    {"id":"u","type":"user","environment":"AzureCloud","tenants":[`)
			b.WriteString(strings.Repeat(`"",`, n-1) + `""]}`)
			b.WriteString(contexts)
			return b.String()
		}},
		{"objects", "more than 500,000 JSON objects", func(n int) string {
			var b strings.Builder
			b.WriteString("{\n  \"version\": 1,\n  \"generation\": 3,\n  \"settings\": {},\n  \"accounts\": [\n")
			b.WriteString(`    {"id":"u","type":"user","environment":"AzureCloud"}`)
			for i := range n - 1 {
				fmt.Fprintf(&b, ",\n    {\"id\":\"a%d\",\"type\":\"user\",\"environment\":\"AzureCloud\"}", i)
			}
			b.WriteString(contexts)
			return b.String()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			limit, count := maxValues, func(doc string) int { _, v := countValues([]byte(doc)); return v }
			if tc.name == "objects" {
				limit, count = maxObjects, func(doc string) int { o, _ := countValues([]byte(doc)); return o }
			}
			headOf := func(text string) string {
				return strings.Replace(text, contexts, "\n  ],\n  \"contexts\": null\n}\n", 1)
			}
			// each n more adds one: the most the header holds within the limit
			text := tc.file(limit - count(headOf(tc.file(1))) + 1)
			if head := headOf(text); count(head) != limit {
				t.Fatalf("the header alone holds %d, not %d", count(head), limit)
			}
			if got := count(text); got <= limit {
				t.Fatalf("the file holds %d, within %d", got, limit)
			}
			if _, err := Decode([]byte(text)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Decode: %v; want %q", err, tc.want)
			}
			s := storeWith(t, []byte(text))
			for name, read := range map[string]func() error{
				"View": func() error { _, err := s.View(); return err },
				"View().Default": func() error {
					v, err := s.View()
					if err == nil {
						_, err = v.Default()
					}
					return err
				},
				"ViewKeeping":    func() error { _, err := s.ViewKeeping(""); return err },
				"ViewKeeping(b)": func() error { _, err := s.ViewKeeping("b"); return err },
				"Load":           func() error { _, err := s.Load(); return err },
			} {
				if err := read(); err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("%s: %v; want %q, as Decode says", name, err, tc.want)
				}
			}
		})
	}
}

// azUsers is an azureProfile.json of n users, u0@t.test … .
func azUsers(n int) []byte {
	subs := make([]map[string]any, n)
	for i := range subs {
		subs[i] = map[string]any{"id": fmt.Sprintf("00000000-0000-4000-8000-%012d", i), "name": "S", "tenantId": "t.test",
			"user": map[string]string{"name": fmt.Sprintf("u%d@t.test", i), "type": "user"}}
	}
	data, _ := json.Marshal(map[string]any{"subscriptions": subs})
	return data
}

// TestATokenCacheSplitStopsAtTheCap: an AppMetadata entry goes with each
// account whose tokens are of its client, so the accounts' parts can come
// to many times the cache; they are encoded only until they come to more
// than MaxFileSize. A 1 MiB entry beside 2,000 users' tokens would be 2 GB
// of parts.
func TestATokenCacheSplitStopsAtTheCap(t *testing.T) {
	const users = 2000
	rts, accounts := map[string]any{}, map[string]any{}
	for i := range users {
		home := fmt.Sprintf("u%d.t.test", i)
		rts[home+"-rt"] = map[string]string{"home_account_id": home, "client_id": "c", "secret": "rt"}
		accounts[home] = map[string]string{"home_account_id": home, "username": fmt.Sprintf("u%d@t.test", i)}
	}
	cache, _ := json.Marshal(map[string]any{"RefreshToken": rts, "Account": accounts,
		"AppMetadata": map[string]any{"c": map[string]string{"client_id": "c", "x": strings.Repeat("x", 1<<20)}}})
	imp, err := Import(azUsers(users))
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err = imp.AddTokenCache(cache)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.TokenCaches) != 0 || !slices.ContainsFunc(imp.Warnings, func(w string) bool { return strings.Contains(w, "more than the") }) {
		t.Errorf("%d caches recorded, warnings %q; want none, and a warning", len(imp.TokenCaches), imp.Warnings)
	}
	if got, most := after.TotalAlloc-before.TotalAlloc, uint64(8*MaxFileSize); got > most {
		t.Errorf("AddTokenCache allocated %d MB, want at most %d", got>>20, most>>20)
	}
}

// BenchmarkAddTokenCacheManyUsers: 5,000 users of which the cache's
// 100,000 Account entries tell none (one user name signed in 100,000
// times): each user's home account id is looked up, not searched for.
func BenchmarkAddTokenCacheManyUsers(b *testing.B) {
	accounts := map[string]any{}
	for i := range 100_000 {
		home := fmt.Sprintf("x%d.t.test", i)
		accounts[home] = map[string]string{"home_account_id": home, "username": "x@t.test"}
	}
	cache, _ := json.Marshal(map[string]any{"Account": accounts, "AppMetadata": map[string]any{}})
	profileData := azUsers(5000)
	b.ReportAllocs()
	for b.Loop() {
		imp, err := Import(profileData)
		if err != nil {
			b.Fatal(err)
		}
		if err := imp.AddTokenCache(cache); err != nil {
			b.Fatal(err)
		}
	}
}

// TestASwitchIsHeldToTheLimits: `use` writes a new header and copies the
// contexts array from the file it replaces; the file it writes is held to
// the limits Decode reads within, as a file encoded whole is. A file at
// the limit gains a value when a switch sets a default or a previous
// context it did not have, and would then be refused by every read.
func TestASwitchIsHeldToTheLimits(t *testing.T) {
	// file is a profile whose header holds header, and n more values in
	// the header (an account's tenants) or in the contexts (properties).
	// file is a profile, in the layout Encode writes, whose header holds
	// header, and n more values in the header (an account's tenants, n ≥
	// 1) or in the contexts (properties, shared by contexts a0, a1, … of
	// 1,000, n ≥ 1,000).
	const contexts = 1000
	file := func(header string, n int, inContexts bool) string {
		b := []byte("{\n  \"version\": 1,\n  \"generation\": 3,\n" + header + "  \"settings\": {},\n  \"accounts\": [\n")
		b = append(b, `    {"id":"u","type":"user","environment":"AzureCloud"`...)
		if !inContexts {
			b = append(b, `,"tenants":[`+strings.Repeat(`"",`, n-1)+`""]`...)
		}
		b = append(b, "}\n  ],\n  \"contexts\": [\n"...)
		for c := 0; c == 0 || inContexts && c < contexts; c++ {
			b = fmt.Appendf(b, `    {"name":"a%d","account":"azurecloud||u","environment":"AzureCloud","tenant":{"id":"t"}`, c)
			if inContexts {
				b = append(b, `,"properties":{`...)
				for i := range n/contexts + min(max(n%contexts-c, 0), 1) {
					if i > 0 {
						b = append(b, ',')
					}
					b = strconv.AppendQuote(b, strconv.Itoa(i))
					b = append(b, `:""`...)
				}
				b = append(b, '}')
			}
			b = append(b, "},\n"...)
		}
		b = append(b, "    {\"name\":\"b\",\"account\":\"azurecloud||u\",\"environment\":\"AzureCloud\",\"tenant\":{\"id\":\"t\"}}\n  ]\n}\n"...)
		return string(b)
	}
	count := func(doc string) int { _, v := countValues([]byte(doc)); return v }
	for _, tc := range []struct {
		name, header, ref string
		inContexts        bool
	}{
		{"a default set, values in the contexts", "", "b", true},
		{"a previous set by a prefix, values in the header", "  \"defaultContext\": \"a0\",\n", "B", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			least := 1
			if tc.inContexts {
				least = contexts
			}
			base := count(file(tc.header, least, tc.inContexts))
			for _, room := range []int{0, 1} { // the values the file has room for
				text := file(tc.header, least+maxValues-room-base, tc.inContexts) // each adds one
				if got := count(text); got != maxValues-room {
					t.Fatalf("the file holds %d values, not %d", got, maxValues-room)
				}
				s := storeWith(t, []byte(text))
				if _, err := s.View(); err != nil {
					t.Fatalf("a file within the limits: %v", err)
				}
				_, err := s.SetDefault(tc.ref)
				after, rerr := os.ReadFile(s.Path())
				if rerr != nil {
					t.Fatal(rerr)
				}
				if room == 0 {
					if err == nil || !strings.Contains(err.Error(), "more than 4,000,000 JSON values") || !strings.Contains(err.Error(), "nothing was written") {
						t.Errorf("SetDefault(%q) of a file at the limit: %v; want it refused", tc.ref, err)
					}
					if string(after) != text {
						t.Errorf("the refused switch changed the file")
					}
					continue
				}
				if err != nil {
					t.Errorf("SetDefault(%q) of a file with room for one value: %v", tc.ref, err)
				}
				if got := count(string(after)); got != maxValues {
					t.Errorf("the switch wrote a file of %d values; want %d", got, maxValues)
				}
				if _, err := s.View(); err != nil {
					t.Errorf("the file the switch wrote: %v", err)
				}
			}
		})
	}
}
