package cmdutil

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/jmespath/go-jmespath"
)

// renderQuery writes in format what query selects of value's JSON form,
// with the bytes of that result's JSON as one document (writeDocument).
// It holds little beside what it must (`azc context list --query` of
// 10,000 contexts, docs/benchmarks.md): a list value is turned into JSON
// an element at a time; a query that maps each element on its own ([*],
// [?…], []) is run on one element at a time, so that JMESPath never has
// the whole list as Go maps; any other query has them, and a list result
// is encoded an element at a time, each let go once encoded. Every byte of
// a result is encoded before the first is written: an error (a number
// JSON has no form for, appendNumber) leaves no output.
func renderQuery(w io.Writer, format, query string, value any, style tableStyle) error {
	jp, err := compileQuery(query)
	if err != nil {
		var limit *ExitError
		if errors.As(err, &limit) {
			return limit
		}
		return queryError(query, err)
	}
	if list, ok := asList(value); ok && perElement(query) {
		items, err := queryEach(query, jp, list)
		if err != nil {
			return err
		}
		return writeItems(w, format, items, style)
	}
	v, order, err := queryInput(query, value)
	if err != nil {
		return fmt.Errorf("encoding output: %w", err)
	}
	res, err := search(query, jp, v)
	if err != nil {
		return err
	}
	if list, ok := res.([]any); ok {
		items := make([][]byte, len(list))
		enc := newOrderedEncoder(query, order)
		for i := range list {
			if items[i], err = enc.encode(list[i]); err != nil {
				return err
			}
			list[i] = nil
		}
		return writeItems(w, format, items, style)
	}
	data, err := newOrderedEncoder(query, order).encode(res)
	if err != nil {
		return err
	}
	return writeDocument(w, format, data, style)
}

// queryEach returns the JSON of each element of the list that query, a
// query perElement takes, selects of list, running it on each element on
// its own. Its error is the one the whole list's run gives: the first
// element JSON cannot encode, else the query's first error, else the
// first value of the result that JSON has no form for.
func queryEach(query string, jp *jmespath.JMESPath, list reflect.Value) ([][]byte, error) {
	enc := newOrderedEncoder(query, newKeyOrder(query, &listReader{list: list}))
	var items [][]byte
	var queryErr, encodeErr error
	for i := range list.Len() {
		data, err := json.Marshal(element(list, i))
		if err != nil {
			return nil, fmt.Errorf("encoding output: %w", err)
		}
		if queryErr != nil {
			continue
		}
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, fmt.Errorf("encoding output: %w", err)
		}
		res, err := search(query, jp, []any{v})
		if err != nil {
			queryErr = err
			continue
		}
		selected, _ := res.([]any) // a projection's value is a list
		for _, x := range selected {
			if encodeErr != nil {
				break
			}
			data, err := enc.encode(x)
			if err != nil {
				encodeErr, items = err, nil
				break
			}
			items = append(items, data)
		}
	}
	if queryErr != nil {
		return nil, queryErr
	}
	if encodeErr != nil {
		return nil, encodeErr
	}
	return items, nil
}

// writeItems writes items, the JSON of each element of a list, in format
// as writeDocument writes the list's JSON: an element at a time, as
// writeEach, each let go once written.
func writeItems(w io.Writer, format string, items [][]byte, style tableStyle) error {
	if len(items) == 0 {
		return writeDocument(w, format, []byte("[]"), style)
	}
	if format == FormatTable {
		var err error
		t := itemsTable(func(yield func(*node) bool) {
			for i, data := range items {
				items[i] = nil
				var n *node
				if n, err = parseOrdered(data); err != nil || !yield(n) {
					return
				}
			}
		})
		if err != nil {
			return fmt.Errorf("encoding output: %w", err)
		}
		return writeTable(w, t, style)
	}
	return writeElements(w, format, len(items), nil, func(i int) ([]byte, error) {
		data := items[i]
		items[i] = nil
		return data, nil
	})
}

// perElement reports whether query, applied to a list, gives the list of
// what it gives for each element on its own, one after the other: a
// projection ([*], [?…]) or a flatten ([]) of the list itself (@), however
// it goes on. go-jmespath runs the rest of such a query on each element
// (a pipe, `[*] | [0]`, would end the projection: it is the whole
// query's top). Its syntax tree is read from its print, as hashOrders
// reads it.
func perElement(query string) bool {
	ast, err := jmespath.NewParser().Parse(query)
	if err != nil {
		return false
	}
	lines := strings.Split(ast.String(), "\n")
	if len(lines) < 7 || lines[0] != "ASTProjection {" && lines[0] != "ASTFilterProjection {" || lines[1] != "  children: {" {
		return false
	}
	itself := func(line string) bool {
		line = strings.TrimLeft(line, " ")
		return line == "ASTIdentity {" || line == "ASTCurrentNode {"
	}
	if itself(lines[2]) {
		return lines[3] == "    }"
	}
	return lines[2] == "    ASTFlatten {" && lines[3] == "      children: {" && itself(lines[4]) && lines[5] == "        }" && lines[6] == "    }"
}

// queryInput returns value's JSON form for JMESPath and the key order of
// a result of query over it. A list's elements are encoded and decoded one
// at a time (the JSON of an array is its elements' JSON).
func queryInput(query string, value any) (v any, order *keyOrder, err error) {
	list, ok := asList(value)
	if !ok {
		data, err := json.Marshal(value)
		if err != nil {
			return nil, nil, err
		}
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, nil, err
		}
		return v, newKeyOrder(query, bytes.NewReader(data)), nil
	}
	items := make([]any, list.Len())
	for i := range items {
		data, err := json.Marshal(element(list, i))
		if err != nil {
			return nil, nil, err
		}
		if err := json.Unmarshal(data, &items[i]); err != nil {
			return nil, nil, err
		}
	}
	return items, newKeyOrder(query, &listReader{list: list}), nil
}

// listReader reads the JSON of list, a slice that asList takes, encoding
// an element when it is reached.
type listReader struct {
	list reflect.Value
	next int    // the element to encode next; list.Len(): the closing ']'
	buf  []byte // what is encoded and not yet read
}

func (r *listReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		switch {
		case r.next > r.list.Len():
			return 0, io.EOF
		case r.next == r.list.Len():
			r.buf = []byte("]")
		default:
			data, err := json.Marshal(element(r.list, r.next))
			if err != nil {
				return 0, err
			}
			r.buf = append([]byte(","), data...)
			if r.next == 0 {
				r.buf[0] = '['
			}
		}
		r.next++
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// keyOrder is the order in which an object of a query's result has its
// keys written, as the user expects them: a multiselect hash's (`{name:
// name, id: subscription.id}`) as the query writes them, as az does, so
// that tsv's columns come in that order; an object of the output's as the
// output has it (name first), the first of the input with the same keys;
// any other sorted, as json.Marshal writes a Go map.
type keyOrder struct {
	hash  map[string][]string // by signature
	input map[string][]string // by signature, the first of each read
	dec   *json.Decoder       // the input's JSON, read as far as asked; nil at its end
	stack []*objectKeys       // the objects and arrays dec is in
	known map[string][]string // by signature, every order keys gave
	// keys' scratch: an object's keys sorted, and its signature
	sorted []string
	sig    []byte
}

// objectKeys is an object or array that keyOrder reads.
type objectKeys struct {
	object  bool
	keys    []string
	wantKey bool // an object's next string is a key
}

// newKeyOrder returns the key order of a result of query over the JSON
// that input reads.
func newKeyOrder(query string, input io.Reader) *keyOrder {
	o := &keyOrder{hash: map[string][]string{}, input: map[string][]string{}, known: map[string][]string{}, dec: json.NewDecoder(input)}
	hashOrders(query, o.hash)
	return o
}

// keys returns m's keys in order, a slice the caller must not change.
// An object of a list is most often of the first element's shape: after
// the first, its keys come from known without an allocation.
func (o *keyOrder) keys(m map[string]any) []string {
	o.sorted = o.sorted[:0]
	for k := range m {
		o.sorted = append(o.sorted, k)
	}
	slices.Sort(o.sorted)
	o.sig = appendSignature(o.sig[:0], o.sorted)
	if keys, ok := o.known[string(o.sig)]; ok {
		return keys
	}
	sig := string(o.sig)
	keys := o.hash[sig]
	if keys == nil && len(m) > 1 {
		keys = o.inputKeys(sig)
	}
	if keys == nil {
		keys = slices.Clone(o.sorted)
	}
	o.known[sig] = keys
	return keys
}

// inputKeys returns the keys of the input's first object of signature
// sig, reading the input only as far as it must: an object of a list is
// most often of the first element's shape, so a whole context selected
// out of 1,000 costs the first one.
func (o *keyOrder) inputKeys(sig string) []string {
	// valueDone says the innermost object's value is read: a key is next
	valueDone := func() {
		if n := len(o.stack); n > 0 && o.stack[n-1].object {
			o.stack[n-1].wantKey = true
		}
	}
	for o.input[sig] == nil && o.dec != nil {
		tok, err := o.dec.Token()
		if err != nil {
			o.dec, o.stack = nil, nil
			break
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				o.stack = append(o.stack, &objectKeys{object: t == '{', wantKey: t == '{'})
			case '}', ']':
				top := o.stack[len(o.stack)-1]
				o.stack = o.stack[:len(o.stack)-1]
				if top.object {
					if s := signature(top.keys); o.input[s] == nil {
						o.input[s] = top.keys
					}
				}
				valueDone()
			}
		case string:
			if n := len(o.stack); n > 0 && o.stack[n-1].object && o.stack[n-1].wantKey {
				o.stack[n-1].keys = append(o.stack[n-1].keys, t)
				o.stack[n-1].wantKey = false
				continue
			}
			valueDone()
		default:
			valueDone()
		}
	}
	return o.input[sig]
}

// signature names an object's set of keys whatever their order.
func signature(keys []string) string {
	keys = slices.Clone(keys)
	slices.Sort(keys)
	return string(appendSignature(nil, keys))
}

// appendSignature appends to dst the signature of sorted, a set of keys in
// order: each key's length and the key, so that no two sets have one.
func appendSignature(dst []byte, sorted []string) []byte {
	for _, k := range sorted {
		dst = strconv.AppendInt(dst, int64(len(k)), 10)
		dst = append(dst, ':')
		dst = append(dst, k...)
	}
	return dst
}

// hashOrders adds to orders the keys of each multiselect hash of query, in
// the order written. go-jmespath keeps its syntax tree's fields to itself
// but prints the tree: a hash is a line "ASTMultiSelectHash {", its pairs
// "ASTKeyValPair {" four columns further in, each followed by its key as
// `value: "KEY"` (Go syntax).
func hashOrders(query string, orders map[string][]string) {
	if !strings.Contains(query, "{") {
		return
	}
	ast, err := jmespath.NewParser().Parse(query)
	if err != nil {
		return
	}
	lines := strings.Split(ast.String(), "\n")
	hashAt := map[int]int{} // indent → index in hashes of the last hash there
	var hashes [][]string
	for i, line := range lines {
		text := strings.TrimLeft(line, " ")
		indent := len(line) - len(text)
		switch text {
		case "ASTMultiSelectHash {":
			hashAt[indent] = len(hashes)
			hashes = append(hashes, nil)
		case "ASTKeyValPair {":
			h, ok := hashAt[indent-4]
			if !ok || i+1 == len(lines) {
				continue
			}
			v, found := strings.CutPrefix(strings.TrimLeft(lines[i+1], " "), "value: ")
			if key, err := strconv.Unquote(v); found && err == nil {
				hashes[h] = append(hashes[h], key)
			}
		}
	}
	for _, keys := range hashes {
		if sig := signature(keys); orders[sig] == nil {
			orders[sig] = keys
		}
	}
}

// orderedEncoder encodes what query selected as compact JSON, each
// object's keys in order, as json.Marshal encodes each of its values but
// its numbers (appendNumber).
type orderedEncoder struct {
	query string
	order *keyOrder
	buf   bytes.Buffer
	enc   *json.Encoder     // writes to buf
	key   map[string][]byte // the JSON of each key written
}

func newOrderedEncoder(query string, order *keyOrder) *orderedEncoder {
	e := &orderedEncoder{query: query, order: order, key: map[string][]byte{}}
	e.enc = json.NewEncoder(&e.buf)
	return e
}

// encode returns v's JSON. Its error is appendNumber's, a usage error
// naming the query.
func (e *orderedEncoder) encode(v any) ([]byte, error) {
	e.buf.Reset()
	if err := e.write(v); err != nil {
		return nil, err
	}
	return bytes.Clone(e.buf.Bytes()), nil
}

func (e *orderedEncoder) write(v any) error {
	switch v := v.(type) {
	case map[string]any:
		e.buf.WriteByte('{')
		for i, k := range e.order.keys(v) {
			if i > 0 {
				e.buf.WriteByte(',')
			}
			kb, ok := e.key[k]
			if !ok {
				kb, _ = json.Marshal(k)
				e.key[k] = kb
			}
			e.buf.Write(kb)
			e.buf.WriteByte(':')
			if err := e.write(v[k]); err != nil {
				return err
			}
		}
		e.buf.WriteByte('}')
	case []any:
		e.buf.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				e.buf.WriteByte(',')
			}
			if err := e.write(x); err != nil {
				return err
			}
		}
		e.buf.WriteByte(']')
	case float64:
		data, err := appendNumber(e.buf.AvailableBuffer(), e.query, v)
		if err != nil {
			return err
		}
		e.buf.Write(data)
	default:
		// json.Marshal's bytes, and a newline
		if err := e.enc.Encode(v); err != nil {
			return err
		}
		e.buf.Truncate(e.buf.Len() - 1)
	}
	return nil
}
