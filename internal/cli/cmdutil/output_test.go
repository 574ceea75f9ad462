package cmdutil

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/azcontext/azc/internal/cli/termtext"
)

type sample struct {
	Name  string            `json:"name"`
	Count int               `json:"count"`
	On    bool              `json:"on"`
	Tags  []string          `json:"tags"`
	Props map[string]string `json:"props,omitempty"`
	Sub   *struct {
		ID string `json:"id"`
	} `json:"sub,omitempty"`
}

func TestRender(t *testing.T) {
	t.Parallel()
	v := []sample{{Name: "b", Count: 2, On: true, Tags: []string{"x", "y"}}, {Name: "a: colon", Count: 1}}
	tests := []struct {
		name, format, query, want string
	}{
		{"json is indented in field order", FormatJSON, "", "[\n  {\n    \"name\": \"b\",\n    \"count\": 2,\n    \"on\": true,\n    \"tags\": [\n      \"x\",\n      \"y\"\n    ]\n  },\n  {\n    \"name\": \"a: colon\",\n    \"count\": 1,\n    \"on\": false,\n    \"tags\": null\n  }\n]\n"},
		{"yaml keeps field order and quotes where needed", FormatYAML, "", "- name: b\n  count: 2\n  \"on\": true\n  tags:\n    - x\n    - \"y\"\n- name: \"a: colon\"\n  count: 1\n  \"on\": false\n  tags: null\n"},
		{"tsv prints scalars and list lengths like az, an omitted field's cell too", FormatTSV, "", "b\t2\ttrue\t2\t\t\na: colon\t1\tfalse\t\t\t\n"},
		{"a query applies to the JSON form", FormatTSV, "[].name", "b\na: colon\n"},
		{"a query result becomes a generic table, its columns in the hash's order", FormatTable, "[].{n: name, c: count}", "N         C\nb         2\na: colon  1\n"},
		{"tsv's columns come in the hash's order, as az's", FormatTSV, "[].{z: name, a: count, m: {y: on, b: tags}}", "b\t2\t\na: colon\t1\t\n"},
		{"json keeps the hash's order, nested too", FormatJSON, "[0].{z: name, a: count, m: {y: on, b: tags}}", "{\n  \"z\": \"b\",\n  \"a\": 2,\n  \"m\": {\n    \"y\": true,\n    \"b\": [\n      \"x\",\n      \"y\"\n    ]\n  }\n}\n"},
		{"an object of the output keeps its order", FormatYAML, "[1]", "name: \"a: colon\"\ncount: 1\n\"on\": false\ntags: null\n"},
		{"a key quoted in the hash keeps its place", FormatTSV, "[1].{\"z z\": name, a: count}", "a: colon\t1\n"},
		{"yaml quotes what could read as another type", FormatYAML, "[0].{a: '007', b: 'true', c: '', d: 'x #y', e: 'ok'}", "a: \"007\"\nb: \"true\"\nc: \"\"\nd: \"x #y\"\ne: ok\n"},
		{"yaml spells out in JSON's escapes what a terminal would act on", FormatYAML, "`\"Evil\\u001b]0;x\\u0007 C1\\u009b bidi\\u202e zw\\u200b 生产 👨\\u200d👩\"`", "\"Evil\\u001b]0;x\\u0007 C1\\u009b bidi\\u202e zw\\u200b 生产 👨\u200d👩\"\n"},
		{"yaml writes nested lists and empty values inline", FormatYAML, "[[`1`, `2`], `[]`]", "- - 1\n  - 2\n- []\n"},
		{"a scalar query prints bare in tsv", FormatTSV, "length(@)", "2\n"},
		{"json of a query result", FormatJSON, "[0].name", "\"b\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			if err := render(&b, tt.format, tt.query, v, nil, tableStyle{}); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got\n%q\nwant\n%q", b.String(), tt.want)
			}
		})
	}
}

func TestRenderTableFromCommand(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	tab := func() *Table {
		return &Table{Header: []string{"NAME", "NOTE"}, Rows: [][]string{{"a", "tab\there"}, {"bb", "new\nline"}}}
	}
	if err := render(&b, FormatTable, "", nil, tab, tableStyle{}); err != nil {
		t.Fatal(err)
	}
	want := "NAME  NOTE\na     tab\\there\nbb    new\\nline\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

// hostile is a subscription name that would retitle the window and clear
// the screen if printed raw.
const hostile = "Evil\x1b]0;owned\a\x1b[2J"

func TestHumanFormatsSendNoControlBytes(t *testing.T) {
	t.Parallel()
	v := []sample{{Name: hostile, Tags: []string{hostile}}}
	tab := func() *Table { return &Table{Header: []string{"NAME"}, Rows: [][]string{{hostile}}} }
	for _, format := range []string{FormatTable, FormatTSV, FormatYAML} {
		for _, query := range []string{"", "[].name"} {
			var b bytes.Buffer
			if err := render(&b, format, query, v, tab, tableStyle{width: 60, color: true}); err != nil {
				t.Fatal(err)
			}
			if strings.ContainsAny(b.String(), "\x1b\a") {
				t.Errorf("-o %s --query %q printed a control byte: %q", format, query, b.String())
			}
			if !strings.Contains(b.String(), `Evil\x1b]0;owned\a\x1b[2J`) && !strings.Contains(b.String(), `Evil\u001b]0;owned\u0007\u001b[2J`) {
				t.Errorf("-o %s --query %q does not show the name escaped: %q", format, query, b.String())
			}
		}
	}
	// JSON keeps the exact value.
	var b bytes.Buffer
	if err := render(&b, FormatJSON, "", v, nil, tableStyle{}); err != nil {
		t.Fatal(err)
	}
	var back []sample
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || back[0].Name != hostile {
		t.Errorf("json does not keep the name: %q (%v)", b.String(), err)
	}
}

func TestTableFitsTheTerminal(t *testing.T) {
	t.Parallel()
	// context list's columns
	tab := &Table{Header: []string{"", "NAME", "SUBSCRIPTION", "SUBSCRIPTION ID", "TENANT", "ACCOUNT"}, Marked: true, Rows: [][]string{
		{"*", "生产 🚀", "生产 🚀 subscription", "5a5a5a5a-0000-4000-8000-000000000001", "contoso.onmicrosoft.com", "alice@contoso.com"},
		{"", strings.Repeat("long name ", 10), "Dev", "5a5a5a5a-0000-4000-8000-000000000002", "fabrikam.onmicrosoft.com", "bob@fabrikam.com"},
	}}
	for _, width := range []int{40, 60, 80} {
		var b strings.Builder
		if err := writeTable(&b, tab, tableStyle{width: width}); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
		for _, l := range lines {
			if w := termtext.Width(l); w > width {
				t.Errorf("at %d columns a line is %d wide: %q", width, w, l)
			}
		}
		// columns stay aligned: every row has the subscription id's column
		// at the same place
		at := -1
		for _, l := range lines[1:] {
			w := termtext.Width(l[:strings.Index(l, "5a")])
			if at >= 0 && w != at {
				t.Errorf("at %d columns the subscription id's column moved: %q", width, b.String())
			}
			at = w
		}
		if !strings.Contains(b.String(), "…") {
			t.Errorf("at %d columns nothing was cut: %q", width, b.String())
		}
	}
	var b strings.Builder
	if err := writeTable(&b, tab, tableStyle{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "…") {
		t.Errorf("without a terminal a cell was cut: %q", b.String())
	}
}

func TestTableColoursTheMarkedRowOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	tab := &Table{Header: []string{"", "NAME"}, Marked: true, Rows: [][]string{{"*", "Dev"}, {"", "Prod"}}}
	var plain, coloured strings.Builder
	if err := writeTable(&plain, tab, tableStyle{}); err != nil {
		t.Fatal(err)
	}
	if err := writeTable(&coloured, tab, tableStyle{color: true}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b") {
		t.Errorf("colour without a terminal: %q", plain.String())
	}
	lines := strings.Split(coloured.String(), "\n")
	if !strings.HasPrefix(lines[1], "\x1b[") || strings.Contains(lines[0], "\x1b") || strings.Contains(lines[2], "\x1b") {
		t.Errorf("only the current row should be coloured: %q", coloured.String())
	}
}

func TestDebugLoggerRedacts(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	log := DebugLogger(&b)
	log.Debug("request", "accessToken", "abc123", "Authorization", "Bearer xyz", "url", "https://x/", "body", "eyJhbGciOi.eyJzdWIiOi.c2ln", "client_secret", "s3cr3t")
	out := b.String()
	for _, leak := range []string{"abc123", "xyz", "eyJhbGciOi", "s3cr3t"} {
		if strings.Contains(out, leak) {
			t.Errorf("log leaks %q: %s", leak, out)
		}
	}
	if !strings.Contains(out, "url=https://x/") {
		t.Errorf("log lost a harmless attribute: %s", out)
	}
}

func FuzzParseOrdered(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":[true,null,"x"]}`, `[]`, `"s"`, `1.5e3`, `{"":{}}`, `[[[]]]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want any
		if json.Unmarshal([]byte(s), &want) != nil {
			return
		}
		n, err := parseOrdered([]byte(s))
		if err != nil {
			t.Fatalf("parseOrdered(%q): %v", s, err)
		}
		var enc strings.Builder
		n.writeJSON(&enc)
		var got any
		if err := json.Unmarshal([]byte(enc.String()), &got); err != nil {
			t.Fatalf("re-encoding of %q is not JSON: %v", s, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round trip of %q gives %v, want %v", s, got, want)
		}
		var b strings.Builder
		writeYAML(&b, n)
	})
}

// TestInputOrdersReadsKeysNotValues: the key order of an object of the
// output is read from its JSON, keys told from string values, nested
// objects and lists too, and an object of a later element is found, in
// any order of asking; a set of keys the input has not is sorted.
func TestInputOrdersReadsKeysNotValues(t *testing.T) {
	t.Parallel()
	data := []byte(`[{"b":"a","a":{"y":"x","x":["w",{"v":1,"u":null}]}},{"z":[{"q":"p","p":true}],"c":"s","y":"x","x":1},[{"u":2,"v":3},{"x":0,"y":0},{"e":1,"d":2}]]`)
	order := newKeyOrder("", bytes.NewReader(data))
	// the last object first: every other is read on the way, and the
	// first of each set of keys kept
	for _, want := range []string{"e d", "q p", "b a", "y x", "v u", "z c y x", "o n"} {
		keys := strings.Fields(want)
		m := map[string]any{}
		for _, k := range keys {
			m[k] = nil
		}
		if want == "o n" {
			want = "n o"
		}
		if got := strings.Join(order.keys(m), " "); got != want {
			t.Errorf("order of {%s}: %q, want %q", want, got, want)
		}
	}
}

// addrJSON is a value whose JSON its pointer's method writes, as
// encoding/json writes an element of a slice (it is addressable).
type addrJSON struct{ N int }

func (a *addrJSON) MarshalJSON() ([]byte, error) { return json.Marshal(a.N * 10) }

// textList is a slice whose JSON is one string, its MarshalText.
type textList []string

func (l textList) MarshalText() ([]byte, error) { return []byte(strings.Join(l, ",")), nil }

// TestAListIsWrittenAsWhole: render writes a slice an element at a time
// (writeEach); the bytes must be those of the whole document, which render
// writes for the same JSON given as one value (json.RawMessage).
func TestAListIsWrittenAsWhole(t *testing.T) {
	t.Parallel()
	lists := []any{
		[]sample{{Name: "b", Count: 2, On: true, Tags: []string{"x", "y"}}, {Name: "a: colon", Count: 1}},
		[]sample{{Name: "only"}},
		[]string{"a", "", "007", "x #y", "\x1b]0;x\a"},
		[]any{nil, 1.5, []int{}, []int{1, 2}, map[string]any{}, map[string]any{"k": []any{map[string]any{"n": 1}}}, "s"},
		[][]string{{"a", "b"}, {}, nil},
		[]map[string]string{{"b": "2", "a": "1"}, {}},
		[]byte("hi"), // base64, not a list of numbers
		[]addrJSON{{N: 1}, {N: 2}},
		textList{"a", "b"}, // one string, as its MarshalText gives
	}
	for i, list := range lists {
		data, err := json.Marshal(list)
		if err != nil {
			t.Fatal(err)
		}
		for _, format := range []string{FormatJSON, FormatYAML, FormatTSV} {
			if format == FormatTSV && shapeFields(reflect.TypeOf(list).Elem()) != nil {
				// a struct's rows keep the cells of its omitted fields,
				// which its JSON lacks
				// (TestTSVRowsOfAListKeepEveryFieldOfItsShape)
				continue
			}
			var each, whole bytes.Buffer
			if err := render(&each, format, "", list, nil, tableStyle{}); err != nil {
				t.Fatal(err)
			}
			if err := render(&whole, format, "", json.RawMessage(data), nil, tableStyle{}); err != nil {
				t.Fatal(err)
			}
			if each.String() != whole.String() {
				t.Errorf("list %d, %s: written an element at a time\n%q\nwhole\n%q", i, format, each.String(), whole.String())
			}
		}
	}
}

// TestTSVRowsOfAListKeepEveryFieldOfItsShape: a field omitted when empty
// (omitempty) drops no cell from its row in tsv: az's objects hold every
// key (null when unset), so its rows line up, and a script that cuts the
// Nth column gets the same field from every row. (`azc context list -o
// tsv` shifted the storage account of a context without a subscription
// into the subscription's column.)
func TestTSVRowsOfAListKeepEveryFieldOfItsShape(t *testing.T) {
	t.Parallel()
	type sub struct {
		ID string `json:"id"`
	}
	type shape struct {
		Name    string            `json:"name"`
		Sub     *sub              `json:"sub,omitempty"`
		Store   string            `json:"store,omitempty"`
		Props   map[string]string `json:"props,omitempty"`
		Tags    []string          `json:"tags,omitzero"`
		Skipped string            `json:"-"`
		hidden  string
		Last    string `json:"last"`
	}
	list := []shape{
		{Name: "a", Sub: &sub{ID: "1"}, Store: "s1", Props: map[string]string{"k": "v"}, Tags: []string{"x"}, Last: "z1", hidden: "h"},
		{Name: "b", Store: "s2", Last: "z2"},
		{Name: "c", Last: "z3"},
	}
	for _, l := range []any{list, []*shape{&list[0], &list[1], &list[2]}} {
		var b bytes.Buffer
		if err := render(&b, FormatTSV, "", l, nil, tableStyle{}); err != nil {
			t.Fatal(err)
		}
		want := "a\t\ts1\t\t1\tz1\nb\t\ts2\t\t\tz2\nc\t\t\t\t\tz3\n"
		if b.String() != want {
			t.Errorf("%T: got\n%q\nwant\n%q", l, b.String(), want)
		}
	}
}
