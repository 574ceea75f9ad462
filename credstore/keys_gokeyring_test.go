//go:build linux || darwin

package credstore

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/zalando/go-keyring"
)

// TestGoKeyringBackend runs the Secret Service / Keychain backend against
// go-keyring's in-memory mock. MockInit swaps go-keyring's global
// provider, so this test is not parallel and no other test uses it.
func TestGoKeyringBackend(t *testing.T) {
	keyring.MockInit()
	dir := t.TempDir()
	var warned bool
	s, err := Open(dir, Options{Backend: goKeyring{name: secretServiceName}, Warn: func(string) { warned = true }})
	if err != nil {
		t.Fatal(err)
	}
	if s.Backend() != "secret-service" || !s.Encrypted() || warned {
		t.Fatalf("Backend, Encrypted, warned = %q, %v, %v", s.Backend(), s.Encrypted(), warned)
	}
	if err := s.Put("acct", []byte("tokens")); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(dir, Options{Backend: goKeyring{name: secretServiceName}})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s2.Get("acct"); err != nil || string(got) != "tokens" {
		t.Fatalf("second open Get = %q, %v", got, err)
	}
	ref, given := keyRefsFor(filepath.Dir(s.dir))
	if err := keyring.Delete(keyringService, ref.ID); err != nil {
		t.Fatal(err)
	}
	if given != nil {
		_ = keyring.Delete(keyringService, given.ID)
	}
	s3, err := Open(dir, Options{Backend: goKeyring{name: secretServiceName}})
	if err != nil {
		t.Fatal(err)
	}
	var lost *KeyLostError
	if _, err := s3.Get("acct"); !errors.As(err, &lost) || lost.Backend != "secret-service" {
		t.Fatalf("Get after the key was deleted = %v", err)
	}

	keyring.MockInitWithError(errors.New("no bus"))
	if _, err := (goKeyring{name: secretServiceName}).LoadKey(KeyRef{ID: "x"}); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("LoadKey with a failing provider = %v, want ErrUnavailable", err)
	}
}
