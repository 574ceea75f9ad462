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
func checkNames(n int, name func(i int) string) error {
	seen := make(map[string]int, n)
	for i := range n {
		nm := name(i)
		if err := checkName(nm); err != nil {
			return fmt.Errorf("context %d: %w", i, err)
		}
		k := NameKey(nm)
		if j, ok := seen[k]; ok {
			return &DuplicateNameError{First: name(j), Second: nm}
		}
		seen[k] = i
	}
	return nil
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
