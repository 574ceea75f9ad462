package profile

import (
	"iter"
	"slices"
	"strings"
	"unicode"
)

// Key identifies an account across the profile, sessions and the
// credential store: the NameKey of (environment|home tenant|account id),
// so that two accounts are one exactly when SameName holds between their
// keys, the one name rule of azc (for ASCII, the lower case). Profile's
// Account and AccountIndex find an account by any spelling of its key;
// the credential store and the session's hold records name files by the
// NameKey of a key, so a key spelt otherwise (upper case, or lower-cased
// by strings.ToLower) reaches the same blob wherever the rules agree.
func (a Account) Key() string {
	return NameKey(a.Environment + "|" + a.HomeTenantID + "|" + a.ID)
}

// KeyID is the account id in the account key key (Account.Key): how a
// message names an account no profile at hand holds. A key spells a
// letter outside ASCII as the first of its case folding orbit, often the
// upper case (É, Σ); KeyID writes such a letter in its lower case when
// that is in the same orbit, so the id it returns is still SameName with
// the account's (İ stays İ: its lower case i is another letter).
func KeyID(key string) string {
	if i := strings.LastIndexByte(key, '|'); i >= 0 {
		key = key[i+1:]
	}
	if isASCII(key) {
		return key
	}
	return strings.Map(func(r rune) rune {
		if l := unicode.ToLower(r); l != r && inFoldOrbit(r, l) {
			return l
		}
		return r
	}, key)
}

// inFoldOrbit reports whether f is in r's simple case folding orbit.
func inFoldOrbit(r, f rune) bool {
	for o := unicode.SimpleFold(r); o != r; o = unicode.SimpleFold(o) {
		if o == f {
			return true
		}
	}
	return false
}

// AccountName names the account key as the user knows it: by its id, as p
// holds it (KeyID when p does not hold the account). When another account
// of p has the same id, what tells them apart follows in parentheses: the
// environment, else the home tenant, else both.
func (p *Profile) AccountName(key string) string {
	a := p.Account(key)
	if a == nil {
		return KeyID(key)
	}
	return accountName(a, func(yield func(*Account) bool) {
		for i := range p.Accounts {
			if !yield(&p.Accounts[i]) {
				return
			}
		}
	})
}

// accountName is AccountName of a, one of p's accounts; others yields at
// least every account of p with a's id (SameName), a among them.
func accountName(a *Account, others iter.Seq[*Account]) string {
	var twin, sameEnv, sameTenant bool
	for o := range others {
		if o == a || !SameName(o.ID, a.ID) {
			continue
		}
		twin = true
		sameEnv = sameEnv || SameName(o.Environment, a.Environment)
		sameTenant = sameTenant || SameName(o.HomeTenantID, a.HomeTenantID)
	}
	switch {
	case !twin:
		return a.ID
	case !sameEnv:
		return a.ID + " (" + a.Environment + ")"
	case !sameTenant:
		return a.ID + " (home tenant " + a.HomeTenantID + ")"
	}
	return a.ID + " (" + a.Environment + ", home tenant " + a.HomeTenantID + ")"
}

// AccountIndex answers Profile's Account, AccountID and AccountName for
// one profile, each in constant time, for a caller that asks about many
// accounts or contexts. It must not be used once the profile's accounts
// have changed.
type AccountIndex struct {
	p     *Profile
	byKey map[string]int        // NameKey of each key → the account's position
	byID  map[string][]*Account // NameKey of each id → the accounts of that id, made by AccountName
}

// AccountIndex indexes p's accounts.
func (p *Profile) AccountIndex() *AccountIndex {
	return &AccountIndex{p: p, byKey: p.accountIndex()}
}

// Account is Profile.Account.
func (x *AccountIndex) Account(key string) *Account {
	// A key that is its own NameKey, as the keys azc makes are, is found as
	// it is, without folding it again: NameKey(NameKey(k)) == NameKey(k)
	// (FuzzNameKey). A list asks this of every row.
	i, ok := x.byKey[key]
	if !ok {
		i, ok = x.byKey[NameKey(key)]
	}
	if ok {
		return &x.p.Accounts[i]
	}
	return nil
}

// AccountID is Profile.AccountID.
func (x *AccountIndex) AccountID(c *Context) string {
	return accountID(x.Account(c.Account), c.Account)
}

// AccountName is Profile.AccountName.
func (x *AccountIndex) AccountName(key string) string {
	a := x.Account(key)
	if a == nil {
		return KeyID(key)
	}
	if x.byID == nil {
		x.byID = make(map[string][]*Account, len(x.p.Accounts))
		for i := range x.p.Accounts {
			k := NameKey(x.p.Accounts[i].ID)
			x.byID[k] = append(x.byID[k], &x.p.Accounts[i])
		}
	}
	return accountName(a, slices.Values(x.byID[NameKey(a.ID)]))
}

// OneTenant reports whether a has tokens of its home tenant only: a
// managed identity, a raw access token. A token asked of another tenant
// is refused rather than served with the home tenant's, which the other
// tenant refuses.
func (a *Account) OneTenant() bool { return a.Type == ManagedIdentity || a.Type == AccessToken }

// TenantAsked returns the tenant a token of a asked for by tenant (an id
// or a domain, as `azc token --tenant` and a TokenRequestOptions.TenantID
// take one) is asked of: tenant itself, but for a one-tenant account
// (OneTenant) a domain a context of p names as its tenant's is that
// tenant's id, so that another tenant's domain is refused as its id is.
// A domain p does not know stays a domain, which the account takes as its
// home tenant's: which tenant it names is not known without the network.
func (p *Profile) TenantAsked(a *Account, tenant string) string {
	if tenant == "" || IsTenantID(tenant) || !a.OneTenant() {
		return tenant
	}
	for i := range p.Contexts {
		if t := p.Contexts[i].Tenant; t.Named(tenant) && IsTenantID(t.ID) {
			return t.ID
		}
	}
	return tenant
}
