package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/azcontext/azc/secret"
)

func TestCredentialsRoundTrip(t *testing.T) {
	t.Parallel()
	in := &credentials{msalCache: []byte(`{"AccessToken":{}}`), clientSecret: secret.New("s3cret"),
		accessToken: secret.New("tok"), accessTokenExpires: time.Unix(1700000000, 0), accessTokenTenantID: "t"}
	data, err := in.marshal()
	if err != nil {
		t.Fatal(err)
	}
	out, err := unmarshalCredentials(data)
	if err != nil {
		t.Fatal(err)
	}
	if string(out.msalCache) != string(in.msalCache) || out.clientSecret.Reveal() != "s3cret" || out.accessToken.Reveal() != "tok" ||
		!out.accessTokenExpires.Equal(in.accessTokenExpires) || out.accessTokenTenantID != "t" {
		t.Fatalf("round trip lost data")
	}
}

func TestNewerBlobVersionIsRefused(t *testing.T) {
	t.Parallel()
	if _, err := unmarshalCredentials([]byte(`{"version":99}`)); err == nil || !strings.Contains(err.Error(), "upgrade") {
		t.Fatalf("err = %v", err)
	}
}

func TestCorruptBlobErrorQuotesNothing(t *testing.T) {
	t.Parallel()
	_, err := unmarshalCredentials([]byte(`{"secret":"hunter2"`))
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
}

func FuzzUnmarshalCredentials(f *testing.F) {
	f.Add([]byte(`{"version":1,"msalCache":{"AccessToken":{}},"secret":"x"}`))
	f.Add([]byte(`{"version":1,"accessToken":"t","accessTokenExpiresOn":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := unmarshalCredentials(data)
		if err != nil {
			return
		}
		again, err := c.marshal()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := unmarshalCredentials(again); err != nil {
			t.Fatalf("re-encoded blob does not decode: %v", err)
		}
	})
}

func TestMergeMSALCache(t *testing.T) {
	t.Parallel()
	blobs := newMemBlobs()
	old := &credentials{msalCache: []byte(`{"RefreshToken":{"a":{"secret":"old-a"},"b":{"secret":"old-b"}},"Extra":1}`), clientSecret: secret.New("s3cret")}
	data, err := old.marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := blobs.Put("k", data); err != nil {
		t.Fatal(err)
	}
	if err := MergeMSALCache(blobs, "k", []byte(`{"RefreshToken":{"b":{"secret":"new-b"},"c":{"secret":"new-c"}},"Account":{"x":{}}}`)); err != nil {
		t.Fatal(err)
	}
	got, _ := blobs.Get("k")
	c, err := unmarshalCredentials(got)
	if err != nil {
		t.Fatal(err)
	}
	if c.clientSecret.Reveal() != "s3cret" {
		t.Error("the secret was not kept")
	}
	s := string(c.msalCache)
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
	if _, err := blobs.Get("new"); err != nil {
		t.Fatal(err)
	}
	if err := MergeMSALCache(blobs, "bad", []byte(`not json`)); err == nil || strings.Contains(err.Error(), "not json") {
		t.Errorf("err %v", err)
	}
}
