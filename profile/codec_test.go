package profile

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func codecSeeds(f *testing.F) {
	f.Add([]byte(`{"version":1,"generation":3,"defaultContext":"a","settings":{"autosave":false},"environments":[{"name":"E","authorityHost":"h","armEndpoint":"x","armAudience":"y","builtIn":true}],"accounts":[{"id":"u","type":"user","environment":"E","tenants":["t","t2"]}],"contexts":[{"name":"a","account":"x","environment":"E","tenant":{"id":"t","defaultDomain":"d"},"subscription":{"id":"s","name":"n","tenantId":"t"},"properties":{"k":"v","a":"<&>\u2028"}}]}`))
	f.Add([]byte(`{"version":1,"contexts":[{"name":"a\"b","tenant":null,"subscription":null,"properties":{}}],"accounts":[],"settings":null}`))
	f.Add([]byte(`{"version":1,"generation":18446744073709551615,"contexts":[{"name":"\u00e9\ud83d\ude00 x\t"}]}`))
	f.Add([]byte(`{"Version":1,"version":2}`))
	f.Add([]byte(`{"version":01}`))
	f.Add([]byte("{\"version\":1,\"contexts\":[{\"name\":\"\xff\"}]}"))
}

// FuzzCodec holds the fast decoder and encoder to encoding/json: whatever
// fastDecode accepts, encoding/json decodes to the same profile, and
// fastEncode writes exactly what json.MarshalIndent writes.
func FuzzCodec(f *testing.F) {
	codecSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		var std Profile
		stdErr := json.Unmarshal(data, &std)
		fast, err := fastDecode(data)
		if err == nil {
			if stdErr != nil {
				t.Fatalf("fastDecode accepted what encoding/json rejects (%v)", stdErr)
			}
			if diff := cmp.Diff(&std, fast); diff != "" {
				t.Fatalf("fastDecode differs from encoding/json (-std +fast):\n%s", diff)
			}
		}
		if stdErr != nil {
			return
		}
		checkEncoding(t, &std)
	})
}

// checkEncoding checks fastEncode(p) against json.MarshalIndent: the same
// tokens (re-indented, the same bytes), laid out the same but for the
// elements of environments, accounts and contexts, each one compact line.
func checkEncoding(t *testing.T, p *Profile) {
	t.Helper()
	want, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got := fastEncode(p)
	var indented bytes.Buffer
	if err := json.Indent(&indented, got, "", "  "); err != nil {
		t.Fatalf("fastEncode wrote invalid JSON (%v):\n%s", err, got)
	}
	if want = append(want, '\n'); !bytes.Equal(indented.Bytes(), want) {
		t.Fatalf("fastEncode differs from json.MarshalIndent once re-indented:\n got %s\nwant %s", indented.Bytes(), want)
	}
	// The layout: MarshalIndent's, with each element on one line.
	var expect bytes.Buffer
	var top map[string]json.RawMessage
	if err := json.Unmarshal(want, &top); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(want), "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		expect.WriteString(line)
		expect.WriteByte('\n')
		if !strings.HasSuffix(line, "[") || !slices.Contains([]string{`  "environments": [`, `  "accounts": [`, `  "contexts": [`}, line) {
			continue
		}
		// the array's elements, each compacted onto one line
		var elems []json.RawMessage
		if err := json.Unmarshal(top[strings.Trim(strings.TrimSuffix(strings.TrimSpace(line), ": ["), `"`)], &elems); err != nil {
			t.Fatal(err)
		}
		for k, el := range elems {
			var c bytes.Buffer
			_ = json.Compact(&c, el)
			expect.WriteString("    ")
			expect.Write(c.Bytes())
			if k < len(elems)-1 {
				expect.WriteByte(',')
			}
			expect.WriteByte('\n')
		}
		for i++; lines[i] != "  ]" && lines[i] != "  ],"; i++ {
		}
		expect.WriteString(lines[i])
		expect.WriteByte('\n')
	}
	if w := bytes.TrimSuffix(expect.Bytes(), []byte("\n")); !bytes.Equal(got, w) {
		t.Fatalf("fastEncode's layout:\n got %s\nwant %s", got, w)
	}
}

func TestFastDecodeTakesTheProfilesEncodeWrites(t *testing.T) {
	t.Parallel()
	p := &Profile{Version: 1, Generation: 7, DefaultContext: "a", Contexts: []Context{{Name: "a", Account: "k", Tenant: Tenant{ID: "t"}, Subscription: &Subscription{ID: "s"}, Properties: map[string]string{"x": "y"}}}}
	if _, err := fastDecode(fastEncode(p)); err != nil {
		t.Fatalf("fastDecode(fastEncode(p)) = %v, want the fast path", err)
	}
}

// TestRawBytesSeesEverySpecialByte puts a byte that needs a look at every
// offset of strings of every length around the eight-byte stride.
func TestRawBytesSeesEverySpecialByte(t *testing.T) {
	t.Parallel()
	for n := range 20 {
		for at := range n {
			for _, special := range []string{`\\`, `\"`, "\x01", "\x1f", "é", "\xff", "\x7f"} {
				s := []byte(string(bytes.Repeat([]byte("a"), n)))
				val := string(s[:at]) + special + string(s[at:])
				data := []byte(`{"version":1,"defaultContext":"` + val + `"}`)
				var std Profile
				stdErr := json.Unmarshal(data, &std)
				fast, err := fastDecode(data)
				wantFast := special == "é" || special == "\x7f"
				if (err == nil) != wantFast {
					t.Fatalf("fastDecode(%q) error = %v, want fast path %v", data, err, wantFast)
				}
				if err == nil && (stdErr != nil || fast.DefaultContext != std.DefaultContext) {
					t.Fatalf("fastDecode(%q) = %q, encoding/json %q (%v)", data, fast.DefaultContext, std.DefaultContext, stdErr)
				}
			}
		}
	}
}
