package profile

// ctxIndex maps name keys (NameKey) and identities to positions in
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
	ix := &ctxIndex{byName: make(map[string]int, n), byID: make(map[identity]int, n)}
	for i := range p.Contexts {
		if k := NameKey(p.Contexts[i].Name); !hasKey(ix.byName, k) {
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
