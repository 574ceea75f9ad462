package credstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/azcontext/azc/profile"
)

// platformBackends lists the Windows key store: DPAPI.
func platformBackends(func(string) string, KeyBackend) ([]KeyBackend, error) {
	return []KeyBackend{DPAPI()}, nil
}

// DPAPI returns the backend that keeps the data key in a file
// (credentials/datakey.dpapi) protected by the Windows Data Protection
// API for the current user. The Credential Manager is not used: its
// 2560-byte limit is irrelevant to a 32-byte key, but DPAPI needs no
// service at all.
func DPAPI() KeyBackend { return dpapi{} }

type dpapi struct{}

func (dpapi) Name() string { return dpapiName }

func dpapiFile(ref KeyRef) string { return filepath.Join(ref.Dir, "datakey.dpapi") }

func blobOf(b []byte) *windows.DataBlob {
	if len(b) == 0 {
		return &windows.DataBlob{}
	}
	return &windows.DataBlob{Size: uint32(len(b)), Data: &b[0]}
}

func takeBlob(out *windows.DataBlob) []byte {
	defer windows.LocalFree(windows.Handle(unsafe.Pointer(out.Data)))
	return append([]byte(nil), unsafe.Slice(out.Data, out.Size)...)
}

func (dpapi) LoadKey(ref KeyRef) ([]byte, error) {
	sealed, err := profile.ReadOwned(dpapiFile(ref))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNoKey
	}
	if err != nil {
		return nil, err
	}
	var out windows.DataBlob
	if err := windows.CryptUnprotectData(blobOf(sealed), nil, blobOf([]byte(ref.ID)), 0, nil, windows.CRYPTPROTECT_UI_FORBIDDEN, &out); err != nil {
		return nil, fmt.Errorf("%w: DPAPI could not unprotect %s: %v", ErrUnavailable, dpapiFile(ref), err)
	}
	key := takeBlob(&out)
	if len(key) != 32 {
		return nil, fmt.Errorf("%w: %s holds %d bytes, want 32; remove the file and azc makes a new key (the accounts it sealed then sign in again)", ErrDamagedKey, dpapiFile(ref), len(key))
	}
	return key, nil
}

func (dpapi) StoreKey(ref KeyRef, key []byte) error {
	var out windows.DataBlob
	if err := windows.CryptProtectData(blobOf(key), nil, blobOf([]byte(ref.ID)), 0, nil, windows.CRYPTPROTECT_UI_FORBIDDEN, &out); err != nil {
		return fmt.Errorf("%w: DPAPI could not protect the data key: %v", ErrUnavailable, err)
	}
	return profile.WriteFile(dpapiFile(ref), takeBlob(&out))
}
