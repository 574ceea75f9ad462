package profile

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// TestAHandEditedProfileIsQuotedShort: the errors about a profile.json
// whose names were edited by hand quote each name as QuoteShort does,
// its first 80 bytes and its length, however long the names are: two
// contexts of one name, an environment name azc cannot keep, a previous
// context that is gone, and a reference that matches several contexts.
func TestAHandEditedProfileIsQuotedShort(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 100_000)
	cut := `"` + long[:80] + `"… (100000 bytes)`
	ctx := func(name string) string {
		return `{"name":"` + name + `","account":"k","environment":"AzureCloud","tenant":{"id":"t"}}`
	}
	for name, tc := range map[string]struct {
		file, ref, err string
	}{
		"two contexts of one name": {
			file: `{"version":1,"contexts":[` + ctx(long) + `,` + ctx(strings.ToUpper(long)) + `]}`,
			err:  "contexts " + cut + ` and "` + strings.ToUpper(long[:80]) + `"… (100000 bytes) have the same name`,
		},
		"two contexts of one name, one not ASCII": {
			file: `{"version":1,"contexts":[` + ctx(long+"k") + `,` + ctx(long+"\u212a") + `]}`,
			err:  "written in ASCII they are " + strings.Replace(cut, "100000", "100001", 1) + " and " + strings.Replace(cut, "100000", "100003", 1),
		},
		"an environment name with white space around it": {
			file: `{"version":1,"environments":[{"name":" ` + long + `","authorityHost":"h","armEndpoint":"x","armAudience":"y"}]}`,
			err:  `environment 0: " ` + long[:79] + `"… (100001 bytes): `,
		},
		"a previous context that is gone": {
			file: `{"version":1,"previousContext":"` + long + `","contexts":[` + ctx("b") + `]}`,
			ref:  "-",
			err:  "previous context " + cut + " was removed",
		},
		"a reference that matches several contexts": {
			file: `{"version":1,"contexts":[` + ctx(long+"1") + `,` + ctx(long+"2") + `]}`,
			ref:  "a",
			err:  "it matches " + cut[:len(cut)-len("100000 bytes)")] + "100001 bytes), " + cut[:len(cut)-len("100000 bytes)")] + "100001 bytes)",
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, err := Open(t.TempDir(), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(s.Path(), []byte(tc.file), 0o600); err != nil {
				t.Fatal(err)
			}
			if tc.ref == "" {
				_, err = s.Load()
				var ce *CorruptError
				if !errors.As(err, &ce) {
					t.Fatalf("Load: %.300v, want a *CorruptError", err)
				}
			} else {
				_, err = s.SetDefault(tc.ref)
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) || len(err.Error()) > 1000 {
				t.Fatalf("error %.300q (%d bytes), want one of some hundreds of bytes holding %q", err, len(err.Error()), tc.err)
			}
		})
	}
}
