package profile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Decode parses a profile.json document with encoding/json and checks its
// invariants (the format version, context names valid and unique; see
// SameName). It accepts leading UTF-8 byte order marks: one or more, as
// every reader of profile.json takes off one before it skims the rest and
// decodes what it cannot skim here.
func Decode(data []byte) (*Profile, error) {
	for bytes.HasPrefix(data, utf8BOM) {
		data = data[len(utf8BOM):]
	}
	p := new(Profile)
	if err := Unmarshal(data, p); err != nil {
		if werr := WideText(data); werr != nil {
			// a file saved as UTF-16 or UTF-32, named so, as an
			// import of one is
			return nil, werr
		}
		return nil, newerOr(data, err)
	}
	// After Unmarshal, whose bound on the document's values bounds the
	// members this keeps.
	if err := checkKeysOnce(data); err != nil {
		return nil, newerOr(data, err)
	}
	if err := checkVersion(p.Version); err != nil {
		return nil, err
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// newerOr is err, why Decode refuses data (a member of another type, or a
// key given twice), unless data gives a format version above
// FormatVersion: that is a *NewerVersionError, as the version decides
// what the rest may hold, and a newer azc may have given a member another
// type. A document that is not JSON, or over Unmarshal's limits, keeps
// its error: it is no profile of any version.
func newerOr(data []byte, err error) error {
	var te *json.UnmarshalTypeError
	var dk *DuplicateKeyError
	if !errors.As(err, &te) && !errors.As(err, &dk) {
		return err
	}
	var v struct {
		Version int `json:"version"`
	}
	if json.Unmarshal(data, &v) == nil && v.Version > FormatVersion {
		return checkVersion(v.Version)
	}
	return err
}

// checkKeysOnce refuses data, a profile document, that gives a member of
// one of its objects twice (*DuplicateKeyError): the top-level object, a
// context, its tenant, subscription or properties, an account, an
// environment or the settings. Two spellings encoding/json reads into one
// field ("Contexts" and "contexts": SameName) are one key; properties, a
// map, are told apart by their exact names. encoding/json keeps the last
// and drops the other unread, which the next write would then lose for
// good. What is not as Unmarshal read it is left alone: Unmarshal refused
// it first.
func checkKeysOnce(data []byte) error {
	var inContext, inTop func(key []byte, i int) (int, error)
	object := func(i int) (int, error) { return checkObject(data, i, true, nil) }
	context := func(i int) (int, error) { return checkObject(data, i, true, inContext) }
	inContext = func(key []byte, i int) (int, error) {
		switch {
		case isKey(key, "tenant"), isKey(key, "subscription"):
			return checkObject(data, i, true, nil)
		case isKey(key, "properties"):
			return checkObject(data, i, false, nil)
		}
		return skipValue(data, i), nil
	}
	inTop = func(key []byte, i int) (int, error) {
		switch {
		case isKey(key, "contexts"):
			return checkArray(data, i, context)
		case isKey(key, "accounts"), isKey(key, "environments"):
			return checkArray(data, i, object)
		case isKey(key, "settings"):
			return checkObject(data, i, true, nil)
		}
		return skipValue(data, i), nil
	}
	_, err := checkObject(data, skipSpace(data, 0), true, inTop)
	return err
}

// isKey reports whether key, as a file spells it, is the key of the
// field name (ASCII, lower case) to encoding/json.
func isKey(key []byte, name string) bool { return bytes.EqualFold(key, []byte(name)) }

// checkObject checks the keys of the object at data[i] (checkKeysOnce),
// compared as encoding/json matches them to fields when fold (SameName),
// else as they are, and calls member (when not nil) with each key and
// where its value starts, for the index past the value; without member
// values are skipped. It returns the index past the object, or -1 when
// the object is not as Unmarshal read it. A member's *DuplicateKeyError
// is said to be within the key.
func checkObject(data []byte, i int, fold bool, member func(key []byte, i int) (int, error)) (int, error) {
	if i >= len(data) || data[i] != '{' {
		return skipValue(data, i), nil
	}
	same := bytes.Equal
	if fold {
		same = bytes.EqualFold
	}
	var few [16][]byte         // the keys so far, while few
	var many map[string][]byte // past a few: by NameKey, or the key itself
	n := 0
	for i = skipSpace(data, i+1); i < len(data) && data[i] == '"'; n++ {
		end := skipString(data, i)
		if end < 0 {
			return -1, nil
		}
		key := data[i+1 : end-1]
		// the key as encoding/json reads it: its escapes undone, and each
		// byte that is not UTF-8 read as U+FFFD
		if bytes.IndexByte(key, '\\') >= 0 || !utf8.Valid(key) {
			var k string
			if json.Unmarshal(data[i:end], &k) != nil {
				return -1, nil
			}
			key = []byte(k)
		}
		if n < len(few) {
			for _, o := range few[:n] {
				if same(o, key) {
					return -1, &DuplicateKeyError{First: string(o), Second: string(key)}
				}
			}
			few[n] = key
		} else {
			if many == nil {
				many = make(map[string][]byte, 2*len(few))
				for _, o := range few {
					many[mapKey(o, fold)] = o
				}
			}
			k := mapKey(key, fold)
			if o, ok := many[k]; ok {
				return -1, &DuplicateKeyError{First: string(o), Second: string(key)}
			}
			many[k] = key
		}
		if i = skipSpace(data, end); i >= len(data) || data[i] != ':' {
			return -1, nil
		}
		i = skipSpace(data, i+1)
		if member == nil {
			i = skipValue(data, i)
		} else {
			var err error
			if i, err = member(key, i); err != nil {
				return -1, within(err, NameKey(string(key)))
			}
		}
		if i < 0 {
			return -1, nil
		}
		if i = skipSpace(data, i); i < len(data) && data[i] == ',' {
			i = skipSpace(data, i+1)
		}
	}
	if i >= len(data) || data[i] != '}' {
		return -1, nil
	}
	return i + 1, nil
}

// mapKey is key as checkObject's map of many keys holds it: its NameKey
// when fold.
func mapKey(key []byte, fold bool) string {
	if fold {
		return NameKey(string(key))
	}
	return string(key)
}

// checkArray calls elem for each element of the array at data[i] (which
// returns the index past it), and returns the index past the array. A
// *DuplicateKeyError within an element is said to be within its index.
func checkArray(data []byte, i int, elem func(i int) (int, error)) (int, error) {
	if i >= len(data) || data[i] != '[' {
		return skipValue(data, i), nil
	}
	for n, j := 0, skipSpace(data, i+1); j < len(data); n++ {
		if data[j] == ']' {
			return j + 1, nil
		}
		var err error
		if j, err = elem(j); err != nil {
			return -1, within(err, "["+strconv.Itoa(n)+"]")
		}
		if j < 0 {
			return -1, nil
		}
		if j = skipSpace(data, j); j < len(data) && data[j] == ',' {
			j = skipSpace(data, j+1)
		}
	}
	return -1, nil
}

// within says that err, when a *DuplicateKeyError, is within part (a
// member's key, or an element's index in brackets).
func within(err error, part string) error {
	var dk *DuplicateKeyError
	if errors.As(err, &dk) {
		switch {
		case dk.In == "":
			dk.In = part
		case dk.In[0] == '[':
			dk.In = part + dk.In
		default:
			dk.In = part + "." + dk.In
		}
	}
	return err
}

// skipSpace returns the index of the first byte of data at i or after
// that is not JSON white space (skimmer.ws).
func skipSpace(data []byte, i int) int {
	k := skimmer[[]byte]{s: data, i: i}
	k.ws()
	return k.i
}

// Unmarshal is json.Unmarshal for the files azc reads (profile.json, an
// import, a session's records), with an error in JSON's words (a field's
// path, the JSON types found and wanted: "pid: found a string, want a
// number", not Go's type names) and short enough to show: encoding/json
// quotes a number of the wrong type whole, and a number in a file may be
// megabytes long. A document that is not JSON is refused with where
// (line and column) the fault is, wrapping the *json.SyntaxError.
//
// A document with more objects or values than a profile of 100,000
// contexts holds is refused before it is decoded (see maxObjects).
func Unmarshal(data []byte, v any) error {
	if err := CheckValues(data); err != nil {
		return err
	}
	err := json.Unmarshal(data, v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("%s: %w", where(data, se), err)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if head, cut := cutQuoted(te.Value); cut {
			te.Value = fmt.Sprintf("%s… (%d bytes)", head, len(te.Value))
		}
		return typeError{te}
	}
	return err
}

// where is the line and column (in characters, from 1) of se's fault in
// data, for a person fixing the file by hand: the byte before se.Offset,
// or the end of data when it ends early.
func where(data []byte, se *json.SyntaxError) string {
	at := min(max(int(se.Offset)-1, 0), len(data))
	if strings.HasPrefix(se.Error(), "unexpected end") {
		at = len(data)
	}
	line := 1 + bytes.Count(data[:at], []byte("\n"))
	col := 1 + utf8.RuneCount(data[bytes.LastIndexByte(data[:at], '\n')+1:at])
	return fmt.Sprintf("line %d, column %d", line, col)
}

// maxObjects and maxValues bound what Unmarshal decodes: MaxFileSize
// bounds a file's bytes, but encoding/json makes a Go value of hundreds
// of bytes of each three-byte `{},` (a Context, an Account, and the
// slice grown for them) and of some 100 bytes of each `"",`, so that 64
// MiB of them would take 10 GB and 40 s. A profile of 100,000 contexts with
// every field set holds about 400,000 objects and 1,800,000 values (a
// test holds the limits to that); at the limits one decoding takes about
// 2 s and 500 MB.
const (
	maxObjects = 500_000
	maxValues  = 4_000_000
)

// CheckValues refuses data, a JSON document, holding more than 500,000
// objects or 4,000,000 values (objects, arrays, strings, numbers,
// literals; not the keys of objects), as Unmarshal does before it decodes
// anything: a document within MaxFileSize that would take gigabytes to
// decode. Readers of other JSON a file brings (a credential blob, a token
// cache) call it before they decode.
func CheckValues(data []byte) error {
	objects, values := countValues(data)
	return valueCount{objects, values}.check()
}

// valueCount is how many objects and values a JSON document holds, as
// countValues counts them.
type valueCount struct{ objects, values int }

// check is CheckValues' answer for a document of c's objects and values.
func (c valueCount) check() error {
	switch {
	case c.objects > maxObjects:
		return errors.New("it holds more than 500,000 JSON objects, the most azc reads")
	case c.values > maxValues:
		return errors.New("it holds more than 4,000,000 JSON values, the most azc reads")
	}
	return nil
}

// add adds d to c.
func (c *valueCount) add(d valueCount) { c.objects += d.objects; c.values += d.values }

// countValues counts the objects and the values of data, a JSON document,
// stopping once either is over its limit: each value follows a '[', a ','
// within an array, or a ':', or is the document's own (an empty array
// counts one). Where data is not JSON the counts are rough; encoding/json
// then says what is wrong. Past encoding/json's greatest depth it stops:
// encoding/json refuses the document before it decodes anything.
func countValues(data []byte) (objects, values int) {
	const maxDepth = 10000 // encoding/json's
	var inArray []bool     // for each open object or array, whether an array
	values = 1
	for i := 0; i < len(data) && objects <= maxObjects && values <= maxValues; i++ {
		switch data[i] {
		case '"':
			// to the closing quote: the next one not escaped, that is
			// after an even number of backslashes
			for {
				j := bytes.IndexByte(data[i+1:], '"')
				if j < 0 {
					return objects, values
				}
				i += 1 + j
				n := 0
				for data[i-1-n] == '\\' {
					n++
				}
				if n%2 == 0 {
					break
				}
			}
		case '{':
			objects++
			inArray = append(inArray, false)
		case '[':
			values++
			inArray = append(inArray, true)
		case '}', ']':
			if len(inArray) > 0 {
				inArray = inArray[:len(inArray)-1]
			}
		case ',':
			if len(inArray) > 0 && inArray[len(inArray)-1] {
				values++
			}
		case ':':
			values++
		}
		if len(inArray) > maxDepth {
			break
		}
	}
	return objects, values
}

// typeError is a *json.UnmarshalTypeError said in JSON's words: the field's
// path in the file and the JSON types found and wanted, not Go's names.
type typeError struct{ *json.UnmarshalTypeError }

func (e typeError) Error() string {
	found, value, _ := strings.Cut(e.Value, " ") // "number 1e999" → "number"
	msg := fmt.Sprintf("found %s, want %s", article(found), article(jsonKind(e.Type)))
	if want := wholeNumbers(e.Type); found == "number" && want != "" {
		// "found a number, want a number" would say nothing
		msg = fmt.Sprintf("found %s, want %s", value, want)
	}
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	return msg
}

func (e typeError) Unwrap() error { return e.UnmarshalTypeError }

// jsonKind is the JSON type a value of Go type t is read from.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "string (base64)" // encoding/json's []byte
		}
		return "array"
	case reflect.Bool:
		return "bool"
	case reflect.Array:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	default:
		return "number"
	}
}

// wholeNumbers says which numbers a Go integer type t holds, or "" when
// t is no integer type.
func wholeNumbers(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return fmt.Sprintf("a whole number from %d to %d", int64(-1)<<(t.Bits()-1), int64(1)<<(t.Bits()-1)-1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return fmt.Sprintf("a whole number from 0 to %d", uint64(1)<<(t.Bits()-1)<<1-1)
	}
	return ""
}

func article(kind string) string {
	switch kind {
	case "array", "object":
		return "an " + kind
	case "bool":
		return "true or false"
	}
	return "a " + kind
}

// checkHeader checks what Decode checks of a profile's header: its
// format version, its custom environments' names and its accounts' keys.
func (p *Profile) checkHeader() error {
	if err := checkVersion(p.Version); err != nil {
		return err
	}
	if err := checkEnvironmentNames(p.Environments); err != nil {
		return err
	}
	return checkAccountKeys(p.Accounts)
}

// checkVersion refuses a format version this build cannot read.
func checkVersion(v int) error {
	if v > FormatVersion {
		return &NewerVersionError{Version: v, Max: FormatVersion}
	}
	if v < 1 {
		return fmt.Errorf("missing or invalid format version %d", v)
	}
	return nil
}

// Encode renders p as profile.json: what encoding/json writes for it
// (without HTML escapes), laid out with each member of the top-level
// object on a line of its own and each element of a top-level array
// (environments, accounts, contexts) on one compact line, so that grep and
// diff see one context a line; a final newline ends it. A profile Decode
// would refuse (a context name that is invalid or the same as another's)
// is refused with Decode's error: azc never writes a file it cannot read.
func Encode(p *Profile) ([]byte, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	head, _, _, err := encode(p, false, nil)
	if err != nil {
		return nil, err
	}
	return append(head, closing...), nil
}

// EncodeChange is Encode of p at the next generation, p being the profile
// old (Encode's bytes) holds after a change: it bumps p.Generation. When
// the result would be old with only the generation changed, it returns
// nil and leaves p.Generation: nothing to write. It is Store.Update's rule,
// no change, no write, for a profile kept elsewhere (a session's).
func EncodeChange(p *Profile, old []byte) ([]byte, error) {
	c, err := encodeChange(p, "", string(old))
	if err != nil || c == nil {
		return nil, err
	}
	return append(c.head, c.tail...), nil
}

// closing ends every profile.json Encode writes.
const closing = "\n}\n"

// content is a profile.json to write: head, raw, the n bytes of from at
// at, and tail, one after the other. raw, or from's bytes, when there are
// any, is the contexts array copied from the file being replaced: it is
// written from the text it was read into, or straight from that file,
// rather than copied into one buffer with the rest.
type content struct {
	head      []byte
	raw, tail string
	from      *os.File
	at, n     int64
	// copied is the objects and values within the contexts array that raw
	// or from holds (its View's elems).
	copied valueCount
	// lines, when the contexts were encoded into head, are where each
	// context's encoding is in head, for a later encoding to take
	// (lineSource).
	lines [][2]int
	// perm is the mode of the file made (WriteFileMode); 0 is 0600.
	perm fs.FileMode
	// create makes the file only where nothing is (WriteNewFile): it is
	// linked into place, never renamed over what is there.
	create bool
}

// size is the length of the file c makes.
func (c *content) size() int { return len(c.head) + len(c.raw) + int(c.n) + len(c.tail) }

// encode is Encode without its closing brace (the file is head, then
// raw, then closing): raw says that the contexts array (p.Contexts must
// then be nil) is copied from the file being replaced, after head's
// "contexts" key, so that a change to the header costs no encoding of the
// contexts. gen is where the generation's digits are in head, lines where
// each context's encoding is. A context equal to one of from (when not
// nil) takes that one's encoding instead of being encoded again.
//
// The header (p without its arrays) is encoded whole and laid out; the
// arrays, the last fields of Profile, are encoded an element at a time,
// each straight onto its line, so that a profile of 10,000 contexts is not
// scanned again to be laid out. FuzzCodec holds the result to what
// encoding/json writes for p.
func encode(p *Profile, raw bool, from *lineSource) (out []byte, gen [2]int, lines [][2]int, err error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	h := *p
	h.Environments, h.Accounts, h.Contexts = nil, nil, nil
	if err := enc.Encode(&h); err != nil {
		return nil, gen, nil, err
	}
	header := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if from != nil && from.room != nil {
		out, from.room = from.room, nil // the encoding's alone
	} else {
		out = make([]byte, 0, len(header)+64+len(p.Contexts)*512)
	}
	out = append(out, '{')
	for i, first := 1, true; i < len(header) && header[i] != '}'; first = false {
		if header[i] == ',' {
			i++
		}
		k := skipValue(header, i)
		v := skipValue(header, k+1)
		if !first {
			out = append(out, ',')
		}
		out = append(out, "\n  "...)
		out = append(out, header[i:k]...)
		out = append(out, ": "...)
		if string(header[i:k]) == `"generation"` {
			gen = [2]int{len(out), len(out) + v - (k + 1)}
		}
		out = append(out, header[k+1:v]...)
		i = v
	}
	if out, err = appendArray(out, "environments", p.Environments, enc, &buf, nil, nil); err != nil {
		return nil, gen, nil, err
	}
	if out, err = appendArray(out, "accounts", p.Accounts, enc, &buf, nil, nil); err != nil {
		return nil, gen, nil, err
	}
	if len(p.Contexts) > 0 {
		lines = make([][2]int, len(p.Contexts))
		var take func(i int) []byte
		if from != nil {
			take = func(i int) []byte { return from.take(&p.Contexts[i]) }
		}
		if out, err = appendArray(out, "contexts", p.Contexts, enc, &buf, lines, take); err != nil {
			return nil, gen, nil, err
		}
	}
	if raw {
		out = append(out, ",\n  \"contexts\": "...)
	}
	return out, gen, lines, nil
}

// lineSource is an encoding of contexts (a profile's, as encode wrote them
// into text at lines) that a later encoding takes the lines of equal
// contexts from: an Update that runs fn again under the lock, on a file
// another writer changed in a few contexts, encodes those few.
type lineSource struct {
	ctxs   []Context
	text   []byte
	lines  [][2]int
	byName map[string]int
	// room, once makeRoom made it, is where the later encoding goes.
	room []byte
}

// makeRoom makes room for the later encoding, as long as src's and some,
// and touches each of its pages: made before the writer has the lock, it
// spares the encoding under the lock a fresh page for each 4 KB it
// writes (a thousand at 10,000 contexts: 15–20 ms of CPU under
// profile.lock on a virtual machine where a page fault costs 12 µs).
func (src *lineSource) makeRoom() {
	if src == nil {
		return
	}
	room := make([]byte, len(src.text)+len(src.text)/8+4096)
	page := os.Getpagesize()
	for i := 0; i < len(room); i += page {
		room[i] = 1
	}
	src.room = room[:0]
}

// newLineSource is the lineSource of ctxs encoded in c (nil when c holds
// no encoding of them). It keeps a copy of ctxs as they are: an Update's
// fn may change on its second run what its first run's contexts hold (a
// map or a subscription of the caller's, given to a context on each run).
func newLineSource(ctxs []Context, c *content) *lineSource {
	if c == nil || len(c.lines) != len(ctxs) || len(ctxs) == 0 {
		return nil
	}
	src := &lineSource{ctxs: make([]Context, len(ctxs)), text: c.head, lines: c.lines, byName: make(map[string]int, len(ctxs))}
	for i := range ctxs {
		src.ctxs[i] = ctxs[i].clone()
		src.byName[ctxs[i].Name] = i
	}
	return src
}

// take returns the encoding of the context of src equal to c, or nil.
func (src *lineSource) take(c *Context) []byte {
	if src == nil {
		return nil
	}
	j, ok := src.byName[c.Name]
	if !ok || !c.equal(&src.ctxs[j]) {
		return nil
	}
	return src.text[src.lines[j][0]:src.lines[j][1]]
}

// appendArray appends the member key of a non-empty array (omitted when
// empty, as the field's omitempty says), one element a line, each encoded
// by enc into buf, or taken from take (when not nil) when it returns an
// encoding of the element. lines, when not nil, gets where each element's
// encoding is in out.
func appendArray[T any](out []byte, key string, elems []T, enc *json.Encoder, buf *bytes.Buffer, lines [][2]int, take func(i int) []byte) ([]byte, error) {
	if len(elems) == 0 {
		return out, nil
	}
	out = append(out, ",\n  \""...)
	out = append(out, key...)
	out = append(out, "\": ["...)
	for i := range elems {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, "\n    "...)
		start := len(out)
		var line []byte
		if take != nil {
			line = take(i)
		}
		if line == nil {
			buf.Reset()
			if err := enc.Encode(&elems[i]); err != nil {
				return nil, err
			}
			line = bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		}
		out = append(out, line...)
		if lines != nil {
			lines[i] = [2]int{start, len(out)}
		}
	}
	return append(out, "\n  ]"...), nil
}

// encodeChange encodes p with the next generation (raw as in encode), and
// bumps p.Generation; it returns nil and leaves p.Generation when the
// result would be old with only the generation changed, or, with no old
// file, an empty profile: nothing to write.
// A profile Encode refuses gives Encode's error.
func encodeChange(p *Profile, raw string, old string) (*content, error) {
	return encodeChangeFrom(p, raw, old, nil)
}

// encodeChangeFrom is encodeChange taking the encoding of every context
// equal to one of from (when not nil) from there.
func encodeChangeFrom(p *Profile, raw string, old string, from *lineSource) (*content, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	p.Version = FormatVersion
	p.Generation++
	head, gen, lines, err := encode(p, raw != "", from)
	if err != nil {
		p.Generation--
		return nil, err
	}
	c := &content{head: head, raw: raw, tail: closing, lines: lines}
	if old != "" && sameButGeneration(c, gen, old, p.Generation-1) || old == "" && raw == "" && isEmpty(p, head) {
		p.Generation--
		return nil, nil
	}
	return c, nil
}

// isEmpty reports whether head, p's encoding, is that of New() at p's
// generation: a profile that, where there is no file, is nothing to write.
func isEmpty(p *Profile, head []byte) bool {
	empty, _, _, err := encode(&Profile{Version: FormatVersion, Generation: p.Generation}, false, nil)
	return err == nil && bytes.Equal(empty, head)
}

// encodeHeaderChange is encodeChange for a file whose contexts array is
// copied from the file it replaces (the caller sets where from), whose
// header was old and whose text before that array is oldHead: nil when
// the header is the same but for the generation.
func encodeHeaderChange(p *Profile, old *Profile, oldHead string) (*content, error) {
	p.Version = FormatVersion
	p.Generation++
	head, gen, ok := spliceHeader(p, old, oldHead)
	if !ok {
		var err error
		if head, gen, _, err = encode(p, true, nil); err != nil {
			p.Generation--
			return nil, err
		}
	}
	if sameButGeneration(&content{head: head}, gen, oldHead, p.Generation-1) {
		p.Generation--
		return nil, nil
	}
	return &content{head: head, tail: closing}, nil
}

// spliceHeader is encode(p, true) for a header p that differs from old,
// laid out in oldHead (Encode's layout), only in its version, generation,
// default and previous context: it lays out those four itself, with the
// rest of oldHead after them, from "settings" on. ok is false, and the
// caller encodes p, when oldHead does not begin as Encode lays old out, its
// rest holds another member than those Encode writes there (one of the
// four again, in any case, would win over the new value), or a string is
// not one encoding/json writes as it is.
func spliceHeader(p, old *Profile, oldHead string) (out []byte, gen [2]int, ok bool) {
	const rest = ",\n  \"settings\": "
	i := strings.Index(oldHead, rest)
	if i < 0 || !plainJSON(p.DefaultContext) || !plainJSON(p.PreviousContext) ||
		!plainJSON(old.DefaultContext) || !plainJSON(old.PreviousContext) || !encodedRest(oldHead[i:]) {
		return nil, gen, false
	}
	if prefix, _ := headerPrefix(nil, old); string(prefix) != oldHead[:i] {
		return nil, gen, false
	}
	out, gen = headerPrefix(make([]byte, 0, 256+len(oldHead)-i), p)
	return append(out, oldHead[i:]...), gen, true
}

// encodedRest reports whether rest, the header's text from the comma
// before "settings" to the "contexts" key and its colon, holds only the
// members Encode writes there, each once: settings, environments and
// accounts.
func encodedRest(rest string) bool {
	k := &skimmer[string]{s: rest}
	var seen [3]bool
	for {
		var key rng
		if !k.byte(',') {
			return false
		}
		if k.ws(); !k.quoted(&key) || !k.byte(':') {
			return false
		}
		k.ws()
		name := rest[key.start:key.end]
		if name == "contexts" {
			return k.i == len(rest)
		}
		n := slices.Index([]string{"settings", "environments", "accounts"}, name)
		if n < 0 || seen[n] {
			return false
		}
		seen[n] = true
		if k.i = skipValue(rest, k.i); k.i < 0 {
			return false
		}
	}
}

// headerPrefix appends the start of p's header as encode lays it out, up
// to "settings", and returns where the generation's digits are.
func headerPrefix(out []byte, p *Profile) ([]byte, [2]int) {
	out = append(out, "{\n  \"version\": "...)
	out = strconv.AppendInt(out, int64(p.Version), 10)
	out = append(out, ",\n  \"generation\": "...)
	gen := [2]int{len(out), 0}
	out = strconv.AppendUint(out, p.Generation, 10)
	gen[1] = len(out)
	for _, m := range [...][2]string{{"defaultContext", p.DefaultContext}, {"previousContext", p.PreviousContext}} {
		if m[1] != "" {
			out = append(out, ",\n  \""...)
			out = append(out, m[0]...)
			out = append(out, "\": \""...)
			out = append(out, m[1]...)
			out = append(out, '"')
		}
	}
	return out, gen
}

// plainJSON reports whether encoding/json (without HTML escaping) writes
// s as it is, between quotes.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' {
			return false
		}
	}
	return utf8.ValidString(s) && !strings.ContainsRune(s, '\u2028') && !strings.ContainsRune(s, '\u2029')
}

// sameButGeneration reports whether old is c with the generation digits
// (at gen in c.head) replaced by prev's.
func sameButGeneration(c *content, gen [2]int, old string, prev uint64) bool {
	digits := strconv.AppendUint(nil, prev, 10)
	if len(old) != c.size()-(gen[1]-gen[0])+len(digits) {
		return false
	}
	for _, piece := range [][]byte{c.head[:gen[0]], digits, c.head[gen[1]:]} {
		if old[:len(piece)] != string(piece) {
			return false
		}
		old = old[len(piece):]
	}
	return old[:len(c.raw)] == c.raw && old[len(c.raw):] == c.tail
}

// skipValue returns the index just past the JSON value that starts at s[i]
// (no space before it), or -1 when none ends there. It checks only what it
// needs to find the end: strings, brackets and braces; the caller has
// encoding/json check the rest.
func skipValue[T ~string | ~[]byte](s T, i int) int {
	if i >= len(s) {
		return -1
	}
	switch s[i] {
	case '"':
		return skipString(s, i)
	case '{', '[':
		depth := 0
		for i < len(s) {
			switch s[i] {
			case '"':
				if i = skipString(s, i); i < 0 {
					return -1
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return -1
	}
	j := i
	for j < len(s) && !isDelim(s[j]) {
		j++
	}
	if j == i {
		return -1
	}
	return j
}

// skipString returns the index just past the JSON string that starts at
// s[i], or -1.
func skipString[T ~string | ~[]byte](s T, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

func isDelim(c byte) bool {
	switch c {
	case ',', '}', ']', ':', ' ', '\t', '\n', '\r', '"', '{', '[':
		return true
	}
	return false
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}
