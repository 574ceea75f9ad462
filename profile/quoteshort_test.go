package profile

import (
	"errors"
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
			s := storeWith(t, []byte(tc.file))
			var err error
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

// TestAnImportIsQuotedShort: the errors and warnings of an import quote
// what the file holds as QuoteShort does, however long: a kind of no
// format azc reads, an environment with white space around its name, an
// Azure PowerShell account type azc does not know, and, as it merges, a
// context of an account it does not hold, of an environment it does not
// know, of a name another context has, and one it skips.
func TestAnImportIsQuotedShort(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 100_000)
	cut := `"` + long[:80] + `"… (100000 bytes)`
	bundle := func(contexts string) string {
		return `{"kind":"azc.contexts","version":1,"contexts":[` + contexts + `]}`
	}
	for name, data := range map[string]string{
		"a kind of no format":  `{"kind":"` + long + `","version":1}`,
		"white space":          bundle(`{"name":"a","account":"k","environment":"` + long + ` ","tenant":{"id":"t"}}`),
		"a PowerShell account": `{"DefaultContextKey":"x","Contexts":{"x":{"Account":{"Id":"u","Type":"` + long + `"},"Tenant":{"Id":"t"}}}}`,
		"an account not held":  bundle(`{"name":"` + long + `","account":"` + long + `","environment":"AzureCloud","tenant":{"id":"t"}}`),
		"an environment":       bundle(`{"name":"a","account":"k","environment":"` + long + `","tenant":{"id":"t"}}`),
		"a name taken":         bundle(`{"name":"` + long + `","account":"k","environment":"AzureCloud","tenant":{"id":"u"}}`),
		"a context it skips":   bundle(`{"name":"` + long + `","account":"k","environment":"AzureCloud","tenant":{"id":"t"},"subscription":{"id":"s","name":"n","tenantId":"t"}},{"name":"` + strings.ToUpper(long) + `","account":"k","environment":"AzureCloud","tenant":{"id":"t"},"subscription":{"id":"s","name":"n","tenantId":"t"}}`),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			imp, err := Import([]byte(data))
			var said []string
			if err != nil {
				said = append(said, err.Error())
			} else {
				p := New()
				p.Contexts = []Context{{Name: long, Account: "x", Environment: "AzureCloud", Tenant: Tenant{ID: "t"}}}
				said = append(said, imp.Warnings...)
				said = append(said, p.Merge(imp).Warnings...)
			}
			if len(said) == 0 {
				t.Fatal("no error and no warning")
			}
			for _, s := range said {
				if len(s) > 1000 || strings.Contains(s, long[:81]) {
					t.Errorf("%.300q (%d bytes), want one of some hundreds of bytes quoting %s", s, len(s), cut)
				}
			}
		})
	}
}

// TestAChangeIsQuotedShort: a change refused for a name quotes the name
// as QuoteShort does: a rename to a long name another context holds, a
// context set under it, and an environment of a long name not UTF-8.
func TestAChangeIsQuotedShort(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 100_000)
	p := New()
	p.Contexts = []Context{
		{Name: long, Account: "k", Environment: "AzureCloud", Tenant: Tenant{ID: "t"}},
		{Name: "b", Account: "k", Environment: "AzureCloud", Tenant: Tenant{ID: "u"}},
	}
	_, rerr := p.RenameContext("b", strings.ToUpper(long), false)
	_, uerr := p.UpsertContext(Context{Name: strings.ToUpper(long), Account: "k", Environment: "AzureCloud", Tenant: Tenant{ID: "v"}}, UpsertOptions{})
	eerr := p.SetEnvironment(Environment{Name: long + "\xff", AuthorityHost: "https://h/", ARMEndpoint: "https://a/", ARMAudience: "https://a/"})
	for what, err := range map[string]error{"RenameContext": rerr, "UpsertContext": uerr, "SetEnvironment": eerr} {
		if err == nil || len(err.Error()) > 300 {
			t.Errorf("%s: %.300q, want an error of some 150 bytes", what, err)
		}
	}
}
