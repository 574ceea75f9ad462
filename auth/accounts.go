package auth

import (
	"context"
	"fmt"

	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/profile"
)

// Contexts and the credential blobs they need change together under one
// lock order (docs/locking.md): an account's credential lock
// (Blobs.Lock of its key) is taken before profile.lock, never after it.
//
//   - A sign-in holds the account's lock from storing its blob until the
//     profile holding its contexts is written (Save). An import writes the
//     profile first, then stores each blob under its account's lock.
//   - Contexts are removed without the account's lock; the blob goes
//     afterwards, under the lock, and only if the profile read then names
//     the account no more and no live shell holds it (DropCredentials). A
//     sign-in or import that adds the account back stores its blob under
//     the same lock, before or after that check, so no context is left
//     without its blob.

// lockAccounts takes the credential locks of the accounts keys
// (credstore.LockKeys).
func lockAccounts(ctx context.Context, blobs Blobs, keys []string) (unlock func(), err error) {
	return credstore.LockKeys(ctx, blobs, keys)
}

// DropCredentials deletes the blobs of the accounts keys that the profile
// no longer names, neither as an account nor in a context, and that held
// does not report: call it after writing a profile that removed contexts
// or accounts (logout, context remove). load reads the profile of the
// scope the blobs belong to, and held (nil: none is) whether a live shell
// still uses the account (a context removal keeps the tokens of the
// shell's own copy; a sign-out passes nil); both are called once the
// accounts' locks are held. An account that a concurrent sign-in has
// added back keeps its blob; a missing blob is fine.
func DropCredentials(ctx context.Context, blobs Blobs, keys []string, load func() (*profile.Profile, error), held func(key string) (bool, error)) error {
	if len(keys) == 0 {
		return nil
	}
	unlock, err := lockAccounts(ctx, blobs, keys)
	if err != nil {
		return err
	}
	defer unlock()
	p, err := load()
	if err != nil {
		return err
	}
	for _, k := range keys {
		if p.NamesAccount(k) {
			continue
		}
		if held != nil {
			h, err := held(k)
			if err != nil {
				return err
			}
			if h {
				continue
			}
		}
		for _, bk := range BlobKeys(k) {
			if err := blobs.Delete(bk); err != nil {
				return fmt.Errorf("remove the credentials of account %s: %w", profile.KeyID(k), err)
			}
		}
	}
	return nil
}

// BlobKeys returns the keys of the blobs an account's key has in a
// credential store: its own and its record of a failed acquisition
// (`azc doctor` looks for blobs of no account).
func BlobKeys(key string) []string { return []string{key, failureKey(key)} }

// UsedBlobKeys returns the keys of the blobs of the accounts that p names,
// as accounts or in contexts, and of the accounts held (live shells'
// selections): every blob of a credential store that something may read.
func UsedBlobKeys(p *profile.Profile, held []string) []string {
	var keys []string
	for _, a := range p.Accounts {
		keys = append(keys, BlobKeys(a.Key())...)
	}
	for _, c := range p.Contexts {
		keys = append(keys, BlobKeys(c.Account)...)
	}
	for _, k := range held {
		keys = append(keys, BlobKeys(k)...)
	}
	return keys
}
