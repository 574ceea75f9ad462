package cmdutil

import (
	"strings"
	"testing"

	"github.com/jmespath/go-jmespath"
)

// FuzzQuery holds --query, the one parser of the command line azc does not
// own (go-jmespath), to azc's contract for any query over a context's
// output in every format: Validate and render either succeed or return an
// error, never a panic (a stack trace); and render writes the bytes, or
// gives the error, of the whole result's JSON (wholeQuery), but for a
// query that may give an object's keys or values in Go's map order (keys,
// values, and * but for a projection of a list, [*]).
func FuzzQuery(f *testing.F) {
	for _, q := range []string{"name", "[?current].name", "sort_by(@, &name)", "merge(@, `1`)", "[::0]", "a[-1:0:0]", "to_number(`\"1e400\"`)", "length(`1`)", "`\"\\ud800\"`", "max_by(@, &a)", "not_null(`[]`)", "[*].subscription[*]", "[*][?a] | [0]", "A\u0080"} {
		f.Add(q)
	}
	value := []map[string]any{
		{"name": "Dev", "current": true, "subscription": map[string]any{"id": "1", "name": "Dev"}, "properties": map[string]string{"a": "b"}},
		{"name": "Prod", "current": false, "tenant": map[string]any{"id": "t"}},
	}
	f.Fuzz(func(t *testing.T, q string) {
		if q == "" {
			return
		}
		o := Output{Format: FormatJSON, Query: q}
		if o.Validate() != nil {
			return
		}
		ast, _ := jmespath.NewParser().Parse(q)
		random := strings.Contains(q, "keys") || strings.Contains(q, "values") || strings.Contains(ast.String(), "ASTValueProjection")
		for _, format := range []string{FormatJSON, FormatYAML, FormatTSV, FormatTable} {
			var b strings.Builder
			err := render(&b, format, q, value, nil, tableStyle{})
			if random {
				continue
			}
			want, wantErr := wholeQuery(format, q, value, tableStyle{})
			if (err == nil) != (wantErr == nil) || err != nil && !strings.HasSuffix(err.Error(), wantErr.Error()) {
				t.Fatalf("-o %s --query %q: error %v, want %v", format, q, err, wantErr)
			}
			if b.String() != want {
				t.Fatalf("-o %s --query %q:\n%q\nwant\n%q", format, q, b.String(), want)
			}
		}
	})
}

// TestAQueryGoJMESPathCannotLexIsAUsageError: a query on which
// go-jmespath's lexer panics (a non-ASCII character after an unquoted
// identifier) is refused as a usage error; a panic would end azc with a
// stack trace.
func TestAQueryGoJMESPathCannotLexIsAUsageError(t *testing.T) {
	for _, q := range []string{"A\u0080", "[?name == x\u0080]", "a.b\u0080"} {
		err := Output{Format: FormatJSON, Query: q}.Validate()
		if code, _ := Classify(err); err == nil || code != ExitUsage {
			t.Errorf("--query %q: %v (exit %d), want a usage error", q, err, code)
		}
	}
}
