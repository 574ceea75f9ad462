package profile_test

import (
	"os"
	"path/filepath"
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
