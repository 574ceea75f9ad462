package cmdutil

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/jmespath/go-jmespath"
)

// Output formats accepted by -o/--output.
const (
	FormatTable = "table"
	FormatJSON  = "json"
	FormatYAML  = "yaml"
	FormatTSV   = "tsv"
	FormatNone  = "none"
)

// Formats lists the values of -o/--output, default first.
var Formats = []string{FormatTable, FormatJSON, FormatYAML, FormatTSV, FormatNone}

// Table is what a command shows for -o table: a header and rows of cells,
// either in Rows or, for long lists, produced one at a time by Row.
type Table struct {
	Header []string
	Rows   [][]string
	// N and Row, used when Rows is nil, give the rows one at a time: Row
	// fills cells (len(Header) long) for row i, 0 ≤ i < N. A long list is
	// then laid out without a cell per row in memory.
	N   int
	Row func(i int, cells []string)
}

// each calls fn for every line of t: the header, its underline, the rows.
// cells passed to fn are only valid during the call.
func (t *Table) each(fn func(cells []string)) {
	if len(t.Header) > 0 {
		fn(t.Header)
		dashes := make([]string, len(t.Header))
		for i, h := range t.Header {
			dashes[i] = strings.Repeat("-", max(len(h), 1))
		}
		fn(dashes)
	}
	if t.Rows != nil || t.Row == nil {
		for _, r := range t.Rows {
			fn(r)
		}
		return
	}
	cells := make([]string, len(t.Header))
	for i := range t.N {
		clear(cells)
		t.Row(i, cells)
		fn(cells)
	}
}

// Lazy is a value for Print that is built only when the output needs the
// JSON form (not for -o table without --query, nor -o none).
type Lazy func() any

// MarshalJSON encodes the value fn builds.
func (fn Lazy) MarshalJSON() ([]byte, error) { return json.Marshal(fn()) }

// Output is what -o/--output and --query ask of a command's result.
type Output struct {
	// Format is one of Formats.
	Format string
	// Query is a JMESPath expression applied to the JSON form, or "".
	Query string
}

// Validate checks the format and compiles the query, failing with ExitUsage.
func (o Output) Validate() error {
	ok := false
	for _, f := range Formats {
		ok = ok || f == o.Format
	}
	if !ok {
		return UsageErrorf("invalid output format %q: want one of %s", o.Format, strings.Join(Formats, ", "))
	}
	if o.Query != "" {
		if _, err := jmespath.Compile(o.Query); err != nil {
			return UsageErrorf("invalid --query %q: %v", o.Query, err)
		}
	}
	return nil
}

// Plain reports whether the output is the default table without --query:
// the form in which a state-changing command prints only its message.
func (o Output) Plain() bool { return o.Format == FormatTable && o.Query == "" }

// Print is the package's Print for the output o.
func (o Output) Print(f *Factory, value any, table func() *Table) error {
	if o.Format == FormatNone {
		return nil
	}
	// 16 KB: a long list costs a few more writes, not a dozen more page
	// faults (each fresh page is one, on every command's budget).
	w := bufio.NewWriterSize(f.IOStreams.Out, 16<<10)
	if err := render(w, o.Format, o.Query, value, table); err != nil {
		return err
	}
	return w.Flush()
}

func render(w io.Writer, format, query string, value any, table func() *Table) error {
	if query == "" && format == FormatTable && table != nil {
		return writeTable(w, table())
	}
	data, err := json.Marshal(value)
	if err != nil {
		return fmt.Errorf("encoding output: %w", err)
	}
	if query != "" {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			return fmt.Errorf("encoding output: %w", err)
		}
		res, err := jmespath.Search(query, v)
		if err != nil {
			return UsageErrorf("--query %q: %v", query, err)
		}
		if data, err = json.Marshal(res); err != nil {
			return fmt.Errorf("encoding output: %w", err)
		}
	}
	if format == FormatJSON {
		var buf bytes.Buffer
		if err := json.Indent(&buf, data, "", "  "); err != nil {
			return fmt.Errorf("encoding output: %w", err)
		}
		buf.WriteByte('\n')
		_, err := w.Write(buf.Bytes())
		return err
	}
	n, err := parseOrdered(data)
	if err != nil {
		return fmt.Errorf("encoding output: %w", err)
	}
	switch format {
	case FormatYAML:
		var b strings.Builder
		writeYAML(&b, n)
		_, err := io.WriteString(w, b.String())
		return err
	case FormatTSV:
		return writeTSV(w, n)
	default:
		return writeTable(w, genericTable(n))
	}
}

func writeTable(w io.Writer, t *Table) error {
	if t == nil || len(t.Rows) == 0 && (t.Row == nil || t.N == 0) {
		return nil
	}
	// Columns are as wide as their widest cell plus two spaces; a line's
	// last cell is not padded (text/tabwriter's layout, without its
	// per-byte work: a 1,000-context list is on azc's start-up budget).
	var width []int
	t.each(func(cells []string) {
		for i := 0; i < len(cells)-1; i++ {
			if i == len(width) {
				width = append(width, 0)
			}
			width[i] = max(width[i], cellWidth(cells[i]))
		}
	})
	bw, ok := w.(*bufio.Writer)
	if !ok {
		bw = bufio.NewWriter(w)
	}
	const spaces = "                                                                "
	t.each(func(cells []string) {
		for i, c := range cells {
			c = sanitizeCell(c)
			_, _ = bw.WriteString(c)
			if i == len(cells)-1 {
				break
			}
			for pad := width[i] + 2 - cellWidth(c); pad > 0; pad -= len(spaces) {
				_, _ = bw.WriteString(spaces[:min(pad, len(spaces))])
			}
		}
		_ = bw.WriteByte('\n')
	})
	return bw.Flush()
}

// cellWidth is the width text/tabwriter gives s: its rune count.
func cellWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return utf8.RuneCountInString(s)
		}
	}
	return len(s)
}

// sanitizeCell keeps a cell on one line and out of the column separator.
func sanitizeCell(s string) string {
	if !strings.ContainsAny(s, "\t\n\r") {
		return s
	}
	return strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s)
}

// genericTable shows a JSON value as a table: a list of objects as one row
// each with their scalar fields as columns (from the first object), an
// object as one row, scalars one per line.
func genericTable(n *node) *Table {
	items := []*node{n}
	if n.kind == kindArray {
		items = n.kids
	}
	t := &Table{}
	if len(items) == 0 {
		return t
	}
	if items[0].kind != kindObject {
		for _, it := range items {
			t.Rows = append(t.Rows, []string{it.text()})
		}
		return t
	}
	var cols []string
	for i, k := range items[0].keys {
		if items[0].kids[i].isScalar() {
			cols = append(cols, k)
		}
	}
	for _, c := range cols {
		t.Header = append(t.Header, titleCase(c))
	}
	for _, it := range items {
		row := make([]string, len(cols))
		for i, c := range cols {
			if v := it.field(c); v != nil && v.isScalar() {
				row[i] = v.text()
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// writeTSV follows az: a list prints one line per element; an object prints
// its values in order, tab-separated, with nested objects as empty cells
// and nested lists as their length; null is empty.
func writeTSV(w io.Writer, n *node) error {
	bw := bufio.NewWriter(w)
	row := func(n *node) {
		switch n.kind {
		case kindObject, kindArray:
			for i, v := range n.kids {
				if i > 0 {
					bw.WriteByte('\t')
				}
				switch v.kind {
				case kindObject:
				case kindArray:
					fmt.Fprint(bw, len(v.kids))
				default:
					bw.WriteString(sanitizeCell(v.text()))
				}
			}
		default:
			bw.WriteString(sanitizeCell(n.text()))
		}
		bw.WriteByte('\n')
	}
	if n.kind == kindArray {
		for _, it := range n.kids {
			row(it)
		}
	} else {
		row(n)
	}
	return bw.Flush()
}
