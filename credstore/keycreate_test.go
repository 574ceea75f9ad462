package credstore

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// memBackend is an OS key store without create-if-absent: the store's
// own lock must keep concurrent first opens from minting different keys.
type memBackend struct {
	mu   sync.Mutex
	keys map[string][]byte
}

func (m *memBackend) Name() string { return "mem" }

func (m *memBackend) LoadKey(ref KeyRef) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k, ok := m.keys[ref.ID]
	if !ok {
		return nil, ErrNoKey
	}
	return append([]byte(nil), k...), nil
}

func (m *memBackend) StoreKey(ref KeyRef, key []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.keys[ref.ID] = append([]byte(nil), key...)
	return nil
}

func TestConcurrentFirstOpensAgreeOnOneKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b := &memBackend{keys: map[string][]byte{}}
	const n = 16
	stores := make([]*Store, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			s, err := Open(dir, Options{Backend: b})
			if err != nil {
				t.Error(err)
				return
			}
			stores[i] = s
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	if len(b.keys) != 1 {
		t.Fatalf("%d keys stored, want 1", len(b.keys))
	}
	if err := stores[0].Put("k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	for i, s := range stores {
		if s.sealer.id != stores[0].sealer.id {
			t.Fatalf("store %d uses another key", i)
		}
		if got, err := s.Get("k"); err != nil || string(got) != "v" {
			t.Fatalf("store %d Get = %q, %v", i, got, err)
		}
	}
}

// The data key is the state directory's, whichever path reaches it: a
// store opened through a symbolic link to a parent of the directory (a
// home reached as /home/u and as /data/home/u) reads the blobs written
// through the other path.
func TestAStoreReachedThroughALinkedParentFindsItsKey(t *testing.T) {
	t.Parallel()
	real := t.TempDir()
	link := filepath.Join(t.TempDir(), "home")
	if err := os.Symlink(real, link); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	b := &memBackend{keys: map[string][]byte{}}
	s, err := Open(filepath.Join(real, "azc"), Options{Backend: b})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put("acct", []byte("v")); err != nil {
		t.Fatal(err)
	}
	linked, err := Open(filepath.Join(link, "azc"), Options{Backend: b})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := linked.Get("acct"); err != nil || string(got) != "v" {
		t.Fatalf("Get through the linked parent = %q, %v; want the blob written through the real path", got, err)
	}
	if len(b.keys) != 1 {
		t.Fatalf("%d data keys stored for one state directory, want 1", len(b.keys))
	}
}

// A store whose data key was named for its path as given, links and all
// (as azc named it before it resolved them), still finds that key through
// the same path: named afresh for the resolved path, it found none, made
// another, and every blob sealed before read as signed out.
func TestAKeyNamedForTheUnresolvedPathIsStillFound(t *testing.T) {
	t.Parallel()
	real := t.TempDir()
	link := filepath.Join(t.TempDir(), "home")
	if err := os.Symlink(real, link); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	dir := filepath.Join(link, "azc")
	b := &memBackend{keys: map[string][]byte{}}
	s, err := Open(dir, Options{Backend: b})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put("acct", []byte("v")); err != nil {
		t.Fatal(err)
	}
	// the key as an earlier azc stored it: under the name of the path
	// with its link
	b.keys = map[string][]byte{keyRefFor(dir).ID: b.keys[s.ref.ID]}
	again, err := Open(dir, Options{Backend: b})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := again.Get("acct"); err != nil || string(got) != "v" {
		t.Fatalf("Get through the same path after the key's name changed = %q, %v; want the blob", got, err)
	}
	real2, err := Open(filepath.Join(real, "azc"), Options{Backend: b})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := real2.Get("acct"); err != nil || string(got) != "v" {
		t.Fatalf("Get through the resolved path = %q, %v; want the blob", got, err)
	}
}
