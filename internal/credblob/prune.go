package credblob

import (
	"bytes"
	"cmp"
	"encoding/json"
	"slices"
	"strconv"
	"time"
)

// MaxAccessTokens is how many access tokens an account's MSAL cache keeps.
// Each resource a program asks `azc exec`'s endpoint for adds one (a
// storage account's own audience is a resource of its own), and the whole
// cache is written back on each: 2,000 resources made a 3 MB blob and took
// 173 s, each request slower than the last, on the way to a blob larger
// than azc reads. A sign-in across 100 tenants and a few resources each
// stays within it.
const MaxAccessTokens = 1000

// PruneAccessTokens returns cache, an MSAL token cache, holding at most
// MaxAccessTokens access tokens: those expired by now go first, then those
// that expire soonest. A cache within the limit, or one it cannot read, is
// returned as it is; a token let go is only asked for again.
func PruneAccessTokens(cache []byte, now time.Time) []byte {
	var top map[string]json.RawMessage
	if json.Unmarshal(cache, &top) != nil {
		return cache
	}
	var ats map[string]json.RawMessage
	if json.Unmarshal(top["AccessToken"], &ats) != nil || len(ats) <= MaxAccessTokens {
		return cache
	}
	type entry struct {
		key     string
		expires int64
	}
	entries := make([]entry, 0, len(ats))
	for k, v := range ats {
		var at struct {
			ExpiresOn json.RawMessage `json:"expires_on"`
		}
		_ = json.Unmarshal(v, &at)
		n, _ := strconv.ParseInt(string(bytes.Trim(at.ExpiresOn, `"`)), 10, 64)
		entries = append(entries, entry{k, n})
	}
	// latest expiry first; the key orders ties, so the same cache prunes alike
	slices.SortFunc(entries, func(a, b entry) int {
		return cmp.Or(cmp.Compare(b.expires, a.expires), cmp.Compare(a.key, b.key))
	})
	for i, e := range entries {
		if i >= MaxAccessTokens || e.expires <= now.Unix() {
			delete(ats, e.key)
		}
	}
	data, err := json.Marshal(ats)
	if err != nil {
		return cache
	}
	top["AccessToken"] = data
	out, err := json.Marshal(top)
	if err != nil {
		return cache
	}
	return out
}
