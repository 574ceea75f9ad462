package credblob

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/secret"
)

func TestNewerBlobVersionIsRefused(t *testing.T) {
	t.Parallel()
	if _, err := Unmarshal([]byte(`{"version":99}`)); err == nil || !strings.Contains(err.Error(), "upgrade") {
		t.Fatalf("err = %v", err)
	}
}

func TestCorruptBlobErrorQuotesNothing(t *testing.T) {
	t.Parallel()
	_, err := Unmarshal([]byte(`{"secret":"hunter2"`))
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("err = %v", err)
	}
}

func TestAzCompatibleToken(t *testing.T) {
	t.Parallel()
	loc := time.FixedZone("X", 2*3600)
	tok := Token{AccessToken: secret.New("a.b.c"), ExpiresOn: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC), TenantID: "t"}
	az := tok.AzCompatible("sub", loc)
	want := AzToken{AccessToken: "a.b.c", ExpiresOn: "2030-01-02 05:04:05.000000", ExpiresOnSec: 1893553445, Subscription: "sub", Tenant: "t", TokenType: "Bearer"}
	if az != want {
		t.Fatalf("got %+v, want %+v", az, want)
	}
	// A token MSAL has just fetched expires at now+expires_in, to the
	// nanosecond; the cache keeps whole seconds. Both print as az does
	// (from the whole expires_on): the same token must not print
	// ".517080" fresh and ".000000" from the cache.
	tok.ExpiresOn = tok.ExpiresOn.Add(517080123 * time.Nanosecond)
	if az := tok.AzCompatible("sub", loc); az != want {
		t.Fatalf("fresh token: got %+v, want %+v", az, want)
	}
}

func FuzzUnmarshal(f *testing.F) {
	f.Add([]byte(`{"version":1,"msalCache":{"AccessToken":{}},"secret":"x"}`))
	f.Add([]byte(`{"version":1,"accessToken":"t","accessTokenExpiresOn":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Unmarshal(data)
		if err != nil {
			return
		}
		again, err := c.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Unmarshal(again); err != nil {
			t.Fatalf("re-encoded blob does not decode: %v", err)
		}
	})
}

// memUpdater is an in-memory Updater.
type memUpdater struct {
	mu   sync.Mutex
	data map[string][]byte
}

var errBad = errors.New("bad update")

func (m *memUpdater) Update(key string, fn func(old []byte) ([]byte, error)) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	out, err := fn(m.data[key])
	if err != nil {
		return err
	}
	if out == nil {
		return errBad
	}
	m.data[key] = out
	return nil
}

func TestMergeMSALCache(t *testing.T) {
	t.Parallel()
	blobs := &memUpdater{data: map[string][]byte{}}
	old := &Credentials{MSALCache: []byte(`{"RefreshToken":{"a":{"secret":"old-a"},"b":{"secret":"old-b"}},"Extra":1}`), ClientSecret: secret.New("s3cret")}
	data, err := old.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	blobs.data["k"] = data
	if err := MergeMSALCache(blobs, "k", []byte(`{"RefreshToken":{"b":{"secret":"new-b"},"c":{"secret":"new-c"}},"Account":{"x":{}}}`)); err != nil {
		t.Fatal(err)
	}
	c, err := Unmarshal(blobs.data["k"])
	if err != nil {
		t.Fatal(err)
	}
	if c.ClientSecret.Reveal() != "s3cret" {
		t.Error("the secret was not kept")
	}
	s := string(c.MSALCache)
	for _, want := range []string{`"old-a"`, `"new-b"`, `"new-c"`, `"Account":{"x":{}}`, `"Extra":1`} {
		if !strings.Contains(s, want) {
			t.Errorf("merged cache lacks %s", want)
		}
	}
	if strings.Contains(s, "old-b") {
		t.Error("the imported entry did not win")
	}
	// a missing blob is created
	if err := MergeMSALCache(blobs, "new", []byte(`{"RefreshToken":{}}`)); err != nil {
		t.Fatal(err)
	}
	if _, ok := blobs.data["new"]; !ok {
		t.Fatal("no blob created")
	}
	for _, bad := range []string{`not json`, `null`, `[]`, `{"RefreshToken":"not json"}`, `{"Account":[1]}`} {
		if _, err := profile.DecodeMSALCache([]byte(bad)); err == nil || strings.Contains(err.Error(), "not json") {
			t.Errorf("profile.DecodeMSALCache(%s) = %v", bad, err)
		}
		if err := MergeMSALCache(blobs, "bad", []byte(bad)); err == nil || strings.Contains(err.Error(), "not json") {
			t.Errorf("MergeMSALCache(%s) = %v", bad, err)
		}
		if _, ok := blobs.data["bad"]; ok {
			t.Fatalf("MergeMSALCache(%s) stored a blob", bad)
		}
	}
}
