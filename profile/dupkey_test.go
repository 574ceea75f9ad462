package profile

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// TestAKeyTwiceInTheProfileIsRefused: a hand-edited profile.json holding
// one of its top-level members twice ("contexts" pasted below the old
// array, a second "defaultContext", "Contexts" beside "contexts", which
// encoding/json reads into one field) is refused with the path, the key
// and the way out, and never written: encoding/json kept the last and
// dropped the first without a word, so that `azc context list` showed
// only the second array and the next write (an `environment add`) left
// the contexts of the first gone for good.
func TestAKeyTwiceInTheProfileIsRefused(t *testing.T) {
	t.Parallel()
	ctx := func(name string) string {
		return `{"name":"` + name + `","account":"k","environment":"AzureCloud","tenant":{"id":"t-` + name + `"}}`
	}
	for name, tc := range map[string]struct{ file, key string }{
		"contexts twice":                            {`{"version":1,"contexts":[` + ctx("a") + `,` + ctx("b") + `],"contexts":[` + ctx("c") + `]}`, "contexts"},
		"contexts in Encode's layout, twice":        {"{\n  \"version\": 1,\n  \"generation\": 2,\n  \"contexts\": [\n    " + ctx("a") + "\n  ],\n  \"contexts\": [\n    " + ctx("c") + "\n  ]\n}\n", "contexts"},
		"a header member twice":                     {`{"version":1,"defaultContext":"a","contexts":[` + ctx("a") + `,` + ctx("b") + `],"defaultContext":"b"}`, "defaultContext"},
		"a header member twice, in Encode's layout": {"{\n  \"version\": 1,\n  \"generation\": 2,\n  \"defaultContext\": \"a\",\n  \"defaultContext\": \"b\",\n  \"contexts\": [\n    " + ctx("a") + ",\n    " + ctx("b") + "\n  ]\n}\n", "defaultContext"},
		"two spellings of one key":                  {`{"version":1,"Contexts":[` + ctx("a") + `],"contexts":[` + ctx("c") + `]}`, "contexts"},
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
			for what, read := range map[string]func() error{
				"Load":        func() error { _, err := s.Load(); return err },
				"View":        func() error { _, err := s.View(); return err },
				"ViewKeeping": func() error { _, err := s.ViewKeeping("a"); return err },
				"Update": func() error {
					_, err := s.Update(func(p *Profile) error { p.Settings.Autosave = new(bool); return nil })
					return err
				},
			} {
				err := read()
				var ce *CorruptError
				if !errors.As(err, &ce) || !strings.Contains(err.Error(), s.Path()) || !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(`"`+tc.key+`"`)) {
					t.Fatalf("%s: error %v, want a *CorruptError naming %s and the key %q", what, err, s.Path(), tc.key)
				}
				if h := ce.Hint(); !strings.Contains(h, "edit "+s.Path()) || !strings.Contains(h, "one of") {
					t.Errorf("%s: hint %q, want the way out: keep one of the two", what, h)
				}
			}
			if data, err := os.ReadFile(s.Path()); err != nil || string(data) != tc.file {
				t.Errorf("profile.json after the refusals: %q, %v; want it as it was", data, err)
			}
		})
	}
}
