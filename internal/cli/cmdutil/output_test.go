package cmdutil

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
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
		{"tsv prints scalars and list lengths like az", FormatTSV, "", "b\t2\ttrue\t2\na: colon\t1\tfalse\t\n"},
		{"a query applies to the JSON form", FormatTSV, "[].name", "b\na: colon\n"},
		{"a query result becomes a generic table", FormatTable, "[].{n: name, c: count}", "C  N\n-  -\n2  b\n1  a: colon\n"},
		{"yaml quotes what could read as another type", FormatYAML, "[0].{a: '007', b: 'true', c: '', d: 'x #y', e: 'ok'}", "a: \"007\"\nb: \"true\"\nc: \"\"\nd: \"x #y\"\ne: ok\n"},
		{"yaml writes nested lists and empty values inline", FormatYAML, "[[`1`, `2`], `[]`]", "- - 1\n  - 2\n- []\n"},
		{"a scalar query prints bare in tsv", FormatTSV, "length(@)", "2\n"},
		{"json of a query result", FormatJSON, "[0].name", "\"b\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			if err := render(&b, tt.format, tt.query, v, nil); err != nil {
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
		return &Table{Header: []string{"Name", "Note"}, Rows: [][]string{{"a", "tab\there"}, {"bb", "new\nline"}}}
	}
	if err := render(&b, FormatTable, "", nil, tab); err != nil {
		t.Fatal(err)
	}
	want := "Name  Note\n----  ----\na     tab here\nbb    new line\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
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
