package profile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func codecSeeds(f *testing.F) {
	f.Add([]byte(`{"version":1,"generation":3,"defaultContext":"a","settings":{"autosave":false},"environments":[{"name":"E","authorityHost":"h","armEndpoint":"x","armAudience":"y","builtIn":true}],"accounts":[{"id":"u","type":"user","environment":"E","tenants":["t","t2"]}],"contexts":[{"name":"a","account":"x","environment":"E","tenant":{"id":"t","defaultDomain":"d"},"subscription":{"id":"s","name":"n","tenantId":"t"},"properties":{"k":"v","a":"<&>\u2028"}}]}`))
	f.Add([]byte(`{"version":1,"contexts":[{"name":"a\"b","tenant":null,"subscription":null,"properties":{}}],"accounts":[],"settings":null}`))
	f.Add([]byte(`{"version":1,"generation":18446744073709551615,"contexts":[{"name":"\u00e9\ud83d\ude00 x\t"}]}`))
	f.Add([]byte(`{"Version":1,"version":2}`))
	f.Add([]byte(`{"version":01}`))
	f.Add([]byte("{\"version\":1,\"contexts\":[{\"name\":\"\xff\"}]}"))
	f.Add([]byte(`{"version":1,"contexts":[{"name":"σ"},{"name":"ς"}]}`))
}

// FuzzCodec holds Encode to encoding/json: for every profile Decode
// accepts, Encode writes the tokens json.Marshal writes (without HTML
// escapes), each top-level member and each element of a top-level array
// on a line of its own, and decoding that gives the profile back.
func FuzzCodec(f *testing.F) {
	codecSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Decode(data)
		if err != nil {
			return
		}
		checkEncoding(t, p)
	})
}

// checkEncoding checks Encode(p) as FuzzCodec says.
func checkEncoding(t *testing.T, p *Profile) {
	t.Helper()
	out, err := Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := json.Compact(&got, out); err != nil {
		t.Fatalf("Encode wrote invalid JSON (%v):\n%s", err, out)
	}
	if !bytes.Equal(got.Bytes(), bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
		t.Fatalf("Encode's tokens differ from encoding/json's:\n got %s\nwant %s", got.Bytes(), want.Bytes())
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if lines[0] != "{" || lines[len(lines)-1] != "}" {
		t.Fatalf("Encode's first or last line is not a brace:\n%s", out)
	}
	for _, line := range lines[1 : len(lines)-1] {
		l := strings.TrimSuffix(line, ",")
		switch {
		case strings.HasPrefix(l, "    "):
			if !json.Valid([]byte(l)) {
				t.Fatalf("an element is not on one line: %q", line)
			}
		case l == "  ]":
		case strings.HasPrefix(l, "  \""):
			if k, v, _ := strings.Cut(l[2:], ": "); !json.Valid([]byte(k)) || v != "[" && !json.Valid([]byte(v)) {
				t.Fatalf("a member is not on one line: %q", line)
			}
		default:
			t.Fatalf("a line of no layout: %q", line)
		}
	}
	back, err := Decode(out)
	if err != nil {
		t.Fatalf("Decode(Encode(p)): %v\n%s", err, out)
	}
	if diff := cmp.Diff(p, back, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("Decode(Encode(p)) differs (-p +back):\n%s", diff)
	}
}

// fill sets every field reachable from v (a pointer) to a value of its own,
// counting in *n: every string distinct, numbers non-zero, booleans true,
// pointers to filled values, slices and maps of two filled elements. A
// field added to the model is filled without a change here.
func fill(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("v%d", *n))
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(int64(*n))
	case reflect.Uint, reflect.Uint64, reflect.Uint32, reflect.Uint8:
		v.SetUint(uint64(*n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), n)
	case reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i), n)
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(v.Index(i), n)
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		for range 2 {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fill(k, n)
			fill(e, n)
			v.SetMapIndex(k, e)
		}
	default:
		panic(fmt.Sprintf("fill: add %s to the model's kinds", v.Kind()))
	}
}

// filledProfile is a profile with every field of every model type set.
func filledProfile() *Profile {
	p := new(Profile)
	n := 0
	fill(reflect.ValueOf(p).Elem(), &n)
	p.Version = FormatVersion
	return p
}

// TestEveryFieldSurvivesAWriteAndARead fills every field of every model
// type (by reflection, so a new field is covered without a change here),
// writes the profile with Update and reads it back with Load and a View:
// each must keep every value. A View must also skim the file (not fall
// back to decoding it whole): the skim knows every field Encode writes.
func TestEveryFieldSurvivesAWriteAndARead(t *testing.T) {
	t.Parallel()
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := filledProfile()
	if _, err := s.Update(func(p *Profile) error { *p = *want.Clone(); return nil }); err != nil {
		t.Fatal(err)
	}
	want.Generation++
	got, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("a field was lost on a write and a read (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, want.Clone()); diff != "" {
		t.Fatalf("Clone lost a field (-want +clone):\n%s", diff)
	}
	v, err := s.View()
	if err != nil {
		t.Fatal(err)
	}
	if v.text == "" {
		t.Fatal("the View decoded the file whole: the skim does not read every field Encode writes")
	}
	for i := range want.Contexts {
		c, err := v.Context(i)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(&want.Contexts[i], c); diff != "" {
			t.Fatalf("View.Context(%d) lost a field (-want +got):\n%s", i, diff)
		}
	}
	h := *want
	h.Contexts = nil
	if diff := cmp.Diff(&h, v.Header()); diff != "" {
		t.Fatalf("View.Header lost a field (-want +got):\n%s", diff)
	}
	checkEncoding(t, want)
}

// TestEveryFieldSurvivesAUse is TestEveryFieldSurvivesAWriteAndARead for
// the writes of `azc use`, which copy the contexts from the file they
// replace and lay out the header anew: by a name (the file streamed) and
// by a subscription id (the file read whole), each read back with Load
// and with the View ViewKeeping streams.
func TestEveryFieldSurvivesAUse(t *testing.T) {
	t.Parallel()
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := filledProfile()
	if _, err := s.Update(func(p *Profile) error { *p = *want.Clone(); return nil }); err != nil {
		t.Fatal(err)
	}
	want.Generation++
	for i, ref := range []string{want.Contexts[1].Name, want.Contexts[0].Subscription.ID} {
		if _, err := s.SetDefault(ref); err != nil {
			t.Fatal(err)
		}
		want.setDefault(want.Contexts[1-i].Name)
		want.Generation++
		got, err := s.Load()
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("SetDefault(%q) lost a field (-want +got):\n%s", ref, diff)
		}
		v, err := s.ViewKeeping("")
		if err != nil {
			t.Fatal(err)
		}
		if v.text == "" {
			t.Fatal("ViewKeeping read the file whole: SetDefault left it outside Encode's layout")
		}
		h := *want
		h.Contexts = nil
		if diff := cmp.Diff(&h, v.Header()); diff != "" {
			t.Fatalf("ViewKeeping's Header lost a field (-want +got):\n%s", diff)
		}
		c, err := v.Default()
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(&want.Contexts[1-i], c); diff != "" {
			t.Fatalf("ViewKeeping's Default lost a field (-want +got):\n%s", diff)
		}
	}
}

// TestAChangeAfterTheEarlyReadIsNotLost: Update and SetDefault read the
// file before they take the lock; a write that lands between that read
// and the lock is kept, not overwritten with what was read early.
func TestAChangeAfterTheEarlyReadIsNotLost(t *testing.T) {
	t.Parallel()
	// The second change leaves the file's length as it was (the
	// generation too keeps its number of digits).
	for _, op := range []string{"Update", "SetDefault", "SetDefault, same length"} {
		s, err := Open(t.TempDir(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Update(func(p *Profile) error { *p = *benchProfile(5); return nil }); err != nil {
			t.Fatal(err)
		}
		meanwhile := func(p *Profile) error { p.Contexts[4].StorageAccount = "written meanwhile"; return nil }
		if op == "SetDefault, same length" {
			meanwhile = func(p *Profile) error { p.Accounts[0].HomeTenantID = "t9"; return nil }
		}
		s.testOnlyEarlyRead = func() {
			s.testOnlyEarlyRead = nil
			if _, err := s.Update(meanwhile); err != nil {
				t.Error(err)
			}
		}
		switch op {
		case "Update":
			_, err = s.Update(func(p *Profile) error { p.Contexts[0].StorageAccount = "mine"; return nil })
		default:
			_, err = s.SetDefault("Contoso Workload 0001")
		}
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.Load()
		if err != nil {
			t.Fatal(err)
		}
		if p.Contexts[4].StorageAccount != "written meanwhile" && p.Accounts[0].HomeTenantID != "t9" || p.DefaultContext != "Contoso Workload 0001" && op != "Update" {
			t.Fatalf("%s: the write between its early read and its lock was lost", op)
		}
	}
}

// TestUpdateWritesWhatEncodeWrites: Update copies the lines of contexts a
// change did not touch from the file it replaces; whatever the change
// (a field, a property changed in place in its map, a rename, a removal,
// an insertion, nothing), the file is byte for byte Encode of the profile
// Update returned.
func TestUpdateWritesWhatEncodeWrites(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		fn   func(p *Profile) error
	}{
		{"a field", func(p *Profile) error { p.Contexts[3].StorageAccount = "sa"; return nil }},
		{"a property in place", func(p *Profile) error { p.Contexts[2].Properties["team"] = "red"; return nil }},
		{"a subscription in place", func(p *Profile) error { p.Contexts[4].Subscription.State = "Disabled"; return nil }},
		{"a rename", func(p *Profile) error {
			_, err := p.RenameContext("Contoso Workload 0001", "renamed", false)
			return err
		}},
		{"a removal", func(p *Profile) error { _, err := p.RemoveContext("Contoso Workload 0000"); return err }},
		{"an insertion and a swap", func(p *Profile) error {
			p.Contexts = append([]Context{{Name: "first", Account: "k", Tenant: Tenant{ID: "t"}}}, p.Contexts...)
			p.Contexts[1], p.Contexts[2] = p.Contexts[2], p.Contexts[1]
			return nil
		}},
		{"the header only", func(p *Profile) error { p.DefaultContext = "Contoso Workload 0005"; return nil }},
	} {
		s, err := Open(t.TempDir(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		start := benchProfile(8)
		start.Contexts[2].Properties = map[string]string{"team": "blue", "a": "b"}
		if _, err := s.Update(func(p *Profile) error { *p = *start; return nil }); err != nil {
			t.Fatal(err)
		}
		got, err := s.Update(tc.fn)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		data, err := os.ReadFile(s.Path())
		if err != nil {
			t.Fatal(err)
		}
		if want := mustEncode(got); !bytes.Equal(data, want) {
			t.Fatalf("%s: Update wrote\n%s\nwant Encode's\n%s", tc.name, data, want)
		}
	}
}

// TestEveryFieldSurvivesAnExportAndAnImport: the contexts, accounts and
// custom environments of a profile with every field filled (as
// TestEveryFieldSurvivesAWriteAndARead fills them) come out of an export
// and an import into an empty profile as they went in.
func TestEveryFieldSurvivesAnExportAndAnImport(t *testing.T) {
	t.Parallel()
	src := filledProfile()
	dir := t.TempDir()
	for i := range src.Environments {
		e := &src.Environments[i]
		e.BuiltIn = false
		// endpoints and a CA file an import takes (CheckEndpoint, an
		// absolute path), each still its own
		e.AuthorityHost = "https://" + e.AuthorityHost + ".test/"
		e.ARMEndpoint = "https://" + e.ARMEndpoint + ".test/"
		e.CAFile = filepath.Join(dir, e.CAFile)
		src.Accounts[i].Environment = e.Name
		// an import leaves it out (TestImportLeavesOutAFederatedTokenFile)
		src.Accounts[i].FederatedTokenFile = ""
	}
	for i := range src.Contexts {
		src.Contexts[i].Environment = src.Environments[i%2].Name
		src.Contexts[i].Account = src.Accounts[i%2].Key()
	}
	b, err := NewBundle(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := b.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	imp, err := Import(data)
	if err != nil {
		t.Fatal(err)
	}
	dst := New()
	dst.Merge(imp)
	if diff := cmp.Diff(src.Contexts, dst.Contexts); diff != "" {
		t.Errorf("contexts (-exported +imported):\n%s", diff)
	}
	if diff := cmp.Diff(src.Accounts, dst.Accounts); diff != "" {
		t.Errorf("accounts (-exported +imported):\n%s", diff)
	}
	if diff := cmp.Diff(src.Environments, dst.Environments); diff != "" {
		t.Errorf("environments (-exported +imported):\n%s", diff)
	}
}

// TestEveryFieldOfAnExportSurvivesAnImport: an export file with every
// field of Bundle set (by reflection, so a field added to the file is
// covered without a change here), imported into an empty profile and
// exported again with the credentials the import read, is the file it
// was: its default context and its credentials too, which
// TestEveryFieldSurvivesAnExportAndAnImport does not write.
func TestEveryFieldOfAnExportSurvivesAnImport(t *testing.T) {
	t.Parallel()
	b := new(Bundle)
	n := 0
	fill(reflect.ValueOf(b).Elem(), &n)
	b.Kind, b.Version = BundleKind, BundleVersion
	dir := t.TempDir()
	for i := range b.Environments {
		e := &b.Environments[i]
		e.BuiltIn = false
		e.AuthorityHost = "https://" + e.AuthorityHost + ".test/"
		e.ARMEndpoint = "https://" + e.ARMEndpoint + ".test/"
		e.CAFile = filepath.Join(dir, e.CAFile)
		b.Accounts[i].Environment = e.Name
		b.Accounts[i].FederatedTokenFile = "" // as above
	}
	for i := range b.Contexts {
		b.Contexts[i].Environment = b.Environments[i].Name
		b.Contexts[i].Account = b.Accounts[i].Key()
	}
	b.DefaultContext = b.Contexts[1].Name
	creds := map[string][]byte{}
	i := 0
	for _, blob := range b.Credentials {
		creds[b.Accounts[i].Key()] = blob
		i++
	}
	b.Credentials = creds
	data, err := b.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	imp, err := Import(data)
	if err != nil {
		t.Fatal(err)
	}
	dst := New()
	dst.Merge(imp)
	back, err := NewBundle(dst, nil)
	if err != nil {
		t.Fatal(err)
	}
	back.Credentials = imp.Credentials
	if diff := cmp.Diff(b, back); diff != "" {
		t.Errorf("an export imported and exported again (-exported +again):\n%s", diff)
	}
}

// scribble changes, in place, every value reachable from v (addressable):
// through pointers, in slices' elements and maps' entries.
func scribble(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + "!")
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(v.Int() + 1000)
	case reflect.Uint, reflect.Uint64, reflect.Uint32:
		v.SetUint(v.Uint() + 1000)
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Pointer:
		if !v.IsNil() {
			scribble(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			scribble(v.Field(i))
		}
	case reflect.Slice:
		for i := range v.Len() {
			scribble(v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			scribble(e)
			v.SetMapIndex(k, e)
		}
	default:
		panic(fmt.Sprintf("scribble: add %s to the model's kinds", v.Kind()))
	}
}

// TestACloneSharesNothing: a change anywhere in a Clone of a profile whose
// every field is set (by reflection, so a new field is covered without a
// change here) leaves the original as it was. The Store hands out clones
// of the decoding it keeps (Store.decode).
func TestACloneSharesNothing(t *testing.T) {
	t.Parallel()
	p := filledProfile()
	q := p.Clone()
	scribble(reflect.ValueOf(q).Elem())
	if diff := cmp.Diff(filledProfile(), p); diff != "" {
		t.Errorf("a change to the clone changed the original (-before +after):\n%s", diff)
	}
	if cmp.Equal(p, q) {
		t.Error("scribble changed nothing")
	}
}

// TestTheSettingsAreTheCallers: a change anywhere in the Settings the
// Store gives (by reflection, so a new field is covered without a change
// here) changes not the next it gives, from a file in Encode's layout
// (its header read alone) or in another (the View the Store keeps).
func TestTheSettingsAreTheCallers(t *testing.T) {
	t.Parallel()
	want := filledProfile()
	encoded := mustEncode(want)
	indented, err := json.MarshalIndent(want, "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	for layout, data := range map[string][]byte{"Encode's": encoded, "another": indented} {
		s := storeWith(t, data)
		for range 2 {
			got, err := s.Settings()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want.Settings, got); diff != "" {
				t.Fatalf("%s layout: the Settings (-want +got):\n%s", layout, diff)
			}
			scribble(reflect.ValueOf(&got).Elem())
		}
	}
}

// TestANewerFormatIsNewerWhateverItsShape: a profile of a format version
// above FormatVersion is refused with a *NewerVersionError by Decode and
// by every reader of profile.json, whatever the rest holds: a newer azc
// may give a member another type or repeat a key, which says nothing of
// the file's health (a "fix the file by hand" there would send the user
// to edit a good file, or to move it away).
func TestANewerFormatIsNewerWhateverItsShape(t *testing.T) {
	t.Parallel()
	for _, data := range []string{
		`{"version":2,"settings":{"autosave":"on"}}`,
		`{"version":2,"generation":"7","contexts":[]}`,
		`{"contexts":{"a":{"account":"k"}},"version":2}`,
		`{"version":2,"x":1,"x":2}`,
		`{"version":2,"contexts":[{"name":"a","tenant":{"id":"t"},"Tenant":{"id":"u"}}]}`,
		"{\n  \"version\": 2,\n  \"generation\": 1,\n  \"settings\": {\"autosave\":1},\n  \"contexts\": [\n    {\"name\":\"a\",\"account\":\"k\",\"environment\":\"E\",\"tenant\":{\"id\":\"t\"}}\n  ]\n}\n",
	} {
		var nv *NewerVersionError
		if _, err := Decode([]byte(data)); !errors.As(err, &nv) || nv.Version != 2 {
			t.Errorf("Decode(%s): %v, want a *NewerVersionError of version 2", data, err)
		}
		s := storeWith(t, []byte(data))
		_, lerr := s.Load()
		_, verr := s.View()
		_, kerr := storeWith(t, []byte(data)).ViewKeeping("a")
		_, serr := storeWith(t, []byte(data)).SetDefault("a")
		for what, err := range map[string]error{"Load": lerr, "View": verr, "ViewKeeping": kerr, "SetDefault": serr} {
			if !errors.As(err, &nv) {
				t.Errorf("%s of %s: %v, want a *NewerVersionError", what, data, err)
			}
		}
	}
	// an older or broken version is no newer one: the rest's error stands
	for _, data := range []string{`{"version":1,"settings":{"autosave":"on"}}`, `{"version":"2","settings":{"autosave":"on"}}`, `{"version":2,"settings":{"autosave":"on"}`} {
		var nv *NewerVersionError
		if _, err := Decode([]byte(data)); err == nil || errors.As(err, &nv) {
			t.Errorf("Decode(%s): %v, want the error of the rest", data, err)
		}
	}
}
