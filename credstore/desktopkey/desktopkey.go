//go:build linux || darwin

// Package desktopkey is credstore's client of the desktop's key store: the
// freedesktop Secret Service (GNOME Keyring, KWallet) over D-Bus on Linux,
// the login Keychain through /usr/bin/security on macOS, both through
// zalando/go-keyring (no cgo). credstore.Open takes it as Options.Desktop.
// It is a package of its own so that a program can do without the D-Bus
// client and the packages under it (net, os/user): azc's fast binary,
// whose start-up they would slow, hands the commands that need the
// desktop's key store to azc-full, which links this package.
package desktopkey

import (
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/azcontext/azc/credstore"
)

// service is the service name azc's data keys carry in the Secret
// Service and the Keychain.
const service = "azc"

// timeout bounds a Secret Service or Keychain call, which may wait for the
// user to unlock the key store.
const timeout = 60 * time.Second

// Backend returns the client of this platform's desktop key store.
func Backend() credstore.KeyBackend { return backend{} }

// backend keeps the data key in the desktop's key store. The key is stored
// base64-encoded: both stores hold strings.
type backend struct{}

func (backend) Name() string { return name }

func (backend) LoadKey(ref credstore.KeyRef) ([]byte, error) {
	var v string
	err := withTimeout(func() (err error) { v, err = keyring.Get(service, ref.ID); return err })
	if errors.Is(err, keyring.ErrNotFound) {
		return nil, credstore.ErrNoKey
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", credstore.ErrUnavailable, err)
	}
	key, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("%w: the data key %s in the %s is not a 32-byte key; remove it there and azc makes a new one (the accounts it sealed then sign in again)", credstore.ErrDamagedKey, ref.ID, name)
	}
	return key, nil
}

func (backend) StoreKey(ref credstore.KeyRef, key []byte) error {
	err := withTimeout(func() error {
		return keyring.Set(service, ref.ID, base64.StdEncoding.EncodeToString(key))
	})
	if err != nil {
		return fmt.Errorf("%w: %v", credstore.ErrUnavailable, err)
	}
	return nil
}

// withTimeout runs fn, giving up after timeout. A call that gives up keeps
// running in the background; the process is a short-lived CLI.
func withTimeout(fn func() error) error {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		return fmt.Errorf("no answer within %s", timeout)
	}
}
