package profile

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// View is a read-only profile that decodes its contexts only when asked:
// opening one decodes the header (version, generation, default and previous
// context, settings, environments, accounts) and skims the contexts array,
// noting where each context and its name are. Commands that touch one
// context (show, use) decode one; DESIGN section 8 keeps full decoding off
// their path.
//
// A View accepts exactly the files Decode accepts, with the same errors,
// and its answers are those of the Profile Decode returns. It is safe for
// concurrent use.
type View struct {
	header *Profile // Contexts nil
	src    *source  // nil when everything is in full
	spans  []span
	cols   []columns // with spans, when the skim noted them (ListView)
	// array says the file's contexts is an array, not null or absent.
	array bool

	// full is the whole profile: decoded at once when the file is outside
	// the shape the skim reads, else on the first call of Profile.
	once sync.Once
	full *Profile
	err  error
}

// NewView reads a profile.json document as Decode does, decoding only its
// header. The View keeps data; the caller must not change it.
func NewView(data []byte) (*View, error) {
	return newView(&source{data: data}, false)
}

// newView skims src; with columns, it also notes each context's listed
// fields (ColumnsAt).
func newView(src *source, columns bool) (*View, error) {
	v := &View{}
	err := src.do(func() error {
		data := bytes.TrimPrefix(src.data, utf8BOM)
		if len(data) >= math.MaxUint32 {
			return errSlowPath
		}
		d := &decoder{data: data, skim: true, columns: columns}
		h := new(Profile)
		if err := d.profile(h); err != nil {
			return err
		}
		if d.ws(); d.i != len(d.data) {
			return errSlowPath
		}
		if err := checkVersion(h.Version); err != nil {
			return err
		}
		if err := checkNames(data, d.spans); err != nil {
			return err
		}
		src.data = data
		v.header, v.spans, v.cols, v.array = h, d.spans, d.cols, d.skimmedArray
		return nil
	})
	if err == errSlowPath {
		p, err := src.decode()
		src.close()
		if err != nil {
			return nil, err
		}
		return fullView(p), nil
	}
	if err != nil {
		src.close()
		return nil, err
	}
	v.src = src
	return v, nil
}

// fullView is a View over a decoded profile.
func fullView(p *Profile) *View {
	h := *p
	h.Contexts = nil
	v := &View{header: &h, full: p}
	v.once.Do(func() {})
	return v
}

// Header returns the profile without its contexts (Contexts is nil). It is
// shared: the caller must not change it.
func (v *View) Header() *Profile { return v.header }

// Len returns the number of contexts.
func (v *View) Len() int {
	if v.src == nil {
		return len(v.full.Contexts)
	}
	return len(v.spans)
}

// Context decodes and returns context i, 0 ≤ i < Len(). The result is the
// caller's. It fails only when the file changed in place under the View
// (see Store.View).
func (v *View) Context(i int) (*Context, error) {
	if v.src == nil {
		c := v.full.Contexts[i].clone()
		return &c, nil
	}
	c := new(Context)
	err := v.src.do(func() error {
		d := &decoder{data: v.src.data, i: int(v.spans[i].start)}
		return changedIfSlow(d.context(c))
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Profile returns the whole profile, decoding every context once on the
// first call. Later calls return the same *Profile, which the caller may
// change only if it is the View's sole user.
func (v *View) Profile() (*Profile, error) {
	v.once.Do(func() {
		p := *v.header
		if v.array {
			p.Contexts = make([]Context, len(v.spans))
		}
		err := v.src.do(func() error {
			d := &decoder{data: v.src.data, intern: make(map[string]string)}
			for i := range v.spans {
				d.i = int(v.spans[i].start)
				if err := d.context(&p.Contexts[i]); err != nil {
					return changedIfSlow(err)
				}
			}
			return nil
		})
		if err != nil {
			v.err = err
			return
		}
		v.full = &p
	})
	return v.full, v.err
}

// Index returns the position of the context that Profile.Find(ref) returns,
// or Find's error. An exact name (ignoring case) decodes no context; any
// other reference decodes the whole profile.
func (v *View) Index(ref string) (int, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return -1, &NotFoundError{Kind: "context", Ref: ref}
	}
	i, err := v.nameIndex(ref)
	if err != nil || i >= 0 {
		return i, err
	}
	p, err := v.Profile()
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
	i, err := v.nameIndex(name)
	if err != nil {
		return -1, err
	}
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

// NameIndex returns the position of the first context called name,
// ignoring case (Profile.Context's), or -1. It decodes no context.
func (v *View) NameIndex(name string) (int, error) {
	return v.nameIndex(name)
}

// nameIndex is Profile.index: the first context called name, ignoring
// case, or -1.
func (v *View) nameIndex(name string) (int, error) {
	if v.src == nil {
		return v.full.index(name), nil
	}
	found := -1
	err := v.src.do(func() error {
		ref := []byte(name)
		for i := range v.spans {
			if bytes.EqualFold(v.name(i), ref) {
				found = i
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return -1, err
	}
	return found, nil
}

// Columns is what `azc context list` shows of a context.
type Columns struct {
	Name, Account                    string
	TenantID, TenantDomain           string
	SubscriptionID, SubscriptionName string
}

// Do runs fn, in which ColumnsAt may be called and the strings it gives
// used: on a View of a mapped file they are the file's own bytes, and a
// fault (the file truncated in place under it) becomes Do's error.
func (v *View) Do(fn func() error) error {
	if v.src == nil {
		return fn()
	}
	if v.cols == nil {
		// not from ListView: ColumnsAt reads the decoded contexts
		if _, err := v.Profile(); err != nil {
			return err
		}
	}
	return v.src.do(fn)
}

// ColumnsAt sets *c to context i's Columns, decoding nothing on a View
// from Store.ListView (Do decodes any other View's contexts first, and
// fails if it cannot). Call it only inside Do; the strings are valid only
// there.
func (v *View) ColumnsAt(i int, c *Columns) {
	if v.src == nil || v.cols == nil {
		var ctx *Context
		if v.src == nil {
			ctx = &v.full.Contexts[i]
		} else {
			p, _ := v.Profile() // Do decoded it, or failed
			ctx = &p.Contexts[i]
		}
		*c = Columns{Name: ctx.Name, Account: ctx.Account, TenantID: ctx.Tenant.ID, TenantDomain: ctx.Tenant.DefaultDomain}
		if sub := ctx.Subscription; sub != nil {
			c.SubscriptionID, c.SubscriptionName = sub.ID, sub.Name
		}
		return
	}
	sp, col := v.spans[i], &v.cols[i]
	data := v.src.data
	at := func(r brange) string {
		if r.end == r.start {
			return ""
		}
		// The skim vouched for these bytes: a string without escapes,
		// valid UTF-8, as Decode would have copied it.
		return unsafe.String(&data[r.start], r.end-r.start)
	}
	*c = Columns{
		Name:             at(brange{sp.nameStart, sp.nameEnd}),
		Account:          at(col.account),
		TenantID:         at(col.tenantID),
		TenantDomain:     at(col.tenantDomain),
		SubscriptionID:   at(col.subID),
		SubscriptionName: at(col.subName),
	}
}

// name returns context i's name in the data; call it under src.do.
func (v *View) name(i int) []byte {
	sp := v.spans[i]
	return v.src.data[sp.nameStart:sp.nameEnd]
}

// raw returns the contexts array as it is in the data; call it under
// src.do, and only with Len() > 0.
func (v *View) raw() *rawContexts {
	first, last := v.spans[0], v.spans[len(v.spans)-1]
	data := v.src.data
	start := bytes.LastIndexByte(data[:first.start], '[')
	end := int(last.end) + bytes.IndexByte(data[last.end:], ']') + 1
	return &rawContexts{text: data[start:end], n: len(v.spans)}
}

// checkNames is Profile.validate over skimmed names, without allocating
// per context: names are checked in order and the first invalid or
// repeated one (ignoring case as strings.ToLower does) gives validate's
// error.
func checkNames(data []byte, spans []span) error {
	size := 1
	for size < 2*len(spans) {
		size <<= 1
	}
	table := make([]int32, size) // index+1 of a name, by hash of its lower case
	mask := uint64(size - 1)
	for i, sp := range spans {
		name := data[sp.nameStart:sp.nameEnd]
		if len(name) == 0 || len(name) == 1 && name[0] == '-' || len(bytes.TrimSpace(name)) != len(name) {
			return fmt.Errorf("context %d: %w", i, checkName(string(name)))
		}
		for h := lowerHash(name) & mask; ; h = (h + 1) & mask {
			j := table[h]
			if j == 0 {
				table[h] = int32(i + 1)
				break
			}
			o := spans[j-1]
			if lowerEqual(name, data[o.nameStart:o.nameEnd]) {
				return fmt.Errorf("duplicate context name %q", name)
			}
		}
	}
	return nil
}

// lowerHash hashes strings.ToLower(s) (FNV-1a over its runes); s is valid
// UTF-8.
func lowerHash(s []byte) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); {
		r, n := rune(s[i]), 1
		switch {
		case 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		case r >= utf8.RuneSelf:
			r, n = utf8.DecodeRune(s[i:])
			r = unicode.ToLower(r)
		}
		i += n
		h ^= uint64(r)
		h *= 1099511628211
	}
	return h
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// lowerEqual reports strings.ToLower(a) == strings.ToLower(b) for valid
// UTF-8 a and b.
func lowerEqual(a, b []byte) bool {
	for len(a) > 0 && len(b) > 0 {
		if a[0] < utf8.RuneSelf && b[0] < utf8.RuneSelf {
			if lowerASCII(a[0]) != lowerASCII(b[0]) {
				return false
			}
			a, b = a[1:], b[1:]
			continue
		}
		ra, na := utf8.DecodeRune(a)
		rb, nb := utf8.DecodeRune(b)
		if unicode.ToLower(ra) != unicode.ToLower(rb) {
			return false
		}
		a, b = a[na:], b[nb:]
	}
	return len(a) == 0 && len(b) == 0
}

// changedIfSlow turns the decoder's errSlowPath for a context the skim
// accepted into errTruncated: the skim proved it decodes, so the mapped
// file changed under the View (an edit in place).
func changedIfSlow(err error) error {
	if err == errSlowPath {
		return errTruncated
	}
	return err
}
