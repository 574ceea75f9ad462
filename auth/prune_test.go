package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"

	"github.com/azcontext/azc/internal/credblob"
)

type rawCache []byte

func (r rawCache) Marshal() ([]byte, error) { return r, nil }

// TestExportKeepsTheLatestAccessTokens holds the blob MSAL's cache is
// written to to credblob.MaxAccessTokens access tokens, the latest to
// expire: each resource a child asked `azc exec`'s endpoint for added one,
// and the whole cache was written at each, so 2,000 resources made a 3 MB
// blob, took 173 s and grew without end. The refresh tokens stay.
func TestExportKeepsTheLatestAccessTokens(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	m := New(Config{Now: func() time.Time { return now }})
	blobs := newMemBlobs()
	c := &blobCache{m: m, blobs: blobs, key: "k"}
	const n = credblob.MaxAccessTokens + 500
	ats := map[string]any{}
	for i := range n {
		exp := now.Add(time.Duration(i-100) * time.Minute).Unix() // the first 100 expired
		ats[fmt.Sprintf("at-%d", i)] = map[string]string{"secret": "s", "expires_on": strconv.FormatInt(exp, 10)}
	}
	data, err := json.Marshal(map[string]any{"AccessToken": ats, "RefreshToken": map[string]any{"rt": map[string]string{"secret": "r"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Export(context.Background(), rawCache(data), cache.ExportHints{}); err != nil {
		t.Fatal(err)
	}
	creds, err := unmarshalCredentials(blobs.data["k"])
	if err != nil {
		t.Fatal(err)
	}
	var stored struct {
		AccessToken  map[string]json.RawMessage
		RefreshToken map[string]json.RawMessage
	}
	if err := json.Unmarshal(creds.msalCache, &stored); err != nil {
		t.Fatal(err)
	}
	_, last := stored.AccessToken[fmt.Sprintf("at-%d", n-1)]
	_, first := stored.AccessToken[fmt.Sprintf("at-%d", n-credblob.MaxAccessTokens-1)]
	if len(stored.AccessToken) != credblob.MaxAccessTokens || !last || first || len(stored.RefreshToken) != 1 {
		t.Errorf("the blob keeps %d access tokens (the last to expire: %v, the one before the kept: %v) and %d refresh tokens; want %d, the latest, and 1",
			len(stored.AccessToken), last, first, len(stored.RefreshToken), credblob.MaxAccessTokens)
	}
}

// TestCredentialKeepsAsManyTokensAsTheBlob holds a Credential's tokens in
// memory to credblob.MaxAccessTokens: it kept one for each resource asked
// for, so a long `azc exec` whose child asked for ever more grew without end.
func TestCredentialKeepsAsManyTokensAsTheBlob(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	m := New(Config{HTTPClient: s.Client()})
	res := spLogin(t, s, m, LoginOptions{})
	blobs := newMemBlobs()
	if err := res.Save(context.Background(), blobs, nil); err != nil {
		t.Fatal(err)
	}
	cred := m.Credential(blobs, emulatorEnv(s), res.Account, "")
	fresh := azcore.AccessToken{Token: "t", ExpiresOn: time.Now().Add(time.Hour)}
	for i := range credblob.MaxAccessTokens {
		cred.tokens[tokenKey{scope: fmt.Sprintf("https://r%d.test/.default", i), tenant: cred.tenant}] = fresh
	}
	if _, err := cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{ARMScope(emulatorEnv(s))}}); err != nil {
		t.Fatal(err)
	}
	if n := len(cred.tokens); n > credblob.MaxAccessTokens {
		t.Errorf("the credential holds %d tokens, want at most %d", n, credblob.MaxAccessTokens)
	}
}
