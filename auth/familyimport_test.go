package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
	"github.com/azcontext/azc/emulator"
)

// capturedCache is an MSAL cache accessor that keeps what MSAL exports.
type capturedCache struct{ data []byte }

func (c *capturedCache) Replace(_ context.Context, u cache.Unmarshaler, _ cache.ReplaceHints) error {
	if c.data == nil {
		return nil
	}
	return u.Unmarshal(c.data)
}

func (c *capturedCache) Export(_ context.Context, m cache.Marshaler, _ cache.ExportHints) error {
	data, err := m.Marshal()
	c.data = data
	return err
}

// A token cache the az CLI wrote (an import brings it: `azc context import
// ~/.azure/azureProfile.json`) holds the user's family refresh token under
// az's client id, with app metadata of az's client alone; azc, which signs
// users in as Azure PowerShell, of the same family, redeems it. MSAL reads
// a client's refresh token only once it finds that client's app metadata,
// so every token of an imported az sign-in said "interaction required".
func TestATokenCacheOfTheAzCLIServesAzc(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	m := newTestManager(s, nil)
	res := deviceLogin(t, s, m, emulator.DefaultUser)

	// az signs the same user in, in a cache of its own
	s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, emulator.DefaultUser) })
	az := &capturedCache{}
	c, err := public.New(emulator.AzureCLIClientID, public.WithAuthority(strings.TrimSuffix(s.AuthorityHost(), "/")+"/organizations"),
		public.WithHTTPClient(s.Client()), public.WithInstanceDiscovery(false), public.WithCache(az))
	if err != nil {
		t.Fatal(err)
	}
	dc, err := c.AcquireTokenByDeviceCode(context.Background(), []string{ARMScope(emulatorEnv(s))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dc.AuthenticationResult(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(az.data), `"family_id":"1"`) || strings.Contains(string(az.data), AzurePowerShellClientID) {
		t.Fatal("az's cache is not the shape az writes: a family refresh token, nothing of Azure PowerShell's client")
	}

	// the account's blob holds az's cache alone, as an import stores it
	blob, err := (&credentials{msalCache: az.data}).marshal()
	if err != nil {
		t.Fatal(err)
	}
	blobs := newMemBlobs()
	if err := blobs.Put(res.Account.Key(), blob); err != nil {
		t.Fatal(err)
	}
	tok, err := m.Token(context.Background(), blobs, emulatorEnv(s), res.Account, TokenRequest{})
	if err != nil {
		t.Fatalf("Token over az's cache: %v", err)
	}
	parts := strings.Split(tok.AccessToken.Reveal(), ".")
	if len(parts) != 3 {
		t.Fatal("not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		AppID string `json:"appid"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil || claims.AppID != AzurePowerShellClientID {
		t.Fatalf("token of app %q (%v), want azc's client, %s, by the family refresh token", claims.AppID, err, AzurePowerShellClientID)
	}
}

// FuzzFamilyMember: whatever cache an import brought, familyMember gives
// it back as it was or as valid JSON holding azc's client's app metadata,
// never panics.
func FuzzFamilyMember(f *testing.F) {
	f.Add([]byte(`{"RefreshToken":{"k":{"environment":"login.example","family_id":"1","secret":"x"}},"AppMetadata":{"a":{"client_id":"az","environment":"login.example","family_id":"1"}}}`))
	f.Add([]byte(`{"RefreshToken":{"k":{"environment":"","family_id":"1"}}}`))
	f.Add([]byte(`{"RefreshToken":null,"family_id":1}`))
	f.Add([]byte(`{"RefreshToken":{"k":{"family_id":"1","environment":"E"}},"AppMetadata":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		out := familyMember(data, AzurePowerShellClientID)
		if string(out) == string(data) {
			return
		}
		if !json.Valid(out) || !strings.Contains(string(out), `"client_id":"`+AzurePowerShellClientID+`"`) {
			t.Fatalf("familyMember(%q) = %q", data, out)
		}
	})
}
