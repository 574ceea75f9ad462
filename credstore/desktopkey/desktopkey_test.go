//go:build linux || darwin

package desktopkey_test

import (
	"errors"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/credstore/desktopkey"
)

// TestBackend runs the Secret Service / Keychain client against
// go-keyring's in-memory mock, through credstore as its callers use it.
// MockInit swaps go-keyring's global provider, so this test is not
// parallel and no other test uses it.
func TestBackend(t *testing.T) {
	keyring.MockInit()
	dir := t.TempDir()
	env := func(k string) string {
		if k == "DBUS_SESSION_BUS_ADDRESS" {
			return "unix:path=/nonexistent"
		}
		return ""
	}
	var warned bool
	s, err := credstore.Open(dir, credstore.Options{Desktop: desktopkey.Backend(), Env: env, Warn: func(string) { warned = true }})
	if err != nil {
		t.Fatal(err)
	}
	if s.Backend() != desktopkey.Backend().Name() || !s.Encrypted() || warned {
		t.Fatalf("Backend, Encrypted, warned = %q, %v, %v", s.Backend(), s.Encrypted(), warned)
	}
	if err := s.Put("acct", []byte("tokens")); err != nil {
		t.Fatal(err)
	}
	s2, err := credstore.Open(dir, credstore.Options{Backend: desktopkey.Backend()})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s2.Get("acct"); err != nil || string(got) != "tokens" {
		t.Fatalf("second open Get = %v, %v", len(got), err)
	}
	if err := keyring.DeleteAll("azc"); err != nil {
		t.Fatal(err)
	}
	s3, err := credstore.Open(dir, credstore.Options{Backend: desktopkey.Backend()})
	if err != nil {
		t.Fatal(err)
	}
	var lost *credstore.KeyLostError
	if _, err := s3.Get("acct"); !errors.As(err, &lost) || lost.Backend != desktopkey.Backend().Name() {
		t.Fatalf("Get after the key was deleted = %v", err)
	}

	keyring.MockInitWithError(errors.New("no bus"))
	if _, err := desktopkey.Backend().LoadKey(credstore.KeyRef{ID: "x"}); !errors.Is(err, credstore.ErrUnavailable) {
		t.Fatalf("LoadKey with a failing provider = %v, want ErrUnavailable", err)
	}
}
