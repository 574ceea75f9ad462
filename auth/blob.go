package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"

	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/internal/credblob"
	"github.com/azcontext/azc/secret"
)

// credentials is what one account's blob holds, decoded: the fields of
// credblob.Credentials under the names auth's flows use. The format itself
// (and the cache-only lookup the light azc uses) lives in package credblob.
type credentials struct {
	msalCache           []byte
	clientSecret        secret.String
	certificate         secret.String // PEM: certificate chain and PKCS#8 key
	accessToken         secret.String
	accessTokenExpires  time.Time
	accessTokenTenantID string
}

// Format prints credentials without what they hold: fmt cannot call
// secret.String's redacting methods in unexported fields, and the MSAL
// cache holds refresh tokens.
func (c credentials) Format(f fmt.State, _ rune) {
	_, _ = f.Write([]byte("auth.credentials{redacted}"))
}

// LogValue logs credentials as Format prints them.
func (c credentials) LogValue() slog.Value { return slog.StringValue("auth.credentials{redacted}") }

func (c *credentials) marshal() ([]byte, error) {
	b := credblob.Credentials{
		MSALCache:           c.msalCache,
		ClientSecret:        c.clientSecret,
		Certificate:         c.certificate,
		AccessToken:         c.accessToken,
		AccessTokenExpires:  c.accessTokenExpires,
		AccessTokenTenantID: c.accessTokenTenantID,
	}
	return b.Marshal()
}

func unmarshalCredentials(data []byte) (*credentials, error) {
	b, err := credblob.Unmarshal(data)
	if err != nil {
		return nil, err
	}
	return &credentials{
		msalCache:           b.MSALCache,
		clientSecret:        b.ClientSecret,
		certificate:         b.Certificate,
		accessToken:         b.AccessToken,
		accessTokenExpires:  b.AccessTokenExpires,
		accessTokenTenantID: b.AccessTokenTenantID,
	}, nil
}

// readCredentials reads key's blob; ErrNotSignedIn when there is none, or
// when its data key is gone from the OS key store (the kernel keyring
// empties at a reboot), which the error then says.
func (m *Manager) readCredentials(blobs Blobs, key string) (*credentials, error) {
	data, err := blobs.Get(key)
	if err != nil {
		if lost := (*credstore.KeyLostError)(nil); errors.As(err, &lost) {
			return nil, fmt.Errorf("%w: %w", ErrNotSignedIn, lost)
		}
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
	return u.Unmarshal(familyMember(data, AzurePowerShellClientID))
}

// familyMember returns data, an MSAL cache, with app metadata saying that
// clientID is of Microsoft's family of clients (family "1") in each
// environment of a family refresh token where it has none: MSAL reads a
// client's refresh token only once it finds that client's app metadata,
// and an imported az CLI cache holds the family refresh token under az's
// client id, with az's app metadata alone. data is returned as it is when
// it needs nothing, or cannot be read (MSAL says why). A cache that names
// clientID anywhere (every one after its first token for clientID) is not
// read here: a token request costs no second decoding of its cache.
func familyMember(data []byte, clientID string) []byte {
	if !bytes.Contains(data, []byte(`"family_id"`)) || bytes.Contains(data, []byte(clientID)) {
		return data
	}
	var c map[string]json.RawMessage
	var rts map[string]struct {
		Environment string `json:"environment"`
		FamilyID    string `json:"family_id"`
	}
	var apps map[string]json.RawMessage
	if json.Unmarshal(data, &c) != nil || json.Unmarshal(c["RefreshToken"], &rts) != nil ||
		c["AppMetadata"] != nil && json.Unmarshal(c["AppMetadata"], &apps) != nil {
		return data
	}
	has := map[string]bool{} // environments with clientID's app metadata
	for _, raw := range apps {
		var a struct {
			ClientID    string `json:"client_id"`
			Environment string `json:"environment"`
		}
		if json.Unmarshal(raw, &a) == nil && strings.EqualFold(a.ClientID, clientID) {
			has[strings.ToLower(a.Environment)] = true
		}
	}
	added := false
	for _, rt := range rts {
		env := strings.ToLower(rt.Environment)
		if rt.FamilyID != "1" || env == "" || has[env] {
			continue
		}
		if apps == nil {
			apps = map[string]json.RawMessage{}
		}
		entry, _ := json.Marshal(map[string]string{"client_id": clientID, "environment": rt.Environment, "family_id": "1"})
		apps["appmetadata-"+env+"-"+strings.ToLower(clientID)] = entry
		has[env], added = true, true
	}
	if !added {
		return data
	}
	c["AppMetadata"], _ = json.Marshal(apps)
	out, err := json.Marshal(c)
	if err != nil {
		return data
	}
	return out
}

func (c *blobCache) Export(ctx context.Context, mm cache.Marshaler, _ cache.ExportHints) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	data, err := mm.Marshal()
	if err != nil {
		return err
	}
	data = credblob.PruneAccessTokens(data, c.m.cfg.Now())
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

// refreshTokens returns the refresh tokens of the cache last read, which a
// silent request may have sent (describeMSALError keeps them out of its
// error).
func (c *blobCache) refreshTokens() []secret.String {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.creds == nil {
		return nil
	}
	return refreshTokensOf(c.creds.msalCache)
}

// refreshTokens returns the refresh tokens the cache holds now.
func (c *memoryCache) refreshTokens() []secret.String {
	data, err := c.bytes()
	if err != nil {
		return nil
	}
	return refreshTokensOf(data)
}

// refreshTokensOf returns the refresh tokens of an MSAL cache (its
// RefreshToken entries' secrets); none when it cannot be read.
func refreshTokensOf(msalCache []byte) []secret.String {
	var c struct {
		RefreshToken map[string]struct {
			Secret string `json:"secret"`
		}
	}
	if len(msalCache) == 0 || json.Unmarshal(msalCache, &c) != nil {
		return nil
	}
	out := make([]secret.String, 0, len(c.RefreshToken))
	for _, rt := range c.RefreshToken {
		out = append(out, secret.New(rt.Secret))
	}
	return out
}
