package profile

import (
	"fmt"
	"hash/maphash"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SameName reports whether a and b name the same context: equal under
// Unicode simple case folding, as strings.EqualFold says ("Prod" and
// "prod", "σ" and "ς"). It is azc's one comparison of context names:
// validation, lookup, import and the picker all use it (or NameKey).
func SameName(a, b string) bool { return strings.EqualFold(a, b) }

// TrimRef is ref, a reference to a context (a name, a prefix of one, a
// subscription id or name) or an environment, as azc reads it: without
// the white space around it, which no name holds (checkName). It is the
// one such rule: lookup (Find, View.Index, Resolve), the --subscription
// and --tenant matches and the completion of names all take it.
func TrimRef(ref string) string { return strings.TrimSpace(ref) }

// NameKey maps name to a key that two names share exactly when SameName
// holds between them, for maps and sets of names: each rune becomes the
// smallest rune of its simple folding orbit, ASCII letters lower case.
func NameKey(name string) string {
	ascii, upper := true, false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if 'A' <= c && c <= 'Z' {
			upper = true
		}
	}
	if ascii {
		if !upper {
			return name
		}
		return strings.ToLower(name)
	}
	var b strings.Builder
	b.Grow(len(name))
	for _, r := range name {
		m := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			m = min(m, f)
		}
		if 'A' <= m && m <= 'Z' {
			m += 'a' - 'A' // as the ASCII path does
		}
		b.WriteRune(m)
	}
	return b.String()
}

// CheckName is checkName, the rule of a name a context may have, for a
// command that takes one to check it before work a refusal would waste (a
// sign-in's --context-name, before the sign-in).
func CheckName(name string) error { return checkName(name) }

// checkName refuses a name azc cannot use: empty, padded with spaces, the
// reserved "-", not UTF-8 (profile.json is UTF-8: encoding/json would
// write such a name as another, U+FFFD for each stray byte, and "café" and
// "cafè" typed in a Latin-1 terminal would then be one name), or holding a
// NUL, which no command line can give and no environment variable can
// hold (azc exec exports the name as AZC_CONTEXT).
func checkName(n string) error {
	why := ""
	switch {
	case n == "":
		why = "it is empty"
	case n == "-":
		why = `"-" means the previous context`
	case strings.TrimSpace(n) != n:
		why = "it begins or ends with white space"
	case !isASCII(n) && !utf8.ValidString(n):
		why = "it is not UTF-8"
	case strings.IndexByte(n, 0) >= 0:
		why = "it holds a NUL byte"
	default:
		return nil
	}
	return fmt.Errorf("%s: %w: %s", QuoteShort(n), ErrInvalidName, why)
}

// asName is s, trimmed and not empty, made a name checkName takes, for a
// name azc makes of what it is given (a subscription's name, an account's
// id): each NUL, and each run of bytes that is not UTF-8, becomes U+FFFD.
func asName(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// checkNames checks the n names name(0) … name(n-1): each valid, and no two
// the same (SameName). The first offence gives the error; else it returns
// the table of the names.
func checkNames(n int, name func(i int) string) (*nameTable, error) {
	t := newNameTable(n, name)
	for i := range n {
		if _, err := t.check(i); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// nameTable finds names under SameName by their positions: name(pos) is
// the name at pos. Nothing is copied or kept (a map of NameKey would copy
// every name with an upper-case letter). It is an open-addressing table
// placed by hash, each slot holding the hash's high half beside the
// position, so that a probe compares two names only when they may be the
// same.
type nameTable struct {
	seed  maphash.Seed
	slots []nameSlot
	count int
	name  func(pos int) string
}

type nameSlot struct {
	pos1 int32  // position + 1; 0 is free
	tag  uint32 // the high half of the name's hash
}

// newNameTable returns a table sized for n names (it grows past that).
func newNameTable(n int, name func(pos int) string) *nameTable {
	t := &nameTable{seed: maphash.MakeSeed(), name: name}
	t.slots = make([]nameSlot, slotsFor(n))
	return t
}

// slotsFor is the table size that holds n names at most three quarters
// full.
func slotsFor(n int) int {
	size := 16
	for 3*size < 4*n {
		size <<= 1
	}
	return size
}

// check adds the name at pos after checking it: valid, and not the same
// as a name added before. It returns the name's hash.
func (t *nameTable) check(pos int) (uint64, error) {
	nm := t.name(pos)
	if err := checkName(nm); err != nil {
		return 0, fmt.Errorf("context %d: %w", pos, err)
	}
	h := t.hash(nm)
	if j := t.lookup(nm, h); j >= 0 {
		return 0, &DuplicateNameError{First: t.name(j), Second: nm}
	}
	if 4*(t.count+1) > 3*len(t.slots) {
		t.grow()
	}
	t.place(pos, h)
	return h, nil
}

// find returns the position of the name the same as nm, or -1.
func (t *nameTable) find(nm string) int { return t.lookup(nm, t.hash(nm)) }

func (t *nameTable) lookup(nm string, h uint64) int {
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s.pos1 == 0 {
			return -1
		}
		if s.tag == uint32(h>>32) && SameName(t.name(int(s.pos1-1)), nm) {
			return int(s.pos1 - 1)
		}
	}
}

func (t *nameTable) place(pos int, h uint64) {
	mask := uint64(len(t.slots) - 1)
	i := h & mask
	for t.slots[i].pos1 != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = nameSlot{pos1: int32(pos + 1), tag: uint32(h >> 32)}
	t.count++
}

// grow doubles the table, placing its names again.
func (t *nameTable) grow() {
	old := t.slots
	t.slots, t.count = make([]nameSlot, 2*len(old)), 0
	for _, s := range old {
		if s.pos1 != 0 {
			pos := int(s.pos1 - 1)
			t.place(pos, t.hash(t.name(pos)))
		}
	}
}

// hash is the hash of NameKey(name), so that names the same under
// SameName hash alike; an ASCII name is lowered on the stack rather than
// by making the key.
func (t *nameTable) hash(name string) uint64 {
	var low [64]byte
	if len(name) > len(low) {
		return maphash.String(t.seed, NameKey(name))
	}
	var all byte // every byte ORed: its top bit is set for UTF-8
	for i := 0; i < len(name); i++ {
		c := name[i]
		all |= c
		if c-'A' < 26 {
			c += 'a' - 'A'
		}
		low[i] = c
	}
	if all >= utf8.RuneSelf {
		return maphash.String(t.seed, NameKey(name))
	}
	return maphash.Bytes(t.seed, low[:len(name)])
}

// DuplicateNameError reports two contexts, two custom environments or two
// accounts (by their keys) of one profile whose names are the same under
// SameName (a hand-edited file), or a custom environment named as a
// built-in one: which of them a name would pick is not defined, so the
// profile is refused.
type DuplicateNameError struct {
	First, Second string
	// Kind is "environment" for environments, "account" for accounts;
	// "" (or "context") for contexts.
	Kind string
	// BuiltIn reports that First is a built-in environment's name, which
	// no line of the file holds: Second, a custom environment's, is the
	// one to change.
	BuiltIn bool
}

// What is what the two are: "context" or "environment".
func (e *DuplicateNameError) What() string {
	if e.Kind == "" {
		return "context"
	}
	return e.Kind
}

// Error names the two (a custom environment named as a built-in one as
// such). When they differ in their bytes and are not plain ASCII, it also
// writes them with their non-ASCII characters escaped: the Kelvin sign and
// K, or ſ and s, look alike when printed.
func (e *DuplicateNameError) Error() string {
	if e.BuiltIn {
		msg := fmt.Sprintf("environment %s has the name of the built-in environment %q (names are compared ignoring case", QuoteShort(e.Second), e.First)
		if !isASCII(e.Second) {
			msg += "; written in ASCII it is " + quoteShortBy(e.Second, strconv.QuoteToASCII)
		}
		return msg + ")"
	}
	msg := fmt.Sprintf("%ss %s and %s have the same name (names are compared ignoring case", e.What(), QuoteShort(e.First), QuoteShort(e.Second))
	if e.First != e.Second && !(isASCII(e.First) && isASCII(e.Second)) {
		msg += fmt.Sprintf("; written in ASCII they are %s and %s", quoteShortBy(e.First, strconv.QuoteToASCII), quoteShortBy(e.Second, strconv.QuoteToASCII))
	}
	return msg + ")"
}

// Fix says what to change in the file that holds the two: one of them,
// or the custom environment named as a built-in one.
func (e *DuplicateNameError) Fix() string {
	if e.BuiltIn {
		return fmt.Sprintf("rename or remove the environment %s (and its contexts' \"environment\")", QuoteShort(e.Second))
	}
	return fmt.Sprintf("rename or remove one of the two %ss", e.What())
}

// checkAccountKeys refuses two accounts of one key (Account.Key: their
// environment, home tenant and id the same under SameName, "USER@x" and
// "user@x"): which of them a context's account names is not defined, as
// for two contexts of one name.
func checkAccountKeys(accts []Account) error {
	if len(accts) < 2 {
		return nil
	}
	seen := make(map[string]int, len(accts))
	for i := range accts {
		k := accts[i].Key()
		if j, ok := seen[k]; ok {
			return &DuplicateNameError{First: accts[j].spelledKey(), Second: accts[i].spelledKey(), Kind: "account"}
		}
		seen[k] = i
	}
	return nil
}

// spelledKey is a's key as the file spells it, for an error: its
// environment, home tenant and id, not folded.
func (a *Account) spelledKey() string { return a.Environment + "|" + a.HomeTenantID + "|" + a.ID }

// CheckEnvironmentName is checkEnvironmentName, for a command that takes
// a name to check it before work a refusal would waste (`environment
// add`, before its CA file is read), its error as SetEnvironment's.
func CheckEnvironmentName(name string) error {
	if err := checkEnvironmentName(name); err != nil {
		return fmt.Errorf("environment %w", err)
	}
	return nil
}

// checkEnvironmentName refuses a name a custom environment cannot have
// (SetEnvironment stores the name trimmed): empty, white space around it,
// not UTF-8 (as checkName says of a context's), or holding "|", which
// separates the environment, the home tenant and the id in an account's
// key (Account.Key): environment "a|b" of tenant "t" would key its
// accounts as environment "a" of tenant "b|t". The error quotes the name
// and matches ErrInvalidName.
func checkEnvironmentName(n string) error {
	why := ""
	switch {
	case n == "":
		why = "it is empty"
	case strings.TrimSpace(n) != n:
		why = "it begins or ends with white space"
	case !utf8.ValidString(n):
		why = "it is not UTF-8"
	case strings.IndexByte(n, '|') >= 0:
		why = `it holds "|", which azc's account keys (environment|tenant|id) keep for themselves`
	default:
		return nil
	}
	return fmt.Errorf("%s: %w: %s", QuoteShort(n), errInvalidEnvironmentName{}, why)
}

// checkEnvironmentNames refuses custom environments one of which has a
// name SetEnvironment would not store (checkEnvironmentName), two of
// which have the same name (SameName), or one of which is named as a
// built-in one (which every lookup takes first).
func checkEnvironmentNames(envs []Environment) error {
	if len(envs) == 0 {
		return nil
	}
	for i, e := range envs {
		if err := checkEnvironmentName(e.Name); err != nil {
			return fmt.Errorf("environment %d: %w", i, err)
		}
	}
	seen := make(map[string]string, len(envs))
	for _, e := range envs {
		if b, ok := builtinEnvironment(e.Name); ok {
			return &DuplicateNameError{First: b.Name, Second: e.Name, Kind: "environment", BuiltIn: true}
		}
		k := NameKey(e.Name)
		if first, ok := seen[k]; ok {
			return &DuplicateNameError{First: first, Second: e.Name, Kind: "environment"}
		}
		seen[k] = e.Name
	}
	return nil
}
