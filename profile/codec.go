package profile

import (
	"encoding/binary"
	"errors"
	"math/bits"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// This file holds a decoder and an encoder for exactly the profile.json
// shape, several times faster than encoding/json (DESIGN section 8 puts
// whole-process `context list` of 1,000 contexts near a hello world). The
// decoder gives up (errSlowPath) on anything outside the shape Encode
// writes — escapes, unknown or repeated keys, numbers in other forms — and
// Decode then uses encoding/json, so the result is always encoding/json's.
// FuzzDecode checks both against encoding/json.

var errSlowPath = errors.New("profile: use encoding/json")

// errStop ends a settingsOnly decode early, successfully.
var errStop = errors.New("profile: stop")

type decoder struct {
	data   []byte
	i      int
	intern map[string]string // nil: no interning
	// skim makes profile skim the contexts array into spans
	// (skimContext) instead of decoding it.
	skim  bool
	spans []span
	// columns makes the skim also note, in cols, where each context's
	// listed fields are (View.ColumnsAt).
	columns bool
	cols    []columns
	// skimmedArray says the skim met a contexts array (not null, not
	// absent): Decode's Contexts is then non-nil, even when empty.
	skimmedArray bool
	// settingsOnly makes profile stop at the contexts array once it has
	// seen the version and the settings (errStop), as Store.Settings wants.
	settingsOnly            bool
	sawVersion, sawSettings bool
	// arena holds the bytes of short decoded strings, and subs the
	// subscriptions, so that a 1,000-context profile costs a few dozen
	// allocations instead of thousands (azc context list's start-up
	// budget). A chunk is never written again below its length, and a
	// string or pointer into it keeps the whole chunk alive.
	arena []byte
	subs  []Subscription
}

// arenaChunk is the size of one string arena chunk; longer strings get
// their own allocation.
const arenaChunk = 16 << 10

// newString returns b as a string, its bytes copied into the arena.
func (d *decoder) newString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > arenaChunk/16 {
		return string(b)
	}
	if cap(d.arena)-len(d.arena) < len(b) {
		d.arena = make([]byte, 0, arenaChunk)
	}
	n := len(d.arena)
	d.arena = append(d.arena, b...)
	return unsafe.String(&d.arena[n], len(b))
}

// newSubscription returns a zero Subscription from the block.
func (d *decoder) newSubscription() *Subscription {
	if len(d.subs) == cap(d.subs) {
		d.subs = make([]Subscription, 0, 256)
	}
	d.subs = d.subs[:len(d.subs)+1]
	return &d.subs[len(d.subs)-1]
}

func fastDecode(data []byte) (*Profile, error) {
	d := &decoder{data: data, intern: make(map[string]string)}
	p := new(Profile)
	if err := d.profile(p); err != nil {
		return nil, err
	}
	d.ws()
	if d.i != len(d.data) {
		return nil, errSlowPath
	}
	return p, nil
}

func (d *decoder) ws() {
	i := d.i
	for i < len(d.data) {
		switch d.data[i] {
		case ' ':
			// Indentation comes in runs of spaces: eight at a time.
			if len(d.data)-i >= 8 {
				if x := binary.LittleEndian.Uint64(d.data[i:]) ^ spaces; x != 0 {
					i += bits.TrailingZeros64(x) / 8
				} else {
					i += 8
				}
				continue
			}
			i++
		case '\n', '\t', '\r':
			i++
		default:
			d.i = i
			return
		}
	}
	d.i = i
}

const spaces = 0x2020202020202020

func (d *decoder) peek() byte {
	d.ws()
	if d.i < len(d.data) {
		return d.data[d.i]
	}
	return 0
}

// litByte is lit for a one-byte literal.
func (d *decoder) litByte(c byte) bool {
	d.ws()
	if d.i < len(d.data) && d.data[d.i] == c {
		d.i++
		return true
	}
	return false
}

func (d *decoder) lit(s string) bool {
	d.ws()
	if len(d.data)-d.i >= len(s) && d.data[d.i] == s[0] && string(d.data[d.i:d.i+len(s)]) == s {
		d.i += len(s)
		return true
	}
	return false
}

// objIter walks an object's keys. A repeated key gives errSlowPath:
// encoding/json merges repeated objects.
type objIter struct {
	seen [16][]byte
	n    int
}

// next returns the next key, positioned at its value, or ok false after
// the closing brace. The first call also reads the opening brace.
func (d *decoder) next(it *objIter) (key []byte, ok bool, err error) {
	if it.n == 0 {
		if !d.litByte('{') {
			return nil, false, errSlowPath
		}
		if d.litByte('}') {
			return nil, false, nil
		}
	} else if !d.litByte(',') {
		if d.litByte('}') {
			return nil, false, nil
		}
		return nil, false, errSlowPath
	}
	key, err = d.rawBytes()
	if err != nil {
		return nil, false, err
	}
	for _, k := range it.seen[:min(it.n, len(it.seen))] {
		if string(k) == string(key) {
			return nil, false, errSlowPath
		}
	}
	if it.n >= len(it.seen) {
		return nil, false, errSlowPath
	}
	it.seen[it.n] = key
	it.n++
	if !d.litByte(':') {
		return nil, false, errSlowPath
	}
	return key, true, nil
}

// array calls elem for each element; null leaves *isNull set.
func (d *decoder) array(elem func() error) (isNull bool, err error) {
	if d.lit("null") {
		return true, nil
	}
	if !d.litByte('[') {
		return false, errSlowPath
	}
	if d.litByte(']') {
		return false, nil
	}
	for {
		if err := elem(); err != nil {
			return false, err
		}
		if d.litByte(',') {
			continue
		}
		if d.litByte(']') {
			return false, nil
		}
		return false, errSlowPath
	}
}

// rawBytes reads a string without escapes; the bytes are not copied.
func (d *decoder) rawBytes() ([]byte, error) {
	d.ws()
	if b, ok := d.scanQuoted(); ok {
		return b, nil
	}
	return nil, errSlowPath
}

// scanQuoted reads a string without escapes that starts at d.i, and
// returns its bytes between the quotes. It fails, d.i unchanged, on no
// opening quote, an escape, a control character, invalid UTF-8 or the end
// of the data.
func (d *decoder) scanQuoted() ([]byte, bool) {
	if d.i >= len(d.data) || d.data[d.i] != '"' {
		return nil, false
	}
	start := d.i + 1
	ascii := true
	for i := start; ; i++ {
		i = nextSpecial(d.data, i)
		if i == len(d.data) {
			return nil, false
		}
		switch c := d.data[i]; {
		case c == '"':
			b := d.data[start:i]
			if !ascii && !utf8.Valid(b) {
				return nil, false
			}
			d.i = i + 1
			return b, true
		case c >= utf8.RuneSelf:
			ascii = false
		default: // a backslash or a control character
			return nil, false
		}
	}
}

// nextSpecial returns the index of the first byte at or after i in b that
// a string scan must look at (a quote, a backslash, a control character,
// a non-ASCII byte), or len(b). It goes eight bytes at a time: the lowest
// bit of specialBytes' mask marks the first such byte exactly.
func nextSpecial(b []byte, i int) int {
	for ; len(b)-i >= 8; i += 8 {
		if m := specialBytes(binary.LittleEndian.Uint64(b[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c-0x20 >= 0x60 || c == '"' || c == '\\' {
			return i
		}
	}
	return i
}

// specialBytes sets the high bit of the bytes of x that may be a quote, a
// backslash, a control character or non-ASCII, with no false positive
// below the first true one (the classic has-zero-byte and has-less-than
// tricks).
func specialBytes(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	zero := func(v uint64) uint64 { return (v - ones) & ^v & highs }
	return zero(x^(ones*'"')) | zero(x^(ones*'\\')) | (x-ones*0x20)&^x&highs | x&highs
}

func (d *decoder) rawString() (string, error) {
	b, err := d.rawBytes()
	if err != nil {
		return "", err
	}
	return d.newString(b), nil
}

// str decodes a string value into *dst; null leaves it unchanged.
func (d *decoder) str(dst *string) error {
	if d.lit("null") {
		return nil
	}
	s, err := d.rawString()
	if err != nil {
		return err
	}
	*dst = s
	return nil
}

// shared decodes a string that repeats across contexts (account keys,
// tenant ids, environments) into one allocation.
func (d *decoder) shared(dst *string) error {
	if d.lit("null") {
		return nil
	}
	b, err := d.rawBytes()
	if err != nil {
		return err
	}
	if d.intern == nil {
		*dst = d.newString(b)
		return nil
	}
	if v, ok := d.intern[string(b)]; ok {
		*dst = v
		return nil
	}
	v := d.newString(b)
	d.intern[v] = v
	*dst = v
	return nil
}

func (d *decoder) boolean(dst *bool) error {
	switch {
	case d.lit("true"):
		*dst = true
	case d.lit("false"):
		*dst = false
	case d.lit("null"):
	default:
		return errSlowPath
	}
	return nil
}

func (d *decoder) digits() (string, bool) {
	d.ws()
	start := d.i
	for d.i < len(d.data) && d.data[d.i] >= '0' && d.data[d.i] <= '9' {
		d.i++
	}
	if d.i == start || d.i-start > 1 && d.data[start] == '0' || d.i-start > 18 {
		return "", false
	}
	if d.i < len(d.data) {
		switch d.data[d.i] {
		case '.', 'e', 'E':
			return "", false
		}
	}
	return string(d.data[start:d.i]), true
}

func (d *decoder) uint(dst *uint64) error {
	if d.lit("null") {
		return nil
	}
	s, ok := d.digits()
	if !ok {
		return errSlowPath
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return errSlowPath
	}
	*dst = v
	return nil
}

func (d *decoder) int(dst *int) error {
	if d.lit("null") {
		return nil
	}
	s, ok := d.digits()
	if !ok {
		return errSlowPath
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return errSlowPath
	}
	*dst = v
	return nil
}

func (d *decoder) profile(p *Profile) error {
	var it objIter
	for {
		key, ok, err := d.next(&it)
		if err != nil || !ok {
			return err
		}
		switch string(key) {
		case "version":
			err = d.int(&p.Version)
			d.sawVersion = true
		case "generation":
			err = d.uint(&p.Generation)
		case "defaultContext":
			err = d.str(&p.DefaultContext)
		case "previousContext":
			err = d.str(&p.PreviousContext)
		case "settings":
			err = d.settings(&p.Settings)
			d.sawSettings = true
		case "environments":
			p.Environments = []Environment{}
			var null bool
			null, err = d.array(func() error {
				var e Environment
				if err := d.environment(&e); err != nil {
					return err
				}
				p.Environments = append(p.Environments, e)
				return nil
			})
			if null {
				p.Environments = nil
			}
		case "accounts":
			p.Accounts = []Account{}
			var null bool
			null, err = d.array(func() error {
				var a Account
				if err := d.account(&a); err != nil {
					return err
				}
				p.Accounts = append(p.Accounts, a)
				return nil
			})
			if null {
				p.Accounts = nil
			}
		case "contexts":
			if d.settingsOnly && d.sawVersion && d.sawSettings {
				return errStop
			}
			if d.skim {
				err = d.skimContexts()
				break
			}
			// Guess the count from the bytes left (an encoded context
			// takes about 400), so a big array is not copied as it grows.
			p.Contexts = make([]Context, 0, (len(d.data)-d.i)/400)
			var null bool
			null, err = d.array(func() error {
				p.Contexts = append(p.Contexts, Context{})
				return d.context(&p.Contexts[len(p.Contexts)-1])
			})
			if null {
				p.Contexts = nil
			}
		default:
			err = errSlowPath
		}
		if err != nil {
			return err
		}
	}
}

func (d *decoder) settings(s *Settings) error {
	if d.lit("null") {
		return nil
	}
	var it objIter
	for {
		key, ok, err := d.next(&it)
		if err != nil || !ok {
			return err
		}
		if string(key) != "autosave" {
			return errSlowPath
		}
		if d.lit("null") {
			s.Autosave = nil
			continue
		}
		v := new(bool)
		if err := d.boolean(v); err != nil {
			return err
		}
		s.Autosave = v
	}
}

func (d *decoder) environment(e *Environment) error {
	var it objIter
	for {
		key, ok, err := d.next(&it)
		if err != nil || !ok {
			return err
		}
		switch string(key) {
		case "name":
			err = d.shared(&e.Name)
		case "authorityHost":
			err = d.str(&e.AuthorityHost)
		case "armEndpoint":
			err = d.str(&e.ARMEndpoint)
		case "armAudience":
			err = d.str(&e.ARMAudience)
		case "caFile":
			err = d.str(&e.CAFile)
		case "builtIn":
			err = d.boolean(&e.BuiltIn)
		default:
			err = errSlowPath
		}
		if err != nil {
			return err
		}
	}
}

func (d *decoder) account(a *Account) error {
	var it objIter
	for {
		key, ok, err := d.next(&it)
		if err != nil || !ok {
			return err
		}
		switch string(key) {
		case "id":
			err = d.str(&a.ID)
		case "type":
			t := string(a.Type)
			err = d.shared(&t)
			a.Type = AccountType(t)
		case "environment":
			err = d.shared(&a.Environment)
		case "homeTenantId":
			err = d.shared(&a.HomeTenantID)
		case "homeAccountId":
			err = d.str(&a.HomeAccountID)
		case "credential":
			err = d.shared(&a.Credential)
		case "federatedTokenFile":
			err = d.str(&a.FederatedTokenFile)
		case "clientId":
			err = d.str(&a.ClientID)
		case "resourceId":
			err = d.str(&a.ResourceID)
		case "tenants":
			a.Tenants = []string{}
			var null bool
			null, err = d.array(func() error {
				var t string
				if err := d.shared(&t); err != nil {
					return err
				}
				a.Tenants = append(a.Tenants, t)
				return nil
			})
			if null {
				a.Tenants = nil
			}
		default:
			err = errSlowPath
		}
		if err != nil {
			return err
		}
	}
}

func (d *decoder) context(c *Context) error {
	var it objIter
	for {
		key, ok, err := d.next(&it)
		if err != nil || !ok {
			return err
		}
		switch string(key) {
		case "name":
			err = d.str(&c.Name)
		case "account":
			err = d.shared(&c.Account)
		case "environment":
			err = d.shared(&c.Environment)
		case "storageAccount":
			err = d.str(&c.StorageAccount)
		case "tenant":
			err = d.tenant(&c.Tenant)
		case "subscription":
			if d.lit("null") {
				c.Subscription = nil
				break
			}
			if c.Subscription == nil {
				c.Subscription = d.newSubscription()
			}
			err = d.subscription(c.Subscription)
		case "properties":
			err = d.properties(&c.Properties)
		default:
			err = errSlowPath
		}
		if err != nil {
			return err
		}
	}
}

func (d *decoder) tenant(t *Tenant) error {
	if d.lit("null") {
		return nil
	}
	var it objIter
	for {
		key, ok, err := d.next(&it)
		if err != nil || !ok {
			return err
		}
		switch string(key) {
		case "id":
			err = d.shared(&t.ID)
		case "defaultDomain":
			err = d.shared(&t.DefaultDomain)
		case "displayName":
			err = d.shared(&t.DisplayName)
		default:
			err = errSlowPath
		}
		if err != nil {
			return err
		}
	}
}

func (d *decoder) subscription(s *Subscription) error {
	var it objIter
	for {
		key, ok, err := d.next(&it)
		if err != nil || !ok {
			return err
		}
		switch string(key) {
		case "id":
			err = d.str(&s.ID)
		case "name":
			err = d.str(&s.Name)
		case "state":
			err = d.shared(&s.State)
		case "tenantId":
			err = d.shared(&s.TenantID)
		default:
			err = errSlowPath
		}
		if err != nil {
			return err
		}
	}
}

func (d *decoder) properties(m *map[string]string) error {
	if d.lit("null") {
		*m = nil
		return nil
	}
	*m = map[string]string{}
	var it objIter
	for {
		key, ok, err := d.next(&it)
		if err != nil || !ok {
			return err
		}
		var v string
		if err := d.str(&v); err != nil {
			return err
		}
		(*m)[string(key)] = v
	}
}

// span locates one element of the contexts array in the data, and its name
// (the bytes between the quotes; empty for a null or missing name).
type span struct {
	start, end         uint32
	nameStart, nameEnd uint32
}

// brange is a string value's bytes between the quotes in the data; zero
// for null or absent.
type brange struct{ start, end uint32 }

// columns locates what `azc context list` shows of a skimmed context
// besides its name.
type columns struct {
	account, tenantID, tenantDomain, subID, subName brange
}

// skimContexts reads the contexts value as profile would, recording each
// element's span in *d.spans instead of decoding it. It accepts exactly the
// input context accepts, so a skimmed element always decodes later.
func (d *decoder) skimContexts() error {
	// Guess the count from the bytes left (a context azc writes takes 200
	// or more), so the spans are not copied as they grow: on the hot path
	// every fresh page costs a page fault. A smaller one just grows; the
	// cap keeps a file of a few huge contexts from reserving megabytes.
	d.spans = make([]span, 0, min((len(d.data)-d.i)/200, 1<<16))
	if d.columns {
		d.cols = make([]columns, 0, cap(d.spans))
	}
	null, err := d.array(d.skimContext)
	// Decode leaves Contexts nil for a null array, [] for an empty one.
	d.skimmedArray = !null
	return err
}

func (d *decoder) skimContext() error {
	d.ws()
	sp := span{start: uint32(d.i)}
	var (
		it   objIter
		cols *columns // nil: not noted
	)
	if d.columns {
		d.cols = append(d.cols, columns{})
		cols = &d.cols[len(d.cols)-1]
	}
	if d.skimCompact(&sp, cols) {
		sp.end = uint32(d.i)
		d.spans = append(d.spans, sp)
		return nil
	}
	for {
		key, ok, err := d.next(&it)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		switch string(key) {
		case "name":
			var r brange
			r, err = d.skimString()
			sp.nameStart, sp.nameEnd = r.start, r.end
		case "account":
			var r brange
			if r, err = d.skimString(); cols != nil {
				cols.account = r
			}
		case "environment", "storageAccount":
			_, err = d.skimString()
		case "tenant":
			err = d.skipStrings(isTenantKey, cols, tenantColumn)
		case "subscription":
			err = d.skipStrings(isSubscriptionKey, cols, subscriptionColumn)
		case "properties":
			err = d.skipStrings(nil, nil, nil)
		default:
			err = errSlowPath
		}
		if err != nil {
			return err
		}
	}
	sp.end = uint32(d.i)
	d.spans = append(d.spans, sp)
	return nil
}

// skimCompact skims a context written the way the encoder writes one, on
// one line without spaces, in its order of keys: the layout of every
// profile azc wrote. It reads fixed keys where skimContext reads any key
// at all, which makes it about twice as fast. Anything else, it leaves
// d.i where it was and returns false, and skimContext reads the element
// the general way (which accepts all this accepts, with the same spans).
func (d *decoder) skimCompact(sp *span, cols *columns) bool {
	start := d.i
	var c columns
	var name brange
	ok := d.expect(`{"name":`) && d.quoted(&name) &&
		d.expect(`,"account":`) && d.quoted(&c.account) &&
		d.expect(`,"environment":`) && d.quoted(nil) &&
		d.expect(`,"tenant":{"id":`) && d.quoted(&c.tenantID) &&
		(!d.expect(`,"defaultDomain":`) || d.quoted(&c.tenantDomain)) &&
		(!d.expect(`,"displayName":`) || d.quoted(nil)) &&
		d.expect(`}`) &&
		(!d.expect(`,"subscription":{"id":`) || d.quoted(&c.subID) &&
			d.expect(`,"name":`) && d.quoted(&c.subName) &&
			(!d.expect(`,"state":`) || d.quoted(nil)) &&
			d.expect(`,"tenantId":`) && d.quoted(nil) && d.expect(`}`)) &&
		(!d.expect(`,"storageAccount":`) || d.quoted(nil)) &&
		(!d.expect(`,"properties":`) || d.skipStrings(nil, nil, nil) == nil) &&
		d.expect(`}`)
	if !ok {
		d.i = start
		return false
	}
	sp.nameStart, sp.nameEnd = name.start, name.end
	if cols != nil {
		*cols = c
	}
	return true
}

// expect reads lit if the data goes on with it, spaces not allowed.
func (d *decoder) expect(lit string) bool {
	if len(d.data)-d.i >= len(lit) && string(d.data[d.i:d.i+len(lit)]) == lit {
		d.i += len(lit)
		return true
	}
	return false
}

// quoted reads a string without escapes, as rawBytes does but with no
// space before it, noting where its bytes are in *r when r is not nil.
func (d *decoder) quoted(r *brange) bool {
	start := uint32(d.i + 1)
	b, ok := d.scanQuoted()
	if ok && r != nil {
		*r = brange{start: start, end: start + uint32(len(b))}
	}
	return ok
}

// skimString reads what str accepts, a string without escapes or null,
// and returns where its bytes are.
func (d *decoder) skimString() (brange, error) {
	if d.lit("null") {
		return brange{}, nil
	}
	b, err := d.rawBytes()
	if err != nil {
		return brange{}, err
	}
	end := uint32(d.i - 1)
	return brange{start: end - uint32(len(b)), end: end}, nil
}

// skipStrings reads null or an object of string (or null) values whose
// keys allowed accepts (any key when allowed is nil), as tenant,
// subscription and properties decode them. When cols is not nil, the
// range of each value whose key column maps to a field is noted there.
func (d *decoder) skipStrings(allowed func(key []byte) bool, cols *columns, column func(*columns, []byte) *brange) error {
	if d.lit("null") {
		return nil
	}
	var it objIter
	for {
		key, ok, err := d.next(&it)
		if err != nil || !ok {
			return err
		}
		if allowed != nil && !allowed(key) {
			return errSlowPath
		}
		r, err := d.skimString()
		if err != nil {
			return err
		}
		if cols != nil {
			if dst := column(cols, key); dst != nil {
				*dst = r
			}
		}
	}
}

func tenantColumn(c *columns, key []byte) *brange {
	switch string(key) {
	case "id":
		return &c.tenantID
	case "defaultDomain":
		return &c.tenantDomain
	}
	return nil
}

func subscriptionColumn(c *columns, key []byte) *brange {
	switch string(key) {
	case "id":
		return &c.subID
	case "name":
		return &c.subName
	}
	return nil
}

func isTenantKey(k []byte) bool {
	switch string(k) {
	case "id", "defaultDomain", "displayName":
		return true
	}
	return false
}

func isSubscriptionKey(k []byte) bool {
	switch string(k) {
	case "id", "name", "state", "tenantId":
		return true
	}
	return false
}
