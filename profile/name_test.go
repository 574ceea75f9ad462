package profile

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

func FuzzNameKey(f *testing.F) {
	for _, s := range [][2]string{{"k", "\u212a"}, {"S", "\u017f"}, {"Prod", "PROD"}, {"\xff", "\xfe"}, {"Σσς", "σΣΣ"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		names := newNameTable(0, nil)
		if got, want := NameKey(a) == NameKey(b), SameName(a, b); got != want {
			t.Fatalf("NameKey(%q) == NameKey(%q) is %v, SameName is %v", a, b, got, want)
		}
		if SameName(a, b) && names.hash(a) != names.hash(b) {
			t.Fatalf("SameName(%q, %q) but their hashes differ", a, b)
		}
		if k := NameKey(a); NameKey(k) != k {
			t.Fatalf("NameKey(%q) = %q, whose NameKey is %q: a key must be its own key", a, k, NameKey(k))
		}
		if SameName(a, b) != strings.EqualFold(a, b) {
			t.Fatalf("SameName(%q, %q) is not strings.EqualFold", a, b)
		}
	})
}

// TestNamesTheSameUnderFoldingAreOneName: σ and ς (and Σ) fold to one
// name. A profile holding two of them is refused with the path and how to
// fix it, never answered with one for the other; a rename to the other,
// or an import of it, takes the name.
func TestNamesTheSameUnderFoldingAreOneName(t *testing.T) {
	t.Parallel()
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	file := []byte(`{"version":1,"contexts":[` +
		`{"name":"σ","account":"k","environment":"E","tenant":{"id":"tenant-of-sigma"}},` +
		`{"name":"ς","account":"k","environment":"E","tenant":{"id":"tenant-of-final-sigma"}}]}`)
	if err := writeAtomic(s.Path(), s.tmp, &content{head: file}, "", nil, nil); err != nil {
		t.Fatal(err)
	}
	for name, read := range map[string]func() error{
		"Load": func() error { _, err := s.Load(); return err },
		"View": func() error { _, err := s.View(); return err },
		"Update": func() error {
			_, err := s.Update(func(*Profile) error { return nil })
			return err
		},
		"SetDefault": func() error { _, err := s.SetDefault("ς"); return err },
	} {
		err := read()
		var ce *CorruptError
		var dup *DuplicateNameError
		if !errors.As(err, &ce) || !errors.As(err, &dup) {
			t.Fatalf("%s: error %v, want a duplicate name in a *CorruptError", name, err)
		}
		if !strings.Contains(err.Error(), s.Path()) || !strings.Contains(ce.Hint(), s.Path()) || !strings.Contains(ce.Hint(), "rename or remove") {
			t.Fatalf("%s: error %q, hint %q: want the path and the way out", name, err, ce.Hint())
		}
	}

	p := New()
	for _, n := range []string{"σ", "other"} {
		if _, err := p.UpsertContext(Context{Name: n, Account: "k", Tenant: Tenant{ID: "t-" + n}}, UpsertOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if c := p.Context("ς"); c == nil || c.Name != "σ" {
		t.Fatalf("Context(ς) = %v, want σ: the same name", c)
	}
	if _, err := p.RenameContext("other", "Σ", false); !errors.Is(err, ErrNameTaken) {
		t.Fatalf("renaming to Σ beside σ: %v, want ErrNameTaken", err)
	}
	if _, err := p.UpsertContext(Context{Name: "ς", Account: "k2", Tenant: Tenant{ID: "t2"}}, UpsertOptions{}); !errors.Is(err, ErrNameTaken) {
		t.Fatalf("adding ς beside σ: %v, want ErrNameTaken", err)
	}
}

// TestCheckNamesFindsEveryDuplicate holds checkNames to comparing every
// pair with SameName, over sets of names drawn from letters that fold
// together (σ ς Σ, k K and the Kelvin sign, s S ſ) and many that do not,
// so that slots collide and probe.
func TestCheckNamesFindsEveryDuplicate(t *testing.T) {
	letters := []string{"σ", "ς", "Σ", "k", "K", "\u212a", "s", "S", "\u017f", "a", "B", "é", "É", "1", "-"}
	rnd := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		names := make([]string, 1+rnd.IntN(40))
		for i := range names {
			var b strings.Builder
			for range 1 + rnd.IntN(3) {
				b.WriteString(letters[rnd.IntN(len(letters))])
			}
			names[i] = "n" + b.String()
		}
		want := -1 // the second of the first pair that SameName joins
	pairs:
		for j := range names {
			for i := range j {
				if SameName(names[i], names[j]) {
					want = j
					break pairs
				}
			}
		}
		_, err := checkNames(len(names), func(i int) string { return names[i] })
		var dup *DuplicateNameError
		switch {
		case want < 0 && err != nil:
			t.Fatalf("checkNames(%q) = %v, want no error", names, err)
		case want >= 0 && (!errors.As(err, &dup) || dup.Second != names[want] || !SameName(dup.First, dup.Second)):
			t.Fatalf("checkNames(%q) = %v, want a duplicate ending at %q", names, err, names[want])
		}
		// A table that starts small grows as names come, and finds each.
		grown := newNameTable(0, func(i int) string { return names[i] })
		for i := range names {
			if _, err := grown.check(i); err != nil {
				if i != want {
					t.Fatalf("growing table: name %d of %q: %v, want a duplicate at %d", i, names, err, want)
				}
				break
			}
		}
		for i := range names {
			if want >= 0 && i >= want {
				break
			}
			if got := grown.find(names[i]); got != i {
				t.Fatalf("find(%q) in %q = %d, want %d", names[i], names, got, i)
			}
		}
		if got := grown.find("no such name"); got != -1 {
			t.Fatalf("find of a name not in %q = %d", names, got)
		}
	}
}

// TestADuplicateNameErrorWritesOutNamesThatLookAlike: two names that are
// one under folding but differ in their bytes are also shown with their
// non-ASCII characters escaped, so that the Kelvin sign beside K (or ſ
// beside s) is not an error about "K" and "K". σ and ς look different
// already; they are written out all the same, by the same rule. Names
// that are ASCII, or the same bytes, are shown only as they are.
func TestADuplicateNameErrorWritesOutNamesThatLookAlike(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name          string
		first, second string
		want          string
	}{
		{"the Kelvin sign and K", "\u212a", "K",
			"contexts \"\u212a\"" + ` and "K" have the same name (names are compared ignoring case; written in ASCII they are "\u212a" and "K")`},
		{"a long s and an s", "\u017ftaging", "Staging",
			`contexts "ſtaging" and "Staging" have the same name (names are compared ignoring case; written in ASCII they are "\u017ftaging" and "Staging")`},
		{"sigma and final sigma", "σ", "ς",
			`contexts "σ" and "ς" have the same name (names are compared ignoring case; written in ASCII they are "\u03c3" and "\u03c2")`},
		{"ASCII names that differ in case", "Prod", "PROD",
			`contexts "Prod" and "PROD" have the same name (names are compared ignoring case)`},
		{"one name twice", "σ", "σ",
			`contexts "σ" and "σ" have the same name (names are compared ignoring case)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if !SameName(tc.first, tc.second) {
				t.Fatalf("%q and %q are not one name", tc.first, tc.second)
			}
			if got := (&DuplicateNameError{First: tc.first, Second: tc.second}).Error(); got != tc.want {
				t.Fatalf("Error() = %s\nwant      %s", got, tc.want)
			}
		})
	}
}

// TestANameThatIsNotUTF8IsRefused: a name azc cannot write as it is, such
// as "café" typed in a Latin-1 terminal ("caf\xe9"), is invalid:
// encoding/json would write it as "caf\ufffd" (its replacement), so that
// every other Latin-1 name of that shape ("caf\xe8", cafè) would name it.
func TestANameThatIsNotUTF8IsRefused(t *testing.T) {
	t.Parallel()
	const latin1 = "caf\xe9"
	p := New()
	if _, err := p.UpsertContext(Context{Name: "x", Account: "k", Tenant: Tenant{ID: "t"}}, UpsertOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.RenameContext("x", latin1, false); !errors.Is(err, ErrInvalidName) {
		t.Fatalf("RenameContext to %q: %v, want ErrInvalidName", latin1, err)
	}
	if _, err := p.UpsertContext(Context{Name: latin1, Account: "k", Tenant: Tenant{ID: "t2"}}, UpsertOptions{}); !errors.Is(err, ErrInvalidName) {
		t.Fatalf("UpsertContext of %q: %v, want ErrInvalidName", latin1, err)
	}
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update(func(p *Profile) error {
		p.Contexts = append(p.Contexts, Context{Name: "x", Account: "k", Tenant: Tenant{ID: "t"}})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	_, err = s.Update(func(p *Profile) error {
		p.Contexts[0].Name = latin1
		return nil
	})
	got, lerr := s.Load()
	if lerr != nil {
		t.Fatal(lerr)
	}
	if !errors.Is(err, ErrInvalidName) || got.Contexts[0].Name != "x" {
		t.Fatalf("an Update naming a context %q: %v, and the profile names it %q; want ErrInvalidName and nothing written", latin1, err, got.Contexts[0].Name)
	}
}

// TestANameWithANULIsRefused: a name holding a NUL cannot be given on a
// command line, nor exported to a child in AZC_CONTEXT (azc exec would
// fail with "environment variable contains NUL", exit 126), so it is no
// name a context may have, by the one rule every write and Decode apply.
func TestANameWithANULIsRefused(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"a\x00b", "\x00", "x\x00"} {
		if err := CheckName(name); !errors.Is(err, ErrInvalidName) {
			t.Errorf("CheckName(%q) = %v, want ErrInvalidName", name, err)
		}
	}
	p := New()
	if _, err := p.UpsertContext(Context{Name: "x", Account: "k", Tenant: Tenant{ID: "t"}}, UpsertOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.RenameContext("x", "a\x00b", false); !errors.Is(err, ErrInvalidName) {
		t.Errorf("RenameContext to a name with a NUL: %v, want ErrInvalidName", err)
	}
	if _, err := Decode([]byte(`{"version":1,"contexts":[{"name":"a\u0000b","account":"k","tenant":{"id":"t"}}]}`)); !errors.Is(err, ErrInvalidName) {
		t.Errorf("Decode of a profile naming a context a\\u0000b: %v, want ErrInvalidName", err)
	}
}

// TestTwoAccountsOfOneKeyAreRefused: two accounts whose keys are one
// under folding (environment, home tenant and id: "USER@x" and "user@x",
// "ſam" and "sam") are one account, as two contexts of one name are one
// context: which of them a context's account names is not defined, so
// such a profile is refused by every read with the path and the way out,
// the skim's as Decode's, and never written.
func TestTwoAccountsOfOneKeyAreRefused(t *testing.T) {
	t.Parallel()
	for _, ids := range [][2]string{{"user@contoso.com", "USER@contoso.com"}, {"sam@contoso.com", "ſam@contoso.com"}, {"k@x", "k@x"}} {
		s, err := Open(t.TempDir(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		file := []byte(`{"version":1,"accounts":[` +
			`{"id":"` + ids[0] + `","type":"user","environment":"AzureCloud","homeTenantId":"t"},` +
			`{"id":"` + ids[1] + `","type":"servicePrincipal","environment":"azurecloud","homeTenantId":"T"}],` +
			`"contexts":[{"name":"a","account":"azurecloud|t|` + ids[0] + `","environment":"AzureCloud","tenant":{"id":"t"}}]}`)
		if err := writeAtomic(s.Path(), s.tmp, &content{head: file}, "", nil, nil); err != nil {
			t.Fatal(err)
		}
		for name, read := range map[string]func() error{
			"Load":        func() error { _, err := s.Load(); return err },
			"View":        func() error { _, err := s.View(); return err },
			"ViewKeeping": func() error { _, err := s.ViewKeeping("a"); return err },
			"ViewColumns": func() error { _, err := s.ViewColumns("a"); return err },
			"Settings":    func() error { _, err := s.Settings(); return err },
			"Update":      func() error { _, err := s.Update(func(*Profile) error { return nil }); return err },
		} {
			err := read()
			var ce *CorruptError
			var dup *DuplicateNameError
			if !errors.As(err, &ce) || !errors.As(err, &dup) || dup.What() != "account" {
				t.Fatalf("%q and %q, %s: error %v, want two accounts of one key in a *CorruptError", ids[0], ids[1], name, err)
			}
			if !strings.Contains(ce.Hint(), s.Path()) || !strings.Contains(ce.Hint(), "remove one of the two accounts") {
				t.Fatalf("%s: hint %q: want the path and the way out", name, ce.Hint())
			}
		}
		p := New()
		p.Accounts = []Account{{ID: ids[0], Environment: "AzureCloud", HomeTenantID: "t"}, {ID: ids[1], Environment: "AzureCloud", HomeTenantID: "t"}}
		var dup *DuplicateNameError
		if _, err := Encode(p); !errors.As(err, &dup) {
			t.Fatalf("Encode of two accounts %q and %q: %v, want a DuplicateNameError", ids[0], ids[1], err)
		}
	}
}
