package auth

import (
	"encoding/json"
	"testing"
)

// expireAccessTokens rewrites the blob's MSAL cache so that every access
// token has expired, leaving refresh tokens intact.
func expireAccessTokens(t testing.TB, blobs Blobs, key string) {
	t.Helper()
	data, err := blobs.Get(key)
	if err != nil {
		t.Fatal(err)
	}
	var b blobJSON
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatal(err)
	}
	var c map[string]json.RawMessage
	if err := json.Unmarshal(b.MSALCache, &c); err != nil {
		t.Fatal(err)
	}
	var ats map[string]map[string]any
	if err := json.Unmarshal(c["AccessToken"], &ats); err != nil {
		t.Fatal(err)
	}
	for _, at := range ats {
		at["expires_on"] = "1000"
		at["extended_expires_on"] = "1000"
		delete(at, "refresh_on")
	}
	c["AccessToken"], _ = json.Marshal(ats)
	b.MSALCache, _ = json.Marshal(c)
	out, _ := json.Marshal(b)
	if err := blobs.Put(key, out); err != nil {
		t.Fatal(err)
	}
}

// revokeRefreshTokens replaces every refresh token in the blob with one the
// identity provider never issued.
func revokeRefreshTokens(t testing.TB, blobs Blobs, key string) {
	t.Helper()
	data, err := blobs.Get(key)
	if err != nil {
		t.Fatal(err)
	}
	var b blobJSON
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatal(err)
	}
	var c map[string]json.RawMessage
	if err := json.Unmarshal(b.MSALCache, &c); err != nil {
		t.Fatal(err)
	}
	var rts map[string]map[string]any
	if err := json.Unmarshal(c["RefreshToken"], &rts); err != nil {
		t.Fatal(err)
	}
	for _, rt := range rts {
		rt["secret"] = "revoked"
	}
	c["RefreshToken"], _ = json.Marshal(rts)
	b.MSALCache, _ = json.Marshal(c)
	out, _ := json.Marshal(b)
	if err := blobs.Put(key, out); err != nil {
		t.Fatal(err)
	}
}
