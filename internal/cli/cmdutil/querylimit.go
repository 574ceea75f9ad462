package cmdutil

import (
	"reflect"

	"github.com/jmespath/go-jmespath"
)

// maxQueryDepth is how deeply a --query's syntax tree may nest. The tree is
// read from go-jmespath's print of it (perElement, hashOrders), which
// indents each node by its depth, so a print grows as the nodes times
// their depth: `!!!…!@`, 60,000 nots in a 60 KB query, printed in 24 GB.
// 64 levels hold a filter of 60 conditions joined by || (each one level
// more) or a path of 60 fields.
const maxQueryDepth = 64

// compileQuery compiles query, a --query's JMESPath expression, refusing
// with a usage error one that does not parse and one that goes beyond the
// limits above. Every query azc runs is compiled here.
func compileQuery(query string) (*jmespath.JMESPath, error) {
	ast, err := jmespath.NewParser().Parse(query)
	if err != nil {
		return nil, err
	}
	if queryDepth(reflect.ValueOf(ast), maxQueryDepth) > maxQueryDepth {
		return nil, UsageErrorf("--query %q nests more than %d levels deep (each operator, pipe, projection, function or [ ] and { } around a part is a level): write it with fewer", query, maxQueryDepth)
	}
	return jmespath.Compile(query)
}

// queryDepth returns the depth of node, a jmespath.ASTNode, or limit+1
// once it is found deeper than limit. go-jmespath keeps the node's fields
// to itself; reflect reads its children.
func queryDepth(node reflect.Value, limit int) int {
	if limit < 1 {
		return 1
	}
	deepest := 0
	children := node.FieldByName("children")
	for i := range children.Len() {
		deepest = max(deepest, queryDepth(children.Index(i), limit-1))
	}
	return 1 + deepest
}
