package profile

import (
	"bytes"
	"encoding/json"
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
		want, err := json.MarshalIndent(&std, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, '\n')
		if got := fastEncode(&std); !bytes.Equal(got, want) {
			t.Fatalf("fastEncode differs from json.MarshalIndent:\n got %s\nwant %s", got, want)
		}
	})
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
