package profile

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// ErrNoDefault reports that a scope has no default context.
var ErrNoDefault = errors.New("no default context")

// SameIdentity reports whether c and o are the same context in all but
// name: same account, tenant and subscription (or both without one).
// Re-login and import update a context of the same identity instead of
// adding another.
func (c *Context) SameIdentity(o *Context) bool {
	if !SameName(c.Account, o.Account) || !SameName(c.Tenant.ID, o.Tenant.ID) {
		return false
	}
	if c.Subscription == nil || o.Subscription == nil {
		return c.Subscription == nil && o.Subscription == nil
	}
	return SameName(c.Subscription.ID, o.Subscription.ID)
}

// Facts returns c without what a user gives one context of its own (its
// name, storage account and properties): the account, environment,
// tenant and subscription that a new context of the same subscription
// starts from. Its subscription is a copy. TestFactsKeepTheFactsAndNoSetting
// holds every field of Context to one side or the other.
func (c Context) Facts() Context {
	c.Name, c.StorageAccount, c.Properties = "", "", nil
	if c.Subscription != nil {
		s := *c.Subscription
		c.Subscription = &s
	}
	return c
}

// Named reports whether ref names s, as --subscription takes one: its id
// or its name, ignoring case as names are compared (SameName), and the
// white space around ref, as Find ignores it. An empty ref names no
// subscription.
func (s Subscription) Named(ref string) bool {
	ref = TrimRef(ref)
	return ref != "" && (SameName(s.ID, ref) || SameName(s.Name, ref))
}

// SubscriptionIndex returns which of n contexts (at(i) is the i-th) the
// subscription ref names, as --subscription takes one (Subscription.Named),
// or -1 when none holds it. The contexts it names must hold one
// subscription, else ref names none of them: an *AmbiguousError listing
// them, as Find gives for a subscription name two contexts hold (two
// subscriptions "Prod" and "PROD", or "Prod" in two tenants). Of that
// subscription's contexts (one for each account that sees it), the first
// of account (SameName) is the answer, else the only one; several of
// other accounts are an *AmbiguousError too.
func SubscriptionIndex(n int, at func(i int) *Context, ref, account string) (int, error) {
	var hits []int
	ids := make(map[string]bool)
	mine := -1
	for i := range n {
		c := at(i)
		if c.Subscription == nil || !c.Subscription.Named(ref) {
			continue
		}
		hits = append(hits, i)
		ids[NameKey(c.Subscription.ID)] = true
		if mine < 0 && account != "" && SameName(c.Account, account) {
			mine = i
		}
	}
	switch {
	case len(hits) == 0:
		return -1, nil
	case len(ids) == 1 && mine >= 0:
		return mine, nil
	case len(hits) == 1:
		return hits[0], nil
	}
	names := make([]string, len(hits))
	for j, i := range hits {
		names[j] = at(i).Name
	}
	return -1, &AmbiguousError{Ref: ref, Candidates: names, Kind: "subscription"}
}

// Named reports whether ref names t, as --tenant takes one: its id or its
// default domain, ignoring case and the white space around ref, as
// Subscription.Named does. An empty ref names no tenant.
func (t Tenant) Named(ref string) bool {
	ref = TrimRef(ref)
	return ref != "" && (SameName(t.ID, ref) || SameName(t.DefaultDomain, ref))
}

// equal reports whether c and o are the same context, every field alike
// (Encode writes the same line for both).
func (c *Context) equal(o *Context) bool {
	if c.Name != o.Name || c.Account != o.Account || c.Environment != o.Environment || c.Tenant != o.Tenant ||
		c.StorageAccount != o.StorageAccount || (c.Subscription == nil) != (o.Subscription == nil) ||
		c.Subscription != nil && *c.Subscription != *o.Subscription ||
		(c.Properties == nil) != (o.Properties == nil) {
		return false
	}
	return maps.Equal(c.Properties, o.Properties)
}

// Clone returns a deep copy of p.
func (p *Profile) Clone() *Profile {
	q := *p
	q.Settings = p.Settings.clone()
	q.Environments = slices.Clone(p.Environments)
	q.Accounts = slices.Clone(p.Accounts)
	for i := range q.Accounts {
		q.Accounts[i] = q.Accounts[i].Clone()
	}
	q.Contexts = slices.Clone(p.Contexts)
	for i := range q.Contexts {
		q.Contexts[i] = q.Contexts[i].clone()
	}
	return &q
}

// Clone returns a deep copy of a: its tenants are the copy's own. It is
// the one copy of an account that shares nothing (Profile.Clone makes
// it), which TestACloneSharesNothing holds to every field.
func (a Account) Clone() Account {
	a.Tenants = slices.Clone(a.Tenants)
	return a
}

// clone returns a deep copy of s, for Profile.Clone and Store.Settings.
func (s Settings) clone() Settings {
	if s.Autosave != nil {
		on := *s.Autosave
		s.Autosave = &on
	}
	return s
}

// Clone returns a deep copy of c: its subscription and properties are
// the copy's own.
func (c Context) Clone() Context { return c.clone() }

func (c Context) clone() Context {
	if c.Subscription != nil {
		s := *c.Subscription
		c.Subscription = &s
	}
	c.Properties = maps.Clone(c.Properties)
	return c
}

// validate checks the invariants Decode enforces: every context has a
// valid name, and no two names are the same (SameName), nor two accounts'
// keys, nor two custom environments' names.
func (p *Profile) validate() error {
	if err := checkEnvironmentNames(p.Environments); err != nil {
		return err
	}
	if err := checkAccountKeys(p.Accounts); err != nil {
		return err
	}
	_, err := checkNames(len(p.Contexts), func(i int) string { return p.Contexts[i].Name })
	return err
}

// Context returns the context called name (SameName), or nil. The
// pointer refers into p.Contexts and is valid until p changes.
func (p *Profile) Context(name string) *Context {
	for i := range p.Contexts {
		if SameName(p.Contexts[i].Name, name) {
			return &p.Contexts[i]
		}
	}
	return nil
}

// Default returns the default context: ErrNoDefault when none is set, a
// *NotFoundError when it names a context that no longer exists. The
// pointer refers into p.Contexts and is valid until p changes.
func (p *Profile) Default() (*Context, error) {
	if p.DefaultContext == "" {
		return nil, ErrNoDefault
	}
	if c := p.Context(p.DefaultContext); c != nil {
		return c, nil
	}
	return nil, &NotFoundError{Kind: "context", Ref: p.DefaultContext}
}

// Account returns the account with the given Key, spelt in any way that
// SameName holds with it (any case), or nil.
// The pointer refers into p.Accounts and is valid until p changes.
func (p *Profile) Account(key string) *Account {
	for i := range p.Accounts {
		if SameName(p.Accounts[i].Key(), key) {
			return &p.Accounts[i]
		}
	}
	return nil
}

// NamesAccount reports whether p holds the account key or a context of
// it: the credentials of an account p does not name belong to nobody.
func (p *Profile) NamesAccount(key string) bool {
	return p.Account(key) != nil || slices.ContainsFunc(p.Contexts, func(c Context) bool { return SameName(c.Account, key) })
}

// AccountID returns the account id (UPN, application id …) that c uses.
func (p *Profile) AccountID(c *Context) string { return accountID(p.Account(c.Account), c.Account) }

// accountID is AccountID of a context whose account key is key, and a
// the account of that key (nil when the profile has none).
func accountID(a *Account, key string) string {
	if a != nil {
		return a.ID
	}
	return KeyID(key)
}

// Find resolves ref to a context, trying in order: the name (ignoring
// case); Azure PowerShell's generated names "<sub name> (<sub id>) -
// <tenant> - <account>", "<sub name> (<sub id>) - <account>" and "<tenant>
// - <account>"; the subscription id; the subscription name; a name prefix.
// The first rule that matches decides: one match is the answer, several
// give an *AmbiguousError listing them. No match gives a *NotFoundError.
// The pointer refers into p.Contexts and is valid until p changes.
func (p *Profile) Find(ref string) (*Context, error) {
	i, err := p.find(ref, nil)
	if err != nil {
		return nil, err
	}
	return &p.Contexts[i], nil
}

// Finder returns Find over p as it is now, giving the position in
// p.Contexts of the context Find returns, with p's contexts indexed once
// (refIndex), so that each of many references resolves in logarithmic
// time (one in Azure PowerShell's long form still looks at every
// context). It must not be used once p has changed.
func (p *Profile) Finder() func(ref string) (int, error) {
	ix := p.refIndex()
	return func(ref string) (int, error) { return p.find(ref, ix) }
}

// refIndex indexes p's contexts for find, by the key of each rule: the
// NameKey (SameName's key) of the name, subscription id and subscription
// name, and the name keys in order, for prefixes.
type refIndex struct {
	byName             map[string]int // the first context of each name
	bySubID, bySubName map[string][]int
	prefixes           []keyAt // sorted by key
	accounts           *AccountIndex
}

type keyAt struct {
	key string
	at  int
}

func (p *Profile) refIndex() *refIndex {
	n := len(p.Contexts)
	ix := &refIndex{byName: make(map[string]int, n), bySubID: make(map[string][]int, n), bySubName: make(map[string][]int, n),
		prefixes: make([]keyAt, n), accounts: p.AccountIndex()}
	for i := range p.Contexts {
		c := &p.Contexts[i]
		k := NameKey(c.Name)
		if _, ok := ix.byName[k]; !ok {
			ix.byName[k] = i
		}
		ix.prefixes[i] = keyAt{k, i}
		if s := c.Subscription; s != nil {
			ix.bySubID[NameKey(s.ID)] = append(ix.bySubID[NameKey(s.ID)], i)
			ix.bySubName[NameKey(s.Name)] = append(ix.bySubName[NameKey(s.Name)], i)
		}
	}
	slices.SortFunc(ix.prefixes, func(a, b keyAt) int { return strings.Compare(a.key, b.key) })
	return ix
}

// withPrefix is the positions, in p's order, of the contexts whose name
// key starts with the key prefix.
func (ix *refIndex) withPrefix(prefix string) []int {
	from, _ := slices.BinarySearchFunc(ix.prefixes, prefix, func(e keyAt, k string) int { return strings.Compare(e.key, k) })
	var at []int
	for _, e := range ix.prefixes[from:] {
		if !strings.HasPrefix(e.key, prefix) {
			break
		}
		at = append(at, e.at)
	}
	slices.Sort(at)
	return at
}

// find is Find, giving the context's position; ix, when not nil, indexes
// p (refIndex). Each rule is a test of one context, and, with ix, the
// contexts it holds for, from ix.
func (p *Profile) find(ref string, ix *refIndex) (int, error) {
	given := ref
	if ref = TrimRef(ref); ref == "" {
		return -1, &NotFoundError{Kind: "context", Ref: given} // as given: white space alone
	}
	if ix == nil {
		if i := p.index(ref); i >= 0 {
			return i, nil
		}
	} else if i, ok := ix.byName[NameKey(ref)]; ok {
		return i, nil
	}
	accountID := p.AccountID
	if ix != nil {
		accountID = ix.accounts.AccountID
	}
	type rule struct {
		match func(c *Context) bool
		in    func(ix *refIndex) []int // nil: look at every context
	}
	rules := []rule{
		{match: func(c *Context) bool { return matchesPowerShellName(c, accountID(c), ref) }},
		{match: func(c *Context) bool { return c.Subscription != nil && SameName(c.Subscription.ID, ref) },
			in: func(ix *refIndex) []int { return ix.bySubID[NameKey(ref)] }},
		{match: func(c *Context) bool { return c.Subscription != nil && SameName(c.Subscription.Name, ref) },
			in: func(ix *refIndex) []int { return ix.bySubName[NameKey(ref)] }},
		{match: func(c *Context) bool { return HasNamePrefix(c.Name, ref) },
			in: func(ix *refIndex) []int { return ix.withPrefix(NameKey(ref)) }},
	}
	if !strings.Contains(ref, " - ") {
		rules = rules[1:]
	}
	for _, r := range rules {
		var found []int
		if ix != nil && r.in != nil {
			found = r.in(ix)
		} else {
			for i := range p.Contexts {
				if r.match(&p.Contexts[i]) {
					found = append(found, i)
				}
			}
		}
		switch len(found) {
		case 0:
			continue
		case 1:
			return found[0], nil
		default:
			names := make([]string, len(found))
			for j, i := range found {
				names[j] = p.Contexts[i].Name
			}
			return -1, &AmbiguousError{Ref: ref, Candidates: names}
		}
	}
	return -1, &NotFoundError{Kind: "context", Ref: ref}
}

// HasNamePrefix reports whether name starts with prefix under SameName's
// folding: the rule Find's name prefixes and the completion of names
// share.
func HasNamePrefix(name, prefix string) bool {
	return strings.HasPrefix(NameKey(name), NameKey(prefix))
}

// PowerShellName returns the name Azure PowerShell gives c:
// "<sub name> (<sub id>) - <tenant id> - <account id>", or "<tenant id> -
// <account id>" without a subscription.
func (p *Profile) PowerShellName(c *Context) string {
	return powerShellName(c, p.AccountID(c))
}

// powerShellName is PowerShellName of c, whose account's id is acct.
func powerShellName(c *Context, acct string) string {
	if c.Subscription == nil {
		return c.Tenant.ID + " - " + acct
	}
	return fmt.Sprintf("%s (%s) - %s - %s", c.Subscription.Name, c.Subscription.ID, c.Tenant.ID, acct)
}

// matchesPowerShellName reports whether ref is one of Azure PowerShell's
// names of c, whose account's id is acct.
func matchesPowerShellName(c *Context, acct, ref string) bool {
	tenants := []string{c.Tenant.ID}
	if c.Tenant.DefaultDomain != "" {
		tenants = append(tenants, c.Tenant.DefaultDomain)
	}
	for _, t := range tenants {
		if c.Subscription == nil {
			if SameName(ref, t+" - "+acct) {
				return true
			}
		} else {
			sub := c.Subscription.Name + " (" + c.Subscription.ID + ")"
			if SameName(ref, sub+" - "+t+" - "+acct) || SameName(ref, sub+" - "+acct) {
				return true
			}
		}
	}
	return false
}

// DefaultName returns the name a new context c gets: the subscription
// name; if another account or tenant holds it, "<subscription name>
// (<account>)", or "<subscription name> (<environment>)" when the same
// account holds it in another cloud; without a subscription, "<tenant
// domain> (<account>)"; if that is taken too, a " (2)", " (3)" … suffix. A
// name held by a context of the same identity counts as free: it is c
// itself. A NUL or bytes that are not UTF-8 in the values it is made of
// become U+FFFD (asName): the name is always one a context may have.
func (p *Profile) DefaultName(c *Context) string {
	return p.defaultName(c, nil)
}

func (p *Profile) defaultName(c *Context, ix *ctxIndex) string {
	sub := ""
	if c.Subscription != nil {
		sub = asName(strings.TrimSpace(c.Subscription.Name))
	}
	if sub != "" {
		first := sub
		if first == "-" {
			first = "context"
		}
		if p.free(first, c, ix) {
			return first
		}
	}
	t := sub
	if t == "" {
		if t = c.Tenant.DefaultDomain; t == "" {
			t = c.Tenant.ID
		}
	}
	// the account is looked up only here, when the subscription has no
	// name or another context holds it; when that is the same account's
	// context in another cloud, the cloud is what tells them apart
	who := p.AccountID(c)
	if sub != "" && c.Environment != "" {
		if i := p.nameIndex(sub, ix); i >= 0 && !SameName(p.Contexts[i].Environment, c.Environment) && SameName(p.AccountID(&p.Contexts[i]), who) {
			who = c.Environment
		}
	}
	base := asName(strings.TrimSpace(t + " (" + who + ")"))
	if p.free(base, c, ix) {
		return base
	}
	from := 2
	if ix != nil {
		from = max(from, ix.suffixFrom[NameKey(base)])
	}
	for i := from; ; i++ {
		if n := base + " (" + strconv.Itoa(i) + ")"; p.free(n, c, ix) {
			if ix != nil {
				if ix.suffixFrom == nil {
					ix.suffixFrom = map[string]int{}
				}
				ix.suffixFrom[NameKey(base)] = i
			}
			return n
		}
	}
}

func (p *Profile) free(name string, c *Context, ix *ctxIndex) bool {
	i := p.nameIndex(name, ix)
	return i < 0 || p.Contexts[i].SameIdentity(c)
}

func (p *Profile) nameIndex(name string, ix *ctxIndex) int {
	if ix == nil {
		return p.index(name)
	}
	if i, ok := ix.names()[NameKey(name)]; ok {
		return i
	}
	return -1
}

func (p *Profile) identityIndex(c *Context, ix *ctxIndex) int {
	if ix == nil {
		return p.indexIdentity(c)
	}
	if i, ok := ix.byID[identityOf(c)]; ok {
		return i
	}
	return -1
}

func (p *Profile) index(name string) int {
	for i := range p.Contexts {
		if SameName(p.Contexts[i].Name, name) {
			return i
		}
	}
	return -1
}

func (p *Profile) indexIdentity(c *Context) int {
	for i := range p.Contexts {
		if p.Contexts[i].SameIdentity(c) {
			return i
		}
	}
	return -1
}

// Removal reports what a change removed.
type Removal struct {
	// Contexts are the contexts removed.
	Contexts []Context
	// OrphanedAccounts are the keys of accounts removed because their last
	// context went. The caller drops their credentials.
	OrphanedAccounts []string
}

// UpsertOptions control UpsertContext.
type UpsertOptions struct {
	// Force lets the context take a name that another context holds; that
	// other context is removed.
	Force bool
	// MakeDefault makes the context the default of the profile.
	MakeDefault bool
}

// UpsertResult reports what UpsertContext did.
type UpsertResult struct {
	Context  Context // the context as stored
	Created  bool    // false: an existing context of the same identity was updated
	Replaced Removal // what a forced name took over
}

// UpsertContext adds c, or updates the context of the same identity
// (account, tenant, subscription): re-login updates, never duplicates. An
// empty c.Name keeps the existing name, or gives a new context its
// DefaultName; a name held by a context of another identity gives
// ErrNameTaken unless opts.Force, which removes that context. A rename
// carries the default along. An update keeps what the stored context has
// in every field c leaves empty (its storage account, properties, tenant
// domain, environment …); a new context with no environment gets
// DefaultEnvironment. c.Account must be an account key, c.Tenant.ID set,
// and c's subscription id and storage account values azc exec can export
// (CheckExported), else the error wraps ErrInvalidContext.
func (p *Profile) UpsertContext(c Context, opts UpsertOptions) (UpsertResult, error) {
	res, i, err := p.upsert(c, opts, nil)
	if err == nil {
		res.Context = p.Contexts[i].clone()
	}
	return res, err
}

// Upserted reports what UpsertContexts did.
type Upserted struct {
	Created, Updated int // contexts
	// Replaced is what forced names took over, in turn: the contexts
	// removed and the accounts orphaned, whose credentials are the
	// caller's to drop.
	Replaced Removal
}

// UpsertContexts is UpsertContext for each of cs in turn, with the same
// options, for sign-ins and imports of thousands of contexts: it costs
// O(len(p.Contexts) + len(cs)) where as many UpsertContext calls cost their
// product, and it reports what they did together rather than a copy of
// each context. On an error it stops; the contexts before it stay
// upserted, and are reported.
func (p *Profile) UpsertContexts(cs []Context, opts UpsertOptions) (Upserted, error) {
	var out Upserted
	ix := p.buildIndex(len(cs))
	for _, c := range cs {
		r, _, err := p.upsert(c, opts, ix)
		if err != nil {
			return out, err
		}
		out.Add(r)
	}
	return out, nil
}

// Add counts r, what one UpsertContext did, in u.
func (u *Upserted) Add(r UpsertResult) {
	if r.Created {
		u.Created++
	} else {
		u.Updated++
	}
	u.Replaced.Contexts = append(u.Replaced.Contexts, r.Replaced.Contexts...)
	u.Replaced.OrphanedAccounts = append(u.Replaced.OrphanedAccounts, r.Replaced.OrphanedAccounts...)
}

// upsert is UpsertContext but for the copy of the context as stored,
// which is p.Contexts[i]; ix, when not nil, indexes p.Contexts and is
// kept up to date.
func (p *Profile) upsert(c Context, opts UpsertOptions, ix *ctxIndex) (res UpsertResult, i int, err error) {
	c.Account = NameKey(c.Account) // as Account.Key spells it
	if c.Account == "" || c.Tenant.ID == "" {
		return res, -1, fmt.Errorf("context needs an account and a tenant: %w", ErrInvalidContext)
	}
	if c.Subscription != nil {
		if err := CheckExported(c.Subscription.ID); err != nil {
			return res, -1, fmt.Errorf("context's subscription id %v: %w", err, ErrInvalidContext)
		}
	}
	if err := CheckExported(c.StorageAccount); err != nil {
		return res, -1, fmt.Errorf("context's storage account %v: %w", err, ErrInvalidContext)
	}
	// i is the context to update: the one c's name names when it has c's
	// identity (a profile may hold several contexts of one identity, and
	// renaming another of them to the name would give two contexts one
	// name), else the first of c's identity.
	i = -1
	if c.Name != "" {
		if err := checkName(c.Name); err != nil {
			return res, -1, err
		}
		switch j := p.nameIndex(c.Name, ix); {
		case j >= 0 && p.Contexts[j].SameIdentity(&c):
			i = j
		case j >= 0:
			if !opts.Force {
				return res, -1, fmt.Errorf("context %s: %w", QuoteShort(p.Contexts[j].Name), ErrNameTaken)
			}
			res.Replaced = p.cut(j) // its account's fate once c is in, below
			if ix != nil {
				*ix = *p.buildIndex(0)
			}
		}
	}
	if i < 0 {
		i = p.identityIndex(&c, ix)
	}
	if i < 0 {
		if c.Environment == "" {
			c.Environment = DefaultEnvironment
		}
		if c.Name == "" {
			c.Name = p.defaultName(&c, ix)
		}
		p.Contexts = append(p.Contexts, c.clone())
		res.Created = true
		i = len(p.Contexts) - 1
		if ix != nil {
			ix.setName("", c.Name, i)
			ix.byID[identityOf(&c)] = i
		}
	} else {
		old := &p.Contexts[i]
		c.keepFrom(old)
		p.follow(old.Name, c.Name)
		if ix != nil && old.Name != c.Name {
			ix.setName(old.Name, c.Name, i)
		}
		// a sign-in again finds most of its contexts as they are
		if !old.equal(&c) {
			*old = c.clone()
		}
	}
	if len(res.Replaced.Contexts) > 0 {
		res.Replaced.OrphanedAccounts = p.dropOrphansOf(res.Replaced.Contexts)
	}
	if opts.MakeDefault {
		p.setDefault(c.Name)
	}
	return res, i, nil
}

// keepFrom gives each field that c leaves empty the value of old, the
// stored context c updates: an update states what it changes, and keeps
// the rest (a sign-in again keeps a context's storage account, an import
// that names no environment keeps the context's). c's subscription, the
// caller's, is copied before it changes. TestAnUpdateKeepsWhatItLeavesEmpty
// fills every field by reflection and holds this to it.
func (c *Context) keepFrom(old *Context) {
	c.KeepSettings(old)
	if c.Environment == "" {
		c.Environment = old.Environment
	}
	if c.Tenant.DefaultDomain == "" {
		c.Tenant.DefaultDomain = old.Tenant.DefaultDomain
	}
	if c.Tenant.DisplayName == "" {
		c.Tenant.DisplayName = old.Tenant.DisplayName
	}
	if s, o := c.Subscription, old.Subscription; s != nil && o != nil && (s.Name == "" || s.State == "" || s.TenantID == "") {
		k := *s
		if k.Name == "" {
			k.Name = o.Name
		}
		if k.State == "" {
			k.State = o.State
		}
		if k.TenantID == "" {
			k.TenantID = o.TenantID
		}
		c.Subscription = &k
	}
}

// KeepSettings gives each of a context's own settings (what Facts leaves
// out: its name, storage account and properties) that c leaves empty the
// value old has. TestFactsKeepTheFactsAndNoSetting holds it and Facts to
// the same fields.
func (c *Context) KeepSettings(old *Context) {
	if c.Name == "" {
		c.Name = old.Name
	}
	if c.StorageAccount == "" {
		c.StorageAccount = old.StorageAccount
	}
	if c.Properties == nil {
		c.Properties = old.Properties
	}
}

// follow points the default and previous contexts at a renamed context.
func (p *Profile) follow(from, to string) {
	if SameName(p.DefaultContext, from) {
		p.DefaultContext = to
	}
	if SameName(p.PreviousContext, from) {
		p.PreviousContext = to
	}
}

// RenameContext renames the context ref resolves to (see Find) to newName.
// If another context holds newName, it gives ErrNameTaken unless force,
// which removes that context. The default follows the rename.
func (p *Profile) RenameContext(ref, newName string, force bool) (Removal, error) {
	var rem Removal
	if err := checkName(newName); err != nil {
		return rem, err
	}
	c, err := p.Find(ref)
	if err != nil {
		return rem, err
	}
	oldName := c.Name
	if j := p.index(newName); j >= 0 && !SameName(p.Contexts[j].Name, oldName) {
		if !force {
			return rem, fmt.Errorf("context %s: %w", QuoteShort(p.Contexts[j].Name), ErrNameTaken)
		}
		rem = p.removeAt(j)
	}
	i := p.index(oldName)
	p.Contexts[i].Name = newName
	p.follow(oldName, newName)
	return rem, nil
}

// RemoveContext removes the context ref resolves to (see Find). An account
// whose last context goes is removed too and reported in
// Removal.OrphanedAccounts. Removing the default leaves no default.
func (p *Profile) RemoveContext(ref string) (Removal, error) {
	return p.RemoveContexts([]string{ref})
}

// RemoveContexts is RemoveContext of each of refs, all resolved (see Find)
// in p as it is before any goes: a context two of them name goes once,
// and none of them can name a context by a prefix the other removals left
// unique. Nothing goes when one of them names no context. It costs one
// pass over p, however many refs there are.
func (p *Profile) RemoveContexts(refs []string) (Removal, error) {
	var ix *refIndex
	if len(refs) > 1 {
		ix = p.refIndex() // it pays for itself over several references
	}
	var at []int
	named := make(map[int]bool, len(refs))
	for _, ref := range refs {
		i, err := p.find(ref, ix)
		if err != nil {
			return Removal{}, err
		}
		if !named[i] {
			named[i] = true
			at = append(at, i)
		}
	}
	return p.removeAt(at...), nil
}

// removeAt removes the contexts at positions at (each once, in any order,
// reported in that order), and each account no other context uses.
func (p *Profile) removeAt(at ...int) Removal {
	rem := p.cut(at...)
	rem.OrphanedAccounts = p.dropOrphansOf(rem.Contexts)
	return rem
}

// dropOrphansOf is DropOrphans of the accounts of cs, contexts removed.
func (p *Profile) dropOrphansOf(cs []Context) []string {
	keys := make([]string, len(cs))
	for j := range cs {
		keys[j] = cs[j].Account
	}
	return p.DropOrphans(keys)
}

// cut is removeAt but for the accounts, which it leaves: a change that
// adds a context in the place of those it removes drops the orphans once
// its own context is in (dropOrphansOf), as that context may use one.
func (p *Profile) cut(at ...int) Removal {
	if len(at) == 0 {
		return Removal{}
	}
	rem := Removal{Contexts: make([]Context, len(at))}
	gone := make([]bool, len(p.Contexts))
	for j, i := range at {
		c := p.Contexts[i]
		rem.Contexts[j], gone[i] = c, true
		if SameName(p.DefaultContext, c.Name) {
			p.DefaultContext = ""
		}
		if SameName(p.PreviousContext, c.Name) {
			p.PreviousContext = ""
		}
	}
	kept := p.Contexts[:0]
	for i := range p.Contexts {
		if !gone[i] {
			kept = append(kept, p.Contexts[i])
		}
	}
	clear(p.Contexts[len(kept):])
	p.Contexts = kept
	return rem
}

// DropOrphans removes the accounts among keys that no context uses and
// returns their keys (NameKey) for the caller to drop their
// credentials. It costs one pass over p's contexts and one over its
// accounts, however many keys there are.
func (p *Profile) DropOrphans(keys []string) []string {
	if len(keys) == 0 {
		return nil
	}
	used := make(map[string]bool, len(keys)) // NameKey of each key → a context uses it
	for _, k := range keys {
		used[NameKey(k)] = false
	}
	unseen := len(used)
	for i := 0; i < len(p.Contexts) && unseen > 0; i++ {
		k := NameKey(p.Contexts[i].Account)
		if u, ok := used[k]; ok && !u {
			used[k] = true
			unseen--
		}
	}
	if unseen == 0 {
		return nil
	}
	dropped := make(map[string]bool)
	p.Accounts = slices.DeleteFunc(p.Accounts, func(a Account) bool {
		k := NameKey(a.Key())
		if u, ok := used[k]; ok && !u {
			dropped[k] = true
			return true
		}
		return false
	})
	var orphaned []string
	for _, k := range keys {
		if nk := NameKey(k); dropped[nk] {
			orphaned = append(orphaned, nk)
			delete(dropped, nk)
		}
	}
	return orphaned
}

// RemoveAccounts removes the accounts with the given keys and every
// context that uses one (logout), in one pass over p's contexts and one
// over its accounts, however many keys there are. It is idempotent: an
// unknown key removes nothing. A key is reported in OrphanedAccounts (in
// the order of keys, once) whenever the account or any of its contexts
// existed, so the caller drops its credentials.
func (p *Profile) RemoveAccounts(keys []string) Removal {
	found := make(map[string]bool, len(keys)) // NameKey of each key → the account or a context of it existed
	for _, k := range keys {
		found[NameKey(k)] = false
	}
	var at []int
	for i := range p.Contexts {
		k := NameKey(p.Contexts[i].Account)
		if _, ok := found[k]; ok {
			found[k] = true
			at = append(at, i)
		}
	}
	rem := p.removeAt(at...)
	p.Accounts = slices.DeleteFunc(p.Accounts, func(a Account) bool {
		k := NameKey(a.Key())
		if _, ok := found[k]; ok {
			found[k] = true
			return true
		}
		return false
	})
	rem.OrphanedAccounts = nil
	for _, k := range keys {
		if nk := NameKey(k); found[nk] {
			rem.OrphanedAccounts = append(rem.OrphanedAccounts, nk)
			found[nk] = false
		}
	}
	return rem
}

// Clear removes every context and account, and the default. Environments
// and settings stay.
func (p *Profile) Clear() Removal {
	rem := Removal{Contexts: p.Contexts}
	for _, a := range p.Accounts {
		rem.OrphanedAccounts = append(rem.OrphanedAccounts, a.Key())
	}
	p.Contexts, p.Accounts = nil, nil
	p.DefaultContext, p.PreviousContext = "", ""
	return rem
}

// SetDefault makes the context ref resolves to (see Find) the default, and
// remembers the old default as PreviousContext. ref "-" returns to the
// previous context (ErrNoPrevious when there is none).
func (p *Profile) SetDefault(ref string) (Context, error) {
	if ref == "-" {
		if p.PreviousContext == "" {
			return Context{}, ErrNoPrevious
		}
		ref = p.PreviousContext
		if p.Context(ref) == nil {
			return Context{}, previousRemoved(ref)
		}
	}
	c, err := p.Find(ref)
	if err != nil {
		return Context{}, err
	}
	p.setDefault(c.Name)
	return c.clone(), nil
}

// previousRemoved reports that "use -" names a context that is gone.
func previousRemoved(name string) error {
	return fmt.Errorf("previous context %s was removed: %w", QuoteShort(name), ErrNoPrevious)
}

func (p *Profile) setDefault(name string) {
	if p.DefaultContext == name {
		return
	}
	if p.DefaultContext != "" && !SameName(p.DefaultContext, name) {
		p.PreviousContext = p.DefaultContext
	}
	p.DefaultContext = name
}

// UpsertAccount adds a, or replaces the account with the same Key. Empty
// optional fields keep the stored values. It returns a copy of the stored
// account.
func (p *Profile) UpsertAccount(a Account) Account {
	return p.upsertAccount(a, nil)
}

// accountIndex maps the NameKey of each of p's account keys to the
// account's position, for upsertAccount.
func (p *Profile) accountIndex() map[string]int {
	at := make(map[string]int, len(p.Accounts))
	for i := range p.Accounts {
		if k := NameKey(p.Accounts[i].Key()); !hasKey(at, k) {
			at[k] = i
		}
	}
	return at
}

// upsertAccount is UpsertAccount, finding the account in at (accountIndex,
// kept up to date) when at is not nil.
func (p *Profile) upsertAccount(a Account, at map[string]int) Account {
	if a.Environment == "" {
		a.Environment = DefaultEnvironment
	}
	a = a.Clone()
	var old *Account
	if at == nil {
		old = p.Account(a.Key())
	} else if i, ok := at[NameKey(a.Key())]; ok {
		old = &p.Accounts[i]
	}
	if old != nil {
		if a.HomeAccountID == "" {
			a.HomeAccountID = old.HomeAccountID
		}
		if a.Type == "" {
			a.Type = old.Type
		}
		if len(a.Tenants) == 0 {
			a.Tenants = old.Tenants
		}
		*old = a
	} else {
		p.Accounts = append(p.Accounts, a)
		if at != nil {
			at[NameKey(a.Key())] = len(p.Accounts) - 1
		}
	}
	return a.Clone() // the caller's, not p's
}
