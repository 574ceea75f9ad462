package cmdutil

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jmespath/go-jmespath"

	"github.com/azcontext/azc/profile"
)

// wholeQuery is what --query prints, done the simplest way, holding the
// JSON whole: the value marshalled whole, decoded for JMESPath, the result
// encoded as one compact document (objects in the hash's or the output's
// order), and that document written as render writes any value without a
// query. renderQuery must give the same bytes.
func wholeQuery(format, query string, value any, style tableStyle) (string, error) {
	if lazy, ok := value.(Lazy); ok {
		value = lazy()
	}
	data, err := json.Marshal(value)
	if err != nil {
		return "", err
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return "", err
	}
	jp, err := jmespath.Compile(query)
	if err != nil {
		return "", queryError(query, err)
	}
	res, err := search(query, jp, v)
	if err != nil {
		return "", err
	}
	orders := map[string][]string{}
	hashOrders(query, orders)
	need := map[string]bool{}
	unordered(res, orders, need)
	inputOrders(data, need, orders)
	var b bytes.Buffer
	if err := wholeOrdered(&b, query, res, orders); err != nil {
		return "", err
	}
	var out bytes.Buffer
	err = render(&out, format, "", json.RawMessage(b.Bytes()), nil, style)
	return out.String(), err
}

// unordered adds to need the signature of each object of v, of two keys
// or more, whose order orders does not know.
func unordered(v any, orders map[string][]string, need map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		if len(v) > 1 {
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			if sig := signature(keys); orders[sig] == nil {
				need[sig] = true
			}
		}
		for _, x := range v {
			unordered(x, orders, need)
		}
	case []any:
		for _, x := range v {
			unordered(x, orders, need)
		}
	}
}

// inputOrders adds to orders the key order of the first object of data
// (JSON) with each signature of need, reading data only until it has
// them all: an object of a list is most often of the first element's
// shape, so a whole context selected out of 1,000 costs the first one.
func inputOrders(data []byte, need map[string]bool, orders map[string][]string) {
	type frame struct {
		object  bool
		keys    []string
		wantKey bool // an object's next string is a key
	}
	var stack []*frame
	dec := json.NewDecoder(bytes.NewReader(data))
	// valueDone says the innermost object's value is read: a key is next
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].wantKey = true
		}
	}
	for len(need) > 0 {
		tok, err := dec.Token()
		if err != nil {
			return
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				stack = append(stack, &frame{object: t == '{', wantKey: t == '{'})
			case '}', ']':
				top := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if top.object {
					if sig := signature(top.keys); need[sig] {
						orders[sig] = top.keys
						delete(need, sig)
					}
				}
				valueDone()
			}
		case string:
			if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].wantKey {
				stack[n-1].keys = append(stack[n-1].keys, t)
				stack[n-1].wantKey = false
				continue
			}
			valueDone()
		default:
			valueDone()
		}
	}
}

// wholeOrdered writes v as compact JSON, each object's keys in the order
// orders has for their set, else sorted.
func wholeOrdered(b *bytes.Buffer, query string, v any, orders map[string][]string) error {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		if o := orders[signature(keys)]; o != nil {
			keys = o
		} else {
			slices.Sort(keys)
		}
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			kb, _ := json.Marshal(k)
			b.Write(kb)
			b.WriteByte(':')
			if err := wholeOrdered(b, query, v[k], orders); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := wholeOrdered(b, query, x, orders); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case float64:
		data, err := appendNumber(nil, query, v)
		if err != nil {
			return err
		}
		b.Write(data)
	default:
		data, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b.Write(data)
	}
	return nil
}

type qAccount struct {
	ID   string `json:"id"`
	Type string `json:"type,omitempty"`
}

type qSub struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	State string `json:"state,omitempty"`
}

// qContext has the shape of contexts.Context: omitted fields, a pointer, a
// map, so that objects of one list come with different sets of keys.
type qContext struct {
	Name           string            `json:"name"`
	Current        bool              `json:"current"`
	Scope          string            `json:"scope"`
	Account        qAccount          `json:"account"`
	Environment    string            `json:"environment"`
	Subscription   *qSub             `json:"subscription,omitempty"`
	StorageAccount string            `json:"storageAccount,omitempty"`
	Properties     map[string]string `json:"properties,omitempty"`
	Count          float64           `json:"count,omitempty"`
}

// queryValues are outputs of every shape a command gives Print.
func queryValues() map[string]any {
	list := []qContext{
		{Name: "dev", Scope: "user", Account: qAccount{ID: "a@x", Type: "user"}, Environment: "AzureCloud", Subscription: &qSub{ID: "1", Name: "Dev <&>", State: "Enabled"}},
		{Name: "生产 🚀", Current: true, Scope: "user", Account: qAccount{ID: "b@x"}, Environment: "AzureCloud", Subscription: &qSub{ID: "2", Name: "Prod\u2028", State: "Disabled"}, Count: 2.5},
		{Name: "tenant-only", Scope: "process", Account: qAccount{ID: "c@x", Type: "servicePrincipal"}, Environment: "AzureChinaCloud"},
		{Name: hostile, Scope: "user", Account: qAccount{ID: "d@x", Type: "user"}, Environment: "AzureCloud", Subscription: &qSub{ID: "4", Name: "Store"}, StorageAccount: "st", Properties: map[string]string{"z": "1", "a": "", "m": "\t"}, Count: 1e21},
	}
	return map[string]any{
		"list":        list,
		"one":         []qContext{list[3]},
		"empty":       []qContext{},
		"nil list":    []qContext(nil),
		"show":        list[1],
		"pointer":     &list[3],
		"lazy":        Lazy(func() any { return list }),
		"map":         map[string]any{"b": 1, "a": []int{2, 3}, "c": nil},
		"strings":     []string{"a", "", "007", "x #y"},
		"mixed":       []any{nil, 1.5, []int{}, []int{1, 2}, map[string]any{}, map[string]any{"k": []any{map[string]any{"n": 1, "m": "o"}}}, "s", true},
		"lists":       [][]string{{"a", "b"}, {}, nil},
		"raw":         json.RawMessage(`[{"y":1,"x":[{"b":2,"a":3}]},{"x":[],"y":null}]`),
		"scalar":      "token",
		"null":        nil,
		"bytes":       []byte("hi"),
		"maps":        []map[string]string{{"b": "2", "a": "1"}, {}},
		"addr JSON":   []addrJSON{{N: 1}, {N: 2}},
		"text list":   textList{"a", "b"},
		"lazy scalar": Lazy(func() any { return 7 }),
		// an element JSON cannot encode: its error comes first
		"unencodable": []any{map[string]any{"name": "a"}, failing{}, map[string]any{"name": "c"}},
		// a query's error at a later element than a value JSON has no
		// form for (sum([1e308, 1e308])): the query's error comes first
		"late error": []any{map[string]any{"x": []any{1e308, 1e308}}, map[string]any{"x": "s"}},
	}
}

// failing is a value whose JSON cannot be written.
type failing struct{}

func (failing) MarshalJSON() ([]byte, error) { return nil, errors.New("no JSON") }

// queries cover what a list gives (the list itself, filtered, projected,
// empty), one element, a scalar, null, literals, functions, hashes and
// mistakes. (Not keys, values nor *: they give an object's values in Go's
// map order, which changes from run to run.)
var queries = []string{
	"@", "[]", "[*]", "[?subscription.state=='Enabled']", "[?current]", "[?name=='none']",
	"[].name", "[*].subscription", "[].properties", "[].{n: name, id: subscription.id}",
	"[].[name, current]", "[].{z: name, a: account, m: {y: current, b: properties}}",
	"[0]", "[-1]", "[1].subscription", "[0].missing", "missing", "length(@)", "[].count",
	"sort_by(@, &name)", "sort_by(@, &name)[].account", "{a: [].name, b: length(@)}",
	"merge([0], `{\"z\": 1}`)", "`1.5`", "`\"<&>\\u2028\"`", "`[]`", "`{}`", "`null`", "`[null, 1, [], {}]`",
	"[].[]", "[][]", "not_null([0].x, `false`)", "to_number('1e400')", "[`1`, to_number('1e400')]",
	"max_by(@, &name)", "[?storageAccount]", "[3].properties", "a", "[0].x || `[1]`",
	"[::-1].name", "length(name)", "abs(`-1`)", "[?count > `1`].count", "join(', ', [].name)", "[].account.type",
	"{\"\\u00e9 k\": [0].name, \"\": `1`}", "[].scope | [0]", "`\"\\ud800\"`",
	// run an element at a time or not: slices, indexes, pipes, nested
	// projections and flattens, literals that read like them
	"[0:2]", "[*].name | [0]", "[?current] | length(@)", "[?@ == @]", "[*][0]", "[].name | []", "[[0]]",
	"[].\"name\"", "[?name == '|[']", "[?name == `\"[*]\"`].name", " [ * ] . name ", "a[]", "[].properties[]",
	"[].subscription.[id, name][]", "[?length(@) > `0`].name", "[].[name][]", "([].name)[0]",
	// bytes that are not UTF-8, in a value and in a key
	"'a\xffb'", "[0].{\"k\xfe\": name, \"k\xff\": scope}", "[].['\xc0', name]",
	// numbers JSON has no form for: an error, the first in the order written
	"[].sum(x)", "sum(`[1e308, 1e308]`)", "[].{b: sum(`[1e308, 1e308]`), a: avg(`[-1e308, -1e308]`)}", "[0].{b: sum(`[1e308, 1e308]`), a: avg(`[-1e308, -1e308]`)}", "[[0], [`1`, sum(`[1e308, 1e308]`)]]",
}

// TestQueryWritesTheWholeResultsBytes: render with --query writes, in every
// format, the bytes it wrote when it held the JSON whole (wholeQuery), or
// the same error.
func TestQueryWritesTheWholeResultsBytes(t *testing.T) {
	t.Parallel()
	for name, value := range queryValues() {
		for _, query := range queries {
			if _, ok := value.([]any); ok && query == "[].[]" {
				// a query that does not compile fails first, as
				// Output.Validate refuses it before a command runs
				continue
			}
			for _, format := range []string{FormatJSON, FormatYAML, FormatTSV, FormatTable} {
				for _, style := range []tableStyle{{}, {width: 30, color: true}} {
					if format != FormatTable && style.width > 0 {
						continue
					}
					want, wantErr := wholeQuery(format, query, value, style)
					var b bytes.Buffer
					err := render(&b, format, query, value, nil, style)
					if (err == nil) != (wantErr == nil) || err != nil && !strings.HasSuffix(err.Error(), wantErr.Error()) {
						t.Errorf("%s, -o %s --query %q: error %v, want %v", name, format, query, err, wantErr)
						continue
					}
					if err != nil && b.Len() > 0 {
						t.Errorf("%s, -o %s --query %q: %v, after writing %q", name, format, query, err, b.String())
					}
					if err == nil && b.String() != want {
						t.Errorf("%s, -o %s --query %q:\n%q\nwant\n%q", name, format, query, b.String(), want)
					}
				}
			}
		}
	}
}

// TestQueryResultsOfAnyType: a list result with values of types
// go-jmespath does not give today (it gives maps, []any, strings, float64,
// bools and nil), encoded an element at a time, is written as its whole
// JSON is, in every format.
func TestQueryResultsOfAnyType(t *testing.T) {
	t.Parallel()
	order := newKeyOrder("{b: x, a: y}", strings.NewReader(""))
	for _, list := range [][]any{
		{[]string{"x", "y"}, map[string]any{"b": []int{1, 2}, "a": map[string]int{"z": 1, "y": 2}, "c": []any{[]string{}, 3, uint8(4)}}},
		{map[string]any{"k\xff": "v\xfe", "b": struct{ N int }{1}}, json.Number("1e2"), int64(1 << 60)},
		{map[string]any{"b": 1, "a": struct{ N, M int }{1, 2}}, map[string]any{"a": "x"}},
	} {
		var whole bytes.Buffer
		if err := wholeOrdered(&whole, "{b: x, a: y}", list, order.hash); err != nil {
			t.Fatal(err)
		}
		for _, format := range []string{FormatJSON, FormatYAML, FormatTSV, FormatTable} {
			items := make([][]byte, len(list))
			for i, x := range list {
				var err error
				if items[i], err = newOrderedEncoder("{b: x, a: y}", order).encode(x); err != nil {
					t.Fatal(err)
				}
			}
			var got, want bytes.Buffer
			if err := writeItems(&got, format, items, tableStyle{}); err != nil {
				t.Fatal(err)
			}
			if err := writeDocument(&want, format, whole.Bytes(), tableStyle{}); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("%#v, -o %s: written\n%s\nwant\n%s", list, format, got.String(), want.String())
			}
		}
	}
}

// TestPerElement: the queries run an element at a time are those that
// apply to the list itself a projection or a flatten; a change in how
// go-jmespath prints its syntax tree shows here (and would only run every
// query whole).
func TestPerElement(t *testing.T) {
	t.Parallel()
	for _, q := range []string{"[]", "[*]", "@[]", "@[*]", "[?current]", "[?a == 'b'].{n: name}", "[].name", "[*][0]", "[].[name, a[0]]", "[?a].b"} {
		if !perElement(q) {
			t.Errorf("%q is not run an element at a time", q)
		}
	}
	for _, q := range []string{"@", "[0]", "[0:2]", "[][]", "[].a | [0]", "sort_by(@, &name)[]", "a[*]", "[*] || a", "length(@)", "{a: [*]}", "[?a][]", "[*].a[*] | [0]", "[?a].b | [0]", "([].a)[0]", "[*][]"} {
		if perElement(q) {
			t.Errorf("%q is run an element at a time", q)
		}
	}
}

// TestQueryHoldsLittle: --query over a long list that it maps an element
// at a time holds, at its peak, about one copy of the result's JSON beside
// the list, in every format, not the whole list as Go maps and two or
// three copies of its JSON (which put `azc context list --query '[]'` of
// 10,000 contexts at 59 MB, over the 40 MiB budget). The peak is the
// process's resident memory (Linux's VmHWM, reset before render), in a
// process of its own with the default GC pacing.
func TestQueryHoldsLittle(t *testing.T) {
	if spec := os.Getenv("AZC_TEST_QUERY_PEAK"); spec != "" {
		format, query, _ := strings.Cut(spec, " ")
		list := make([]qContext, 20_000)
		size := 0
		for i := range list {
			list[i] = qContext{Name: fmt.Sprintf("sub-%05d", i), Current: i == 1, Scope: "user", Account: qAccount{ID: fmt.Sprintf("user%d@contoso.com", i%100), Type: "user"}, Environment: "AzureCloud",
				Subscription: &qSub{ID: fmt.Sprintf("%08d-1111-2222-3333-444444444444", i), Name: fmt.Sprintf("sub-%05d", i), State: "Enabled"}}
			data, _ := json.Marshal(list[i])
			size += len(data) + 1
		}
		debug.FreeOSMemory()
		before := memoryKB(t, "VmRSS")
		if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
			fmt.Printf("skip %v\n", err)
			return
		}
		if err := render(io.Discard, format, query, list, nil, tableStyle{}); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("peak %d json %d\n", (memoryKB(t, "VmHWM")-before)<<10, size)
		return
	}
	if _, err := os.Stat("/proc/self/clear_refs"); err != nil {
		t.Skip("no /proc/self/clear_refs to reset the peak of resident memory")
	}
	if raceBuild {
		t.Skip("the race detector's shadow memory is resident too")
	}
	t.Parallel()
	for _, query := range []string{"[]", "[?subscription.state=='Enabled']"} {
		for _, format := range []string{FormatJSON, FormatYAML, FormatTSV, FormatTable} {
			cmd := exec.Command(os.Args[0], "-test.run=^TestQueryHoldsLittle$")
			cmd.Env = append(os.Environ(), "AZC_TEST_QUERY_PEAK="+format+" "+query, "GOGC=100", "GOMEMLIMIT=off")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			if strings.HasPrefix(string(out), "skip ") {
				t.Skip(string(out))
			}
			var peak, size int
			if _, err := fmt.Sscanf(string(out), "peak %d json %d", &peak, &size); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			// measured: 3.3–5.2×; holding the whole list as Go maps
			// gives 12.5–18×
			if ratio := float64(peak) / float64(size); ratio > 8 {
				t.Errorf("-o %s --query %q over %d bytes of JSON: resident memory grew by %.1f× that", format, query, size, ratio)
			}
		}
	}
}

// memoryKB returns the field of /proc/self/status, in kB.
func memoryKB(t *testing.T, field string) int {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(status)) {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("no %s in /proc/self/status", field)
	return 0
}

// TestQueryKeysOfOneObjectAreNotAnother: objects whose keys joined
// would read alike ({"a\x00b"} and {"a", "b"}) keep each their own.
func TestQueryKeysOfOneObjectAreNotAnother(t *testing.T) {
	t.Parallel()
	list := []map[string]map[string]int{{"p": {"a\x00b": 1}}, {"p": {"b": 2, "a": 3}}, {"p": {"a": 4, "b": 5}}}
	var b bytes.Buffer
	if err := render(&b, FormatJSON, "[].p", list, nil, tableStyle{}); err != nil {
		t.Fatal(err)
	}
	want := "[\n  {\n    \"a\\u0000b\": 1\n  },\n  {\n    \"a\": 3,\n    \"b\": 2\n  },\n  {\n    \"a\": 4,\n    \"b\": 5\n  }\n]\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// TestQueryDepthIsBounded holds a --query to maxQueryDepth levels before
// it runs: the print of its syntax tree, which perElement and hashOrders
// read, grows as its nodes times their depth (60,000 nots took 24 GB).
func TestQueryDepthIsBounded(t *testing.T) {
	conditions := make([]string, 60)
	fields := make([]string, 60)
	for i := range conditions {
		conditions[i] = fmt.Sprintf("name=='c%d'", i)
		fields[i] = fmt.Sprintf("f%d", i)
	}
	for _, q := range []string{
		"[?" + strings.Join(conditions, " || ") + "].{name: name, id: id}",
		strings.Join(fields, "."),
	} {
		if err := (Output{Format: FormatJSON, Query: q}).Validate(); err != nil {
			t.Errorf("Validate(%.40q…) = %v, want nil", q, err)
		}
	}
	for _, q := range []string{
		strings.Repeat("!", 5000) + "@",
		strings.Repeat("[", 100) + "@" + strings.Repeat("]", 100),
		strings.Repeat("a.", 100) + "b",
	} {
		err := Output{Format: FormatJSON, Query: q}.Validate()
		var ee *ExitError
		if !errors.As(err, &ee) || ee.Code != ExitUsage || !strings.Contains(err.Error(), "nests more than 64 levels") {
			t.Errorf("Validate(%.20q…) = %v, want a usage error that it nests too deep", q, err)
		}
		var out bytes.Buffer
		err = renderQuery(&out, FormatJSON, q, []map[string]string{{"name": "a"}}, tableStyle{})
		if !errors.As(err, &ee) || ee.Code != ExitUsage || out.Len() != 0 {
			t.Errorf("renderQuery(%.20q…) = %v, %d bytes written, want a usage error and nothing", q, err, out.Len())
		}
	}
}

// TestQueryGrowthIsBounded holds a --query to a result of at most
// maxQueryGrowth times its input by queryGrowth's bound, before it runs:
// a few bytes of JMESPath double a value, and 40 pipes of it asked for
// 2^40 times the output (fatal error: out of memory). Queries that pick,
// filter, sort and join stay within it.
func TestQueryGrowthIsBounded(t *testing.T) {
	fields := make([]string, 20)
	for i := range fields {
		fields[i] = fmt.Sprintf("f%d: subscription.f%d", i, i)
	}
	for _, q := range []string{
		"[].{" + strings.Join(fields, ", ") + "}",
		"[?contains(name, 'prod') || tenant.id=='00000000-0000-0000-0000-000000000000'].[name, subscription.id]",
		"sort_by(@, &name)[].name | join(', ', @)",
		"map(&{n: name, s: to_string(@)}, @)",
		"[@, @]",
		"{a: length(@), b: max_by(@, &name).name}",
		"[?name=='abcdefghijabcdefghijabcdefghijabcdefghij'] | [?tenant.id=='11111111-2222-3333-4444-555555555555'] | [?subscription.state=='Enabled']",
		"[?starts_with(name, 'prod-westeurope-')] | [?ends_with(tenant.id, '-555555555555')] | [?contains(name, 'a-long-enough-part')].name",
	} {
		if err := (Output{Format: FormatJSON, Query: q}).Validate(); err != nil {
			t.Errorf("Validate(%q) = %v, want nil", q, err)
		}
	}
	doubling := "@" + strings.Repeat(" | [@,@]", 40)
	for _, q := range []string{
		doubling + " | to_string(@)",
		doubling,
		"[[[[[[[[[@,@],[@,@]],[[@,@],[@,@]]]]]]]]]" + strings.Repeat(" | [@,@,@]", 4),
		"[].[`\"" + strings.Repeat("x", 1000) + "\"`]",
		"join(to_string(@), [].name)",
		"[].name | join('" + strings.Repeat("-", 300) + "', @)",
		"to_string([to_string([to_string([to_string([@])])])])",
		"[?" + strings.Repeat("[@,@] | ", 9) + "@ == @]",
		"length(to_string(" + doubling + "))",
		"[?contains(to_string(" + doubling + "), 'x')]",
		"[?(" + doubling + ") == `1`]",
	} {
		err := Output{Format: FormatJSON, Query: q}.Validate()
		var ee *ExitError
		if !errors.As(err, &ee) || ee.Code != ExitUsage || !strings.Contains(err.Error(), "times the size of the output") {
			t.Errorf("Validate(%.60q) = %v, want a usage error that its result could be too large", q, err)
			continue // running it would take what the limit keeps
		}
		var out bytes.Buffer
		err = renderQuery(&out, FormatJSON, q, []map[string]string{{"name": "a"}}, tableStyle{})
		if !errors.As(err, &ee) || ee.Code != ExitUsage || out.Len() != 0 {
			t.Errorf("renderQuery(%.60q) = %v, %d bytes written, want a usage error and nothing", q, err, out.Len())
		}
	}
}

// TestTheAverageOfNothingIsNull: avg of an empty array is null, as the
// JMESPath specification says, where
// go-jmespath's 0/0 failed the command with "json: unsupported value:
// NaN", wherever in the result it stood.
func TestTheAverageOfNothingIsNull(t *testing.T) {
	t.Parallel()
	list := []any{map[string]any{"name": "a", "n": []any{}}, map[string]any{"name": "b", "n": []any{1.0, 3.0}}}
	for _, c := range []struct{ query, want string }{
		{"avg(`[]`)", "null\n"},
		{"avg([?name == 'none'].n[])", "null\n"},
		{"[avg(`[]`), avg([].n[])]", "[\n  null,\n  2\n]\n"},
		{"{none: avg(`[]`)}", "{\n  \"none\": null\n}\n"},
		{"[].{name: name, avg: avg(n)}", "[\n  {\n    \"name\": \"a\",\n    \"avg\": null\n  },\n  {\n    \"name\": \"b\",\n    \"avg\": 2\n  }\n]\n"},
	} {
		var out bytes.Buffer
		if err := render(&out, FormatJSON, c.query, list, nil, tableStyle{}); err != nil {
			t.Errorf("--query %q: %v", c.query, err)
			continue
		}
		if out.String() != c.want {
			t.Errorf("--query %q: %q, want %q", c.query, out.String(), c.want)
		}
	}
}

// TestANumberJSONCannotHoldFailsTheQuery: a --query whose result holds
// +Inf or -Inf (sum of large numbers, to_number of "Infinity") fails, in
// every format, with a usage error that names the query and the number,
// writing nothing, where it failed with "encoding output: json: unsupported
// value: +Inf" (exit 1, and no word that a change was made); a NaN is null,
// as avg of an empty array is (to_number of "NaN": no number).
func TestANumberJSONCannotHoldFailsTheQuery(t *testing.T) {
	t.Parallel()
	list := []any{map[string]any{"name": "a", "n": []any{1e308, 1e308}}, map[string]any{"name": "b", "n": []any{-1e308, -1e308}}}
	for _, c := range []struct{ query, number string }{
		{"sum(`[1e308, 1e308]`)", "+Inf"},
		{"[].sum(n)", "+Inf"},
		{"[].{name: name, sum: sum(n)}", "+Inf"},
		{"[1].{s: sum(n)}", "-Inf"},
		{"to_number('-Infinity')", "-Inf"},
		{"[`1`, to_number('inf')]", "+Inf"},
	} {
		for _, format := range []string{FormatJSON, FormatYAML, FormatTSV, FormatTable} {
			var out bytes.Buffer
			err := render(&out, format, c.query, list, nil, tableStyle{})
			var ee *ExitError
			want := fmt.Sprintf("--query %s: its result holds %s, a number JSON has no form for", profile.QuoteShort(c.query), c.number)
			if !errors.As(err, &ee) || ee.Code != ExitUsage || err.Error() != want {
				t.Errorf("-o %s --query %q: %v, want a usage error %q", format, c.query, err, want)
			}
			if out.Len() > 0 {
				t.Errorf("-o %s --query %q: wrote %q", format, c.query, out.String())
			}
			after := AfterChange(err)
			if !errors.As(after, &ee) || ee.Code != ExitFailure || !strings.Contains(after.Error(), "the change was made") {
				t.Errorf("-o %s --query %q after a change: %v, want that the change was made", format, c.query, after)
			}
		}
	}
	for _, c := range []struct{ query, want string }{
		{"to_number('NaN')", "null\n"},
		{"[].{name: name, x: to_number('nan')}", "[\n  {\n    \"name\": \"a\",\n    \"x\": null\n  },\n  {\n    \"name\": \"b\",\n    \"x\": null\n  }\n]\n"},
	} {
		var out bytes.Buffer
		if err := render(&out, FormatJSON, c.query, list, nil, tableStyle{}); err != nil || out.String() != c.want {
			t.Errorf("--query %q: %q, %v, want %q", c.query, out.String(), err, c.want)
		}
	}
}

// TestANumberLiteralOutOfRangeIsNamed: a --query whose literal is a number
// no float64 holds (`1e400`) is refused before the command runs with an
// error that names the number and the range, where it said "json: cannot
// unmarshal number 1e400 into Go value of type float64".
func TestANumberLiteralOutOfRangeIsNamed(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ query, number string }{
		{"`1e400`", "1e400"},
		{"[?n > `-1e999`]", "-1e999"},
	} {
		err := Output{Format: FormatJSON, Query: c.query}.Validate()
		want := fmt.Sprintf("invalid --query %s: the number %s is beyond the largest a query holds (±1.7976931348623157e308)", profile.QuoteShort(c.query), c.number)
		var ee *ExitError
		if !errors.As(err, &ee) || ee.Code != ExitUsage || err.Error() != want {
			t.Errorf("Validate(%q) = %v, want a usage error %q", c.query, err, want)
		}
	}
}
