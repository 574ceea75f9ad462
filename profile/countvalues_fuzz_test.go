package profile

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"testing"
)

// FuzzCountValues holds countValues, the hand counter CheckValues refuses
// a document by, to encoding/json's reading of every document it accepts:
// the objects, and the values (keys aside) plus one for each empty array,
// as json.Decoder's tokens give them.
func FuzzCountValues(f *testing.F) {
	for _, s := range []string{
		`{}`, `[]`, `""`, `1`, `null`, `[[],{}]`, `{"a":[1,"x",{"b":null}],"c":{}}`,
		`["\\\"{", "}\\", {"k": [] }]`, `{"a":"x\"{[,:","b":[1,2,{}]}`, ` [ 1 , [ ] , "\u0022" ] `,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		wantObjects, wantValues, ok := tokenCounts(t, data)
		if !ok {
			return
		}
		if o, v := countValues(data); o != wantObjects || v != wantValues {
			t.Fatalf("countValues(%q) = %d objects, %d values; encoding/json reads %d, %d", data, o, v, wantObjects, wantValues)
		}
	})
}

// tokenCounts counts data's objects and values with json.Decoder; ok is
// false for a document deeper than encoding/json decodes.
func tokenCounts(t *testing.T, data []byte) (objects, values int, ok bool) {
	type frame struct {
		array bool
		n     int // tokens read in it: keys and values alike for an object
	}
	var stack []frame
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return objects, values, true
		}
		if err != nil {
			t.Fatalf("Token of a valid document: %v", err)
		}
		if delim, isDelim := tok.(json.Delim); isDelim && (delim == '}' || delim == ']') {
			if top := stack[len(stack)-1]; top.array && top.n == 0 {
				values++ // as countValues counts an empty array
			}
			stack = stack[:len(stack)-1]
			continue
		}
		key := false
		if len(stack) > 0 {
			top := &stack[len(stack)-1]
			key = !top.array && top.n%2 == 0
			top.n++
		}
		if key {
			continue
		}
		values++
		switch tok {
		case json.Delim('{'):
			objects++
			stack = append(stack, frame{})
		case json.Delim('['):
			stack = append(stack, frame{array: true})
		}
		if len(stack) > 10000 {
			return 0, 0, false
		}
	}
}
