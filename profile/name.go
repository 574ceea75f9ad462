package profile

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SameName reports whether a and b name the same context: equal under
// Unicode simple case folding, as strings.EqualFold says ("Prod" and
// "prod", "σ" and "ς"). It is azc's one comparison of context names:
// validation, lookup, import and the picker all use it (or NameKey).
func SameName(a, b string) bool { return strings.EqualFold(a, b) }

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

// checkName refuses a name azc cannot use: empty, padded with spaces, or
// the reserved "-".
func checkName(n string) error {
	if n == "" || n == "-" || strings.TrimSpace(n) != n {
		return fmt.Errorf("%q: %w", n, ErrInvalidName)
	}
	return nil
}

// checkNames checks the n names name(0) … name(n-1): each valid, and no two
// the same (SameName). The first offence gives the error.
//
// The names are found again by a table of their positions, placed by
// nameHash: nothing is copied or kept (a map of NameKey would copy every
// name with an upper-case letter), and names that land on one slot are
// compared with SameName.
func checkNames(n int, name func(i int) string) error {
	size := 1
	for size < 2*n {
		size <<= 1
	}
	slots := make([]int32, size) // position + 1; 0 is free
	mask := uint64(size - 1)
	for i := range n {
		nm := name(i)
		if err := checkName(nm); err != nil {
			return fmt.Errorf("context %d: %w", i, err)
		}
		for h := nameHash(nm) & mask; ; h = (h + 1) & mask {
			j := int(slots[h]) - 1
			if j < 0 {
				slots[h] = int32(i + 1)
				break
			}
			if SameName(name(j), nm) {
				return &DuplicateNameError{First: name(j), Second: nm}
			}
		}
	}
	return nil
}

// nameHash is the FNV-1a hash of NameKey(name), so that names the same
// under SameName hash alike; for ASCII it lowers the letters as it goes
// rather than making the key.
func nameHash(name string) uint64 {
	key := name
	for i := 0; i < len(name); i++ {
		if name[i] >= utf8.RuneSelf {
			key = NameKey(name)
			break
		}
	}
	h := uint64(14695981039346656037)
	for i := 0; i < len(key); i++ {
		c := key[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		h = (h ^ uint64(c)) * 1099511628211
	}
	return h
}

// DuplicateNameError reports two contexts of one profile whose names are
// the same under SameName (a hand-edited file): which of them a name
// would pick is not defined, so the profile is refused.
type DuplicateNameError struct {
	First, Second string
}

func (e *DuplicateNameError) Error() string {
	return fmt.Sprintf("contexts %q and %q have the same name (names are compared ignoring case)", e.First, e.Second)
}
