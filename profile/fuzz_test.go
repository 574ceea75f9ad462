package profile_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/azcontext/azc/profile"
)

func addFixtures(f *testing.F) {
	f.Helper()
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if data, err := os.ReadFile(filepath.Join("testdata", e.Name())); err == nil && !e.IsDir() {
			f.Add(data)
		}
	}
}

// FuzzDecode checks that the profile decoder never panics and that what it
// accepts survives an encode/decode round trip.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"version":1,"generation":3,"defaultContext":"a","contexts":[{"name":"a","account":"x","tenant":{"id":"t"}}]}`))
	f.Add([]byte(`{"version":2}`))
	f.Add([]byte("\xef\xbb\xbf{\"version\":1}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := profile.Decode(data)
		if err != nil {
			return
		}
		out, err := profile.Encode(p)
		if err != nil {
			t.Fatalf("Encode of a decoded profile: %v", err)
		}
		if _, err := profile.Decode(out); err != nil {
			t.Fatalf("decode of re-encoded profile: %v\n%s", err, out)
		}
	})
}

// FuzzImport runs every importer (Import dispatches on the content) and
// checks that whatever it accepts merges into a profile that still encodes
// and decodes.
func FuzzImport(f *testing.F) {
	addFixtures(f)
	f.Add([]byte(`{"kind":"azc.contexts","version":1,"contexts":[{"name":"a","account":"k","tenant":{"id":"t"}}]}`))
	// two contexts of one identity: merged again, each updates itself
	f.Add([]byte(`{"kind":"azc.contexts","version":1,"contexts":[{"name":"a","account":"k","tenant":{"id":"t"}},{"name":"B","account":"k","tenant":{"id":"t"}}]}`))
	f.Add([]byte(`{"subscriptions":[{"id":"s","name":"n","tenantId":"t","user":{"name":"u","type":"user"}}]}`))
	f.Add([]byte(`{"DefaultContextKey":"x","Contexts":{"x":{"Account":{"Id":"u","Type":"User"},"Tenant":{"Id":"t"}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		imp, err := profile.Import(data)
		if err != nil {
			return
		}
		p := profile.New()
		p.Merge(imp)
		p.Merge(imp)
		out, err := profile.Encode(p)
		if err != nil {
			t.Fatalf("Encode after merge: %v", err)
		}
		if _, err := profile.Decode(out); err != nil {
			t.Fatalf("merged profile does not decode: %v\n%s", err, out)
		}
	})
}

// finderProfile holds what makes Find's rules meet: names that are
// prefixes of others and differ only in case or by Unicode folding (ſ and
// s, the Kelvin sign and k), a subscription id and a subscription name
// that two contexts share, a context without a subscription, and two
// accounts of one id.
func finderProfile() *profile.Profile {
	p := profile.New()
	alice := profile.Account{ID: "alice@contoso.com", Environment: "AzureCloud", HomeTenantID: "t1"}
	bob := profile.Account{ID: "alice@contoso.com", Environment: "AzureChinaCloud", HomeTenantID: "t2"}
	p.Accounts = []profile.Account{alice, bob}
	for i, n := range []string{"Dev", "Dev Test", "dev-2", "Prod", "ſtage", "\u212aube", "Shared", "Shared copy", "tenant only"} {
		a := []profile.Account{alice, bob}[i%2]
		c := profile.Context{Name: n, Account: a.Key(), Environment: a.Environment,
			Tenant: profile.Tenant{ID: "t" + string(rune('1'+i%2)), DefaultDomain: "contoso.com"}}
		if n != "tenant only" {
			id := "0000000" + string(rune('0'+i)) + "-aaaa"
			name := "Sub " + n
			if strings.HasPrefix(n, "Shared") {
				id, name = "00000099-shared", "Shared sub"
			}
			c.Subscription = &profile.Subscription{ID: id, Name: name}
		}
		p.Contexts = append(p.Contexts, c)
	}
	return p
}

// FuzzFinder holds Finder, which indexes the profile, to Find, which looks
// at every context: the same context or the same error for every
// reference.
func FuzzFinder(f *testing.F) {
	p := finderProfile()
	for _, c := range p.Contexts {
		f.Add(c.Name)
		f.Add(strings.ToUpper(c.Name))
		f.Add(" " + c.Name[:1] + " ")
		f.Add(p.PowerShellName(&c))
		if c.Subscription != nil {
			f.Add(strings.ToUpper(c.Subscription.ID))
			f.Add(c.Subscription.Name)
		}
	}
	for _, ref := range []string{"", " ", "d", "DEV", "dev ", "s", "S", "stage", "kube", "Kube", "00000099-SHARED", "Shared sub", "t1 - alice@contoso.com", "nope", "\u017f"} {
		f.Add(ref)
	}
	find := p.Finder()
	f.Fuzz(func(t *testing.T, ref string) {
		want, wantErr := p.Find(ref)
		var got *profile.Context
		i, gotErr := find(ref)
		if gotErr == nil {
			got = &p.Contexts[i]
		}
		if got != want || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || reflect.TypeOf(gotErr) != reflect.TypeOf(wantErr) {
			t.Fatalf("Finder()(%q) = %v, %v; Find = %v, %v", ref, got, gotErr, want, wantErr)
		}
	})
}
