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
	"github.com/azcontext/azc/internal/termsafe"
	"github.com/azcontext/azc/profile"
)

// storeImported stores what imp carries of credentials in scope's store
// and then runs record, the change that adds the imported contexts to
// scope's profile: MSAL token caches are merged into the accounts' blobs,
// and azc credential blobs are stored where the account has none (the
// others are taken out of imp.Credentials, each with a warning in
// imp.Warnings). It returns how many accounts
// got credentials. The accounts' locks are held
// from the first blob stored until record has written the profile, as a
// sign-in holds them (docs/locking.md): a removal of an account (`azc
// logout`, `context remove`), whose auth.DropCredentials reads the
// profile under the same lock, comes wholly before or after, and a
// process that stops in between leaves blobs no context names (`azc
// doctor` reports them), never a context whose credentials are missing.
// When record fails, each blob is put back as it was, but for one the
// account had none before that scope's profile names now: record may fail
// after the profile was written (State.Change records the shell's
// selection afterwards), and that blob is the imported context's.
func storeImported(f *cmdutil.Factory, st *azc.State, scope profile.Scope, imp *profile.Imported, record func() error) (int, error) {
	if len(imp.TokenCaches) == 0 && len(imp.Credentials) == 0 {
		return 0, record()
	}
	store, err := cmdutil.Blobs(f, st, scope)
	if err != nil {
		return 0, err
	}
	unlock, err := credstore.LockKeys(context.Background(), store, importedKeys(imp))
	if err != nil {
		return 0, err
	}
	defer unlock()
	blobs := &locked{Blobs: store, old: map[string][]byte{}}
	done := map[string]bool{}
	var kept []string // accounts whose own credentials stay
	n, err := func() (int, error) {
		for k, data := range imp.Credentials {
			if len(data) == 0 {
				continue
			}
			err := blobs.Update(k, func(old []byte) ([]byte, error) {
				if old != nil {
					return old, nil
				}
				done[k] = true
				return data, nil
			})
			if err != nil {
				return len(done), fmt.Errorf("store the credentials of an imported account: %w", err)
			}
			if !done[k] {
				// the account keeps its own blob, and so how it signs
				// in (profile.Merge)
				delete(imp.Credentials, k)
				kept = append(kept, k)
			}
		}
		for k, cache := range imp.TokenCaches {
			if err := credblob.MergeMSALCache(blobs, k, cache); err != nil {
				return len(done), fmt.Errorf("store the tokens of an imported account: %w", err)
			}
			done[k] = true
		}
		return len(done), record()
	}()
	if err != nil {
		p, perr := cmdutil.ScopeProfile(st, scope)
		blobs.restore(func(key string) bool { return perr != nil || p.NamesAccount(key) })
		return 0, err
	}
	slices.Sort(kept)
	for _, k := range kept {
		id := k
		if i := slices.IndexFunc(imp.Accounts, func(a profile.Account) bool { return a.Key() == k }); i >= 0 {
			id = imp.Accounts[i].ID
		}
		imp.Warnings = append(imp.Warnings, fmt.Sprintf("account %s keeps the credentials stored here; the file's were not taken (to take them, sign it out with `azc logout %s`, then import the file again)",
			profile.QuoteShort(id), termsafe.ShellWord(id)))
	}
	return n, nil
}

// locked is a credential store whose blobs' locks the caller holds: its
// Update reads and writes without them, and remembers each blob as it was
// before its first change, for restore.
type locked struct {
	credstore.Blobs
	old map[string][]byte // nil: there was none
}

func (b *locked) Update(key string, fn func(old []byte) ([]byte, error)) error {
	old, err := b.Get(key)
	if errors.Is(err, credstore.ErrNotFound) {
		old, err = nil, nil
	}
	if err != nil {
		return err
	}
	data, err := fn(old)
	if err != nil {
		return err
	}
	if _, ok := b.old[key]; !ok {
		b.old[key] = old
	}
	return b.Put(key, data)
}

// restore puts back every blob Update changed as it was; a blob made
// where there was none stays when named reports its account named (or
// cannot tell): removed, a context of that account would have no
// credentials, while one left over is only reported by `azc doctor`.
func (b *locked) restore(named func(key string) bool) {
	for k, old := range b.old {
		if old == nil {
			if !named(k) {
				_ = b.Delete(k)
			}
		} else {
			_ = b.Put(k, old)
		}
	}
}

// importedKeys returns the keys of the accounts storeImported stores
// credentials for: those of imp's token caches and of its credential
// blobs that are not empty.
func importedKeys(imp *profile.Imported) []string {
	keys := slices.Sorted(maps.Keys(imp.TokenCaches))
	for k, data := range imp.Credentials {
		if len(data) > 0 && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys
}

// probeImported checks, before the profile changes, what storeImported
// will need of each account it stores credentials for: its lock (probe,
// Credentials.Probe) and its blob, which must be one azc reads. A lock or
// blob file azc refuses (a link, another user's) or a damaged blob then
// stops the import before it changes anything, not halfway.
func probeImported(f *cmdutil.Factory, st *azc.State, scope profile.Scope, imp *profile.Imported, probe func(ctx context.Context, st *azc.State, scope profile.Scope, keys []string) error) error {
	keys := importedKeys(imp)
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

// addSecrets makes each service principal's secret that imp holds
// (imp.Secrets, from an Azure PowerShell file) the account's credential
// blob, which storeImported then stores as it stores an export's, unless
// the file carries a blob for the account.
func addSecrets(imp *profile.Imported) error {
	for _, k := range slices.Sorted(maps.Keys(imp.Secrets)) {
		if len(imp.Credentials[k]) > 0 {
			continue
		}
		blob, err := (&credblob.Credentials{ClientSecret: imp.Secrets[k]}).Marshal()
		if err != nil {
			return fmt.Errorf("the secret of %s: %w", profile.KeyID(k), err)
		}
		if imp.Credentials == nil {
			imp.Credentials = map[string][]byte{}
		}
		imp.Credentials[k] = blob
	}
	return nil
}

// dropUnusableCredentials takes out of imp, with a warning each, the
// credential blobs that storeImported could not store or that no later
// read could use, before the profile changes: a bad one then neither fails
// the import halfway nor leaves a blob every read refuses (the token
// caches are the import's own split of a cache it read, profile's
// addTokenCache). So are the token caches and blobs of an account no
// imported context is of (a file that names
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
