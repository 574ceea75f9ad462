package cmdutil

import (
	"io"
	"testing"
)

// FuzzQuery holds --query, the one parser of the command line azc does not
// own (go-jmespath), to azc's contract for any query over a context's
// output in every format: Validate and render either succeed or return an
// error, never a panic (a stack trace).
func FuzzQuery(f *testing.F) {
	for _, q := range []string{"name", "[?current].name", "sort_by(@, &name)", "merge(@, `1`)", "[::0]", "a[-1:0:0]", "to_number(`\"1e400\"`)", "length(`1`)", "`\"\\ud800\"`", "max_by(@, &a)", "not_null(`[]`)"} {
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
		for _, format := range []string{FormatJSON, FormatYAML, FormatTSV, FormatTable} {
			_ = render(io.Discard, format, q, value, nil, tableStyle{})
		}
	})
}
