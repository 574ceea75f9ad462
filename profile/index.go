package profile

// ctxIndex maps name keys (NameKey) and identities to positions in
// p.Contexts, for bulk changes. It is built for one call and never stored
// in a Profile, so edits through the exported fields cannot make it stale.
// The name map is built on the first lookup by name: a sign-in that
// updates the contexts of an earlier one finds each by its identity and
// never looks a name up.
type ctxIndex struct {
	p      *Profile
	n      int            // room for
	byName map[string]int // nil until names builds it
	byID   map[identity]int
	// suffixFrom is, for a default name's base (NameKey), the suffix
	// defaultName found free last: every one below it is taken while no
	// name is let go (setName forgets them all then). Without it the
	// contexts of one subscription name would take O(n²) lookups: 55 s
	// for an import of 20,000.
	suffixFrom map[string]int
}

// identity is SameIdentity's equivalence as a map key.
type identity struct {
	account, tenant, subscription string
	hasSub                        bool
}

func identityOf(c *Context) identity {
	id := identity{account: NameKey(c.Account), tenant: NameKey(c.Tenant.ID)}
	if c.Subscription != nil {
		id.hasSub = true
		id.subscription = NameKey(c.Subscription.ID)
	}
	return id
}

// buildIndex indexes p.Contexts, with room for as many as batch, the
// contexts about to be upserted, could make.
func (p *Profile) buildIndex(batch int) *ctxIndex {
	n := max(len(p.Contexts), batch)
	ix := &ctxIndex{p: p, n: n, byID: make(map[identity]int, n)}
	for i := range p.Contexts {
		if k := identityOf(&p.Contexts[i]); !hasKey(ix.byID, k) {
			ix.byID[k] = i
		}
	}
	return ix
}

// names returns the name map, building it from p.Contexts on the first
// call; setName keeps it up to date from then on.
func (ix *ctxIndex) names() map[string]int {
	if ix.byName == nil {
		ix.byName = make(map[string]int, ix.n)
		for i := range ix.p.Contexts {
			if k := NameKey(ix.p.Contexts[i].Name); !hasKey(ix.byName, k) {
				ix.byName[k] = i
			}
		}
	}
	return ix.byName
}

// setName records that context i is now called name (and no longer old,
// when old is not ""), once the name map is built.
func (ix *ctxIndex) setName(old, name string, i int) {
	if ix.byName == nil {
		return
	}
	if old != "" {
		delete(ix.byName, NameKey(old))
		ix.suffixFrom = nil
	}
	ix.byName[NameKey(name)] = i
}

func hasKey[K comparable](m map[K]int, k K) bool {
	_, ok := m[k]
	return ok
}
