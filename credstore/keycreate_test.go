package credstore

import (
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
