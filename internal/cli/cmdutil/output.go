package cmdutil

import (
	"bufio"
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/fatih/color"
	"github.com/jmespath/go-jmespath"

	"github.com/azcontext/azc/internal/cli/termtext"
	"github.com/azcontext/azc/internal/termsafe"
	"github.com/azcontext/azc/profile"
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
// either in Rows or, for long lists, produced one at a time by Row. Every
// table of azc has one style (docs/cli.md, "Tables"): a header of
// upper-case column names (words apart: "SUBSCRIPTION ID"), no rule under
// it, two spaces between columns; a one-object view (show) has no header
// and its labels in the first column. Cells are escaped (termsafe.Escape)
// and, on a terminal, cut to fit its width.
type Table struct {
	Header []string
	Rows   [][]string
	// N and Row, used when Rows is nil, give the rows one at a time: Row
	// fills cells (len(Header) long) for row i, 0 ≤ i < N. A long list is
	// then laid out without a cell per row in memory.
	N   int
	Row func(i int, cells []string)
	// Marked says the first column is a marker ("*" for the current
	// context): a row with a marker is shown in colour on a terminal.
	Marked bool
}

// each calls fn for every line of t: the header (header true), then the
// rows. cells passed to fn are only valid during the call.
func (t *Table) each(fn func(cells []string, header bool)) {
	if len(t.Header) > 0 {
		fn(t.Header, true)
	}
	if t.Rows != nil || t.Row == nil {
		for _, r := range t.Rows {
			fn(r, false)
		}
		return
	}
	cells := make([]string, len(t.Header))
	for i := range t.N {
		clear(cells)
		t.Row(i, cells)
		fn(cells, false)
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
		return UsageErrorf("invalid output format %s: want one of %s", profile.QuoteShort(o.Format), strings.Join(Formats, ", "))
	}
	if o.Query != "" {
		if _, err := compileQuery(o.Query); err != nil {
			var limit *ExitError
			if errors.As(err, &limit) {
				return limit
			}
			ee := UsageErrorf("invalid --query %s: %v", profile.QuoteShort(o.Query), err)
			var se *json.SyntaxError
			if errors.As(err, &se) {
				ee.Hints = []string{literalHint(o.Query)}
			}
			return ee
		}
	}
	return nil
}

// literalHint says how to write the first literal between backquotes of
// query that is not JSON: az's Python JMESPath takes `Prod` as a string (a
// form its documentation calls deprecated); go-jmespath refuses it.
func literalHint(query string) string {
	text := "text"
	parts := strings.Split(query, "`")
	for i := 1; i < len(parts)-1; i += 2 {
		if !json.Valid([]byte(parts[i])) {
			text = parts[i]
			break
		}
	}
	js, _ := json.Marshal(text)
	return "a literal between backquotes is JSON: write a string as `" + string(js) + "`, or as '" + strings.ReplaceAll(text, "'", `\'`) + "'"
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
	ios := f.IOStreams
	style := tableStyle{width: ios.TerminalWidth(), color: ios.ColorEnabled()}
	if err := render(w, o.Format, o.Query, value, table, style); err != nil {
		return err
	}
	return w.Flush()
}

func render(w io.Writer, format, query string, value any, table func() *Table, style tableStyle) error {
	if query == "" && format == FormatTable && table != nil {
		return writeTable(w, table(), style)
	}
	if lazy, ok := value.(Lazy); ok {
		value = lazy()
	}
	if query != "" {
		return renderQuery(w, format, query, value, style)
	}
	if format != FormatTable {
		if list, ok := asList(value); ok {
			return writeEach(w, format, list)
		}
	}
	data, err := json.Marshal(value)
	if err != nil {
		return fmt.Errorf("encoding output: %w", err)
	}
	return writeDocument(w, format, data, style)
}

// writeDocument writes data, an output's JSON, in format.
func writeDocument(w io.Writer, format string, data []byte, style tableStyle) error {
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
	if n.kind == kindNull && format != FormatYAML {
		// nothing selected: no line, as az prints none (an empty line
		// would be one empty item to a `while read` loop)
		return nil
	}
	switch format {
	case FormatYAML:
		var b strings.Builder
		writeYAML(&b, n)
		_, err := io.WriteString(w, b.String())
		return err
	case FormatTSV:
		return writeTSV(w, n, nil)
	default:
		return writeTable(w, genericTable(n), style)
	}
}

// asList returns value as a list that is written an element at a time: a
// slice that is not empty and whose JSON is an array of its elements' JSON
// ([]byte is no list: encoding/json writes it as one base64 string; nor
// is a slice with a MarshalJSON or MarshalText of its own).
func asList(value any) (reflect.Value, bool) {
	list := reflect.ValueOf(value)
	if list.Kind() != reflect.Slice || list.Len() == 0 {
		return list, false
	}
	t := list.Type()
	return list, t.Elem().Kind() != reflect.Uint8 && !t.Implements(reflect.TypeFor[json.Marshaler]()) && !t.Implements(reflect.TypeFor[encoding.TextMarshaler]())
}

// element returns element i of list, a slice, to encode as encoding/json
// encodes it within the list: through its address, so that a method of
// its pointer (MarshalJSON, MarshalText) writes it.
func element(list reflect.Value, i int) any { return list.Index(i).Addr().Interface() }

// writeEach writes list, a slice that is not empty, in format (json, yaml
// or tsv) as render writes it whole, an element at a time: it holds one
// element's JSON, not the whole list's (`azc context list -o json` of
// 10,000 contexts, docs/benchmarks.md).
func writeEach(w io.Writer, format string, list reflect.Value) error {
	var fields []string
	if format == FormatTSV {
		fields = shapeFields(list.Type().Elem())
	}
	return writeElements(w, format, list.Len(), fields, func(i int) ([]byte, error) { return json.Marshal(element(list, i)) })
}

// shapeFields returns the keys of the JSON object of a struct of type t
// (or a pointer to one), omitempty and omitzero fields included, in
// order, as encoding/json names them; nil for any other type, one that
// writes its own JSON or text, and a struct with an embedded field. A tsv
// row of such an element has a cell for each (an omitted one empty), as
// az's has: its objects hold every key, null when unset.
func shapeFields(t reflect.Type) []string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	if p := reflect.PointerTo(t); p.Implements(reflect.TypeFor[json.Marshaler]()) || p.Implements(reflect.TypeFor[encoding.TextMarshaler]()) {
		return nil
	}
	// The same fields with tags that omit none: encoding/json writes
	// every key of its zero value.
	fields := make([]reflect.StructField, 0, t.NumField())
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			return nil
		}
		if !sf.IsExported() {
			continue
		}
		tag, ok := sf.Tag.Lookup("json")
		sf.Tag = ""
		if ok {
			// the name, and the options but omitempty and omitzero
			// ("-," names a key "-")
			name, opts, comma := strings.Cut(tag, ",")
			var kept []string
			for o := range strings.SplitSeq(opts, ",") {
				if o != "omitempty" && o != "omitzero" {
					kept = append(kept, o)
				}
			}
			if comma {
				name += "," + strings.Join(kept, ",")
			}
			sf.Tag = reflect.StructTag(`json:` + strconv.Quote(name))
		}
		fields = append(fields, sf)
	}
	data, err := json.Marshal(reflect.New(reflect.StructOf(fields)).Interface())
	if err != nil {
		return nil
	}
	n, err := parseOrdered(data)
	if err != nil || n.kind != kindObject {
		return nil
	}
	return n.keys
}

// writeElements writes a list of n elements, the JSON of element i given
// by next(i) in turn, in format (json, yaml or tsv) as writeDocument
// writes the list's JSON: each format writes an array as its elements one
// after the other, so the bytes are the same.
// fields, when not nil, are the keys of every object of the list, whose
// tsv rows have a cell for each (shapeFields).
func writeElements(w io.Writer, format string, n int, fields []string, next func(i int) ([]byte, error)) error {
	if format == FormatJSON {
		if _, err := io.WriteString(w, "[\n"); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	for i := range n {
		data, err := next(i)
		if err != nil {
			return fmt.Errorf("encoding output: %w", err)
		}
		if format != FormatJSON {
			item, err := parseOrdered(data)
			if err != nil {
				return fmt.Errorf("encoding output: %w", err)
			}
			if err := writeItem(w, format, item, fields); err != nil {
				return err
			}
			continue
		}
		buf.Reset()
		buf.WriteString("  ")
		if err := json.Indent(&buf, data, "  ", "  "); err != nil {
			return fmt.Errorf("encoding output: %w", err)
		}
		if i < n-1 {
			buf.WriteString(",\n")
		} else {
			buf.WriteString("\n]\n")
		}
		if _, err := w.Write(buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// writeItem writes n, an element of a list, in format (yaml or tsv) as
// the whole list's document has it: each format writes an array as its
// elements one after the other. An object's tsv row has a cell for each
// of fields, when not nil.
func writeItem(w io.Writer, format string, n *node, fields []string) error {
	one := &node{kind: kindArray, kids: []*node{n}}
	if format == FormatTSV {
		return writeTSV(w, one, fields)
	}
	var b strings.Builder
	writeYAML(&b, one)
	_, err := io.WriteString(w, b.String())
	return err
}

// search applies the compiled JMESPath query jp to v. The library's type
// errors print the value a function was given, which may be an access
// token (`azc token --query`): the error keeps only what the query got
// wrong (queryError). It panics on some arguments (merge of what is no
// object); that is a usage error too.
func search(query string, jp *jmespath.JMESPath, v any) (res any, err error) {
	defer func() {
		if recover() != nil {
			res, err = nil, &ExitError{Code: ExitUsage, Err: &queryFailure{
				text:   fmt.Sprintf("--query %s cannot be applied to this output: a function got an argument of the wrong type", profile.QuoteShort(query)),
				query:  query,
				reason: "it cannot be applied to this output: a function got an argument of the wrong type",
			}}
		}
	}()
	res, err = jp.Search(v)
	if err != nil {
		return nil, queryError(query, err)
	}
	return res, nil
}

// appendNumber appends to dst the JSON of f, a number in the result of
// query (every number of a --query's result is written by it: one rule in
// every format). A NaN is null: avg of an empty array is null (the JMESPath
// specification, and az, say so), where go-jmespath divides 0 by 0, and
// to_number of "NaN" gives no number (JMESPath's to_number is null for a
// string that is none; az prints NaN). A NaN the query itself goes on
// with, as in avg(x) || `0`, is go-jmespath's to read: it is not null
// there (docs/cli.md). +Inf and -Inf (sum of large numbers, to_number of
// "Infinity") have no form in JSON, nor so in the formats made from it:
// the query fails, a usage error that names it.
func appendNumber(dst []byte, query string, f float64) ([]byte, error) {
	switch {
	case math.IsNaN(f):
		return append(dst, "null"...), nil
	case math.IsInf(f, 0):
		reason := fmt.Sprintf("its result holds %s, a number JSON has no form for", strconv.FormatFloat(f, 'g', -1, 64))
		return nil, &ExitError{Code: ExitUsage, Err: &queryFailure{text: fmt.Sprintf("--query %s: %s", profile.QuoteShort(query), reason), query: query, reason: reason}}
	}
	data, err := json.Marshal(f)
	return append(dst, data...), err
}

// queryError is err, of go-jmespath for query, as a usage error.
func queryError(query string, err error) error {
	msg := err.Error()
	if text, ok := strings.CutPrefix(msg, "Invalid type for: "); ok {
		msg = "a function got an argument of the wrong type"
		// text is "<the value>, expected: []jmespath.jpType{"array", "string"}"
		if i := strings.LastIndex(text, "jpType{"); i >= 0 {
			types := strings.ReplaceAll(strings.TrimSuffix(text[i+len("jpType{"):], "}"), `"`, "")
			msg += " (it takes " + strings.ReplaceAll(types, ", ", " or ") + ")"
		}
	}
	msg = strings.TrimSuffix(strings.ToLower(msg[:1])+msg[1:], ".")
	return &ExitError{Code: ExitUsage, Err: &queryFailure{text: fmt.Sprintf("--query %s: %s", profile.QuoteShort(query), msg), query: query, reason: msg}}
}

// queryFailure is a --query that compiled but failed on the output it was
// applied to: only running it finds an unknown function or an argument of
// the wrong type. Nothing is written to stdout. It is a usage error, but
// for a command that has already changed state (PrintChange), which says
// that the change was made.
type queryFailure struct {
	text   string // the error, naming the query
	query  string
	reason string // what failed, never the value it failed on
}

func (e *queryFailure) Error() string { return e.text }

// tableStyle is what the terminal asks of a table: its width (0: no
// limit, as when piped) and whether it may be coloured.
type tableStyle struct {
	width int
	color bool
}

// gap is the space between columns.
const gap = 2

func writeTable(w io.Writer, t *Table, style tableStyle) error {
	if t == nil || len(t.Rows) == 0 && (t.Row == nil || t.N == 0) {
		return nil
	}
	// Columns are as wide as their widest cell plus two spaces; a line's
	// last cell is not padded (text/tabwriter's layout, without its
	// per-byte work: a 1,000-context list is on azc's start-up budget).
	var width []int
	plain := true // every cell printable ASCII: the lines need no second look
	t.each(func(cells []string, _ bool) {
		for i, c := range cells {
			if i == len(width) {
				width = append(width, 0)
			}
			_, cw, ok := cellWidth(c)
			plain = plain && ok
			width[i] = max(width[i], cw)
		}
	})
	cut := termtext.Fit(width, gap, style.width)
	bw, ok := w.(*bufio.Writer)
	if !ok {
		bw = bufio.NewWriter(w)
	}
	var current *color.Color
	if style.color && t.Marked {
		current = color.New(color.FgGreen, color.Bold)
		current.EnableColor()
	}
	const spaces = "                                                                "
	var line []byte // one buffer for every line
	t.each(func(cells []string, header bool) {
		line = line[:0]
		for i, c := range cells {
			cw := len(c)
			if !plain {
				c, cw, _ = cellWidth(c)
			}
			if cut && cw > width[i] {
				c = termtext.Truncate(c, width[i])
				cw = termtext.Width(c)
			}
			line = append(line, c...)
			if i == len(cells)-1 {
				break
			}
			for pad := width[i] + gap - cw; pad > 0; pad -= len(spaces) {
				line = append(line, spaces[:min(pad, len(spaces))]...)
			}
		}
		// an empty last cell leaves the padding before it
		text := bytes.TrimRight(line, " ")
		if current != nil && !header && cells[0] != "" {
			_, _ = bw.WriteString(current.Sprint(string(text)))
		} else {
			_, _ = bw.Write(text)
		}
		_ = bw.WriteByte('\n')
	})
	return bw.Flush()
}

// cellText is a cell as a terminal may show it: on one line, with every
// control character spelled out.
func cellText(s string) string { return termsafe.Escape(s) }

// cellWidth returns cellText(s) and the columns it takes, and whether s
// is printable ASCII, as nearly every cell is: then the text is s and its
// width its length, found in one pass.
func cellWidth(s string) (text string, width int, plain bool) {
	if termsafe.PrintableASCII(s) {
		return s, len(s), true
	}
	s = cellText(s)
	return s, termtext.Width(s), false
}

// genericTable shows a JSON value as a table: a list of objects as one row
// each with their scalar fields as columns (from the first object), an
// object as one row, scalars one per line.
func genericTable(n *node) *Table {
	if n.kind == kindArray {
		return itemsTable(slices.Values(n.kids))
	}
	return itemsTable(slices.Values([]*node{n}))
}

// itemsTable is genericTable of a list of items (so that a query's result
// need not be one tree of nodes).
func itemsTable(items iter.Seq[*node]) *Table {
	t := &Table{}
	var cols []string
	first, objects := true, false
	for it := range items {
		if first {
			first, objects = false, it.kind == kindObject
			for i, k := range it.keys {
				if objects && it.kids[i].isScalar() {
					cols = append(cols, k)
					t.Header = append(t.Header, HeaderName(k))
				}
			}
		}
		if !objects {
			t.Rows = append(t.Rows, []string{it.text()})
			continue
		}
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

// HeaderName is the table header of the JSON field name: its words in
// upper case, apart ("subscriptionId" is "SUBSCRIPTION ID").
func HeaderName(field string) string {
	var b strings.Builder
	prevLower := false
	for _, r := range field {
		if unicode.IsUpper(r) && prevLower {
			b.WriteByte(' ')
		}
		prevLower = unicode.IsLower(r) || unicode.IsDigit(r)
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

// writeTSV follows az: a list prints one line per element; an object prints
// its values in order, tab-separated, with nested objects as empty cells
// and nested lists as their length; null is empty. An object's row has a
// cell for each key of fields, when not nil, in that order: empty for one
// it lacks (shapeFields).
func writeTSV(w io.Writer, n *node, fields []string) error {
	bw := bufio.NewWriter(w)
	var scratch []*node
	row := func(n *node) {
		switch n.kind {
		case kindObject, kindArray:
			cells := n.kids
			if n.kind == kindObject && fields != nil {
				scratch = scratch[:0]
				for _, k := range fields {
					scratch = append(scratch, n.field(k))
				}
				cells = scratch
			}
			for i, v := range cells {
				if i > 0 {
					bw.WriteByte('\t')
				}
				switch {
				case v == nil:
				case v.kind == kindObject:
				case v.kind == kindArray:
					fmt.Fprint(bw, len(v.kids))
				default:
					bw.WriteString(cellText(v.text()))
				}
			}
		default:
			bw.WriteString(cellText(n.text()))
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

// Plural is n and word, in the plural unless n is 1 ("1 context", "2
// contexts").
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
