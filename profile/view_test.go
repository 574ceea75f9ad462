package profile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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
	f.Add(fastEncode(benchProfile(20)), "Contoso Workload 0001")
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
// same error, and answers as the decoded Profile does.
func FuzzView(f *testing.F) {
	viewSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, ref string) {
		p, perr := Decode(data)
		v, verr := NewView(data)
		if set, err := decodeSettings(data); perr == nil && !keyAfterContexts(data) && (err != nil || !cmp.Equal(set, p.Settings)) {
			t.Fatalf("decodeSettings = %+v, %v; Decode's settings %+v", set, err, p.Settings)
		} else if errors.As(perr, new(*NewerVersionError)) && err == nil && !keyAfterContexts(data) {
			t.Fatalf("decodeSettings accepted a newer version: %v", perr)
		}
		// Store.Settings reads the first bytes first: where they hold the
		// answer it is decodeSettings'.
		for _, k := range []int{len(data) / 3, len(data) / 2, len(data) - 1} {
			if k <= 0 || perr != nil || keyAfterContexts(data) {
				break
			}
			if set, ok, err := decodeSettingsPrefix(data[:k], false); ok && (err != nil || !cmp.Equal(set, p.Settings)) {
				t.Fatalf("decodeSettingsPrefix(first %d bytes) = %+v, %v; Decode's settings %+v", k, set, err, p.Settings)
			}
		}
		if (perr == nil) != (verr == nil) || perr != nil && perr.Error() != verr.Error() {
			t.Fatalf("Decode error %v, NewView error %v", perr, verr)
		}
		if perr != nil {
			var pn, vn *NewerVersionError
			if errors.As(perr, &pn) != errors.As(verr, &vn) {
				t.Fatalf("Decode error %#v, NewView error %#v", perr, verr)
			}
			return
		}
		if v.Len() != len(p.Contexts) {
			t.Fatalf("Len() = %d, want %d", v.Len(), len(p.Contexts))
		}
		h := *p
		h.Contexts = nil
		if diff := cmp.Diff(&h, v.Header()); diff != "" {
			t.Fatalf("Header() differs (-Decode +View):\n%s", diff)
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
		lv, err := newView(&source{data: data}, true)
		if err != nil {
			t.Fatalf("a list view refuses what Decode accepts: %v", err)
		}
		checkColumns(t, p, lv)
		checkColumns(t, p, v)
		full, err := v.Profile()
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(p, full); diff != "" {
			t.Fatalf("Profile() differs (-Decode +View):\n%s", diff)
		}
	})
}

// checkColumns checks that v's ColumnsAt gives p's contexts' fields.
func checkColumns(t *testing.T, p *Profile, v *View) {
	t.Helper()
	err := v.Do(func() error {
		var got Columns
		for i := range p.Contexts {
			c := &p.Contexts[i]
			want := Columns{Name: c.Name, Account: c.Account, TenantID: c.Tenant.ID, TenantDomain: c.Tenant.DefaultDomain}
			if c.Subscription != nil {
				want.SubscriptionID, want.SubscriptionName = c.Subscription.ID, c.Subscription.Name
			}
			v.ColumnsAt(i, &got)
			if got != want {
				return fmt.Errorf("ColumnsAt(%d) = %+v, want %+v", i, got, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
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
	return encodeChange(p, nil, old).orNil(), c, nil
}

// orNil is bytes, nil for nil contents.
func (c *contents) orNil() []byte {
	if c == nil {
		return nil
	}
	return c.bytes()
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
			inputs = append(inputs, fastEncode(p))
			p.Generation++
			p.PreviousContext, p.DefaultContext = p.DefaultContext, ref
			inputs = append(inputs, fastEncode(p))
		}
		for k, old := range inputs {
			want, wc, werr := updateSetDefault(t, old, ref)
			out, gc, gerr := setDefault(old, ref)
			got := out.orNil()
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
			if (want == nil) != (got == nil) && bytes.Equal(data, fastEncode(mustDecode(t, data))) {
				t.Fatalf("setDefault changed %v, Update changed %v", got != nil, want != nil)
			}
			if got == nil || want == nil {
				continue
			}
			wp, gp := mustDecode(t, want), mustDecode(t, got)
			if diff := cmp.Diff(wp, gp); diff != "" {
				t.Fatalf("setDefault's file decodes differently (-Update +setDefault):\n%s", diff)
			}
		}
	})
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
	data := fastEncode(benchProfile(1000))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewView(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode1000 is the full decode, the file already in memory.
func BenchmarkDecode1000(b *testing.B) {
	data := fastEncode(benchProfile(1000))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDecodeSettingsReadsTheHeaderOnly: in azc's own layout the settings
// are read without looking at the contexts, which the commands that use
// them check; a newer format is refused all the same.
func TestDecodeSettingsReadsTheHeaderOnly(t *testing.T) {
	t.Parallel()
	head := "{\n  \"version\": 1,\n  \"generation\": 3,\n  \"settings\": {\n    \"autosave\": false\n  },\n  \"contexts\": "
	set, err := decodeSettings([]byte(head + "[ not json at all"))
	if err != nil || set.Autosave == nil || *set.Autosave {
		t.Fatalf("decodeSettings = %+v, %v; want autosave false", set, err)
	}
	if _, err := NewView([]byte(head + "[ not json at all")); err == nil {
		t.Fatal("NewView accepted broken contexts")
	}
	if _, err := decodeSettings([]byte(strings.Replace(head, `"version": 1`, `"version": 9`, 1) + "[]}")); !errors.As(err, new(*NewerVersionError)) {
		t.Fatalf("a newer version gave %v", err)
	}
	// settings after the contexts: the contexts are read past
	set, err = decodeSettings([]byte(`{"version": 1, "contexts": [], "settings": {"autosave": true}}`))
	if err != nil || set.Autosave == nil || !*set.Autosave {
		t.Fatalf("decodeSettings = %+v, %v; want autosave true", set, err)
	}
}

// keyAfterContexts reports whether the top-level object of the JSON
// document data has a key after "contexts" (decodeSettings stops there).
func keyAfterContexts(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, utf8BOM)))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	seen := false
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return false
		}
		if seen {
			return true
		}
		seen = k == "contexts"
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return false
		}
	}
	return false
}

// TestSkimCompactReadsWhatTheEncoderWrites checks that every context line
// the encoder writes, with every optional field, takes the compact skim,
// and that it notes where each field's bytes are.
func TestSkimCompactReadsWhatTheEncoderWrites(t *testing.T) {
	p := benchProfile(3)
	p.Contexts[0].Tenant.DisplayName = "Contoso"
	p.Contexts[0].StorageAccount = "store"
	p.Contexts[0].Properties = map[string]string{"team": "blue", "a": "é"}
	p.Contexts[1].Subscription = nil
	p.Contexts[2].Subscription.State = ""
	p.Contexts[2].Name = "Ünïcode name"
	data := fastEncode(p)
	k := 0
	for _, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSuffix(bytes.TrimSpace(line), []byte(","))
		if !bytes.HasPrefix(line, []byte(`{"name":`)) {
			continue
		}
		c := &p.Contexts[k]
		k++
		d := &decoder{data: line}
		var sp span
		var got columns
		if !d.skimCompact(&sp, &got) || d.i != len(line) {
			t.Fatalf("the compact skim refuses the encoder's line %s", line)
		}
		// where "key":"value" puts value, searching from after
		at := func(after, key, value string) brange {
			if value == "" && key != "name" && key != "account" && key != "id" {
				return brange{}
			}
			from := bytes.Index(line, []byte(after))
			i := bytes.Index(line[from:], []byte(`"`+key+`":"`+value+`"`))
			if from < 0 || i < 0 {
				t.Fatalf("%q not in %s", key, line)
			}
			start := uint32(from + i + len(key) + 4)
			return brange{start, start + uint32(len(value))}
		}
		if name := (brange{sp.nameStart, sp.nameEnd}); name != at("", "name", c.Name) {
			t.Errorf("%s: name at %v", line, name)
		}
		want := columns{account: at("", "account", c.Account), tenantID: at(`"tenant"`, "id", c.Tenant.ID), tenantDomain: at(`"tenant"`, "defaultDomain", c.Tenant.DefaultDomain)}
		if c.Subscription != nil {
			want.subID, want.subName = at(`"subscription"`, "id", c.Subscription.ID), at(`"subscription"`, "name", c.Subscription.Name)
		}
		if got != want {
			t.Errorf("%s: columns %+v, want %+v", line, got, want)
		}
	}
	if k != len(p.Contexts) {
		t.Fatalf("found %d context lines, want %d", k, len(p.Contexts))
	}
}
