package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"

	"github.com/azcontext/azc/secret"
)

// blobVersion is the format version of an account blob this build writes.
const blobVersion = 1

// credentials is what one account's blob holds, decoded. Secrets stay typed
// in memory; only blobJSON carries them as plain strings, and only into the
// (encrypted) store.
type credentials struct {
	msalCache           []byte
	clientSecret        secret.String
	certificate         secret.String // PEM: certificate chain and PKCS#8 key
	accessToken         secret.String
	accessTokenExpires  time.Time
	accessTokenTenantID string
}

type blobJSON struct {
	Version             int             `json:"version"`
	MSALCache           json.RawMessage `json:"msalCache,omitempty"`
	Secret              string          `json:"secret,omitempty"`
	Certificate         string          `json:"certificate,omitempty"`
	AccessToken         string          `json:"accessToken,omitempty"`
	AccessTokenExpires  int64           `json:"accessTokenExpiresOn,omitempty"`
	AccessTokenTenantID string          `json:"accessTokenTenantId,omitempty"`
}

func (c *credentials) marshal() ([]byte, error) {
	b := blobJSON{
		Version:             blobVersion,
		Secret:              c.clientSecret.Reveal(),
		Certificate:         c.certificate.Reveal(),
		AccessToken:         c.accessToken.Reveal(),
		AccessTokenTenantID: c.accessTokenTenantID,
	}
	if len(c.msalCache) > 0 {
		b.MSALCache = c.msalCache
	}
	if !c.accessTokenExpires.IsZero() {
		b.AccessTokenExpires = c.accessTokenExpires.Unix()
	}
	return json.Marshal(b)
}

func unmarshalCredentials(data []byte) (*credentials, error) {
	var b blobJSON
	if err := json.Unmarshal(data, &b); err != nil {
		// The error never quotes the data: it may hold tokens.
		return nil, fmt.Errorf("decode the account's credential blob: invalid JSON")
	}
	if b.Version > blobVersion {
		return nil, fmt.Errorf("the account's credential blob has format version %d, newer than this azc (%d): upgrade azc", b.Version, blobVersion)
	}
	c := &credentials{
		msalCache:           b.MSALCache,
		clientSecret:        secret.New(b.Secret),
		certificate:         secret.New(b.Certificate),
		accessToken:         secret.New(b.AccessToken),
		accessTokenTenantID: b.AccessTokenTenantID,
	}
	if b.AccessTokenExpires != 0 {
		c.accessTokenExpires = time.Unix(b.AccessTokenExpires, 0)
	}
	return c, nil
}

// readCredentials reads key's blob; ErrNotSignedIn when there is none.
func (m *Manager) readCredentials(blobs Blobs, key string) (*credentials, error) {
	data, err := blobs.Get(key)
	if err != nil {
		if m.cfg.NotFound(err) {
			return nil, ErrNotSignedIn
		}
		return nil, fmt.Errorf("read the account's credentials: %w", err)
	}
	return unmarshalCredentials(data)
}

// blobCache is MSAL's cache accessor over one account's blob. Replace reads
// the blob afresh (so a process that waited for the account lock sees the
// token another process just refreshed); Export writes it back with Put, and
// is only reached while the caller holds the account lock.
type blobCache struct {
	m     *Manager
	blobs Blobs
	key   string

	mu    sync.Mutex
	creds *credentials // last read, to keep the non-MSAL fields on Export
}

func (c *blobCache) Replace(ctx context.Context, u cache.Unmarshaler, _ cache.ReplaceHints) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	creds, err := c.m.readCredentials(c.blobs, c.key)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.creds = creds
	c.mu.Unlock()
	data := creds.msalCache
	if len(data) == 0 {
		data = []byte("{}")
	}
	return u.Unmarshal(data)
}

func (c *blobCache) Export(ctx context.Context, mm cache.Marshaler, _ cache.ExportHints) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	data, err := mm.Marshal()
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	creds := c.creds
	if creds == nil {
		creds = &credentials{}
	}
	next := *creds
	next.msalCache = data
	out, err := next.marshal()
	if err != nil {
		return err
	}
	if err := c.blobs.Put(c.key, out); err != nil {
		return fmt.Errorf("save the account's token cache: %w", err)
	}
	c.creds = &next
	return nil
}

// memoryCache is the accessor used during a sign-in: nothing reaches the
// store until the whole login (population included) has succeeded. It
// serialises lazily: MSAL's in-memory cache that last wrote (or read) is
// remembered, so Replace on that same cache is free and Export costs
// nothing until bytes is called. Population makes a hundred token requests
// per login, and re-encoding the growing cache on each was most of its cost.
type memoryCache struct {
	mu     sync.Mutex
	data   []byte
	holder any // the MSAL cache whose contents are the current state, or nil
}

func (c *memoryCache) Replace(_ context.Context, u cache.Unmarshaler, _ cache.ReplaceHints) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.holder != nil && c.holder == any(u) {
		return nil
	}
	if err := c.flush(); err != nil {
		return err
	}
	data := c.data
	if len(data) == 0 {
		data = []byte("{}")
	}
	if err := u.Unmarshal(data); err != nil {
		return err
	}
	c.holder = u
	return nil
}

func (c *memoryCache) Export(_ context.Context, mm cache.Marshaler, _ cache.ExportHints) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.holder != nil && c.holder != any(mm) {
		// Another MSAL cache wrote: take its state now.
		data, err := mm.Marshal()
		if err != nil {
			return err
		}
		c.data = data
	}
	c.holder = mm
	return nil
}

// flush encodes the holder's state into data.
func (c *memoryCache) flush() error {
	if m, ok := c.holder.(cache.Marshaler); ok {
		data, err := m.Marshal()
		if err != nil {
			return err
		}
		c.data = data
	}
	c.holder = nil
	return nil
}

func (c *memoryCache) bytes() ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.flush(); err != nil {
		return nil, err
	}
	return c.data, nil
}

// msalSections are the top-level maps of an MSAL token cache that
// MergeMSALCache merges entry by entry.
var msalSections = []string{"AccessToken", "RefreshToken", "IdToken", "Account", "AppMetadata"}

// MergeMSALCache merges cache, an unencrypted MSAL token cache (Azure
// PowerShell's TokenCache.CacheData, az's msal_token_cache.json), into the
// blob of accountKey under the blob's lock. Entries of the sections
// AccessToken, RefreshToken, IdToken, Account and AppMetadata are merged,
// cache's entries winning; the blob's other fields are kept. A blob that
// does not exist is created. Errors never quote the cache.
func MergeMSALCache(blobs Blobs, accountKey string, cache []byte) error {
	var in map[string]json.RawMessage
	if err := json.Unmarshal(cache, &in); err != nil {
		return fmt.Errorf("decode the imported token cache: invalid JSON")
	}
	return blobs.Update(accountKey, func(old []byte) ([]byte, error) {
		creds := &credentials{}
		if len(old) > 0 {
			c, err := unmarshalCredentials(old)
			if err != nil {
				return nil, err
			}
			creds = c
		}
		merged, err := mergeMSALJSON(creds.msalCache, in)
		if err != nil {
			return nil, err
		}
		creds.msalCache = merged
		return creds.marshal()
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
		if _, ok := cur[k]; !ok || !slices.Contains(msalSections, k) {
			cur[k] = v
			continue
		}
		var a, b map[string]json.RawMessage
		if json.Unmarshal(cur[k], &a) != nil || a == nil {
			cur[k] = v
			continue
		}
		if json.Unmarshal(v, &b) != nil {
			return nil, fmt.Errorf("decode the imported token cache: section %s is not an object", k)
		}
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
