package cmdutil

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/jmespath/go-jmespath"
)

// encodeResult encodes res, what query selected of data (the output's
// JSON form), as JSON with each object's fields in the order the user
// expects: a multiselect hash's (`{name: name, id: subscription.id}`) as
// the query writes them, as az does, so that tsv's columns come in that
// order; an object of the output's as the output has it (name first).
// go-jmespath returns Go maps, which json.Marshal writes sorted.
func encodeResult(query string, data []byte, res any) ([]byte, error) {
	orders := map[string][]string{}
	hashOrders(query, orders)
	need := map[string]bool{}
	unordered(res, orders, need)
	if len(need) > 0 {
		// an object of the output's: its order as the output has it, read
		// only as far as needed (not at all for `[].name` nor a hash)
		inputOrders(data, need, orders)
	}
	var b bytes.Buffer
	if err := writeOrdered(&b, res, orders); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// signature names an object's set of keys whatever their order.
func signature(keys []string) string {
	keys = slices.Clone(keys)
	slices.Sort(keys)
	return strings.Join(keys, "\x00")
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

// unordered adds to need the signature of each object of v, of two keys
// or more, whose order orders does not know.
func unordered(v any, orders map[string][]string, need map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		if len(v) > 1 {
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			if sig := signature(keys); orders[sig] == nil {
				need[sig] = true
			}
		}
		for _, x := range v {
			unordered(x, orders, need)
		}
	case []any:
		for _, x := range v {
			unordered(x, orders, need)
		}
	}
}

// inputOrders adds to orders the key order of the first object of data
// (JSON) with each signature of need, reading data only until it has
// them all: an object of a list is most often of the first element's
// shape, so a whole context selected out of 1,000 costs the first one.
func inputOrders(data []byte, need map[string]bool, orders map[string][]string) {
	type frame struct {
		object  bool
		keys    []string
		wantKey bool // an object's next string is a key
	}
	var stack []*frame
	dec := json.NewDecoder(bytes.NewReader(data))
	// valueDone says the innermost object's value is read: a key is next
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].wantKey = true
		}
	}
	for len(need) > 0 {
		tok, err := dec.Token()
		if err != nil {
			return
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				stack = append(stack, &frame{object: t == '{', wantKey: t == '{'})
			case '}', ']':
				top := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if top.object {
					if sig := signature(top.keys); need[sig] {
						orders[sig] = top.keys
						delete(need, sig)
					}
				}
				valueDone()
			}
		case string:
			if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].wantKey {
				stack[n-1].keys = append(stack[n-1].keys, t)
				stack[n-1].wantKey = false
				continue
			}
			valueDone()
		default:
			valueDone()
		}
	}
}

// writeOrdered writes v as compact JSON, each object's keys in the order
// orders has for their set, else sorted (json.Marshal's order).
func writeOrdered(b *bytes.Buffer, v any, orders map[string][]string) error {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		if o := orders[signature(keys)]; o != nil {
			keys = o
		} else {
			slices.Sort(keys)
		}
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			kb, err := json.Marshal(k)
			if err != nil {
				return err
			}
			b.Write(kb)
			b.WriteByte(':')
			if err := writeOrdered(b, v[k], orders); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeOrdered(b, x, orders); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	default:
		data, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b.Write(data)
	}
	return nil
}
