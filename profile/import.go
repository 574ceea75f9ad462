package profile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/azcontext/azc/secret"
)

// Format names a file format Import reads.
type Format string

// The formats Import reads.
const (
	FormatAzc             Format = "azc"              // azc's export (Bundle)
	FormatAzcProfile      Format = "azc-profile"      // azc's own profile.json
	FormatAzurePowerShell Format = "azure-powershell" // Save-AzContext / AzureRmContext.json
	FormatAzureCLI        Format = "azure-cli"        // az's azureProfile.json
)

// Imported is what Import read, ready for (*Profile).Merge.
type Imported struct {
	Format       Format
	Environments []Environment // custom environments
	Accounts     []Account
	// Contexts to merge. An empty Name means the context gets its
	// DefaultName when merged.
	Contexts []Context
	// Default is the index in Contexts of the file's default, or -1.
	Default int
	// Credentials are azc's opaque per-account credential blobs (from an
	// export made with credentials), keyed by Account.Key().
	Credentials map[string][]byte
	// TokenCaches are MSAL token caches (JSON, unencrypted), keyed by
	// Account.Key(): each holds only that account's own entries of Azure
	// PowerShell's TokenCache.CacheData, or of az's msal_token_cache.json
	// added with AddTokenCache, which may hold several accounts' tokens.
	TokenCaches map[string][]byte
	// Secrets are the client secrets of service principals that an Azure
	// PowerShell file saved with Save-AzContext -WithCredential holds
	// (their ServicePrincipalSecret), keyed by Account.Key(): the importer
	// stores each as the account's credentials, as it stores Credentials.
	Secrets map[string]secret.String
	// Warnings describe what was skipped and why, one line each.
	Warnings []string

	accountAt map[string]int  // Account.Key() → position in Accounts
	envNames  map[string]bool // NameKey of each of Environments' names, for addPSEnvironment
}

// addAccount adds a to imp.Accounts unless an account of its key is there,
// and returns the position of the account of that key.
func (imp *Imported) addAccount(a Account) int {
	if imp.accountAt == nil {
		imp.accountAt = make(map[string]int)
	}
	k := a.Key()
	if i, ok := imp.accountAt[k]; ok {
		return i
	}
	imp.Accounts = append(imp.Accounts, a)
	imp.accountAt[k] = len(imp.Accounts) - 1
	return len(imp.Accounts) - 1
}

func (imp *Imported) warnf(format string, args ...any) {
	imp.Warnings = append(imp.Warnings, fmt.Sprintf(format, args...))
}

// warnName says that the file's name for a context, one checkName
// refuses, gives way to the context's default name; a context the file
// does not name ("") gets it without a word.
func (imp *Imported) warnName(name string) {
	if name != "" {
		imp.warnf("context %s: not a name azc can keep (\"-\", white space around it, a NUL, or not UTF-8): imported under its default name", QuoteShort(name))
	}
}

// ErrUTF16 and ErrUTF32 are the errors of a file in UTF-16 or UTF-32
// where azc reads UTF-8 (an import, a secret file), with the way out.
var (
	ErrUTF16 = errors.New("the file is UTF-16 (as Windows PowerShell's Out-File and > write files): save it as UTF-8, e.g. with Set-Content -Encoding utf8")
	ErrUTF32 = errors.New("the file is UTF-32 (as PowerShell's -Encoding utf32 writes files): save it as UTF-8, e.g. with Set-Content -Encoding utf8")
)

// WideText returns ErrUTF32 or ErrUTF16 when data is text in that
// encoding, known by its byte order mark or by the NULs beside its first
// character, which UTF-8 text never holds; nil otherwise.
func WideText(data []byte) error {
	zero := func(b ...byte) bool {
		for _, c := range b {
			if c != 0 {
				return false
			}
		}
		return true
	}
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE, 0, 0}), bytes.HasPrefix(data, []byte{0, 0, 0xFE, 0xFF}),
		len(data) >= 4 && (zero(data[1:4]...) && data[0] != 0 || zero(data[:3]...) && data[3] != 0):
		return ErrUTF32
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}),
		len(data) >= 2 && (data[0] == 0) != (data[1] == 0):
		return ErrUTF16
	}
	return nil
}

// Import detects the format of data and reads it: an azc export, azc's
// profile.json, an Azure PowerShell context file (Save-AzContext,
// AzureRmContext.json) or az's azureProfile.json, with or without a UTF-8
// byte order mark. It never returns secrets other than the credential
// blobs, token caches and service principals' secrets the file carries;
// Azure PowerShell's raw access tokens are dropped with a warning. Unrecognised data gives an error
// wrapping ErrUnknownFormat.
func Import(data []byte) (*Imported, error) {
	if err := WideText(data); err != nil {
		return nil, err
	}
	for bytes.HasPrefix(data, utf8BOM) { // each, as Decode takes them off
		data = data[len(utf8BOM):]
	}
	data = bytes.TrimSpace(data)
	var top map[string]json.RawMessage
	if err := Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("parse context file: %w", err)
	}
	has := func(k string) bool { _, ok := top[k]; return ok }
	var imp *Imported
	var err error
	switch {
	case has("kind"):
		imp, err = importBundle(data)
	case has("version") && has("generation"):
		imp, err = importProfile(data)
	case has("Contexts") || has("DefaultContextKey"):
		imp, err = importPowerShell(data)
	case has("subscriptions"):
		imp, err = importAzureCLI(data)
	default:
		return nil, ErrUnknownFormat
	}
	if err != nil {
		return nil, err
	}
	imp.dropBadTenants()
	imp.dropUnexportable()
	imp.dropTokenFiles()
	if err := imp.checkEnvironmentSpaces(); err != nil {
		return nil, err
	}
	imp.dropBadEndpoints()
	return imp, nil
}

// dropBadEndpoints leaves out, with a warning, each environment of the
// file whose authority host or ARM endpoint `environment add` would
// refuse (CheckAuthorityHost, CheckEndpoint), whose CA file is a relative
// path (`environment add` stores it absolute), or that azc exec could not
// hand to az (Environment.CheckExported): its contexts then take the
// profile's environment of that name, or are warned of as naming one it
// lacks (Merge). It keeps the others as `environment add` keeps them, with
// an ARM audience (DefaultAudience).
func (imp *Imported) dropBadEndpoints() {
	kept := imp.Environments[:0:0]
	for _, e := range imp.Environments {
		if err := e.CheckExported(); err != nil {
			imp.warnf("%v: left out", err)
			continue
		}
		var err error
		if e.AuthorityHost, err = CheckAuthorityHost(e.AuthorityHost); err != nil {
			imp.warnf("environment %s left out: its authorityHost %v", QuoteShort(e.Name), err)
			continue
		}
		if e.ARMEndpoint, err = CheckEndpoint(e.ARMEndpoint); err != nil {
			imp.warnf("environment %s left out: its armEndpoint %v", QuoteShort(e.Name), err)
			continue
		}
		e.DefaultAudience()
		if e.CAFile != "" && !filepath.IsAbs(e.CAFile) {
			// read from whatever directory azc runs in, it would trust
			// a file planted there
			imp.warnf("environment %s left out: its caFile %s is no absolute path", QuoteShort(e.Name), QuoteShort(e.CAFile))
			continue
		}
		kept = append(kept, e)
	}
	imp.Environments = kept
}

// checkEnvironmentSpaces refuses a file that names an environment with
// white space around the name, in its environments, contexts or accounts:
// SetEnvironment stores the name trimmed, so the contexts and account keys
// that spell it otherwise would name no environment; and one with a name
// no environment can have (checkEnvironmentName), which would be no
// environment either.
func (imp *Imported) checkEnvironmentSpaces() error {
	names := make([]string, 0, len(imp.Environments)+len(imp.Contexts)+len(imp.Accounts))
	for _, e := range imp.Environments {
		names = append(names, e.Name)
	}
	for _, c := range imp.Contexts {
		names = append(names, c.Environment)
	}
	for _, a := range imp.Accounts {
		names = append(names, a.Environment)
	}
	for _, n := range names {
		if n != strings.TrimSpace(n) {
			return fmt.Errorf("the file names the environment %s, with white space around the name: edit the file to remove it (azc imports nothing until then)", QuoteShort(n))
		}
		if n == "" {
			continue
		}
		if err := checkEnvironmentName(n); err != nil {
			return fmt.Errorf("the file names the environment %w: edit the file to rename it (azc imports nothing until then)", err)
		}
	}
	return nil
}

// dropBadTenants leaves out, with a warning, each context whose tenant,
// or whose account's home tenant, no tenant id or domain can be
// (ValidTenant), with such accounts, and such tenants from the accounts'
// lists: a tenant ends the authority URL of every token request, where
// "../x" or "x?y" would name another URL.
func (imp *Imported) dropBadTenants() {
	bad := map[string]string{} // account key → its home tenant
	accounts := imp.Accounts[:0:0]
	for _, a := range imp.Accounts {
		if a.HomeTenantID != "" && !ValidTenant(a.HomeTenantID) {
			bad[a.Key()] = a.HomeTenantID
			continue
		}
		if slices.ContainsFunc(a.Tenants, func(t string) bool { return !ValidTenant(t) }) {
			a.Tenants = slices.DeleteFunc(slices.Clone(a.Tenants), func(t string) bool { return !ValidTenant(t) })
		}
		accounts = append(accounts, a)
	}
	if len(bad) == 0 && !slices.ContainsFunc(imp.Contexts, func(c Context) bool { return !ValidTenant(c.Tenant.ID) }) {
		imp.Accounts, imp.accountAt = accounts, nil
		return
	}
	kept, def := imp.Contexts[:0:0], -1
	for i, c := range imp.Contexts {
		label := contextLabel(&c)
		if home, ok := bad[c.Account]; ok {
			imp.warnf("context %s skipped: its account's home tenant %s is no tenant id or domain", QuoteShort(label), QuoteShort(home))
			continue
		}
		if !ValidTenant(c.Tenant.ID) {
			imp.warnf("context %s skipped: its tenant %s is no tenant id or domain", QuoteShort(label), QuoteShort(c.Tenant.ID))
			continue
		}
		if i == imp.Default {
			def = len(kept)
		}
		kept = append(kept, c)
	}
	imp.Accounts, imp.Contexts, imp.Default = accounts, kept, def
	imp.accountAt = nil // positions in the accounts before
}

// dropUnexportable leaves out, with a warning, each context whose
// subscription id `azc exec` could not export (CheckExported), and the
// storage account, alone, of a context whose storage account it could
// not: a NUL in either would make every exec under the context fail.
func (imp *Imported) dropUnexportable() {
	kept, def := imp.Contexts[:0:0], -1
	for i, c := range imp.Contexts {
		if c.Subscription != nil {
			if err := CheckExported(c.Subscription.ID); err != nil {
				imp.warnf("context %s skipped: its subscription id %v", QuoteShort(contextLabel(&c)), err)
				continue
			}
		}
		if err := CheckExported(c.StorageAccount); err != nil {
			imp.warnf("context %s: its storage account %v: imported without it", QuoteShort(contextLabel(&c)), err)
			c.StorageAccount = ""
		}
		if i == imp.Default {
			def = len(kept)
		}
		kept = append(kept, c)
	}
	imp.Contexts, imp.Default = kept, def
}

// dropTokenFiles takes each account's federated token file out of the
// import, with a warning: azc reads the file on every token request and
// sends what it holds to the account's cloud, so a file naming both could
// have any file of the user's (a key, another token) sent to a host of its
// choice. The account then signs in again with a file of the user's.
func (imp *Imported) dropTokenFiles() {
	for i := range imp.Accounts {
		a := &imp.Accounts[i]
		if a.FederatedTokenFile == "" {
			continue
		}
		imp.warnf("account %s: its federated token file %s was not imported, as azc would send what it holds to the account's cloud: sign it in with `azc login --service-principal --federated-token-file FILE`", QuoteShort(a.ID), QuoteShort(a.FederatedTokenFile))
		a.FederatedTokenFile = ""
	}
}

// contextLabel names an imported context in a warning: its name, else its
// subscription's name or id.
func contextLabel(c *Context) string {
	switch {
	case c.Name != "":
		return c.Name
	case c.Subscription != nil && c.Subscription.Name != "":
		return c.Subscription.Name
	case c.Subscription != nil:
		return c.Subscription.ID
	}
	return c.Tenant.ID
}

func newImported(f Format) *Imported {
	return &Imported{Format: f, Default: -1}
}

func importBundle(data []byte) (*Imported, error) {
	var b Bundle
	if err := Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("parse azc export: %w", err)
	}
	if b.Kind != BundleKind {
		return nil, fmt.Errorf("kind %s: %w", QuoteShort(b.Kind), ErrUnknownFormat)
	}
	if b.Version > BundleVersion {
		return nil, fmt.Errorf("azc export: %w", &NewerVersionError{Version: b.Version, Max: BundleVersion})
	}
	imp := newImported(FormatAzc)
	imp.fill(&Profile{DefaultContext: b.DefaultContext, Environments: b.Environments, Accounts: b.Accounts, Contexts: b.Contexts})
	imp.Credentials = accountKeyed(b.Credentials)
	return imp, nil
}

// accountKeyed returns creds keyed as Account.Key() keys accounts
// (NameKey), which is how the imported contexts name their accounts and
// how their blobs are read: a file may spell a key otherwise. Of two
// spellings of one key, the one already its own NameKey is kept, else the
// first in byte order.
func accountKeyed(creds map[string][]byte) map[string][]byte {
	if creds == nil {
		return nil
	}
	out := make(map[string][]byte, len(creds))
	for _, k := range slices.Sorted(maps.Keys(creds)) {
		lk := NameKey(k)
		if _, ok := out[lk]; !ok || k == lk {
			out[lk] = creds[k]
		}
	}
	return out
}

func importProfile(data []byte) (*Imported, error) {
	p, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("parse azc profile: %w", err)
	}
	imp := newImported(FormatAzcProfile)
	imp.fill(p)
	return imp, nil
}

func (imp *Imported) fill(p *Profile) {
	for _, e := range p.Environments {
		if _, builtin := builtinEnvironment(e.Name); !builtin && e.Name != "" {
			imp.Environments = append(imp.Environments, e)
		}
	}
	imp.Accounts = p.Accounts
	defaultName := "" // the name imp.Default has in the file
	for _, c := range p.Contexts {
		if c.Account == "" || c.Tenant.ID == "" {
			imp.warnf("context %s skipped: it has no account or tenant", QuoteShort(c.Name))
			continue
		}
		// The default is the context of its exact name, else the first
		// whose name is the same (SameName): a file may hold both σ and Σ.
		// A name azc cannot keep gives way to the context's default name
		// (Merge), and the default follows the context, as a PowerShell
		// file's does.
		if p.DefaultContext != "" && SameName(c.Name, p.DefaultContext) &&
			(imp.Default < 0 || c.Name == p.DefaultContext && defaultName != p.DefaultContext) {
			imp.Default, defaultName = len(imp.Contexts), c.Name
		}
		if checkName(c.Name) != nil {
			imp.warnName(c.Name)
			c.Name = ""
		}
		imp.Contexts = append(imp.Contexts, c)
	}
	if p.DefaultContext != "" && imp.Default < 0 {
		imp.warnf("the file's default context %s is none of the contexts imported: the default stays as it was", QuoteShort(p.DefaultContext))
	}
}

// AddTokenCache records, for every imported account that has no token
// cache yet, its own entries of cache, an MSAL token cache such as az's
// msal_token_cache.json that holds several accounts' tokens (the rule is
// splitMSALCache's): each account's blob then holds its own tokens and no
// other's. A user account the file gives no home account id records the
// one the cache told its entries by, which azc finds its tokens by. An
// account whose entries the cache does not tell, or that has none, gets
// none, with a warning. When the entries recorded would come to
// more than MaxFileSize in all (an AppMetadata entry goes with each
// account whose tokens are of its client), none is recorded, with a
// warning. A cache that is no MSAL token cache (DecodeMSALCache) gives
// its error, and nothing is recorded.
func (imp *Imported) AddTokenCache(cache []byte) error {
	at := make([]int, len(imp.Accounts))
	for i := range at {
		at[i] = i
	}
	return imp.addTokenCache(cache, at)
}

// ReadAzureCLITokenCache reads az's plaintext msal_token_cache.json that
// sits beside the azureProfile.json at azureProfilePath. A missing cache
// gives an error wrapping fs.ErrNotExist; one that is not a regular file
// (a FIFO, which would keep the import waiting) an *UnsafePathError.
func ReadAzureCLITokenCache(azureProfilePath string) ([]byte, error) {
	data, err := readFile(filepath.Join(filepath.Dir(azureProfilePath), "msal_token_cache.json"), true)
	if err != nil {
		return nil, fmt.Errorf("read az token cache: %w", err)
	}
	return data, nil
}

// MergeResult reports what Merge did.
type MergeResult struct {
	Added        []string // names of contexts added
	Updated      []string // names of existing contexts updated (same identity)
	Environments []string // custom environments added
	Accounts     []string // keys of accounts added or updated
	// Default is the name of the context the import made the default (the
	// file's default), else "".
	Default string
	// Warnings describe what was kept as it was and why.
	Warnings []string
}

// Merge adds what imp holds to p and never silently replaces anything.
// Contexts go by name, as Import-AzContext's do: a context the file names
// is added under that name, or updates the context of that name when it
// has the same identity (account, tenant, subscription); a name that a
// context of another identity holds is a conflict, reported in Warnings,
// and the context gets a distinct name. A context the file does not name
// (its name was generated) updates the context of its identity, or is
// added under its DefaultName. The file's default becomes p's default. A
// custom environment whose name exists is kept as it is (with a warning).
func (p *Profile) Merge(imp *Imported) MergeResult {
	var res MergeResult
	envAt := p.environmentIndex()
	for _, e := range imp.Environments {
		e.Name = strings.TrimSpace(e.Name) // the name SetEnvironment stores
		if old, err := p.environment(e.Name, envAt); err == nil {
			if old.BuiltIn || old != e {
				res.Warnings = append(res.Warnings, fmt.Sprintf("environment %s kept as it was: one of that name exists", e.Name))
			}
			continue
		}
		if err := p.setEnvironment(e, envAt); err == nil {
			res.Environments = append(res.Environments, e.Name)
		}
	}
	at := p.accountIndex()
	for _, a := range imp.Accounts {
		if i, ok := at[NameKey(a.Key())]; ok && keepsSignIn(&p.Accounts[i], imp) {
			old := &p.Accounts[i]
			if contradicts(&a, old) {
				res.Warnings = append(res.Warnings, fmt.Sprintf("account %s kept as it signs in here (%s): the file's way (%s) was not imported", QuoteShort(old.ID), signInOf(old), signInOf(&a)))
			}
			a.Type, a.Credential, a.FederatedTokenFile, a.ClientID, a.ResourceID = old.Type, old.Credential, old.FederatedTokenFile, old.ClientID, old.ResourceID
			if old.HomeAccountID != "" { // its tokens in the blob kept are told by it
				a.HomeAccountID = old.HomeAccountID
			}
		}
		res.Accounts = append(res.Accounts, p.upsertAccount(a, at).Key())
	}
	ix := p.buildIndex(len(imp.Contexts))
	missing := map[string]bool{} // environments warned of (NameKey)
	addedAt := map[int]int{}     // index in p.Contexts → in res.Added
	for i, c := range imp.Contexts {
		// A context is of an account the file or the profile holds, whose
		// environment is the context's when the file names none. One of
		// no such account is kept, with a warning: it is signed in nowhere.
		ai, ok := at[NameKey(c.Account)]
		if !ofAccountsCloud(&c, p.Accounts, ai, ok) {
			res.Warnings = append(res.Warnings, fmt.Sprintf("context %s skipped: its environment %s is not that of its account %s", QuoteShort(c.Name), QuoteShort(c.Environment), QuoteShort(KeyID(c.Account))))
			continue
		}
		switch {
		case !ok:
			res.Warnings = append(res.Warnings, fmt.Sprintf("context %s: its account %s is in neither the file nor the profile: sign in to use it", QuoteShort(c.Name), QuoteShort(c.Account)))
		case c.Environment == "":
			c.Environment = p.Accounts[ai].Environment
		}
		if c.Environment != "" && !missing[NameKey(c.Environment)] {
			if _, err := p.environment(c.Environment, envAt); err != nil {
				missing[NameKey(c.Environment)] = true
				res.Warnings = append(res.Warnings, fmt.Sprintf("environment %s, which imported contexts name, is in neither the file nor the profile: add it (`azc environment add`) to use them", QuoteShort(c.Environment)))
			}
		}
		var ur UpsertResult
		var err error
		at := -1 // where the context is now
		j := p.nameIndex(c.Name, ix)
		switch {
		case c.Name != "" && j >= 0 && !p.Contexts[j].SameIdentity(&c):
			// the name is another's: a distinct one, or the existing
			// context of its identity
			taken := c.Name
			if c.Name = p.defaultName(&c, ix); p.identityIndex(&c, ix) >= 0 {
				c.Name = ""
			}
			if ur, at, err = p.upsert(c, UpsertOptions{}, ix); err == nil {
				res.Warnings = append(res.Warnings, fmt.Sprintf("context %s: the name is taken by another context; imported as %s", QuoteShort(taken), QuoteShort(p.Contexts[at].Name)))
			}
		case c.Name != "" && j < 0 && p.identityIndex(&c, ix) >= 0:
			// another context of that identity, under the file's name
			if err = checkName(c.Name); err == nil {
				c.Account = NameKey(c.Account)
				if c.Environment == "" {
					c.Environment = DefaultEnvironment
				}
				p.Contexts = append(p.Contexts, c.clone())
				at = len(p.Contexts) - 1
				ix.setName("", c.Name, at)
				ur = UpsertResult{Created: true}
			}
		default:
			ur, at, err = p.upsert(c, UpsertOptions{}, ix)
		}
		if err != nil {
			res.Warnings = append(res.Warnings, fmt.Sprintf("context %s skipped: %v", QuoteShort(c.Name), err))
			continue
		}
		// A context the file holds twice is one added, not added and
		// updated: Merge removes none, so a context keeps its index.
		name := p.Contexts[at].Name
		switch k := p.nameIndex(name, ix); {
		case ur.Created:
			addedAt[k] = len(res.Added)
			res.Added = append(res.Added, name)
		case hasKey(addedAt, k):
			res.Added[addedAt[k]] = name
		default:
			res.Updated = append(res.Updated, name)
		}
		if i == imp.Default && !SameName(p.DefaultContext, name) {
			if p.DefaultContext != "" {
				p.PreviousContext = p.DefaultContext
			}
			p.DefaultContext = name
			res.Default = name
		}
	}
	if res.Default != "" {
		// by the name it has now: a later line of the file may have
		// spelt it otherwise (SameName), and the default followed
		res.Default = p.DefaultContext
	}
	return res
}

// ofAccountsCloud reports whether c names no environment, or that of its
// account, accounts[ai] when known: a context's tokens are asked of its
// environment's authority host with its account's credentials, so a file
// naming a signed-in service principal's account and a cloud of its own
// would have the secret sent to a host of the file's choice. Of an
// account none holds, the environment must begin its key (Account.Key),
// and hold no "|", which would let another environment begin it too.
func ofAccountsCloud(c *Context, accounts []Account, ai int, known bool) bool {
	switch {
	case c.Environment == "":
		return true
	case known:
		return SameName(c.Environment, accounts[ai].Environment)
	}
	return !strings.Contains(c.Environment, "|") && strings.HasPrefix(NameKey(c.Account), NameKey(c.Environment)+"|")
}

// keepsSignIn reports whether old, the profile's account of an account
// the import holds, keeps how it signs in (its type, credential kind,
// federated token file, managed identity's client or resource id, a
// user's home account id): the
// blob that holds its tokens and secret stays, as an import stores an
// azc blob only where the account has none (imp.Credentials then holds
// the ones it stored) and merges a token cache into the one there, so
// the file's way of signing in would not match it. A service principal
// that says nothing of how it proves itself (imported from az's
// azureProfile.json) takes the file's.
func keepsSignIn(old *Account, imp *Imported) bool {
	if len(imp.Credentials[old.Key()]) > 0 {
		return false
	}
	return old.Type != ServicePrincipal || old.Credential != ""
}

// contradicts reports whether the file's account a says otherwise than
// old of how it signs in; what the file leaves out (az's files name no
// credential kind) says nothing.
func contradicts(a, old *Account) bool {
	differs := func(file, kept string) bool { return file != "" && file != kept }
	return a.Type != old.Type || differs(a.Credential, old.Credential) || differs(a.FederatedTokenFile, old.FederatedTokenFile) ||
		differs(a.ClientID, old.ClientID) || differs(a.ResourceID, old.ResourceID)
}

// signInOf says how a signs in, for a warning.
func signInOf(a *Account) string {
	s := string(a.Type)
	if a.Credential != "" {
		s += ", " + a.Credential
	}
	if a.FederatedTokenFile != "" {
		s += " " + QuoteShort(a.FederatedTokenFile)
	}
	if a.ClientID != "" {
		s += ", client id " + QuoteShort(a.ClientID)
	}
	if a.ResourceID != "" {
		s += ", resource id " + QuoteShort(a.ResourceID)
	}
	return s
}

var errNoAccount = errors.New("no account")
