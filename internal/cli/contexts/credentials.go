package contexts

import (
	"fmt"
	"maps"
	"slices"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/credblob"
	"github.com/azcontext/azc/profile"
)

// storeImported stores what imp carries of credentials in scope's store:
// MSAL token caches are merged into the accounts' blobs, and azc credential
// blobs are stored where the account has none. It returns how many accounts
// got credentials. Call it after the profile holds the imported contexts:
// each blob is written under its account's lock, so a removal of the
// account that deletes its blob (auth.DropCredentials) comes wholly before
// or after it.
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
		stored := false
		err := blobs.Update(k, func(old []byte) ([]byte, error) {
			if old != nil {
				return old, nil
			}
			stored = true
			return data, nil
		})
		if err != nil {
			return len(done), fmt.Errorf("store the credentials of an imported account: %w", err)
		}
		if stored {
			done[k] = true
		}
	}
	for k, cache := range imp.TokenCaches {
		if err := credblob.MergeMSALCache(blobs, k, cache); err != nil {
			return len(done), fmt.Errorf("store the tokens of an imported account: %w", err)
		}
		done[k] = true
	}
	return len(done), nil
}

// dropUnusableCredentials takes out of imp, with a warning each, the token
// caches and credential blobs that storeImported could not store or that
// no later read could use, before the profile changes: a bad one then
// neither fails the import halfway nor leaves a blob every read refuses.
func dropUnusableCredentials(imp *profile.Imported) {
	for _, k := range slices.Sorted(maps.Keys(imp.TokenCaches)) {
		if err := credblob.CheckMSALCache(imp.TokenCaches[k]); err != nil {
			delete(imp.TokenCaches, k)
			imp.Warnings = append(imp.Warnings, fmt.Sprintf("the token cache of %s was not imported: %v", profile.KeyID(k), err))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(imp.Credentials)) {
		if len(imp.Credentials[k]) == 0 {
			continue
		}
		if _, err := credblob.Unmarshal(imp.Credentials[k]); err != nil {
			delete(imp.Credentials, k)
			imp.Warnings = append(imp.Warnings, fmt.Sprintf("the credentials of %s were not imported: %v", profile.KeyID(k), err))
		}
	}
}
