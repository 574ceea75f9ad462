package cmdutil

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/azcontext/azc/profile"
	"github.com/jmespath/go-jmespath"
)

// maxQueryDepth is how deeply a --query's syntax tree may nest. The tree is
// read from go-jmespath's print of it (perElement, hashOrders), which
// indents each node by its depth, so a print grows as the nodes times
// their depth: `!!!…!@`, 60,000 nots in a 60 KB query, printed in 24 GB.
// 64 levels hold a filter of 60 conditions joined by || (each one level
// more) or a path of 60 fields.
const maxQueryDepth = 64

// maxQueryGrowth is how many times the size of its input a --query's
// result may come to at most, by queryGrowth's bound. JMESPath can double
// a value in a few bytes (`[@,@]`), and a pipe or projection multiplies
// what its parts make: `@ | [@,@] | … | to_string(@)`, 40 pipes, asked
// for 2^40 times the output (a fatal error: out of memory, and its stack
// trace). Queries that pick and rename fields stay far below: a hash of
// 20 fields over a list is 20.
const maxQueryGrowth = 256

// compileQuery compiles query, a --query's JMESPath expression, refusing
// with a usage error one that does not parse and one that goes beyond the
// limits above. Every query azc runs is compiled here.
func compileQuery(query string) (q *jmespath.JMESPath, err error) {
	defer func() {
		// go-jmespath's lexer indexes past the end of some queries that
		// are no JMESPath (a non-ASCII character after an unquoted
		// identifier: "A\u0080"); such a query is a usage error, not a
		// crash.
		if r := recover(); r != nil {
			q, err = nil, UsageErrorf("--query %s is not a JMESPath expression: check it, and quote a name that holds anything but A-Z, a-z, 0-9 and _ (\"name\")", profile.QuoteShort(query))
		}
	}()
	ast, err := jmespath.NewParser().Parse(query)
	if err != nil {
		// a literal number no float64 holds (`1e400`): go-jmespath gives
		// encoding/json's words for it
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && strings.HasPrefix(te.Value, "number ") {
			return nil, fmt.Errorf("the number %s is beyond the largest a query holds (±1.7976931348623157e308)", strings.TrimPrefix(te.Value, "number "))
		}
		return nil, err
	}
	if queryDepth(reflect.ValueOf(ast), maxQueryDepth) > maxQueryDepth {
		return nil, UsageErrorf("--query %s nests more than %d levels deep (each operator, pipe, projection, function or [ ] and { } around a part is a level): write it with fewer", profile.QuoteShort(query), maxQueryDepth)
	}
	if queryGrowth(reflect.ValueOf(ast)) > maxQueryGrowth {
		return nil, UsageErrorf("--query %s could give a result over %d times the size of the output it is applied to (each part of a [ ] or { } or function's arguments adds, each pipe, projection or map multiplies): write it with fewer repeats", profile.QuoteShort(query), maxQueryGrowth)
	}
	return jmespath.Compile(query)
}

// queryGrowth bounds how many times the JSON size of its input the result
// of node, a jmespath.ASTNode at most maxQueryDepth deep, can be, and the
// work its comparisons do, which walk values as the result would: a part
// that picks from its input (a field, an index, @) is 1, a literal half
// its JSON size (the smallest value with its comma is two bytes, so a
// literal projected over a list repeats that often), a list, hash or
// function call the sum of its parts, a comparison or a test (contains,
// starts_with, ends_with, length …) the largest of its parts but the
// literals (its result is a boolean or a number, and comparing a literal
// walks no more than what it is compared to), a pipe, projection or
// subexpression the product of its sides (the right side runs on each
// part of the left's result), a function's &expression multiplies the
// rest, join by its separator's length, and to_string by six (JSON
// escapes a byte in as many).
func queryGrowth(node reflect.Value) float64 {
	children := node.FieldByName("children")
	growth := make([]float64, children.Len())
	sum, product := 0.0, 1.0
	for i := range growth {
		growth[i] = queryGrowth(children.Index(i))
		sum += growth[i]
		product *= growth[i]
	}
	value := node.FieldByName("value")
	switch queryNodeType(node) {
	case "ASTLiteral":
		return max(1, float64(literalSize(value))/2)
	case "ASTComparator":
		return scalarGrowth(children, growth)
	case "ASTMultiSelectList", "ASTMultiSelectHash", "ASTOrExpression", "ASTAndExpression":
		return max(1, sum)
	case "ASTFilterProjection": // left, right, condition
		if len(growth) == 3 {
			return growth[0] * max(growth[1], growth[2])
		}
	case "ASTFunctionExpression":
		return functionGrowth(value.Elem().String(), children, growth)
	}
	// A pipe, subexpression or projection multiplies; a field, index,
	// slice, @, flatten, not, key or & picks from its one part.
	return max(1, product)
}

// functionGrowth is queryGrowth's bound of a call of the function name
// with the arguments args, whose bounds are growth.
func functionGrowth(name string, args reflect.Value, growth []float64) float64 {
	if scalarFunction(name) {
		return scalarGrowth(args, growth)
	}
	if name == "join" && len(growth) == 2 {
		sep := float64(maxQueryGrowth) // one made by the query: as long as anything
		if first := args.Index(0); queryNodeType(first) == "ASTLiteral" {
			if v := first.FieldByName("value").Elem(); v.Kind() == reflect.String {
				sep = float64(v.Len())
			}
		}
		return growth[1] * (1 + sep)
	}
	sum, refs := 0.0, 1.0
	for i, g := range growth {
		if queryNodeType(args.Index(i)) == "ASTExpRef" {
			refs *= g
		} else {
			sum += g
		}
	}
	g := max(1, sum) * refs
	if name == "to_string" {
		g *= 6
	}
	return g
}

// scalarFunction reports whether the JMESPath function name's result is a
// boolean or a number.
func scalarFunction(name string) bool {
	switch name {
	case "abs", "avg", "ceil", "contains", "ends_with", "floor", "length", "starts_with", "sum", "to_number", "type":
		return true
	}
	return false
}

// scalarGrowth is queryGrowth's bound of a comparison or a call of a
// scalar function, whose parts (its sides, its arguments) are parts and
// their bounds growth: the largest bound of the parts that are no
// literal, the work of making them.
func scalarGrowth(parts reflect.Value, growth []float64) float64 {
	g := 1.0
	for i := range growth {
		if queryNodeType(parts.Index(i)) != "ASTLiteral" {
			g = max(g, growth[i])
		}
	}
	return g
}

// queryNodeType is the name of node's type ("ASTField"), which
// go-jmespath gives only through a type of its own.
func queryNodeType(node reflect.Value) string {
	t := node.FieldByName("nodeType")
	v := reflect.New(t.Type()).Elem()
	v.SetInt(t.Int())
	return fmt.Sprint(v.Interface())
}

// literalSize is about the JSON size of v, a literal's value as
// encoding/json decodes it.
func literalSize(v reflect.Value) int {
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return 4
		}
		return literalSize(v.Elem())
	case reflect.String:
		return v.Len() + 2
	case reflect.Slice:
		n := 2
		for i := range v.Len() {
			n += literalSize(v.Index(i)) + 1
		}
		return n
	case reflect.Map:
		n := 2
		for it := v.MapRange(); it.Next(); {
			n += literalSize(it.Key()) + literalSize(it.Value()) + 2
		}
		return n
	}
	return 5 // a number, true, false
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
