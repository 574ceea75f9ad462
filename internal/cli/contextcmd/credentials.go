package contextcmd

import (
	"errors"
	"fmt"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/credblob"
	"github.com/azcontext/azc/profile"
)

// deleteBlobs deletes the credential blobs of the accounts keys in scope's
// store; a missing blob is fine.
func deleteBlobs(f *cmdutil.Factory, st *azc.State, scope profile.Scope, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	blobs, err := cmdutil.Blobs(f, st, scope)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := blobs.Delete(k); err != nil && !errors.Is(err, credstore.ErrNotFound) {
			return fmt.Errorf("delete the credentials of a removed account: %w", err)
		}
	}
	return nil
}

// storeImported stores what imp carries of credentials in scope's store:
// MSAL token caches are merged into the accounts' blobs, and azc credential
// blobs are stored where the account has none. It returns how many accounts
// got credentials.
func storeImported(f *cmdutil.Factory, st *azc.State, scope profile.Scope, imp *profile.Imported) (int, error) {
	if len(imp.TokenCaches) == 0 && len(imp.Credentials) == 0 {
		return 0, nil
	}
	blobs, err := cmdutil.Blobs(f, st, scope)
	if err != nil {
		return 0, err
	}
	done := map[string]bool{}
	for k, data := range imp.Credentials {
		if len(data) == 0 {
			continue
		}
		_, err := blobs.Get(k)
		if err == nil {
			continue
		}
		if !errors.Is(err, credstore.ErrNotFound) {
			return len(done), fmt.Errorf("read the credentials of an imported account: %w", err)
		}
		if err := blobs.Put(k, data); err != nil {
			return len(done), fmt.Errorf("store the credentials of an imported account: %w", err)
		}
		done[k] = true
	}
	for k, cache := range imp.TokenCaches {
		if err := credblob.MergeMSALCache(blobs, k, cache); err != nil {
			return len(done), fmt.Errorf("store the tokens of an imported account: %w", err)
		}
		done[k] = true
	}
	return len(done), nil
}
