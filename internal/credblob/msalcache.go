package credblob

import (
	"encoding/json"
	"encoding/pem"
	"strconv"
	"strings"
	"time"
)

// msalCache is the part of an MSAL token cache the lookup reads.
type msalCache struct {
	accessTokens []cacheEntry
	idTokens     []cacheEntry
	accounts     []cacheEntry
}

// cacheEntry is one entry of a cache section: its map key, its string
// fields and its time fields (absent ones read as the zero string and time,
// as in MSAL).
type cacheEntry struct {
	key   string
	str   map[string]string
	times map[string]time.Time
}

// field kinds of MSAL's cache entries.
const (
	kString = iota + 1
	kUnixTime
)

// sectionSchema describes one section of the cache: the kind of each JSON
// name MSAL's decoder fills (0 for any other name), and the Go field names
// its decoder also accepts as keys (which the lookup refuses rather than
// imitate). The kinds are switches, not maps, so that no table is built
// when azc starts.
type sectionSchema struct {
	kind    func(name string) int
	goNames []string
}

var (
	accessTokenSchema = sectionSchema{
		kind: accessTokenKind,
		goNames: []string{"HomeAccountID", "Environment", "Realm", "CredentialType", "ClientID", "Secret", "Scopes", "RefreshOn",
			"ExpiresOn", "ExtendedExpiresOn", "CachedAt", "UserAssertionHash", "TokenType", "AuthnSchemeKeyID", "ExtCacheKey", "AdditionalFields"},
	}
	refreshTokenSchema = sectionSchema{
		kind: refreshTokenKind,
		goNames: []string{"HomeAccountID", "Environment", "CredentialType", "ClientID", "FamilyID", "Secret", "Realm", "Target",
			"UserAssertionHash", "AdditionalFields"},
	}
	idTokenSchema = sectionSchema{
		kind:    idTokenKind,
		goNames: []string{"HomeAccountID", "Environment", "Realm", "CredentialType", "ClientID", "Secret", "UserAssertionHash", "AdditionalFields"},
	}
	accountSchema = sectionSchema{
		kind: accountKind,
		goNames: []string{"HomeAccountID", "Environment", "Realm", "LocalAccountID", "AuthorityType", "PreferredUsername", "GivenName",
			"FamilyName", "MiddleName", "Name", "AlternativeID", "RawClientInfo", "UserAssertionHash", "AdditionalFields"},
	}
	appMetadataSchema = sectionSchema{
		kind:    appMetadataKind,
		goNames: []string{"FamilyID", "ClientID", "Environment", "AdditionalFields"},
	}
)

// accessTokenKind is the kind of a field of an AccessToken entry.
func accessTokenKind(name string) int {
	switch name {
	case "home_account_id", "environment", "realm", "credential_type", "client_id", "secret", "target",
		"user_assertion_hash", "token_type", "keyid", "ext_cache_key":
		return kString
	case "refresh_on", "expires_on", "extended_expires_on", "cached_at":
		return kUnixTime
	}
	return 0
}

// refreshTokenKind is the kind of a field of a RefreshToken entry.
func refreshTokenKind(name string) int {
	switch name {
	case "home_account_id", "environment", "credential_type", "client_id", "family_id", "secret", "realm", "target",
		"user_assertion_hash":
		return kString
	}
	return 0
}

// idTokenKind is the kind of a field of an IdToken entry.
func idTokenKind(name string) int {
	switch name {
	case "home_account_id", "environment", "realm", "credential_type", "client_id", "secret", "user_assertion_hash":
		return kString
	}
	return 0
}

// accountKind is the kind of a field of an Account entry.
func accountKind(name string) int {
	switch name {
	case "home_account_id", "environment", "realm", "local_account_id", "authority_type", "username", "given_name",
		"family_name", "middle_name", "name", "alternative_account_id", "client_info", "user_assertion_hash":
		return kString
	}
	return 0
}

// appMetadataKind is the kind of a field of an AppMetadata entry.
func appMetadataKind(name string) int {
	switch name {
	case "family_id", "client_id", "environment":
		return kString
	}
	return 0
}

// cacheGoNames are the Go field names of MSAL's top-level cache struct,
// which its decoder accepts as keys beside the JSON names.
var cacheGoNames = []string{"AccessTokens", "RefreshTokens", "IDTokens", "Accounts", "AppMetaData", "AdditionalFields"}

// parseMSALCache decodes an MSAL cache as strictly as MSAL's own decoder
// would: any value MSAL would fail on (a string field that is not a
// string, a time that is not an integer, a section or entry that is not an
// object) makes the lookup miss, since MSAL would then fail rather than
// serve a token. Where MSAL's decoder is lenient in ways not worth
// imitating (duplicate keys, keys spelled as Go field names) it misses too.
// valid says data is known to be valid JSON (Unmarshal checked it). It
// walks the cache once, copying only the fields it keeps: a user signed
// in to a hundred tenants has a cache of a few hundred kilobytes, and
// decoding it level by level with encoding/json cost milliseconds.
func parseMSALCache(data []byte, valid bool) (*msalCache, error) {
	if len(data) == 0 {
		return nil, miss("the account has no token cache")
	}
	if !valid && !json.Valid(data) {
		return nil, miss("the token cache is not valid JSON")
	}
	c := &msalCache{}
	sc := &scanner{data: data}
	err := sc.object(func(section string) error {
		var schema *sectionSchema
		var dst *[]cacheEntry
		switch section {
		case "AccessToken":
			schema, dst = &accessTokenSchema, &c.accessTokens
		case "RefreshToken":
			schema = &refreshTokenSchema
		case "IdToken":
			schema, dst = &idTokenSchema, &c.idTokens
		case "Account":
			schema, dst = &accountSchema, &c.accounts
		case "AppMetadata":
			schema = &appMetadataSchema
		default:
			for _, g := range cacheGoNames {
				if section == g {
					return miss("the token cache has an unusual section name")
				}
			}
			sc.skip() // MSAL keeps it aside, whatever it holds
			return nil
		}
		if sc.null() {
			return nil // MSAL reads an empty section
		}
		return sc.object(func(key string) error {
			e, err := schema.entry(sc, key, dst != nil)
			if err == nil && dst != nil {
				*dst = append(*dst, e)
			}
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// entry reads one entry of the section, at sc's position; unless keep, it
// only checks it.
func (s *sectionSchema) entry(sc *scanner, key string, keep bool) (cacheEntry, error) {
	e := cacheEntry{key: key}
	if keep {
		e.str, e.times = map[string]string{}, map[string]time.Time{}
	}
	err := sc.object(func(name string) error {
		switch s.kind(name) {
		case kString:
			if !sc.at('"') {
				return miss("a token cache field is not a string")
			}
			v := sc.str()
			if keep {
				e.str[name] = v
			}
		case kUnixTime:
			// MSAL trims quotes and reads an integer of seconds.
			i, err := strconv.Atoi(strings.Trim(string(sc.skip()), `"`))
			if err != nil {
				return miss("a token cache time is not an integer")
			}
			if keep {
				e.times[name] = time.Unix(int64(i), 0)
			}
		default:
			for _, g := range s.goNames {
				if name == g {
					return miss("a token cache entry has an unusual field name")
				}
			}
			sc.skip()
		}
		return nil
	})
	return e, err
}

// scanner walks JSON that json.Valid accepted, copying only the strings it
// is asked for.
type scanner struct {
	data []byte
	pos  int
}

func (sc *scanner) space() {
	for sc.pos < len(sc.data) {
		switch sc.data[sc.pos] {
		case ' ', '\t', '\r', '\n':
			sc.pos++
		default:
			return
		}
	}
}

// at reports whether the next value starts with c.
func (sc *scanner) at(c byte) bool {
	sc.space()
	return sc.pos < len(sc.data) && sc.data[sc.pos] == c
}

// null consumes a null value, if that is what comes next.
func (sc *scanner) null() bool {
	if sc.at('n') {
		sc.pos += len("null")
		return true
	}
	return false
}

// object calls member for every member of the object that comes next,
// with the scanner at the member's value, which member must consume. A
// value that is not an object, or a key named twice, is a miss.
func (sc *scanner) object(member func(key string) error) error {
	if !sc.at('{') {
		return miss("the token cache is not in MSAL's form")
	}
	sc.pos++
	seen := map[string]bool{}
	for {
		sc.space()
		switch sc.data[sc.pos] {
		case '}':
			sc.pos++
			return nil
		case ',':
			sc.pos++
			sc.space()
		}
		key := sc.str()
		if seen[key] {
			return miss("the token cache names a key twice")
		}
		seen[key] = true
		sc.space()
		sc.pos++ // the colon
		if err := member(key); err != nil {
			return err
		}
	}
}

// str reads the string that comes next, decoded as encoding/json decodes
// it (escapes, and invalid UTF-8 replaced).
func (sc *scanner) str() string {
	raw, plain := sc.skipString()
	if plain {
		return string(raw[1 : len(raw)-1])
	}
	var v string
	_ = json.Unmarshal(raw, &v) // valid JSON: cannot fail
	return v
}

// skipString consumes the string that comes next and returns it, quotes
// included, and whether it holds nothing to decode (no escape, ASCII only).
func (sc *scanner) skipString() (raw []byte, plain bool) {
	sc.space()
	start := sc.pos
	plain = true
	for sc.pos++; sc.pos < len(sc.data); sc.pos++ {
		switch c := sc.data[sc.pos]; {
		case c == '\\':
			plain = false
			sc.pos++
		case c == '"':
			sc.pos++
			return sc.data[start:sc.pos], plain
		case c >= 0x80:
			plain = false
		}
	}
	return sc.data[start:sc.pos], plain
}

// skip consumes the value that comes next and returns it.
func (sc *scanner) skip() []byte {
	sc.space()
	start := sc.pos
	switch sc.data[sc.pos] {
	case '"':
		sc.skipString()
	case '{', '[':
		depth := 0
		for sc.pos < len(sc.data) {
			switch sc.data[sc.pos] {
			case '"':
				sc.skipString()
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			sc.pos++
			if depth == 0 {
				break
			}
		}
	default: // a number, true, false or null
		for sc.pos < len(sc.data) && !strings.ContainsRune(",}] \t\r\n", rune(sc.data[sc.pos])) {
			sc.pos++
		}
	}
	return sc.data[start:sc.pos]
}

// pemShapeOK reports whether data holds at least one CERTIFICATE block and
// exactly one unencrypted private key block, as MSAL's CertFromPEM wants.
func pemShapeOK(data []byte) bool {
	certs, keys := 0, 0
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if _, enc := b.Headers["DEK-Info"]; enc {
			return false
		}
		switch b.Type {
		case "CERTIFICATE":
			certs++
		case "PRIVATE KEY", "RSA PRIVATE KEY":
			keys++
		}
	}
	return certs > 0 && keys == 1
}
