package profile

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"
)

// View is a read-only profile that decodes its contexts only when asked:
// opening one decodes the header (version, generation, default and previous
// context, settings, environments, accounts) and skims the contexts array,
// noting where each context, its name and the fields `azc context list`
// shows are. Commands that touch one context (show, use) decode one.
//
// The skim reads only the layout Encode writes; on anything else (an
// escape in a string, a key in another order or case, a field it does not
// know) the View decodes the whole file with Decode instead. A View thus
// accepts exactly the files Decode accepts, with the same errors, and its
// answers are those of the Profile Decode returns (FuzzView holds it to
// that). Everything it returns is the caller's. It is safe for concurrent
// use.
type View struct {
	// text is the file without its byte order mark, when skimmed; in a
	// View of Store.ViewKeeping, only what it kept.
	text   string
	header *Profile     // Contexts nil
	spans  []span       // the skimmed contexts
	cols   []columnSpan // their columns, when the whole file was skimmed or ViewColumns kept them
	names  *nameTable   // the skimmed contexts' names, for NameIndex
	raw    rng          // the contexts array, when skimmed and not empty
	count  valueCount   // the skimmed file's objects and values
	elems  valueCount   // of those, the ones within the contexts array

	// reread, in a View of Store.ViewKeeping, reads the file again for
	// what the View did not keep: the contexts not kept (their elem is
	// empty) and their columns, and the whole profile.
	reread func() (string, error)

	// decode, in a View of Store.View, decodes the View for Profile
	// through the Store, which keeps the decoding for its next Update.
	decode func(*View) (*Profile, error)

	// full is the whole profile: decoded at once when the file is outside
	// the layout the skim reads, else on the first call of Profile.
	once sync.Once
	full *Profile
	err  error
}

// rng is a range of View.text.
type rng struct{ start, end uint32 }

// span locates one skimmed context: the whole element (empty when a View
// of Store.ViewKeeping did not keep it) and its name (between the quotes).
type span struct{ elem, name rng }

// columnSpan locates the values of a skimmed context's other Columns,
// noted as the skim reads it, so that `azc context list` reads each
// context once. A View of Store.ViewKeeping, which keeps no columns, has
// none: they would take a page of memory every hundred contexts, and a
// short process pays for each page it touches.
type columnSpan struct{ account, tenantID, tenantDomain, subID, subName rng }

// newView reads the text of a profile.json document as Decode does,
// decoding only its header.
func newView(text string) (*View, error) {
	text = strings.TrimPrefix(text, string(utf8BOM))
	if v := skim(text); v != nil {
		return v, nil
	}
	p, err := Decode([]byte(text))
	if err != nil {
		return nil, err
	}
	return fullView(p), nil
}

// fullView is a View over a decoded profile.
func fullView(p *Profile) *View {
	h := *p
	h.Contexts = nil
	v := &View{header: &h, full: p}
	v.once.Do(func() {})
	return v
}

// Header returns the profile without its contexts (Contexts is nil).
func (v *View) Header() *Profile { return v.header.Clone() }

// Len returns the number of contexts.
func (v *View) Len() int {
	if v.text == "" {
		return len(v.full.Contexts)
	}
	return len(v.spans)
}

// Context decodes and returns context i, 0 ≤ i < Len(). The result is the
// caller's.
func (v *View) Context(i int) (*Context, error) {
	if v.text == "" || v.spans[i].elem == (rng{}) {
		p, err := v.decoded()
		if err != nil {
			return nil, err
		}
		c := p.Contexts[i].clone()
		return &c, nil
	}
	return contextOf(v.at(v.spans[i].elem)), nil
}

// Profile returns the whole profile, decoded on the first call (of Profile
// or of any method that needs it); each call returns a copy of its own.
func (v *View) Profile() (*Profile, error) {
	p, err := v.decoded()
	if err != nil {
		return nil, err
	}
	return p.Clone(), nil
}

// decoded returns the whole profile, decoding it once. It is the View's:
// its methods read it, and give copies of what they take from it.
func (v *View) decoded() (*Profile, error) {
	v.once.Do(func() {
		switch {
		case v.reread != nil:
			var text string
			if text, v.err = v.reread(); v.err == nil {
				v.full, v.err = decodeText(text)
			}
		case v.decode != nil:
			v.full, v.err = v.decode(v)
		default:
			v.full, v.err = v.decodeText()
		}
	})
	return v.full, v.err
}

// decodeText returns Decode's profile of v's text, a whole file skimmed:
// made of the skimmed header and contexts, without encoding/json, when
// the View has contexts; else Decode's. (Decode tells an empty contexts
// array from none, which the skim does not note.)
func (v *View) decodeText() (*Profile, error) {
	if len(v.spans) == 0 {
		return Decode([]byte(v.text))
	}
	p := *v.header
	p.Contexts = make([]Context, len(v.spans))
	for i, sp := range v.spans {
		decodeElement(v.at(sp.elem), &p.Contexts[i])
	}
	return &p, nil
}

// decodeText is Decode for the text of profile.json, through its View
// when the skim reads it.
func decodeText(text string) (*Profile, error) {
	if v := skim(strings.TrimPrefix(text, string(utf8BOM))); v != nil {
		return v.decodeText()
	}
	return Decode([]byte(text))
}

// Index returns the position of the context that Profile.Find(ref) returns,
// or Find's error. An exact name (see SameName) decodes no context; any
// other reference decodes the whole profile.
func (v *View) Index(ref string) (int, error) {
	given := ref
	if ref = TrimRef(ref); ref == "" {
		return -1, &NotFoundError{Kind: "context", Ref: given} // as given: white space alone
	}
	if i := v.NameIndex(ref); i >= 0 {
		return i, nil
	}
	p, err := v.decoded()
	if err != nil {
		return -1, err
	}
	c, err := p.Find(ref)
	if err != nil {
		return -1, err
	}
	for i := range p.Contexts {
		if &p.Contexts[i] == c {
			return i, nil
		}
	}
	panic("profile: Find returned a context outside the profile")
}

// Find is Profile.Find: the context ref names (see Index), as a copy.
func (v *View) Find(ref string) (*Context, error) {
	i, err := v.Index(ref)
	if err != nil {
		return nil, err
	}
	return v.Context(i)
}

// DefaultIndex returns the position of the context Profile.Default
// returns, or its error.
func (v *View) DefaultIndex() (int, error) {
	name := v.header.DefaultContext
	if name == "" {
		return -1, ErrNoDefault
	}
	i := v.NameIndex(name)
	if i < 0 {
		return -1, &NotFoundError{Kind: "context", Ref: name}
	}
	return i, nil
}

// Default is Profile.Default, as a copy.
func (v *View) Default() (*Context, error) {
	i, err := v.DefaultIndex()
	if err != nil {
		return nil, err
	}
	return v.Context(i)
}

// PreviousIndex returns the position of the previous context, the one
// `azc use -` returns to in the user scope: the context of the name the
// header's PreviousContext holds (SameName), and no other, as
// Profile.SetDefault("-") takes it. It is ErrNoPrevious when there is
// none, and an error wrapping it when the name is no context's. It
// decodes no context.
func (v *View) PreviousIndex() (int, error) {
	prev := v.header.PreviousContext
	if prev == "" {
		return -1, ErrNoPrevious
	}
	i := v.NameIndex(prev)
	if i < 0 {
		return -1, previousRemoved(prev)
	}
	return i, nil
}

// NameIndex returns the position of the context called name (SameName),
// or -1. It decodes no context.
func (v *View) NameIndex(name string) int {
	if v.text == "" {
		return v.full.index(name)
	}
	return v.names.find(name)
}

// Columns is what `azc context list` shows of a context.
type Columns struct {
	Name, Account                    string
	TenantID, TenantDomain           string
	SubscriptionID, SubscriptionName string
}

// ColumnsAt sets *c to context i's Columns, decoding nothing. The strings
// are the caller's. In a View of Store.ViewKeeping, which did not keep
// them (Store.ViewColumns does), it decodes the file read again; when
// that fails (see ViewKeeping) it sets only the Name.
func (v *View) ColumnsAt(i int, c *Columns) {
	if v.reread != nil && v.cols == nil {
		p, err := v.decoded()
		if err != nil {
			*c = Columns{Name: v.at(v.spans[i].name)}
			return
		}
		*c = columnsOf(&p.Contexts[i])
		return
	}
	if v.text == "" {
		*c = columnsOf(&v.full.Contexts[i])
		return
	}
	sp := &v.cols[i]
	*c = Columns{
		Name:             v.at(v.spans[i].name),
		Account:          v.at(sp.account),
		TenantID:         v.at(sp.tenantID),
		TenantDomain:     v.at(sp.tenantDomain),
		SubscriptionID:   v.at(sp.subID),
		SubscriptionName: v.at(sp.subName),
	}
}

// columnsOf returns ctx's Columns.
func columnsOf(ctx *Context) Columns {
	c := Columns{Name: ctx.Name, Account: ctx.Account, TenantID: ctx.Tenant.ID, TenantDomain: ctx.Tenant.DefaultDomain}
	if sub := ctx.Subscription; sub != nil {
		c.SubscriptionID, c.SubscriptionName = sub.ID, sub.Name
	}
	return c
}

// at returns the text r covers. The skim vouched for the values it noted:
// strings without escapes, valid UTF-8, so the text is what Decode gives.
func (v *View) at(r rng) string { return v.text[r.start:r.end] }

// setDefault is Store.SetDefault's change to the file old that v views:
// the new contents (nil when nothing changes) and the context made the
// default.
func (v *View) setDefault(ref, old string) (*content, Context, error) {
	if v.text == "" || len(v.spans) == 0 {
		// Not skimmed, or nothing to skim: the ordinary way, on a profile
		// of its own (v is only read).
		p, err := Decode([]byte(old))
		if err != nil {
			return nil, Context{}, err
		}
		c, err := p.SetDefault(ref)
		if err != nil {
			return nil, Context{}, err
		}
		out, err := encodeChange(p, "", old)
		return out, c, err
	}
	h := *v.header
	if ref == "-" {
		if _, err := v.PreviousIndex(); err != nil {
			return nil, Context{}, err
		}
		ref = h.PreviousContext
	}
	c, err := v.Find(ref)
	if err != nil {
		return nil, Context{}, err
	}
	h.setDefault(c.Name)
	out, err := encodeChange(&h, v.at(v.raw), old)
	if out != nil {
		out.copied = v.elems
	}
	return out, *c, err
}

// skim reads text, a profile.json document without a byte order mark, in
// the layout Encode writes: nil when it is in another, or is not a
// profile Decode accepts. The header's members are decoded by
// Profile.headerMember, or, when one is not as Encode writes it, by
// encoding/json; the contexts array is read by skimmer.element.
func skim(text string) *View {
	if len(text) > MaxFileSize {
		return nil
	}
	k := &skimmer[string]{s: text}
	v := &View{text: text}
	headerFields := reflect.TypeFor[Profile]().NumField() - 1 // but Contexts
	header := make([]byte, 0, 1024)
	header = append(header, '{')
	h, plain := new(Profile), true // plain: h holds the header (see headerMember)
	var members [][2]string        // the header's members' names and values
	var count valueCount           // the contexts', then the file's
	sawContexts := false
	if !k.byte('{') {
		return nil
	}
	for empty := k.byte('}'); !empty; {
		k.ws()
		keyStart := k.i
		var key rng
		// an ASCII key encoding/json matches to a field as strings.EqualFold does
		if !k.quoted(&key) || !isASCII(v.at(key)) || !k.byte(':') {
			return nil
		}
		name := v.at(key)
		k.ws()
		switch {
		case name == "contexts":
			if sawContexts || !skimContexts(k, v, &count) {
				return nil
			}
			sawContexts, v.elems = true, count
			count.values++ // the array, or null
		case strings.EqualFold(name, "contexts"):
			// encoding/json would decode it into Contexts.
			return nil
		default:
			// More members than Profile has fields for them: one is
			// unknown or given twice, which Decode reads (its check of
			// the keys is linear; the one below compares each with
			// every other).
			end := skipValue(text, k.i)
			if end < 0 || len(members) == headerFields {
				return nil
			}
			if len(header) > 1 {
				header = append(header, ',')
			}
			header = append(header, text[keyStart:k.i]...)
			header = append(header, text[k.i:end]...)
			members = append(members, [2]string{name, text[k.i:end]})
			k.i = end
		}
		if k.byte('}') {
			break
		}
		if !k.byte(',') {
			return nil
		}
	}
	if k.ws(); k.i != len(text) {
		return nil
	}
	// Decode's limits first: a file of more objects or values than it
	// reads is refused by Decode, not decoded here.
	objects, values := countValues(header)
	count.add(valueCount{objects, values})
	if count.check() != nil {
		return nil
	}
	for i, m := range members {
		for _, o := range members[:i] {
			if o[0] == m[0] {
				return nil // a member twice: Decode refuses it
			}
		}
		plain = plain && h.headerMember(m[0], m[1])
	}
	// Members headerMember reads have keys of one spelling, in an order,
	// each once, as have the objects in them; a header it does not read
	// may give a key twice in other spellings encoding/json reads into one
	// field, or within an account, an environment or the settings: Decode
	// refuses it.
	if !plain {
		if checkKeysOnce(append(header, '}')) != nil {
			return nil
		}
		h = new(Profile)
		if err := json.Unmarshal(append(header, '}'), h); err != nil || h.Contexts != nil {
			return nil
		}
	}
	if h.checkHeader() != nil {
		return nil
	}
	names, err := checkNames(len(v.spans), func(i int) string { return v.at(v.spans[i].name) })
	if err != nil {
		return nil
	}
	v.header, v.names, v.count = h, names, count
	return v
}

// skimmer reads s from i: the text of a whole file (a string), or a line
// of one ([]byte, Store.ViewKeeping).
type skimmer[T ~string | ~[]byte] struct {
	s T
	i int
}

// ws skips JSON white space.
func (k *skimmer[T]) ws() {
	for k.i < len(k.s) {
		switch k.s[k.i] {
		case ' ', '\n', '\t', '\r':
			k.i++
		default:
			return
		}
	}
}

// byte reads c, after white space.
func (k *skimmer[T]) byte(c byte) bool {
	k.ws()
	if k.i < len(k.s) && k.s[k.i] == c {
		k.i++
		return true
	}
	return false
}

// expect reads lit, with no white space before it.
func (k *skimmer[T]) expect(lit string) bool {
	if len(k.s)-k.i >= len(lit) && string(k.s[k.i:k.i+len(lit)]) == lit {
		k.i += len(lit)
		return true
	}
	return false
}

// quoted reads a string without escapes or control characters, in valid
// UTF-8, noting where its bytes are in *r when r is not nil.
func (k *skimmer[T]) quoted(r *rng) bool {
	s := k.s
	if k.i >= len(s) || s[k.i] != '"' {
		return false
	}
	start := k.i + 1
	// One pass over printable ASCII, the bytes of nearly every string; any
	// other byte ends it.
	j := start
	for j < len(s) && plain[s[j]] {
		j++
	}
	if j < len(s) && s[j] >= utf8.RuneSelf {
		// UTF-8: the rest up to the closing quote, checked whole.
		end := j
		for end < len(s) && s[end] != '"' {
			if c := s[end]; c < 0x20 || c == '\\' {
				return false
			}
			end++
		}
		if end == len(s) || !validUTF8(s[j:end]) {
			return false
		}
		j = end
	}
	if j == len(s) || s[j] != '"' {
		return false // an escape, a control character or no end
	}
	if r != nil {
		*r = rng{uint32(start), uint32(j)}
	}
	k.i = j + 1
	return true
}

// validUTF8 is utf8.Valid for either kind of text.
func validUTF8[T ~string | ~[]byte](b T) bool {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		var p [utf8.UTFMax]byte
		n := copy(p[:], b[i:min(i+utf8.UTFMax, len(b))])
		r, size := utf8.DecodeRune(p[:n])
		if r == utf8.RuneError && size == 1 {
			return false
		}
		i += size
	}
	return true
}

// plain is true for the bytes quoted reads in its fast pass: printable
// ASCII and DEL, but for '"' and '\\'.
var plain = [256]bool{
	' ': true, '!': true, '#': true, '$': true, '%': true, '&': true, '\'': true, '(': true,
	')': true, '*': true, '+': true, ',': true, '-': true, '.': true, '/': true,
	'0': true, '1': true, '2': true, '3': true, '4': true, '5': true, '6': true, '7': true,
	'8': true, '9': true, ':': true, ';': true, '<': true, '=': true, '>': true, '?': true,
	'@': true, 'A': true, 'B': true, 'C': true, 'D': true, 'E': true, 'F': true, 'G': true,
	'H': true, 'I': true, 'J': true, 'K': true, 'L': true, 'M': true, 'N': true, 'O': true,
	'P': true, 'Q': true, 'R': true, 'S': true, 'T': true, 'U': true, 'V': true, 'W': true,
	'X': true, 'Y': true, 'Z': true, '[': true, ']': true, '^': true, '_': true,
	'`': true, 'a': true, 'b': true, 'c': true, 'd': true, 'e': true, 'f': true, 'g': true,
	'h': true, 'i': true, 'j': true, 'k': true, 'l': true, 'm': true, 'n': true, 'o': true,
	'p': true, 'q': true, 'r': true, 's': true, 't': true, 'u': true, 'v': true, 'w': true,
	'x': true, 'y': true, 'z': true, '{': true, '|': true, '}': true, '~': true, 0x7f: true,
}

// skimContexts reads the contexts member's value: null, or an array of
// elements in Encode's layout.
func skimContexts(k *skimmer[string], v *View, c *valueCount) bool {
	if k.expect("null") {
		return true
	}
	start := k.i
	if !k.byte('[') {
		return false
	}
	if k.byte(']') {
		c.values++ // as countValues counts an empty array
		return true
	}
	// Encode writes a context a line: the lines left bound the count, so
	// that the spans are neither copied as they grow nor made too many.
	n := min(strings.Count(k.s[k.i:], "\n")+1, 1<<16)
	v.spans, v.cols = make([]span, 0, n), make([]columnSpan, 0, n)
	var f fields
	for {
		k.ws()
		start := k.i
		if !k.element(&f) {
			return false
		}
		v.spans = append(v.spans, span{elem: rng{uint32(start), uint32(k.i)}, name: f.name})
		v.cols = append(v.cols, f.columns())
		c.add(f.count())
		c.values++ // the element
		if k.byte(']') {
			break
		}
		if !k.byte(',') {
			return false
		}
	}
	v.raw = rng{uint32(start), uint32(k.i)}
	return true
}

// stringMap reads the rest of an object of strings after its '{', each
// key once, counting its members in *count.
func (k *skimmer[T]) stringMap(count *int) bool {
	if k.expect(`}`) {
		return true
	}
	var few [8]rng           // the keys so far, while few
	var many map[string]bool // past a few
	for n := 0; ; n++ {
		var key rng
		if !k.quoted(&key) || !k.expect(`:`) || !k.quoted(nil) {
			return false
		}
		*count++
		// a key twice is not as encoding/json reads it (Decode refuses it)
		name := k.s[key.start:key.end]
		switch {
		case n < len(few):
			for _, o := range few[:n] {
				if string(k.s[o.start:o.end]) == string(name) {
					return false
				}
			}
			few[n] = key
		default:
			if many == nil {
				many = make(map[string]bool, 2*len(few))
				for _, o := range few {
					many[string(k.s[o.start:o.end])] = true
				}
			}
			if many[string(name)] {
				return false
			}
			many[string(name)] = true
		}
		if k.expect(`}`) {
			return true
		}
		if !k.expect(`,`) {
			return false
		}
	}
}
