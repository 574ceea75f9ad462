package credblob

import (
	"bytes"
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

// sectionSchema describes one section of the cache: the JSON names MSAL's
// decoder fills and their kinds, and the Go field names its decoder also
// accepts as keys (which the lookup refuses rather than imitate).
type sectionSchema struct {
	fields  map[string]int
	goNames []string
}

var (
	accessTokenSchema = sectionSchema{
		fields: map[string]int{"home_account_id": kString, "environment": kString, "realm": kString, "credential_type": kString,
			"client_id": kString, "secret": kString, "target": kString, "refresh_on": kUnixTime, "expires_on": kUnixTime,
			"extended_expires_on": kUnixTime, "cached_at": kUnixTime, "user_assertion_hash": kString, "token_type": kString,
			"keyid": kString, "ext_cache_key": kString},
		goNames: []string{"HomeAccountID", "Environment", "Realm", "CredentialType", "ClientID", "Secret", "Scopes", "RefreshOn",
			"ExpiresOn", "ExtendedExpiresOn", "CachedAt", "UserAssertionHash", "TokenType", "AuthnSchemeKeyID", "ExtCacheKey", "AdditionalFields"},
	}
	refreshTokenSchema = sectionSchema{
		fields: map[string]int{"home_account_id": kString, "environment": kString, "credential_type": kString, "client_id": kString,
			"family_id": kString, "secret": kString, "realm": kString, "target": kString, "user_assertion_hash": kString},
		goNames: []string{"HomeAccountID", "Environment", "CredentialType", "ClientID", "FamilyID", "Secret", "Realm", "Target",
			"UserAssertionHash", "AdditionalFields"},
	}
	idTokenSchema = sectionSchema{
		fields: map[string]int{"home_account_id": kString, "environment": kString, "realm": kString, "credential_type": kString,
			"client_id": kString, "secret": kString, "user_assertion_hash": kString},
		goNames: []string{"HomeAccountID", "Environment", "Realm", "CredentialType", "ClientID", "Secret", "UserAssertionHash", "AdditionalFields"},
	}
	accountSchema = sectionSchema{
		fields: map[string]int{"home_account_id": kString, "environment": kString, "realm": kString, "local_account_id": kString,
			"authority_type": kString, "username": kString, "given_name": kString, "family_name": kString, "middle_name": kString,
			"name": kString, "alternative_account_id": kString, "client_info": kString, "user_assertion_hash": kString},
		goNames: []string{"HomeAccountID", "Environment", "Realm", "LocalAccountID", "AuthorityType", "PreferredUsername", "GivenName",
			"FamilyName", "MiddleName", "Name", "AlternativeID", "RawClientInfo", "UserAssertionHash", "AdditionalFields"},
	}
	appMetadataSchema = sectionSchema{
		fields:  map[string]int{"family_id": kString, "client_id": kString, "environment": kString},
		goNames: []string{"FamilyID", "ClientID", "Environment", "AdditionalFields"},
	}
)

// cacheGoNames are the Go field names of MSAL's top-level cache struct,
// which its decoder accepts as keys beside the JSON names.
var cacheGoNames = []string{"AccessTokens", "RefreshTokens", "IDTokens", "Accounts", "AppMetaData", "AdditionalFields"}

// parseMSALCache decodes an MSAL cache as strictly as MSAL's own decoder
// would: any value MSAL would fail on (a string field that is not a
// string, a time that is not an integer, a section or entry that is not an
// object) makes the lookup miss, since MSAL would then fail rather than
// serve a token. Where MSAL's decoder is lenient in ways not worth
// imitating (duplicate keys, keys spelled as Go field names) it misses too.
func parseMSALCache(data []byte) (*msalCache, error) {
	if len(data) == 0 {
		return nil, miss("the account has no token cache")
	}
	top, err := objectFields(data)
	if err != nil {
		return nil, err
	}
	c := &msalCache{}
	for _, f := range top {
		var schema *sectionSchema
		var dst *[]cacheEntry
		switch f.key {
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
				if f.key == g {
					return nil, miss("the token cache has an unusual section name")
				}
			}
			continue // MSAL keeps it aside, whatever it holds
		}
		if string(f.value) == "null" {
			continue // MSAL reads an empty section
		}
		entries, err := objectFields(f.value)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			ce, err := schema.entry(e.key, e.value)
			if err != nil {
				return nil, err
			}
			if dst != nil {
				*dst = append(*dst, ce)
			}
		}
	}
	return c, nil
}

func (s *sectionSchema) entry(key string, value []byte) (cacheEntry, error) {
	fields, err := objectFields(value)
	if err != nil {
		return cacheEntry{}, err
	}
	e := cacheEntry{key: key, str: map[string]string{}, times: map[string]time.Time{}}
	for _, f := range fields {
		switch s.fields[f.key] {
		case kString:
			if len(f.value) == 0 || f.value[0] != '"' {
				return cacheEntry{}, miss("a token cache field is not a string")
			}
			var v string
			if err := json.Unmarshal(f.value, &v); err != nil {
				return cacheEntry{}, miss("a token cache field is not a string")
			}
			e.str[f.key] = v
		case kUnixTime:
			// MSAL trims quotes and reads an integer of seconds.
			i, err := strconv.Atoi(strings.Trim(string(f.value), `"`))
			if err != nil {
				return cacheEntry{}, miss("a token cache time is not an integer")
			}
			e.times[f.key] = time.Unix(int64(i), 0)
		default:
			for _, g := range s.goNames {
				if f.key == g {
					return cacheEntry{}, miss("a token cache entry has an unusual field name")
				}
			}
		}
	}
	return e, nil
}

// field is one member of a JSON object, in document order.
type field struct {
	key   string
	value json.RawMessage
}

// objectFields splits a JSON object into its members; anything else, or an
// object naming a key twice, is a miss.
func objectFields(data []byte) ([]field, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, miss("the token cache is not in MSAL's form")
	}
	var out []field
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, miss("the token cache is not valid JSON")
		}
		k, _ := t.(string)
		if seen[k] {
			return nil, miss("the token cache names a key twice")
		}
		seen[k] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, miss("the token cache is not valid JSON")
		}
		out = append(out, field{key: k, value: v})
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('}') {
		return nil, miss("the token cache is not valid JSON")
	}
	return out, nil
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
