package profile

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// scribbleNth changes the k-th value reachable from v (addressable), in
// the order fill sets them; a map's entries count one value each for the
// key and for the element. *n counts the values passed.
func scribbleNth(v reflect.Value, n *int, k int) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			scribbleNth(v.Elem(), n, k)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			scribbleNth(v.Field(i), n, k)
		}
	case reflect.Slice:
		for i := range v.Len() {
			scribbleNth(v.Index(i), n, k)
		}
	case reflect.Map:
		fresh := reflect.MakeMap(v.Type())
		for _, key := range v.MapKeys() {
			nk := reflect.New(v.Type().Key()).Elem()
			nk.Set(key)
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(key))
			scribbleNth(nk, n, k)
			scribbleNth(e, n, k)
			fresh.SetMapIndex(nk, e)
		}
		v.Set(fresh)
	default:
		if *n == k {
			scribble(v)
		}
		*n++
	}
}

// TestContextEqualSeesEveryField: two contexts with every field set (by
// reflection, so a new field is covered without a change here) that differ
// in any one value are not equal, nor are they with a nil subscription or
// properties on one side; the same contexts are.
func TestContextEqualSeesEveryField(t *testing.T) {
	t.Parallel()
	a := filledProfile().Contexts[0]
	if b := a.clone(); !a.equal(&b) {
		t.Fatal("a context is not equal to its clone")
	}
	values := 0
	scribbleNth(reflect.ValueOf(&a).Elem(), &values, -1)
	if values < 10 {
		t.Fatalf("a filled context has %d values", values)
	}
	for k := range values {
		b := a.clone()
		n := 0
		scribbleNth(reflect.ValueOf(&b).Elem(), &n, k)
		if a.equal(&b) || b.equal(&a) {
			t.Errorf("contexts that differ in value %d are equal:\n%+v\n%+v", k, a, b)
		}
	}
	for name, change := range map[string]func(c *Context){
		"no subscription": func(c *Context) { c.Subscription = nil },
		"no properties":   func(c *Context) { c.Properties = nil },
	} {
		b := a.clone()
		change(&b)
		if a.equal(&b) || b.equal(&a) {
			t.Errorf("%s: equal", name)
		}
	}
}

// TestEncodingTakesTheLinesOfEqualContexts: an encoding from an earlier
// one takes the line of each context equal to one encoded there (found by
// name), wherever it now is, and encodes every other; the result is what
// encoding from nothing writes.
func TestEncodingTakesTheLinesOfEqualContexts(t *testing.T) {
	t.Parallel()
	first := benchProfile(20)
	first.Contexts[3].Properties = map[string]string{"k": "v"}
	c, err := encodeChange(first.Clone(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	// Every line of the first encoding marked, so that a line taken shows.
	marked := &content{head: bytes.Clone(c.head), lines: c.lines}
	for i, at := range c.lines {
		mark := fmt.Sprintf("{%q:%q", "taken", first.Contexts[i].Name)
		mark += strings.Repeat(" ", at[1]-at[0]-len(mark)-1) + "}"
		copy(marked.head[at[0]:at[1]], mark)
	}
	src := newLineSource(first.Contexts, marked)

	next := first.Clone()
	next.Contexts[1].Properties = map[string]string{"other": "writer"} // changed
	next.Contexts[3].Properties["k"] = "w"                             // changed
	next.Contexts[5].Subscription.Name = "renamed sub"                 // changed
	next.Contexts[7], next.Contexts[8] = next.Contexts[8], next.Contexts[7]
	next.Contexts = append(next.Contexts, Context{Name: "new", Account: "a", Environment: "AzureCloud", Tenant: Tenant{ID: "t"}})
	next.Contexts = append(next.Contexts[:10], next.Contexts[11:]...) // one dropped
	next.DefaultContext = "new"
	changed := map[string]bool{first.Contexts[1].Name: true, first.Contexts[3].Name: true, first.Contexts[5].Name: true, "new": true}

	got, err := encodeChangeFrom(next.Clone(), "", "", src)
	if err != nil {
		t.Fatal(err)
	}
	for i, at := range got.lines {
		line := string(got.head[at[0]:at[1]])
		name := next.Contexts[i].Name
		if taken := strings.HasPrefix(line, `{"taken"`); taken == changed[name] {
			t.Errorf("context %q (changed %v): line %s", name, changed[name], line)
		}
	}

	checkEncodeFrom(t, next, newLineSource(first.Contexts, c))
	roomy := newLineSource(first.Contexts, c)
	roomy.makeRoom()
	checkEncodeFrom(t, next, roomy)
}

// TestTheEncodingGoesWhereRoomWasMade: the encoding under the lock is
// written into the room made before it (whose pages are touched), and
// takes it from the source, so that no later encoding shares it.
func TestTheEncodingGoesWhereRoomWasMade(t *testing.T) {
	t.Parallel()
	first := benchProfile(50)
	c, err := encodeChange(first.Clone(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	src := newLineSource(first.Contexts, c)
	src.makeRoom()
	room := src.room[:1]
	if cap(room) < len(c.head) {
		t.Fatalf("room for %d bytes, the encoding is %d", cap(room), len(c.head))
	}
	next := first.Clone()
	next.Contexts[7].StorageAccount = "changed"
	got, err := encodeChangeFrom(next, "", "", src)
	if err != nil {
		t.Fatal(err)
	}
	if &got.head[0] != &room[0] || src.room != nil {
		t.Errorf("the encoding was not written into the room made for it, or the source still holds it")
	}
	// A profile that grew past the room meanwhile is encoded whole all the
	// same.
	small := newLineSource(first.Contexts[:2], &content{head: c.head[:c.lines[1][1]], lines: c.lines[:2]})
	small.makeRoom()
	checkEncodeFrom(t, benchProfile(300), small)
}

// checkEncodeFrom checks that encoding p from src writes what encoding it
// from nothing does.
func checkEncodeFrom(t *testing.T, p *Profile, src *lineSource) {
	t.Helper()
	got, err := encodeChangeFrom(p.Clone(), "", "", src)
	if err != nil {
		t.Fatal(err)
	}
	want, err := encodeChange(p.Clone(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.head, want.head) {
		t.Fatalf("encoding from an earlier one:\n%s\nfrom nothing:\n%s", got.head, want.head)
	}
}

// FuzzEncodeFrom holds an encoding that takes lines from an earlier one to
// what encoding from nothing writes, for the earlier profile changed as
// the fuzzer's bytes say: a context's value changed, removed, added or
// moved, a property set or dropped.
func FuzzEncodeFrom(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3})
	f.Add([]byte{5, 5, 5, 9, 200, 17, 33, 4})
	f.Add([]byte{4, 1, 4, 2, 4, 3, 4, 4, 4, 5, 4, 6, 4, 7, 4, 8, 4, 9, 4, 10, 0}) // ten added, with room made
	f.Fuzz(func(t *testing.T, ops []byte) {
		first := benchProfile(12)
		c, err := encodeChange(first.Clone(), "", "")
		if err != nil {
			t.Fatal(err)
		}
		src := newLineSource(first.Contexts, c)
		if len(ops)%2 == 1 {
			src.makeRoom()
		}
		next := first.Clone()
		for i := 0; i+1 < len(ops) && i < 64; i += 2 {
			if len(next.Contexts) == 0 {
				break
			}
			j := int(ops[i+1]) % len(next.Contexts)
			ctx := &next.Contexts[j]
			switch ops[i] % 7 {
			case 0:
				if ctx.Subscription == nil {
					ctx.Subscription = &Subscription{ID: "s", TenantID: "t"}
				}
				ctx.Subscription.Name += string(rune('a' + ops[i+1]%26))
			case 1:
				if ctx.Properties == nil {
					ctx.Properties = map[string]string{}
				}
				ctx.Properties[fmt.Sprint(ops[i+1]%3)] = fmt.Sprint(i)
			case 2:
				ctx.Properties = nil
			case 3:
				next.Contexts = append(next.Contexts[:j], next.Contexts[j+1:]...)
			case 4:
				next.Contexts = append(next.Contexts, Context{Name: fmt.Sprint("added ", i), Account: "a", Environment: "e", Tenant: Tenant{ID: "t"}})
			case 5:
				k := int(ops[i]) % len(next.Contexts)
				next.Contexts[j], next.Contexts[k] = next.Contexts[k], next.Contexts[j]
			case 6:
				ctx.Subscription = nil
			}
		}
		checkEncodeFrom(t, next, src)
	})
}

// BenchmarkEncodeFrom10000 is the encoding of an Update that runs fn again
// under the lock over a file another writer changed in one context: from
// the first run's encoding, beside BenchmarkEncode10000, from nothing.
func BenchmarkEncodeFrom10000(b *testing.B) {
	first := benchProfile(10000)
	c, err := encodeChange(first.Clone(), "", "")
	if err != nil {
		b.Fatal(err)
	}
	src := newLineSource(first.Contexts, c)
	next := first.Clone()
	next.Contexts[42].Properties = map[string]string{"k": "v"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := encodeChangeFrom(next, "", "", src); err != nil {
			b.Fatal(err)
		}
		next.Generation--
	}
}

func BenchmarkEncode10000(b *testing.B) {
	next := benchProfile(10000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := encodeChange(next, "", ""); err != nil {
			b.Fatal(err)
		}
		next.Generation--
	}
}
