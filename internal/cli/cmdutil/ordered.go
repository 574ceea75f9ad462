package cmdutil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
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

func (n *node) yaml() *yaml.Node {
	switch n.kind {
	case kindObject:
		y := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for i, k := range n.keys {
			y.Content = append(y.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, n.kids[i].yaml())
		}
		return y
	case kindArray:
		y := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, k := range n.kids {
			y.Content = append(y.Content, k.yaml())
		}
		return y
	case kindString:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: n.s}
	case kindNumber:
		tag := "!!int"
		if strings.ContainsAny(n.s, ".eE") {
			tag = "!!float"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: n.s}
	case kindBool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: n.s}
	default:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	}
}
