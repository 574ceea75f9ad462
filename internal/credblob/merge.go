package credblob

import (
	"encoding/json"
	"time"

	"github.com/azcontext/azc/profile"
)

// Updater is the part of a blob store MergeMSALCache needs: a locked
// read-modify-write of one key (credstore.Blobs, the session's store and
// auth.Blobs all have it). fn gets nil when the key has no blob.
type Updater interface {
	Update(key string, fn func(old []byte) ([]byte, error)) error
}

// MergeMSALCache merges cache, an unencrypted MSAL token cache (Azure
// PowerShell's TokenCache.CacheData, az's msal_token_cache.json), into the
// blob of accountKey under the blob's lock. Entries of the sections
// AccessToken, RefreshToken, IdToken, Account and AppMetadata are merged,
// cache's entries winning, and the access tokens kept are at most
// MaxAccessTokens (PruneAccessTokens); the blob's other fields are kept. A
// blob that does not exist is created. Errors never quote the cache.
func MergeMSALCache(blobs Updater, accountKey string, cache []byte) error {
	in, err := profile.DecodeMSALCache(cache)
	if err != nil {
		return err
	}
	return blobs.Update(accountKey, func(old []byte) ([]byte, error) {
		creds := &Credentials{}
		if len(old) > 0 {
			c, err := Unmarshal(old)
			if err != nil {
				return nil, err
			}
			creds = c
		}
		merged, err := mergeMSALJSON(creds.MSALCache, in)
		if err != nil {
			return nil, err
		}
		creds.MSALCache = PruneAccessTokens(merged, time.Now())
		return creds.Marshal()
	})
}

// mergeMSALJSON merges the sections of in into the cache old (may be empty).
func mergeMSALJSON(old []byte, in map[string]json.RawMessage) ([]byte, error) {
	if len(old) == 0 {
		return json.Marshal(in)
	}
	var cur map[string]json.RawMessage
	if err := json.Unmarshal(old, &cur); err != nil || cur == nil {
		// an unreadable stored cache is replaced by the imported one
		return json.Marshal(in)
	}
	for k, v := range in {
		if _, ok := cur[k]; !ok || !profile.MSALSection(k) {
			cur[k] = v
			continue
		}
		var a, b map[string]json.RawMessage
		if json.Unmarshal(cur[k], &a) != nil || a == nil {
			cur[k] = v
			continue
		}
		_ = json.Unmarshal(v, &b) // an object: DecodeMSALCache checked it
		for ek, ev := range b {
			a[ek] = ev
		}
		data, err := json.Marshal(a)
		if err != nil {
			return nil, err
		}
		cur[k] = data
	}
	return json.Marshal(cur)
}
