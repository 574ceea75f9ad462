package contexts

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/credstore"
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
// or after it; and only while scope's profile names the account, read
// under that lock, so that a removal that came in between the profile's
// write and this (and found no blob to delete) leaves none behind.
func storeImported(f *cmdutil.Factory, st *azc.State, scope profile.Scope, imp *profile.Imported) (int, error) {
	if len(imp.TokenCaches) == 0 && len(imp.Credentials) == 0 {
		return 0, nil
	}
	store, err := cmdutil.Blobs(f, st, scope)
	if err != nil {
		return 0, err
	}
	names := func(key string) (bool, error) {
		p, err := cmdutil.ScopeProfile(st, scope)
		if err != nil {
			return false, err
		}
		return p.NamesAccount(key), nil
	}
	blobs := namedOnly{Blobs: store, names: names}
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
		stored := false
		counted := namedOnly{Blobs: store, names: func(key string) (bool, error) {
			ok, err := names(key)
			stored = ok
			return ok, err
		}}
		if err := credblob.MergeMSALCache(counted, k, cache); err != nil {
			return len(done), fmt.Errorf("store the tokens of an imported account: %w", err)
		}
		if stored {
			done[k] = true
		}
	}
	return len(done), nil
}

// namedOnly is a credential store whose Update changes a blob only while
// names reports its key named (by the scope's profile), asked under the
// blob's lock: else it leaves the blob, or its absence, as it is.
type namedOnly struct {
	credstore.Blobs
	names func(key string) (bool, error)
}

// errNotNamed stops an Update of a blob whose key the profile does not name.
var errNotNamed = errors.New("the account is not named")

func (b namedOnly) Update(key string, fn func(old []byte) ([]byte, error)) error {
	err := b.Blobs.Update(key, func(old []byte) ([]byte, error) {
		ok, err := b.names(key)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, errNotNamed
		}
		return fn(old)
	})
	if errors.Is(err, errNotNamed) {
		return nil
	}
	return err
}

// probeImported checks, before the profile changes, what storeImported
// will need of each account it stores credentials for: its lock (probe,
// Credentials.Probe) and its blob, which must be one azc reads. A lock or
// blob file azc refuses (a link, another user's) or a damaged blob then
// stops the import before it changes anything, not halfway.
func probeImported(f *cmdutil.Factory, st *azc.State, scope profile.Scope, imp *profile.Imported, probe func(ctx context.Context, st *azc.State, scope profile.Scope, keys []string) error) error {
	keys := slices.Sorted(maps.Keys(imp.TokenCaches))
	for k, data := range imp.Credentials {
		if len(data) > 0 && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	if err := probe(context.Background(), st, scope, keys); err != nil {
		return err
	}
	blobs, err := cmdutil.Blobs(f, st, scope)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if _, err := blobs.Get(k); err != nil && !errors.Is(err, credstore.ErrNotFound) {
			return fmt.Errorf("store the credentials of an imported account: %w", err)
		}
	}
	return nil
}

// dropUnusableCredentials takes out of imp, with a warning each, the token
// caches and credential blobs that storeImported could not store or that
// no later read could use, before the profile changes: a bad one then
// neither fails the import halfway nor leaves a blob every read refuses.
// So are those of an account no imported context is of (a file that names
// an account only in its credentials, or whose contexts of it were
// skipped): nothing would read such a blob, and nothing would remove it
// (logout, context clear and doctor know the profile's accounts only).
func dropUnusableCredentials(imp *profile.Imported) {
	used := func(k string) bool {
		return slices.ContainsFunc(imp.Contexts, func(c profile.Context) bool { return profile.SameName(c.Account, k) })
	}
	const unused = "no imported context is of that account"
	for _, k := range slices.Sorted(maps.Keys(imp.TokenCaches)) {
		if !used(k) {
			delete(imp.TokenCaches, k)
			imp.Warnings = append(imp.Warnings, fmt.Sprintf("the token cache of %s was not imported: %s", profile.KeyID(k), unused))
			continue
		}
		if err := credblob.CheckMSALCache(imp.TokenCaches[k]); err != nil {
			delete(imp.TokenCaches, k)
			imp.Warnings = append(imp.Warnings, fmt.Sprintf("the token cache of %s was not imported: %v", profile.KeyID(k), err))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(imp.Credentials)) {
		if len(imp.Credentials[k]) == 0 {
			continue
		}
		if !used(k) {
			delete(imp.Credentials, k)
			imp.Warnings = append(imp.Warnings, fmt.Sprintf("the credentials of %s were not imported: %s", profile.KeyID(k), unused))
			continue
		}
		if _, err := credblob.Unmarshal(imp.Credentials[k]); err != nil {
			delete(imp.Credentials, k)
			imp.Warnings = append(imp.Warnings, fmt.Sprintf("the credentials of %s were not imported: %v", profile.KeyID(k), err))
		}
	}
}
