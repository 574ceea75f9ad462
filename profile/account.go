package profile

import "strings"

// Key identifies an account across the profile, sessions and the
// credential store: (environment, home tenant, account id), lower-cased.
func (a Account) Key() string {
	return strings.ToLower(a.Environment + "|" + a.HomeTenantID + "|" + a.ID)
}

// KeyID is the account id in the account key key (Account.Key), lower-cased
// as the key is: how a message names an account no profile at hand holds.
func KeyID(key string) string {
	if i := strings.LastIndexByte(key, '|'); i >= 0 {
		return key[i+1:]
	}
	return key
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
	var twin, sameEnv, sameTenant bool
	for i := range p.Accounts {
		o := &p.Accounts[i]
		if o == a || !strings.EqualFold(o.ID, a.ID) {
			continue
		}
		twin = true
		sameEnv = sameEnv || strings.EqualFold(o.Environment, a.Environment)
		sameTenant = sameTenant || strings.EqualFold(o.HomeTenantID, a.HomeTenantID)
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
