package profile

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func viewSeeds(f *testing.F) {
	f.Add([]byte(`{"version":1,"generation":3,"defaultContext":"a","previousContext":"B","settings":{"autosave":false},"accounts":[{"id":"u","type":"user","environment":"E","tenants":["t"]}],"contexts":[{"name":"a","account":"e|t|u","environment":"E","tenant":{"id":"t","defaultDomain":"d"},"subscription":{"id":"s","name":"n","tenantId":"t"},"properties":{"k":"v"}},{"name":"b","account":"x","tenant":{"id":"t"},"subscription":{"id":"s2","name":"n","tenantId":"t"}}]}`), "n")
	f.Add([]byte(`{"version":1,"contexts":[{"name":"a","tenant":null,"subscription":null,"properties":null},{"name":"A"}]}`), "a")
	f.Add([]byte(`{"version":1,"contexts":[{"name":"s"},{"name":"ſ"},{"name":"K"},{"name":"K"}]}`), "ſ")
	f.Add([]byte(`{"version":1,"contexts":[{"name":" a"}]}`), "a")
	f.Add([]byte(`{"version":1,"contexts":[{"name":null}]}`), "-")
	f.Add([]byte(`{"version":2,"contexts":[{"name":"a"},{"name":"a"}]}`), "a")
	f.Add([]byte(`{"version":1,"contexts":[{"name":"a\u0062"},{"name":"ab"}]}`), "ab")
	f.Add([]byte("\xef\xbb\xbf{\"version\":1,\"defaultContext\":\"x\",\"contexts\":[{\"name\":\"x\"}]}"), "-")
	f.Add([]byte(`{"version":1,"contexts":[]}`), "")
	// an empty properties object, which Decode makes an empty map
	// (Update writes none; SetDefault copies it as it is)
	f.Add([]byte(`{"version":1,"contexts":[{"name":"a","account":"k","environment":"E","tenant":{"id":"t"},"properties":{}}]}`), "a")
	f.Add(mustEncode(benchProfile(20)), "Contoso Workload 0001")
	f.Add(mustEncode(benchProfile(3)), "contoso workload 0002")
	f.Add(mustEncode(benchProfile(3)), "00000001-0000")
	f.Add(mustEncode(&Profile{Version: 1, DefaultContext: "σ", Contexts: []Context{{Name: "σ", Tenant: Tenant{ID: "t"}}, {Name: "ς", Tenant: Tenant{ID: "u"}}}}), "ς")
	f.Add(mustEncode(&Profile{Version: 1, DefaultContext: "é", Settings: Settings{Autosave: new(bool)}, Environments: []Environment{{Name: "E", AuthorityHost: "h"}}, Contexts: []Context{{Name: "é", Account: "k", Environment: "E", Tenant: Tenant{ID: "t", DisplayName: "D"}, StorageAccount: "sa", Properties: map[string]string{"a": "b", "c": ""}}}}), "É")
	f.Add([]byte(`{"version":1,"contexts":[{"name":"a","account":"k","environment":"E","tenant":{"id":"t"}}],}`), "a")
	f.Add([]byte(`{"version":1,"Contexts":[],"contexts":[{"name":"a","account":"k","environment":"E","tenant":{"id":"t"}}]}`), "a")
	// two environments of one name, and one named as a built-in
	f.Add([]byte(`{"version":1,"environments":[{"name":"e\u212a","authorityHost":"h","armEndpoint":"x","armAudience":"y"},{"name":"EK","authorityHost":"h2","armEndpoint":"x","armAudience":"y"}],"contexts":[{"name":"a","account":"k","environment":"EK","tenant":{"id":"t"}}]}`), "a")
	f.Add(mustEncode(&Profile{Version: 1, Environments: []Environment{{Name: "AzureU\u017fGovernment", AuthorityHost: "h"}}, Contexts: []Context{{Name: "a", Tenant: Tenant{ID: "t"}}}}), "a")
	// what follows the document, and members given twice (encoding/json
	// takes the last, decoding an object into what the first left)
	f.Add([]byte(`{"version":1,"contexts":[{"name":"a","account":"k","environment":"E","tenant":{"id":"t"}}]} x`), "a")
	f.Add([]byte(`{"version":1,"contexts":[]}{}`), "")
	f.Add([]byte(`{"version":1,"settings":{"autosave":false},"defaultContext":"a","settings":{},"defaultContext":"b","contexts":[{"name":"b","account":"k","environment":"E","tenant":{"id":"t"}}]}`), "b")
	f.Add([]byte(`{"version":1,"contexts":[{"name":"a","account":"k","environment":"E","tenant":{"id":"t"}}],"contexts":[{"name":"b","account":"k","environment":"E","tenant":{"id":"u"}},{"name":"c","account":"k","environment":"E","tenant":{"id":"u"}}]}`), "a")
	f.Add([]byte(`{"version":1,"contexts":[{"name":"a","account":"k","environment":"E","tenant":{"id":"t"}}],"contexts":null}`), "a")
	f.Add([]byte(`{"version":1,"contexts":[{"name":"a","account":"k","environment":"E","tenant":{"id":"t"}}],"CONTEXTS":[{"name":"b","account":"k","environment":"E","tenant":{"id":"u"}}]}`), "b")
	// a newer format, whose members may be of other types; a header of
	// more members than Profile has fields
	f.Add([]byte(`{"version":2,"settings":{"autosave":"on"},"contexts":[{"name":"a","account":"k","environment":"E","tenant":{"id":"t"}}]}`), "a")
	f.Add([]byte(`{"version":1,"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"contexts":[{"name":"a","account":"k","environment":"E","tenant":{"id":"t"}}]}`), "a")
	// one-line contexts in the encoder's layout, and near misses the
	// general skim must read
	f.Add([]byte("{\"version\":1,\"contexts\":[\n"+
		`{"name":"a","account":"k","environment":"E","tenant":{"id":"t","defaultDomain":"d","displayName":"D"},"subscription":{"id":"s","name":"n","state":"Enabled","tenantId":"t"},"storageAccount":"sa","properties":{"x":"y","a":"b"}},`+"\n"+
		`{"name":"","account":"","environment":"","tenant":{"id":""}},`+"\n"+
		`{"name":"é","account":"k","environment":"E","tenant":{"id":"t"},"subscription":{"id":"s","name":"n","tenantId":"t"}},`+"\n"+
		`{"name":"c","account":"k","environment":"E","tenant":{"id":"t"},"subscription":null},`+"\n"+
		`{"name":"d","account":"k\u0041","environment":"E","tenant":{"id":"t"}},`+"\n"+
		`{"name":"e","environment":"E","account":"k","tenant":{"id":"t"}},`+"\n"+
		`{"name":"f","account":"k","environment":"E","tenant":{"id":"t"},"tenant":{"id":"u"}},`+"\n"+
		`{"name": "g","account":"k","environment":"E","tenant":{"id":"t"}}]}`), "c")
}

// FuzzView checks that a View accepts exactly what Decode accepts, with the
// same error, and answers as the decoded Profile does; and so do the
// Views ViewKeeping and ViewColumns stream, of the input and of the input
// encoded, read through a buffer of a few sizes, whenever they stream one.
func FuzzView(f *testing.F) {
	viewSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, ref string) {
		p, perr := Decode(data)
		v, verr := newView(string(data))
		if (perr == nil) != (verr == nil) || perr != nil && perr.Error() != verr.Error() {
			t.Fatalf("Decode error %v, NewView error %v", perr, verr)
		}
		if sv := skim(string(data)); sv != nil {
			checkCount(t, sv, data)
		}
		inputs := [][]byte{data}
		if perr == nil {
			checkView(t, p, v, ref)
			inputs = append(inputs, mustEncode(p))
		} else {
			var pn, vn *NewerVersionError
			if errors.As(perr, &pn) != errors.As(verr, &vn) {
				t.Fatalf("Decode error %#v, NewView error %#v", perr, verr)
			}
		}
		for _, in := range inputs {
			for _, size := range []int{40, 512, 32 << 10} {
				for _, keepCols := range []bool{false, true} {
					sv, err := streamView(bytes.NewReader(in), int64(len(in)), make([]byte, size), []string{ref, ""}, keepCols, nil)
					if err != nil {
						t.Fatal(err)
					}
					if sv == nil {
						continue
					}
					sp, err := Decode(in)
					if err != nil {
						t.Fatalf("streamView took a file Decode refuses (%v):\n%s", err, in)
					}
					sv.reread = func() (string, error) { return string(in), nil }
					checkView(t, sp, sv, ref)
					checkCount(t, sv, in)
				}
			}
		}
	})
}

// checkCount checks that v, a View skimmed or streamed from data, counts
// the objects and values Decode's limits count in data, and, of those, the
// ones within its contexts array as the file without them counts fewer.
func checkCount(t *testing.T, v *View, data []byte) {
	t.Helper()
	o, n := countValues(data)
	if v.count != (valueCount{o, n}) {
		t.Fatalf("the skim counted %+v, countValues %+v", v.count, valueCount{o, n})
	}
	if sv := skim(string(data)); sv != nil && sv.raw != (rng{}) {
		without := string(data[:sv.raw.start]) + "null" + string(data[sv.raw.end:])
		wo, wn := countValues([]byte(without))
		if want := (valueCount{o - wo, n - wn}); v.elems != want {
			t.Fatalf("the skim counted %+v within the contexts array, countValues %+v", v.elems, want)
		}
	}
}

// checkView checks that v answers as p, the profile it views, does.
func checkView(t *testing.T, p *Profile, v *View, ref string) {
	t.Helper()
	if v.Len() != len(p.Contexts) {
		t.Fatalf("Len() = %d, want %d", v.Len(), len(p.Contexts))
	}
	h := *p
	h.Contexts = nil
	if diff := cmp.Diff(&h, v.Header()); diff != "" {
		t.Fatalf("Header() differs (-Decode +View):\n%s", diff)
	}
	refs := []string{ref, p.DefaultContext, p.PreviousContext}
	for i := range min(len(p.Contexts), 3) {
		c := &p.Contexts[i]
		refs = append(refs, c.Name, c.Name[:len(c.Name)/2], p.PowerShellName(c))
		if c.Subscription != nil {
			refs = append(refs, c.Subscription.ID, c.Subscription.Name)
		}
	}
	for _, r := range refs {
		want, werr := p.Find(r)
		got, gerr := v.Find(r)
		if fmt.Sprint(werr) != fmt.Sprint(gerr) {
			t.Fatalf("Find(%q) error = %v, want %v", r, gerr, werr)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("Find(%q) differs (-Profile +View):\n%s", r, diff)
		}
	}
	want, werr := p.Default()
	got, gerr := v.Default()
	if fmt.Sprint(werr) != fmt.Sprint(gerr) {
		t.Fatalf("Default() error = %v, want %v", gerr, werr)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Default() differs (-Profile +View):\n%s", diff)
	}
	for i := range p.Contexts {
		c, err := v.Context(i)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(&p.Contexts[i], c); diff != "" {
			t.Fatalf("Context(%d) differs (-Decode +View):\n%s", i, diff)
		}
	}
	checkColumns(t, p, v)
	full, err := v.Profile()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, full); diff != "" {
		t.Fatalf("Profile() differs (-Decode +View):\n%s", diff)
	}
}

// checkColumns checks that v's ColumnsAt gives p's contexts' fields.
func checkColumns(t *testing.T, p *Profile, v *View) {
	t.Helper()
	var got Columns
	for i := range p.Contexts {
		c := &p.Contexts[i]
		want := Columns{Name: c.Name, Account: c.Account, TenantID: c.Tenant.ID, TenantDomain: c.Tenant.DefaultDomain}
		if c.Subscription != nil {
			want.SubscriptionID, want.SubscriptionName = c.Subscription.ID, c.Subscription.Name
		}
		v.ColumnsAt(i, &got)
		if got != want {
			t.Fatalf("ColumnsAt(%d) = %+v, want %+v", i, got, want)
		}
	}
}

// updateSetDefault is what Store.Update(SetDefault(ref)) writes over old.
func updateSetDefault(t *testing.T, old []byte, ref string) ([]byte, Context, error) {
	t.Helper()
	p, err := Decode(old)
	if err != nil {
		return nil, Context{}, &CorruptError{Err: err}
	}
	c, err := p.SetDefault(ref)
	if err != nil {
		return nil, Context{}, err
	}
	out, err := encodeChange(p, "", string(old))
	return out.bytes(), c, err
}

// bytes returns the file c makes, in one slice; nil for no file.
func (c *content) bytes() []byte {
	if c == nil {
		return nil
	}
	return append(append(append(make([]byte, 0, c.size()), c.head...), c.raw...), c.tail...)
}

// mustEncode is what Encode writes for p, even for a profile Encode
// refuses: tests give readers such files in Encode's layout.
func mustEncode(p *Profile) []byte {
	out, _, _, err := encode(p, false, nil)
	if err != nil {
		panic(err)
	}
	return append(out, closing...)
}

// FuzzSetDefault checks that the header-only SetDefault writes byte for
// byte what Update with Profile.SetDefault writes over every file azc
// wrote, and over any other file it accepts writes a file that decodes to
// the same profile.
func FuzzSetDefault(f *testing.F) {
	viewSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, ref string) {
		inputs := [][]byte{data}
		if p, err := Decode(data); err == nil {
			checkSplice(t, p, ref)
			inputs = append(inputs, mustEncode(p))
			p.Generation++
			p.PreviousContext, p.DefaultContext = p.DefaultContext, ref
			inputs = append(inputs, mustEncode(p))
		}
		for k, old := range inputs {
			want, wc, werr := updateSetDefault(t, old, ref)
			got, gc, gerr := setDefaultOver(old, ref)
			if fmt.Sprint(werr) != fmt.Sprint(gerr) {
				t.Fatalf("input %d: setDefault error = %v, want %v", k, gerr, werr)
			}
			if diff := cmp.Diff(wc, gc); diff != "" {
				t.Fatalf("input %d: context differs (-Update +setDefault):\n%s", k, diff)
			}
			if k > 0 {
				if !bytes.Equal(want, got) {
					t.Fatalf("input %d: setDefault wrote\n%s\nwant\n%s", k, got, want)
				}
				continue
			}
			if (want == nil) != (got == nil) && bytes.Equal(data, mustEncode(mustDecode(t, data))) {
				t.Fatalf("setDefault changed %v, Update changed %v", got != nil, want != nil)
			}
			if got == nil || want == nil {
				continue
			}
			wp, gp := mustDecode(t, want), mustDecode(t, got)
			// setDefault copies the contexts as they are, an empty
			// properties object too, which Update's encoding drops
			if diff := cmp.Diff(wp, gp, emptyProperties); diff != "" {
				t.Fatalf("setDefault's file decodes differently (-Update +setDefault):\n%s", diff)
			}
		}
	})
}

// checkSplice checks that spliceHeader lays out p's header with ref the
// default, as SetDefault's streamed path does, as encode does.
func checkSplice(t *testing.T, p *Profile, ref string) {
	t.Helper()
	h := *p
	h.Contexts = nil
	old, _, _, err := encode(&h, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := h
	n.setDefault(ref)
	n.Version, n.Generation = FormatVersion, n.Generation+1
	want, wgen, _, err := encode(&n, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, gen, ok := spliceHeader(&n, &h, string(old))
	if ok && (!bytes.Equal(got, want) || gen != wgen) {
		t.Fatalf("spliceHeader gave\n%s (%v)\nencode\n%s (%v)", got, gen, want, wgen)
	}
	if !ok && h.Version == FormatVersion && plainJSON(ref) && plainJSON(h.DefaultContext) && plainJSON(h.PreviousContext) {
		t.Fatalf("spliceHeader did not lay out\n%s", want)
	}
}

// emptyProperties equates a context's properties nil and empty: a file
// SetDefault writes keeps an empty properties object, which an Update's
// drops.
var emptyProperties = cmp.FilterPath(func(p cmp.Path) bool {
	return p.Last().Type() == reflect.TypeFor[map[string]string]()
}, cmpopts.EquateEmpty())

// setDefaultOver is Store.SetDefault's change to the file old.
func setDefaultOver(old []byte, ref string) ([]byte, Context, error) {
	v, err := newView(string(old))
	if err != nil {
		return nil, Context{}, &CorruptError{Err: err}
	}
	out, c, err := v.setDefault(ref, string(old))
	return out.bytes(), c, err
}

func mustDecode(t *testing.T, data []byte) *Profile {
	t.Helper()
	p, err := Decode(data)
	if err != nil {
		t.Fatalf("decode: %v\n%s", err, data)
	}
	return p
}

func benchProfile(n int) *Profile {
	p := New()
	for a := range 3 {
		p.Accounts = append(p.Accounts, Account{ID: fmt.Sprintf("user%d@contoso.com", a), Type: UserAccount, Environment: "AzureCloud", HomeTenantID: fmt.Sprint("t", a)})
	}
	for i := range n {
		a := p.Accounts[i%3]
		p.Contexts = append(p.Contexts, Context{
			Name: fmt.Sprintf("Contoso Workload %04d", i), Account: a.Key(), Environment: "AzureCloud",
			Tenant:       Tenant{ID: a.HomeTenantID, DefaultDomain: "contoso.com"},
			Subscription: &Subscription{ID: fmt.Sprintf("%08d-0000", i), Name: fmt.Sprintf("Contoso Workload %04d", i), State: "Enabled", TenantID: a.HomeTenantID},
		})
	}
	p.DefaultContext = p.Contexts[n/2].Name
	return p
}

// BenchmarkNewView1000 is the skim alone, the file already in memory.
func BenchmarkNewView1000(b *testing.B) {
	data := mustEncode(benchProfile(1000))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := newView(string(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode1000 is the full decode, the file already in memory.
func BenchmarkDecode1000(b *testing.B) {
	data := mustEncode(benchProfile(1000))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSkimReadsWhatEncodeWrites checks that a View skims every context
// line Encode writes, with and without each optional field, and gives the
// columns of each.
func TestSkimReadsWhatEncodeWrites(t *testing.T) {
	t.Parallel()
	p := benchProfile(4)
	p.Contexts[0].Tenant.DisplayName = "Contoso"
	p.Contexts[0].StorageAccount = "store"
	p.Contexts[0].Properties = map[string]string{"team": "blue", "a": "é"}
	p.Contexts[1].Subscription = nil
	p.Contexts[2].Subscription.State = ""
	p.Contexts[2].Name = "Ünïcode name"
	p.Contexts[3].Name = "R&D <east>"
	v, err := newView(string(mustEncode(p)))
	if err != nil {
		t.Fatal(err)
	}
	if v.text == "" {
		t.Fatalf("the View decoded the file whole: the skim refuses Encode's layout\n%s", mustEncode(p))
	}
	checkColumns(t, p, v)
}

// TestColumnsOutliveTheView: the strings ColumnsAt gives are the caller's,
// kept after the View and its file are gone.
func TestColumnsOutliveTheView(t *testing.T) {
	t.Parallel()
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := benchProfile(50)
	if _, err := s.Update(func(q *Profile) error { *q = *p; return nil }); err != nil {
		t.Fatal(err)
	}
	var kept []Columns
	for range 3 {
		v, err := s.View()
		if err != nil {
			t.Fatal(err)
		}
		var c Columns
		v.ColumnsAt(7, &c)
		kept = append(kept, c)
		if _, err := s.Update(func(q *Profile) error { q.Contexts[7].Name += "x"; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	for i, c := range kept {
		if want := "Contoso Workload 0007" + strings.Repeat("x", i); c.Name != want || c.SubscriptionID != "00000007-0000" {
			t.Fatalf("kept columns %d = %+v, want name %q", i, c, want)
		}
	}
}

// TestPlainBytes: the bytes quoted's fast pass takes are those a JSON
// string holds as they are, in ASCII: not a control character, a quote or
// a backslash.
func TestPlainBytes(t *testing.T) {
	for c := range 256 {
		want := c >= 0x20 && c < 0x80 && c != '"' && c != '\\'
		if plain[c] != want {
			t.Errorf("plain[%#x] = %v, want %v", c, plain[c], want)
		}
	}
}

// TestQuotedEndsAtEveryPosition: quoted reads a string up to its closing
// quote, and refuses one with an escape, a control character or bad
// UTF-8, or without its closing quote, wherever in the string the byte is.
func TestQuotedEndsAtEveryPosition(t *testing.T) {
	for n := range 20 {
		for k := range n + 1 {
			for _, b := range []string{`"`, `\`, "\x1f", "\x00", "\xff", "\xc3", "é", "\x7f"} {
				body := strings.Repeat("a", k) + b + strings.Repeat("b", n-k)
				for _, s := range []string{`"` + body + `",`, `"` + body + `"`, `"` + body} {
					end := strings.IndexByte(s[1:], '"')
					want := s[1 : 1+max(end, 0)]
					ok := end >= 0 && utf8.ValidString(want) &&
						!strings.ContainsFunc(want, func(r rune) bool { return r < 0x20 || r == '\\' })
					k := &skimmer[string]{s: s}
					var r rng
					if got := k.quoted(&r); got != ok || got && s[r.start:r.end] != want {
						t.Errorf("quoted(%q) = %v %q, want %v %q", s, got, s[r.start:r.end], ok, want)
					}
				}
			}
		}
	}
}

// TestAHeaderOfManyMembersIsLeftToDecode: a header of more members than
// Profile has fields (members unknown or given twice: a hand-edited file)
// is not skimmed but decoded by Decode, whose check of the keys takes
// time in proportion to them; the skim's compares each key with every
// one before it, which is quick only for the few members Encode writes.
func TestAHeaderOfManyMembersIsLeftToDecode(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(`{"version":1,"defaultContext":"a"`)
	for i := range 20_000 {
		fmt.Fprintf(&b, ",\n  \"x%d\": 0", i)
	}
	b.WriteString(",\n  \"contexts\": [\n    {\"name\":\"a\",\"account\":\"k\",\"environment\":\"E\",\"tenant\":{\"id\":\"t\"}}\n  ]\n}\n")
	text := b.String()
	if v := skim(text); v != nil {
		t.Fatal("the skim read a header of 20,001 members")
	}
	p := mustDecode(t, []byte(text))
	v, err := newView(text)
	if err != nil {
		t.Fatal(err)
	}
	checkView(t, p, v, "a")
}
