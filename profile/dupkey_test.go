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
// and the way out, and never written: encoding/json keeps the last and
// drops the first without a word, so that `azc context list` would show
// only the second array and the next write (an `environment add`) would
// lose the contexts of the first for good.
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
			s := storeWith(t, []byte(tc.file))
			for what, read := range map[string]func() error{
				"Load":        func() error { _, err := s.Load(); return err },
				"View":        func() error { _, err := s.View(); return err },
				"ViewKeeping": func() error { _, err := s.ViewKeeping("a"); return err },
				"ViewColumns": func() error { _, err := s.ViewColumns("a"); return err },
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

// TestAKeyTwiceInAContextIsRefused: a member given twice in one of the
// profile's objects (a context, its tenant or subscription, an account,
// an environment, the settings; under two spellings encoding/json reads
// into one field too) or a property given twice is refused, as a
// top-level member twice is, naming where: encoding/json keeps the last,
// and the next write that encoded the context would lose the first. Two
// properties whose names differ only in case are two properties.
func TestAKeyTwiceInAContextIsRefused(t *testing.T) {
	t.Parallel()
	const ctx = `"account":"k","environment":"AzureCloud","tenant":{"id":"t"}`
	for name, tc := range map[string]struct{ file, key, in string }{
		"a context's name":              {`{"version":1,"contexts":[{"name":"a",` + ctx + `},{"name":"b","name":"c",` + ctx + `}]}`, "name", "contexts[1]"},
		"a context's name, spelt twice": {`{"version":1,"contexts":[{"name":"a","Name":"c",` + ctx + `}]}`, "name", "contexts[0]"},
		"a tenant's id":                 {`{"version":1,"contexts":[{"name":"a","account":"k","tenant":{"id":"t","id":"u"}}]}`, "id", "contexts[0].tenant"},
		"a subscription's id":           {`{"version":1,"contexts":[{"name":"a",` + ctx + `,"subscription":{"id":"s","name":"n","ID":"s2"}}]}`, "id", "contexts[0].subscription"},
		"a property":                    {`{"version":1,"contexts":[{"name":"a",` + ctx + `,"properties":{"x":"1","x":"2"}}]}`, "x", "contexts[0].properties"},
		"an account's id":               {`{"version":1,"accounts":[{"id":"a","type":"user","id":"b"}]}`, "id", "accounts[0]"},
		"an environment's name":         {`{"version":1,"environments":[{"name":"e","authorityHost":"https://a/","armEndpoint":"https://a/","name":"f"}]}`, "name", "environments[0]"},
		"a setting":                     {`{"version":1,"settings":{"autosave":true,"autosave":false}}`, "autosave", "settings"},
		// encoding/json reads each byte of a key that is not UTF-8 as
		// U+FFFD, in a property's name as in an escape of one
		"two properties not UTF-8":             {"{\"version\":1,\"contexts\":[{\"name\":\"a\"," + ctx + ",\"properties\":{\"x\xff\":\"1\",\"x\xfe\":\"2\"}}]}", "x\ufffd", "contexts[0].properties"},
		"a property not UTF-8 and its reading": {"{\"version\":1,\"contexts\":[{\"name\":\"a\"," + ctx + ",\"properties\":{\"x\xff\":\"1\",\"x\\ufffd\":\"2\"}}]}", "x\ufffd", "contexts[0].properties"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := Decode([]byte(tc.file))
			var dk *DuplicateKeyError
			if !errors.As(err, &dk) || !strings.EqualFold(dk.First, tc.key) || dk.In != tc.in || !strings.Contains(err.Error(), tc.in) {
				t.Fatalf("Decode: %v, want the key %q twice in %s", err, tc.key, tc.in)
			}
			s := storeWith(t, []byte(tc.file))
			var ce *CorruptError
			if _, err := s.Update(func(*Profile) error { return nil }); !errors.As(err, &ce) || !strings.Contains(ce.Hint(), tc.in) {
				t.Fatalf("Update: %v, want a *CorruptError whose hint names %s", err, tc.in)
			}
		})
	}
	two := `{"version":1,"contexts":[{"name":"a",` + ctx + `,"properties":{"x":"1","X":"2"}}]}`
	p, err := Decode([]byte(two))
	if err != nil || p.Contexts[0].Properties["x"] != "1" || p.Contexts[0].Properties["X"] != "2" {
		t.Fatalf("Decode of the properties x and X: %v, %v; want both", p, err)
	}
}

// TestADuplicateKeyIsQuotedShort: a key given twice is quoted in the
// error and its hint as QuoteShort quotes it, its first 80 bytes and its
// length, not whole: a hand-made file's property key of 100,000 letters,
// given twice, would be quoted three times.
func TestADuplicateKeyIsQuotedShort(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("k", 100_000)
	cut := `"` + long[:80] + `"… (100000 bytes)`
	const ctx = `"name":"a","account":"k","environment":"AzureCloud","tenant":{"id":"t"}`
	for name, tc := range map[string]struct{ file, err, hint string }{
		"a property": {
			`{"version":1,"contexts":[{` + ctx + `,"properties":{"` + long + `":"1","` + long + `":"2"}}]}`,
			"the key " + cut + " is in contexts[0].properties twice",
			"keep one of the two " + cut + " members of contexts[0].properties;",
		},
		"a top-level member, spelt twice": {
			`{"version":1,"` + long + `":1,"` + strings.ToUpper(long) + `":2}`,
			"the keys " + cut + ` and "` + strings.ToUpper(long[:80]) + `"… (100000 bytes) are one key`,
			"keep one of the two " + cut + " members;",
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := storeWith(t, []byte(tc.file))
			_, err := s.Load()
			var ce *CorruptError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.err) || len(err.Error()) > 500 {
				t.Fatalf("Load: error %.300q (%d bytes), want one of some 200 bytes holding %q", err, len(err.Error()), tc.err)
			}
			if h := ce.Hint(); !strings.Contains(h, tc.hint) || len(h) > 500 {
				t.Errorf("hint %.300q (%d bytes), want one of some 200 bytes holding %q", h, len(h), tc.hint)
			}
		})
	}
}
