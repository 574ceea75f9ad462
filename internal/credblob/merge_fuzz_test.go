package credblob

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/azcontext/azc/profile"
)

// FuzzMergeMSALCache holds MergeMSALCache, which reads a token cache from
// an imported file (PowerShell's TokenCache.CacheData, az's
// msal_token_cache.json), to its contract for any cache and any stored
// cache: a cache profile.DecodeMSALCache refuses is refused and stores nothing; one
// it takes merges into a blob that Unmarshal reads, whose cache holds every
// entry of the imported sections (of access tokens, MaxAccessTokens at most).
func FuzzMergeMSALCache(f *testing.F) {
	f.Add([]byte(`{"RefreshToken":{"a":{"secret":"x"}}}`), []byte(`{"RefreshToken":{"b":{}},"Extra":1}`))
	f.Add([]byte(`{"RefreshToken":null,"Account":{}}`), []byte(`not json`))
	f.Add([]byte(`{"AccessToken":{"a":1},"AccessToken":{"b":2}}`), []byte(`{"AccessToken":[]}`))
	f.Add([]byte(`[]`), []byte(``))
	f.Fuzz(func(t *testing.T, cache, stored []byte) {
		blobs := &memUpdater{data: map[string][]byte{}}
		if len(stored) > 0 {
			old, err := (&Credentials{MSALCache: stored}).Marshal()
			if err != nil {
				return
			}
			blobs.data["k"] = old
		}
		err := MergeMSALCache(blobs, "k", cache)
		if _, derr := profile.DecodeMSALCache(cache); derr != nil {
			if err == nil {
				t.Fatal("a cache profile.DecodeMSALCache refuses was merged")
			}
			return
		}
		if err != nil {
			t.Fatalf("merge of a cache profile.DecodeMSALCache takes: %v", err)
		}
		c, err := Unmarshal(blobs.data["k"])
		if err != nil {
			t.Fatalf("the merged blob does not read back: %v", err)
		}
		var in, got map[string]map[string]json.RawMessage
		var inAll, gotAll map[string]json.RawMessage
		_ = json.Unmarshal(cache, &inAll)
		if err := json.Unmarshal(c.MSALCache, &gotAll); err != nil {
			t.Fatalf("the merged cache is not a JSON object: %v", err)
		}
		in, got = map[string]map[string]json.RawMessage{}, map[string]map[string]json.RawMessage{}
		for k := range inAll {
			if !profile.MSALSection(k) {
				continue
			}
			var a, b map[string]json.RawMessage
			_ = json.Unmarshal(inAll[k], &a)
			_ = json.Unmarshal(gotAll[k], &b)
			in[k], got[k] = a, b
		}
		for k, entries := range in {
			if k == "AccessToken" && len(got[k]) == MaxAccessTokens {
				continue
			}
			for e := range entries {
				if _, ok := got[k][e]; !ok {
					t.Fatalf("the merged cache lacks %s entry %q", k, e)
				}
			}
		}
	})
}

// TestMergeKeepsTheLatestAccessTokens: an imported cache of more access
// tokens than MaxAccessTokens is stored with the latest to expire: az's
// msal_token_cache.json of 300,000 was stored whole (16 MB), and every
// `azc token` that found its token there read it all.
func TestMergeKeepsTheLatestAccessTokens(t *testing.T) {
	ats := map[string]any{}
	later := time.Now().Add(time.Hour).Unix()
	for i := range MaxAccessTokens + 10 {
		ats[fmt.Sprintf("at-%d", i)] = map[string]string{"secret": "s", "expires_on": strconv.FormatInt(later+int64(i), 10)}
	}
	cache, err := json.Marshal(map[string]any{"AccessToken": ats})
	if err != nil {
		t.Fatal(err)
	}
	blobs := &memUpdater{data: map[string][]byte{}}
	if err := MergeMSALCache(blobs, "k", cache); err != nil {
		t.Fatal(err)
	}
	c, err := Unmarshal(blobs.data["k"])
	if err != nil {
		t.Fatal(err)
	}
	var got struct{ AccessToken map[string]json.RawMessage }
	if err := json.Unmarshal(c.MSALCache, &got); err != nil {
		t.Fatal(err)
	}
	if _, last := got.AccessToken[fmt.Sprintf("at-%d", MaxAccessTokens+9)]; len(got.AccessToken) != MaxAccessTokens || !last {
		t.Errorf("%d access tokens stored (the latest among them: %v), want %d and the latest", len(got.AccessToken), last, MaxAccessTokens)
	}
}
