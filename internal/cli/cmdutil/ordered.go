package cmdutil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/azcontext/azc/internal/termsafe"
)

// node is a JSON value that keeps its object keys in order, so yaml and tsv
// output list fields in the documented JSON order.
type node struct {
	kind byte
	s    string   // scalar text: string value, number literal, "true"/"false"
	keys []string // object keys, parallel to kids
	kids []*node  // object values or array elements
}

const (
	kindObject byte = 'o'
	kindArray  byte = 'a'
	kindString byte = 's'
	kindNumber byte = 'n'
	kindBool   byte = 'b'
	kindNull   byte = 'z'
)

func parseOrdered(data []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return decodeNode(dec)
}

func decodeNode(dec *json.Decoder) (*node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		n := &node{kind: kindArray}
		if t == '{' {
			n.kind = kindObject
		}
		for dec.More() {
			if n.kind == kindObject {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, k.(string))
			}
			kid, err := decodeNode(dec)
			if err != nil {
				return nil, err
			}
			n.kids = append(n.kids, kid)
		}
		if _, err := dec.Token(); err != nil {
			return nil, err
		}
		return n, nil
	case string:
		return &node{kind: kindString, s: t}, nil
	case json.Number:
		return &node{kind: kindNumber, s: t.String()}, nil
	case bool:
		return &node{kind: kindBool, s: fmt.Sprint(t)}, nil
	case nil:
		return &node{kind: kindNull}, nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}

func (n *node) isScalar() bool { return n.kind != kindObject && n.kind != kindArray }

func (n *node) text() string {
	if n.isScalar() {
		return n.s
	}
	b := &strings.Builder{}
	n.writeJSON(b)
	return b.String()
}

func (n *node) writeJSON(b *strings.Builder) {
	switch n.kind {
	case kindObject, kindArray:
		open, end := "[", "]"
		if n.kind == kindObject {
			open, end = "{", "}"
		}
		b.WriteString(open)
		for i, k := range n.kids {
			if i > 0 {
				b.WriteString(",")
			}
			if n.kind == kindObject {
				q, _ := json.Marshal(n.keys[i])
				b.Write(q)
				b.WriteString(":")
			}
			k.writeJSON(b)
		}
		b.WriteString(end)
	case kindString:
		q, _ := json.Marshal(n.s)
		b.Write(q)
	case kindNull:
		b.WriteString("null")
	default:
		b.WriteString(n.s)
	}
}

func (n *node) field(key string) *node {
	for i, k := range n.keys {
		if k == key {
			return n.kids[i]
		}
	}
	return nil
}

// writeYAML renders n as a YAML document with two-space indentation, in
// the JSON field order. Strings that YAML could read as something else are
// written double-quoted (JSON string syntax is valid YAML). Hand-written
// because a YAML library's package init costs measurable start-up time on
// every azc call.
func writeYAML(b *strings.Builder, n *node) {
	if n.isScalar() || len(n.kids) == 0 {
		b.WriteString(n.yamlInline())
		b.WriteByte('\n')
		return
	}
	n.yamlBlock(b, 0, false)
}

func (n *node) yamlBlock(b *strings.Builder, indent int, firstInline bool) {
	pad := strings.Repeat(" ", indent)
	for i, v := range n.kids {
		if i > 0 || !firstInline {
			b.WriteString(pad)
		}
		if n.kind == kindObject {
			b.WriteString(yamlString(n.keys[i]))
			b.WriteByte(':')
			if v.isScalar() || len(v.kids) == 0 {
				b.WriteByte(' ')
				b.WriteString(v.yamlInline())
				b.WriteByte('\n')
				continue
			}
			b.WriteByte('\n')
			v.yamlBlock(b, indent+2, false)
			continue
		}
		b.WriteString("- ")
		if v.isScalar() || len(v.kids) == 0 {
			b.WriteString(v.yamlInline())
			b.WriteByte('\n')
			continue
		}
		v.yamlBlock(b, indent+2, true)
	}
}

func (n *node) yamlInline() string {
	switch n.kind {
	case kindObject:
		return "{}"
	case kindArray:
		return "[]"
	case kindString:
		return yamlString(n.s)
	case kindNull:
		return "null"
	}
	return n.s
}

// yamlString returns s plain when YAML reads it back as the same string,
// else double-quoted with JSON's escapes, which YAML reads too: control
// characters, and what else a terminal would act on or hide
// (termsafe.Unsafe), as \uXXXX.
func yamlString(s string) string {
	if yamlPlain(s) {
		return s
	}
	b, _ := json.Marshal(s)
	q := string(b)
	if strings.IndexFunc(q, termsafe.Unsafe) < 0 {
		return q
	}
	var e strings.Builder
	for _, r := range q {
		switch {
		case !termsafe.Unsafe(r):
			e.WriteRune(r)
		case r > 0xffff:
			fmt.Fprintf(&e, `\U%08x`, r)
		default:
			fmt.Fprintf(&e, `\u%04x`, r)
		}
	}
	return e.String()
}

func yamlPlain(s string) bool {
	if s == "" || s != strings.TrimSpace(s) {
		return false
	}
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~":
		return false
	}
	if c := s[0]; (c >= '0' && c <= '9') || strings.IndexByte("-?:,[]{}#&*!|>'\"%@`+.=<", c) >= 0 {
		return false
	}
	if strings.HasSuffix(s, ":") || strings.Contains(s, ": ") || strings.Contains(s, " #") {
		return false
	}
	return termsafe.PrintableASCII(s)
}
