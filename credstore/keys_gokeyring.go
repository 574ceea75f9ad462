//go:build linux || darwin

package credstore

import (
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/zalando/go-keyring"
)

// keyringService is the service name azc's data keys carry in the Secret
// Service and the Keychain.
const keyringService = "azc"

// keyringTimeout bounds a Secret Service or Keychain call, which may wait
// for the user to unlock the key store.
const keyringTimeout = 60 * time.Second

// goKeyring keeps the data key in the Secret Service (Linux) or the
// Keychain (macOS) through zalando/go-keyring, which needs no cgo. The key
// is stored base64-encoded: both stores hold strings.
type goKeyring struct{ name string }

func (g goKeyring) Name() string { return g.name }

func (g goKeyring) LoadKey(ref KeyRef) ([]byte, error) {
	var v string
	err := withTimeout(func() (err error) { v, err = keyring.Get(keyringService, ref.ID); return err })
	if errors.Is(err, keyring.ErrNotFound) {
		return nil, ErrNoKey
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	key, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("the data key %s in the %s is not a 32-byte key", ref.ID, g.name)
	}
	return key, nil
}

func (g goKeyring) StoreKey(ref KeyRef, key []byte) error {
	err := withTimeout(func() error {
		return keyring.Set(keyringService, ref.ID, base64.StdEncoding.EncodeToString(key))
	})
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	return nil
}

// withTimeout runs fn, giving up after keyringTimeout. A call that gives
// up keeps running in the background; the process is a short-lived CLI.
func withTimeout(fn func() error) error {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	t := time.NewTimer(keyringTimeout)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		return fmt.Errorf("no answer within %s", keyringTimeout)
	}
}
