// Package credblob is the format of an account's credential blob — its
// MSAL token cache, client secret, certificate or raw access token — and
// what can be read from it without MSAL: the cache-only token lookup that
// lets the light azc binary answer `azc token` when a cached access token
// will do (CachedToken). It links neither MSAL nor azcore nor net/http;
// package auth drives MSAL over the same blobs.
package credblob

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/secret"
)

// Version is the format version of an account blob this build writes.
const Version = 1

// Credentials is what one account's blob holds, decoded. Secrets stay typed
// in memory; only Marshal's output carries them as plain strings, and only
// into the (encrypted) store.
type Credentials struct {
	// MSALCache is the account's MSAL token cache (JSON), for users and
	// service principals.
	MSALCache []byte
	// ClientSecret is a service principal's secret.
	ClientSecret secret.String
	// Certificate is a service principal's certificate chain and PKCS#8
	// key, PEM.
	Certificate secret.String
	// AccessToken is a raw access token (account type accessToken), kept
	// until AccessTokenExpires and never refreshed.
	AccessToken         secret.String
	AccessTokenExpires  time.Time
	AccessTokenTenantID string

	// checkedCache is MSALCache as Unmarshal read it, valid JSON: while
	// MSALCache is that same slice, CachedToken need not check it again.
	checkedCache []byte
}

// blobJSON is the blob's wire form.
type blobJSON struct {
	Version             int             `json:"version"`
	MSALCache           json.RawMessage `json:"msalCache,omitempty"`
	Secret              string          `json:"secret,omitempty"`
	Certificate         string          `json:"certificate,omitempty"`
	AccessToken         string          `json:"accessToken,omitempty"`
	AccessTokenExpires  int64           `json:"accessTokenExpiresOn,omitempty"`
	AccessTokenTenantID string          `json:"accessTokenTenantId,omitempty"`
}

// Marshal encodes c as a blob of the current Version. The result holds
// secrets in clear: it goes to the credential store only.
func (c *Credentials) Marshal() ([]byte, error) {
	b := blobJSON{
		Version:             Version,
		Secret:              c.ClientSecret.Reveal(),
		Certificate:         c.Certificate.Reveal(),
		AccessToken:         c.AccessToken.Reveal(),
		AccessTokenTenantID: c.AccessTokenTenantID,
	}
	if len(c.MSALCache) > 0 {
		b.MSALCache = c.MSALCache
	}
	if !c.AccessTokenExpires.IsZero() {
		b.AccessTokenExpires = c.AccessTokenExpires.Unix()
	}
	return json.Marshal(b)
}

// Unmarshal decodes a blob. A blob of a newer format version is refused
// (with a hint to upgrade azc); errors never quote the data, which may hold
// tokens.
func Unmarshal(data []byte) (*Credentials, error) {
	if err := profile.CheckValues(data); err != nil {
		return nil, fmt.Errorf("decode the account's credential blob: %w", err)
	}
	var b blobJSON
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("decode the account's credential blob: invalid JSON")
	}
	if b.Version > Version {
		return nil, fmt.Errorf("the account's credential blob has format version %d, newer than this azc (%d): upgrade azc", b.Version, Version)
	}
	c := &Credentials{
		MSALCache:           b.MSALCache,
		ClientSecret:        secret.New(b.Secret),
		Certificate:         secret.New(b.Certificate),
		AccessToken:         secret.New(b.AccessToken),
		AccessTokenTenantID: b.AccessTokenTenantID,
		checkedCache:        b.MSALCache,
	}
	if b.AccessTokenExpires != 0 {
		c.AccessTokenExpires = time.Unix(b.AccessTokenExpires, 0)
	}
	return c, nil
}
