package credstore

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestPlaintextBlobsListsThemWithoutAStore: the plaintext blobs of a store
// that Open refuses (AZC_REQUIRE_ENCRYPTION=1 where no key store is
// reachable) are listed without opening it, the sealed ones left out, and
// nothing is made or changed: `azc doctor` said only that the store was
// refused, and not that a blob on disk held an account's secrets in the
// clear.
func TestPlaintextBlobsListsThemWithoutAStore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if got, err := PlaintextBlobs(dir); err != nil || got != nil {
		t.Fatalf("PlaintextBlobs of a state directory without a store = %q, %v; want none", got, err)
	}
	if _, err := os.Stat(filepath.Join(dir, credentialsDir)); !os.IsNotExist(err) {
		t.Fatalf("PlaintextBlobs made the store's directory: %v", err)
	}
	plain, err := Open(dir, Options{Backend: Plaintext()})
	if err != nil {
		t.Fatal(err)
	}
	if err := plain.Put("azurecloud|t|plain@example.com", []byte("secret")); err != nil {
		t.Fatal(err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	sealed, err := Open(dir, Options{Backend: FixedKey("test-key", key)})
	if err != nil {
		t.Fatal(err)
	}
	if err := sealed.Put("azurecloud|t|sealed@example.com", []byte("secret")); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadDir(sealed.Dir())
	if err != nil {
		t.Fatal(err)
	}
	meta, err := os.ReadFile(sealed.metaPath())
	if err != nil {
		t.Fatal(err)
	}
	got, err := PlaintextBlobs(dir)
	if want := []string{plain.path("azurecloud|t|plain@example.com")}; err != nil || !slices.Equal(got, want) {
		t.Fatalf("PlaintextBlobs = %q, %v; want %q", got, err, want)
	}
	after, err := os.ReadDir(sealed.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Errorf("PlaintextBlobs changed the store's files: %d before, %d after", len(before), len(after))
	}
	if now, err := os.ReadFile(sealed.metaPath()); err != nil || string(now) != string(meta) {
		t.Errorf("PlaintextBlobs changed meta.json: %v", err)
	}
}
