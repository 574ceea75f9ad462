package profile

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzDecodeOver checks that decodeOver, given the file a writer read first
// and its Decode, decodes the file that replaced it as Decode does (nil
// and empty apart): for the fuzzer's pair, and for the file the earlier
// one becomes when some of its contexts are kept, some changed and others
// added, as writers do.
func FuzzDecodeOver(f *testing.F) {
	small := mustEncode(benchProfile(3))
	changed := benchProfile(3)
	changed.Contexts[1].Tenant.DisplayName = "changed"
	changed.Contexts = append(changed.Contexts[:2], changed.Contexts[3:]...)
	changed.Contexts = append(changed.Contexts, Context{Name: "new", Tenant: Tenant{ID: "t"}})
	changed.DefaultContext = "new"
	f.Add(small, mustEncode(changed))
	f.Add(small, small)
	f.Add(small, []byte(`{"version":1}`))
	f.Add(small, []byte(`{"version":1,"contexts":[]}`))
	f.Add(small, []byte(`{"version":1,"contexts":[{"name":"a","account":"k","environment":"E","tenant":{"id":"t"},"properties":{}}]}`))
	f.Add(small, append([]byte("\xef\xbb\xbf"), mustEncode(changed)...))
	f.Add(small, []byte(`{"version":1,"contexts":[{"name":"Contoso Workload 0001","tenant":{"id":"t"}},{"name":"contoso workload 0001"}]}`))
	f.Add([]byte(`{"version":1,"contexts":[{"name":"a","tenant":{"id":"t"}}]}`), []byte(`{"version":1,"contexts":[{"name":"a","tenant":{"id":"t"}},{"name":"b","tenant":{"id":"t"}}]}`))
	f.Add([]byte(`{"version":1,"contexts":[{"name":"a\u0062"}]}`), []byte(`{"version":1,"contexts":[{"name":"a\u0062"},{"name":"c"}]}`))
	f.Add([]byte(`{"version":1,"contexts":[{"name":"a","properties":{"k":"1","k":"2"}}]}`), []byte(`{"version":1,"contexts":[{"name":"a","properties":{"k":"1","k":"2"}},{"name":"b"}]}`))
	f.Fuzz(func(t *testing.T, prevText, text []byte) {
		prev, err := Decode(prevText)
		if err != nil {
			return // decodeOver follows a read that decoded
		}
		checkDecodeOver(t, prevText, text)
		// the earlier file with every other context kept, the rest
		// changed, and the later file's contexts added
		mixed := prev.Clone()
		for i := range mixed.Contexts {
			if i%2 == 1 {
				mixed.Contexts[i].StorageAccount += "x"
			}
		}
		if later, err := Decode(text); err == nil {
			mixed.Contexts = append(mixed.Contexts, later.Contexts...)
		}
		if out, err := Encode(mixed); err == nil {
			checkDecodeOver(t, prevText, out)
		}
	})
}

func checkDecodeOver(t *testing.T, prevText, text []byte) {
	t.Helper()
	prev, err := Decode(prevText)
	if err != nil {
		t.Fatal(err)
	}
	want, werr := Decode(text)
	got, gerr := decodeOver(string(text), contextLines(string(prevText), prev), prev)
	if fmt.Sprint(werr) != fmt.Sprint(gerr) {
		t.Fatalf("decodeOver error = %v, want Decode's %v", gerr, werr)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("decodeOver differs (-Decode +decodeOver):\n%s", diff)
	}
}

// TestDecodeOverTakesTheUnchangedContexts checks that decodeOver decodes
// only the lines a writer changed: the contexts of the lines it kept are
// the earlier decoding's own.
func TestDecodeOverTakesTheUnchangedContexts(t *testing.T) {
	before := benchProfile(50)
	after := before.Clone()
	after.Contexts[10].Subscription.Name = "renamed"
	after.Contexts = append(after.Contexts, Context{Name: "added", Tenant: Tenant{ID: "t"}})
	prevText, text := mustEncode(before), mustEncode(after)
	prev, err := Decode(prevText)
	if err != nil {
		t.Fatal(err)
	}
	subs := make([]*Subscription, len(prev.Contexts))
	for i := range prev.Contexts {
		subs[i] = prev.Contexts[i].Subscription
	}
	p, err := decodeOver(string(text), contextLines(string(prevText), prev), prev)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(after, p); diff != "" {
		t.Fatalf("decodeOver differs (-want +got):\n%s", diff)
	}
	for i := range subs {
		if taken := p.Contexts[i].Subscription == subs[i]; taken != (i != 10) {
			t.Errorf("context %d taken from the earlier decoding: %v, want %v", i, taken, i != 10)
		}
	}
}

// BenchmarkDecodeOver10000 is what a writer that finds profile.json
// replaced by a change of one context decodes under the lock, with 10,000
// contexts: the lines of its first read indexed while it waited, against
// BenchmarkLoad10000's whole decoding.
func BenchmarkDecodeOver10000(b *testing.B) {
	before := benchProfile(10000)
	after := before.Clone()
	after.Contexts[10].Subscription.Name = "renamed"
	prevText, text := string(mustEncode(before)), string(mustEncode(after))
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		b.StopTimer()
		prev, err := Decode([]byte(prevText))
		if err != nil {
			b.Fatal(err)
		}
		lines := contextLines(prevText, prev)
		b.StartTimer()
		if _, err := decodeOver(text, lines, prev); err != nil {
			b.Fatal(err)
		}
	}
}
