package profile

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ctxIndex maps fold keys of names and identities to positions in
// p.Contexts, for bulk changes. It is built for one call and never stored
// in a Profile, so edits through the exported fields cannot make it stale.
type ctxIndex struct {
	byName map[string]int
	byID   map[identity]int
}

// identity is SameIdentity's equivalence as a map key.
type identity struct {
	account, tenant, subscription string
	hasSub                        bool
}

func identityOf(c *Context) identity {
	id := identity{account: foldKey(c.Account), tenant: foldKey(c.Tenant.ID)}
	if c.Subscription != nil {
		id.hasSub = true
		id.subscription = foldKey(c.Subscription.ID)
	}
	return id
}

func (p *Profile) buildIndex() *ctxIndex {
	ix := &ctxIndex{byName: make(map[string]int, len(p.Contexts)), byID: make(map[identity]int, len(p.Contexts))}
	for i := range p.Contexts {
		if k := foldKey(p.Contexts[i].Name); !hasKey(ix.byName, k) {
			ix.byName[k] = i
		}
		if k := identityOf(&p.Contexts[i]); !hasKey(ix.byID, k) {
			ix.byID[k] = i
		}
	}
	return ix
}

func hasKey[K comparable](m map[K]int, k K) bool {
	_, ok := m[k]
	return ok
}

// foldKey maps s to a key that two strings share exactly when
// strings.EqualFold holds between them: each rune becomes the smallest
// rune of its simple case-folding orbit (ASCII letters lower-case).
func foldKey(s string) string {
	ascii, upper := true, false
	for i := 0; i < len(s); i++ {
		c := s[i]
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
			return s
		}
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
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
