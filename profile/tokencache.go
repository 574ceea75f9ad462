package profile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// msalSections are the top-level maps of an MSAL token cache whose
// entries belong to accounts (AppMetadata to clients).
var msalSections = [...]string{"AccessToken", "RefreshToken", "IdToken", "Account", "AppMetadata"}

// MSALSection reports whether name is one of the sections of an MSAL token
// cache whose members are entries: AccessToken, RefreshToken, IdToken,
// Account, AppMetadata.
func MSALSection(name string) bool {
	for _, s := range msalSections {
		if s == name {
			return true
		}
	}
	return false
}

// DecodeMSALCache decodes cache, an unencrypted MSAL token cache (az's
// msal_token_cache.json, Azure PowerShell's TokenCache.CacheData), into its
// top-level members. It refuses one with more values than CheckValues
// allows, one that is not a JSON object, and one whose AccessToken,
// RefreshToken, IdToken, Account or AppMetadata is not an object (null is
// an empty section). Leading UTF-8 byte order marks are taken off, as
// Import and Decode take them off (an editor's, Windows PowerShell's
// Set-Content -Encoding utf8). The error never quotes the cache.
func DecodeMSALCache(cache []byte) (map[string]json.RawMessage, error) {
	for bytes.HasPrefix(cache, utf8BOM) {
		cache = cache[len(utf8BOM):]
	}
	if err := CheckValues(cache); err != nil {
		return nil, fmt.Errorf("not an MSAL token cache azc reads: %w", err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(cache, &top); err != nil || top == nil {
		return nil, errors.New("not an MSAL token cache: not a JSON object")
	}
	for _, k := range msalSections {
		var section map[string]json.RawMessage
		if v, ok := top[k]; ok && json.Unmarshal(v, &section) != nil {
			return nil, fmt.Errorf("not an MSAL token cache: its %s is not an object", k)
		}
	}
	return top, nil
}

// msalEntry is an entry of an MSAL token cache, with the fields that tell
// whose it is.
type msalEntry struct {
	raw    json.RawMessage
	home   string // home_account_id: a user's "uid.utid"; "" for an app token
	client string // client_id
	realm  string // the tenant
	user   string // username, of an Account entry
	ok     bool   // each of those fields absent, null or a string
}

func decodeMSALEntry(raw json.RawMessage) msalEntry {
	var f struct {
		HomeAccountID json.RawMessage `json:"home_account_id"`
		ClientID      json.RawMessage `json:"client_id"`
		Realm         json.RawMessage `json:"realm"`
		Username      json.RawMessage `json:"username"`
	}
	e := msalEntry{raw: raw}
	if json.Unmarshal(raw, &f) != nil {
		return e
	}
	e.ok = true
	for _, s := range []struct {
		raw json.RawMessage
		dst *string
	}{{f.HomeAccountID, &e.home}, {f.ClientID, &e.client}, {f.Realm, &e.realm}, {f.Username, &e.user}} {
		if len(s.raw) > 0 && string(s.raw) != "null" && json.Unmarshal(s.raw, s.dst) != nil {
			e.ok = false
		}
	}
	return e
}

// msalCacheOf is an account's part of an MSAL token cache: section →
// entry key → entry.
type msalCacheOf map[string]map[string]json.RawMessage

// splitMSALCache returns, for each of accounts, the entries of top (a
// cache DecodeMSALCache read) that are that account's own, or nil when it
// has none, and for each user account the home account id its entries
// were told by ("" for others, and a user's it cannot tell); and a warning
// for each user account whose entries it cannot tell or that has none. It
// takes time in proportion to the entries and accounts, not their product.
// It is the one rule of whose an entry is:
//
//   - a user's are the AccessToken, RefreshToken, IdToken and Account
//     entries of its home account id (home_account_id, compared as names
//     are): the account's HomeAccountID, or when it has none (az's
//     azureProfile.json gives none) the home account id of the Account
//     entries whose username is the account's ID, when they name one; of
//     several, the one whose tenant (after the dot) is the account's home
//     tenant, when one alone is;
//   - a service principal's are the app tokens MSAL's client credential
//     flow caches: entries without a home account id whose client_id is
//     the account's ID and whose realm is one of its tenants (HomeTenantID,
//     Tenants);
//   - an AppMetadata entry, which holds no secret, goes with the entries of
//     its client_id;
//   - a managed identity or access token account has none: azc keeps no
//     MSAL cache for it.
//
// An entry of no account, of another section, or whose fields are not
// strings is in none of the caches. These are the entries azc's lookups
// read (credblob.CachedToken, auth's silent acquisition): a user's by its
// home account id, a service principal's app tokens by client id and
// realm.
func splitMSALCache(top map[string]json.RawMessage, accounts []Account) (parts []msalCacheOf, homes, warnings []string) {
	sections := make(map[string][]msalEntry, len(msalSections))
	keys := make(map[string][]string, len(msalSections))
	for _, s := range msalSections {
		var m map[string]json.RawMessage
		_ = json.Unmarshal(top[s], &m) // an object or absent: DecodeMSALCache checked it
		for k, raw := range m {
			keys[s] = append(keys[s], k)
			sections[s] = append(sections[s], decodeMSALEntry(raw))
		}
	}

	signIns := signInsOf(sections["Account"])
	// owners: NameKey of a home account id → the users of it; NameKey of
	// a client id → the service principals of it
	homes = make([]string, len(accounts))
	users := map[string][]int{}
	apps := map[string][]int{}
	for i, a := range accounts {
		switch a.Type {
		case UserAccount:
			h, why := signIns.homeAccountID(a)
			if why != "" {
				warnings = append(warnings, fmt.Sprintf("the tokens of %s were not imported: %s; sign it in again with `azc login`", a.ID, why))
				continue
			}
			homes[i] = h
			users[NameKey(h)] = append(users[NameKey(h)], i)
		case ServicePrincipal:
			apps[NameKey(a.ID)] = append(apps[NameKey(a.ID)], i)
		}
	}

	parts = make([]msalCacheOf, len(accounts))
	clients := make([]map[string]bool, len(accounts)) // NameKey of the client ids of each account's entries
	ofClient := map[string][]int{}                    // NameKey of a client id → the accounts with entries of it
	add := func(i int, section, key string, e msalEntry) {
		if parts[i] == nil {
			parts[i] = make(msalCacheOf, len(msalSections))
			for _, s := range msalSections {
				parts[i][s] = map[string]json.RawMessage{}
			}
			clients[i] = map[string]bool{}
		}
		parts[i][section][key] = e.raw
		if c := NameKey(e.client); e.client != "" && !clients[i][c] {
			clients[i][c] = true
			ofClient[c] = append(ofClient[c], i)
		}
	}
	for _, s := range msalSections {
		for j, e := range sections[s] {
			switch {
			case !e.ok || s == "AppMetadata":
			case e.home != "":
				for _, i := range users[NameKey(e.home)] {
					add(i, s, keys[s][j], e)
				}
			case s != "Account" && e.realm != "":
				for _, i := range apps[NameKey(e.client)] {
					if a := accounts[i]; SameName(e.realm, a.HomeTenantID) || containsName(a.Tenants, e.realm) {
						add(i, s, keys[s][j], e)
					}
				}
			}
		}
	}
	for j, e := range sections["AppMetadata"] {
		if !e.ok || e.client == "" {
			continue
		}
		for _, i := range ofClient[NameKey(e.client)] {
			parts[i]["AppMetadata"][keys["AppMetadata"][j]] = e.raw
		}
	}
	for i, p := range parts {
		if p == nil && homes[i] != "" {
			warnings = append(warnings, fmt.Sprintf("the token cache holds no tokens of %s: sign it in again with `azc login`", accounts[i].ID))
		}
	}
	return parts, homes, warnings
}

// signIns indexes a cache's Account entries: the distinct home account
// ids (SameName) of each user name, and of each user name and tenant (the
// home account id's part after its last dot), by their NameKeys.
type signIns struct {
	byUser   map[string][]string
	byTenant map[[2]string][]string
}

func signInsOf(accounts []msalEntry) signIns {
	x := signIns{byUser: map[string][]string{}, byTenant: map[[2]string][]string{}}
	seen := map[[2]string]bool{}
	for _, e := range accounts {
		if !e.ok || e.home == "" || e.user == "" {
			continue
		}
		u, h := NameKey(e.user), NameKey(e.home)
		if seen[[2]string{u, h}] {
			continue
		}
		seen[[2]string{u, h}] = true
		x.byUser[u] = append(x.byUser[u], e.home)
		if i := strings.LastIndexByte(h, '.'); i >= 0 {
			t := [2]string{u, h[i+1:]}
			x.byTenant[t] = append(x.byTenant[t], e.home)
		}
	}
	return x
}

// homeAccountID is the home account id of the user account a whose
// tokens the cache holds, or why it cannot tell.
func (x signIns) homeAccountID(a Account) (string, string) {
	if a.HomeAccountID != "" {
		return a.HomeAccountID, ""
	}
	homes := x.byUser[NameKey(a.ID)]
	if n := len(homes); n > 1 {
		if homes = x.byTenant[[2]string{NameKey(a.ID), NameKey(a.HomeTenantID)}]; len(homes) != 1 {
			return "", fmt.Sprintf("the token cache holds %d sign-ins of that user name, and the file gives no home account id to tell its own", n)
		}
	}
	if len(homes) == 0 {
		return "", "the file gives no home account id and the token cache holds no sign-in of that user name"
	}
	return homes[0], ""
}

// containsName reports whether names holds name (SameName).
func containsName(names []string, name string) bool {
	for _, n := range names {
		if SameName(n, name) {
			return true
		}
	}
	return false
}

// addTokenCache records, for each of imp.Accounts at the positions at
// that has no token cache yet, its own entries of cache (splitMSALCache).
// When those come to more than MaxFileSize in all, none is recorded, with
// a warning. A cache DecodeMSALCache refuses gives its error, and nothing
// is recorded.
func (imp *Imported) addTokenCache(cache []byte, at []int) error {
	top, err := DecodeMSALCache(cache)
	if err != nil {
		return err
	}
	var accounts []Account
	var pos []int // of accounts in imp.Accounts
	for _, i := range at {
		if _, ok := imp.TokenCaches[imp.Accounts[i].Key()]; !ok {
			accounts = append(accounts, imp.Accounts[i])
			pos = append(pos, i)
		}
	}
	parts, homes, warnings := splitMSALCache(top, accounts)
	imp.Warnings = append(imp.Warnings, warnings...)
	// azc finds a user's tokens by the account's home account id, which
	// az's azureProfile.json does not give; its tenant is the user's home
	// tenant, which the file does not give either
	for j, h := range homes {
		if a := &imp.Accounts[pos[j]]; a.HomeAccountID == "" && h != "" {
			a.HomeAccountID = h
			imp.moveHome(pos[j], homeTenantOf(h))
		}
	}
	// Encoded one by one, until they come to more than MaxFileSize: an
	// AppMetadata entry goes with each account of its client.
	data := make([][]byte, len(parts))
	var total int64
	for i, p := range parts {
		if p == nil {
			continue
		}
		var err error
		if data[i], err = json.Marshal(p); err != nil { // entries json.Unmarshal read: cannot fail
			return err
		}
		if total += int64(len(data[i])); total > MaxFileSize {
			imp.warnf("the token cache (%d bytes) was not imported: the entries its accounts would keep, each its own in its credentials, come to more than the %d bytes azc stores of one cache; sign the accounts in again with `azc login`", len(cache), int64(MaxFileSize))
			return nil
		}
	}
	for i, d := range data {
		if d == nil {
			continue
		}
		if imp.TokenCaches == nil {
			imp.TokenCaches = make(map[string][]byte)
		}
		imp.TokenCaches[imp.Accounts[pos[i]].Key()] = d
	}
	return nil
}

// moveHome makes tenant the home tenant of imp.Accounts[i], and of the
// contexts of it, unless tenant is "" or another imported account is of
// that home tenant already.
func (imp *Imported) moveHome(i int, tenant string) {
	a := &imp.Accounts[i]
	if tenant == "" || SameName(tenant, a.HomeTenantID) {
		return
	}
	if imp.accountAt == nil { // accounts a file gave whole (fill)
		imp.accountAt = make(map[string]int, len(imp.Accounts))
		for j := range imp.Accounts {
			imp.accountAt[imp.Accounts[j].Key()] = j
		}
	}
	old := a.Key()
	moved := *a
	moved.HomeTenantID = tenant
	if _, taken := imp.accountAt[moved.Key()]; taken {
		return
	}
	*a = moved
	delete(imp.accountAt, old)
	imp.accountAt[a.Key()] = i
	for j := range imp.Contexts {
		if imp.Contexts[j].Account == old {
			imp.Contexts[j].Account = a.Key()
		}
	}
}

// homeTenantOf is the tenant of a home account id (<object id>.<tenant
// id>), or "" when it names none.
func homeTenantOf(homeAccountID string) string {
	_, tid, _ := strings.Cut(homeAccountID, ".")
	return tid
}
