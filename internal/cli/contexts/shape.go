package contexts

import (
	"github.com/azcontext/azc"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/profile"
)

// Context is the stable JSON shape of a context (`context list`, `show`,
// `use`, `set`). Fields are only ever added.
type Context struct {
	Name           string            `json:"name"`
	Current        bool              `json:"current"`
	Scope          string            `json:"scope"` // "user" or "process": where the context is stored
	Account        Account           `json:"account"`
	Environment    string            `json:"environment"`
	Tenant         Tenant            `json:"tenant"`
	Subscription   *Subscription     `json:"subscription,omitempty"`
	StorageAccount string            `json:"storageAccount,omitempty"`
	Properties     map[string]string `json:"properties,omitempty"`
}

// Account is the JSON shape of the account a context uses.
type Account struct {
	ID   string `json:"id"`
	Type string `json:"type,omitempty"`
}

// Tenant is the JSON shape of a tenant: profile.Tenant's fields, so that
// every shape that shows a tenant converts it (Tenant(t)) and a field added
// to the model does not compile until it is added here too.
type Tenant struct {
	ID            string `json:"id"`
	DefaultDomain string `json:"defaultDomain,omitempty"`
	DisplayName   string `json:"displayName,omitempty"`
}

// Subscription is the JSON shape of a subscription.
type Subscription struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	State string `json:"state,omitempty"`
}

// accounts finds a profile's accounts by key for the shape conversion.
type accounts struct{ x *profile.AccountIndex }

func indexAccounts(p *profile.Profile) accounts { return accounts{p.AccountIndex()} }

// idOf is the id (UPN, application id …) of the account key key, as a
// context's shape shows it (Profile.AccountID).
func (m accounts) idOf(key string) string { return m.x.AccountID(&profile.Context{Account: key}) }

func (m accounts) shape(c *profile.Context, scope profile.Scope, current bool) Context {
	return m.shapeInto(c, scope, current, nil)
}

// shapeInto is shape; sub, when not nil, holds the subscription's shape
// (so that a list allocates them together).
func (m accounts) shapeInto(c *profile.Context, scope profile.Scope, current bool, sub *Subscription) Context {
	out := Context{
		Name:           c.Name,
		Current:        current,
		Scope:          cmdutil.ScopeName(scope),
		Environment:    c.Environment,
		Tenant:         Tenant(c.Tenant),
		StorageAccount: c.StorageAccount,
		Properties:     c.Properties,
	}
	out.Account = Account{ID: m.x.AccountID(c)}
	if a := m.x.Account(c.Account); a != nil {
		out.Account.Type = string(a.Type)
	}
	if s := c.Subscription; s != nil {
		if sub == nil {
			sub = new(Subscription)
		}
		*sub = Subscription{ID: s.ID, Name: s.Name, State: s.State}
		out.Subscription = sub
	}
	return out
}

func shapeEntries(p *profile.Profile, entries []azc.Entry) []Context {
	m := indexAccounts(p)
	out := make([]Context, len(entries))
	subs := make([]Subscription, len(entries))
	for i := range entries {
		out[i] = m.shapeInto(&entries[i].Context, entries[i].Stored(), entries[i].Current, &subs[i])
	}
	return out
}

// shapeUser shapes every context of the user profile p, marking its
// default (Profile.Default's pointer into p.Contexts).
func shapeUser(p *profile.Profile) []Context {
	m := indexAccounts(p)
	cur, _ := p.Default()
	out := make([]Context, len(p.Contexts))
	subs := make([]Subscription, len(p.Contexts))
	for i := range p.Contexts {
		c := &p.Contexts[i]
		out[i] = m.shapeInto(c, profile.ScopeUser, cur == c, &subs[i])
	}
	return out
}

func (c *Context) tenantText() string {
	if c.Tenant.DefaultDomain != "" {
		return c.Tenant.DefaultDomain
	}
	return c.Tenant.ID
}

// listHeader is the header of `context list`'s table.
var listHeader = []string{"", "NAME", "SUBSCRIPTION", "SUBSCRIPTION ID", "TENANT", "ACCOUNT"}

// mergedTable is listTable over the merged view's contexts, laid out
// straight from the profile's file and the session's state (azc.List).
func mergedTable(ml *azc.List) func() *cmdutil.Table {
	return func() *cmdutil.Table {
		m := indexAccounts(ml.Header())
		cur := ml.Current()
		var c profile.Columns
		// The table asks for every row twice, for the widths and for the
		// lines: each row's account id is looked up the first time and
		// kept (a lookup hashes and compares a key of some 60 bytes).
		ids := make([]string, ml.Len())
		return &cmdutil.Table{Header: listHeader, Marked: true, N: ml.Len(), Row: func(i int, row []string) {
			ml.Row(i, &c)
			if i == cur {
				row[0] = "*"
			}
			row[1], row[2], row[3] = c.Name, c.SubscriptionName, c.SubscriptionID
			row[4] = c.TenantDomain
			if row[4] == "" {
				row[4] = c.TenantID
			}
			if ids[i] == "" {
				ids[i] = m.idOf(c.Account)
			}
			row[5] = ids[i]
		}}
	}
}

func listTable(cs []Context) func() *cmdutil.Table {
	return func() *cmdutil.Table {
		t := &cmdutil.Table{Header: listHeader, Marked: true}
		t.Rows = make([][]string, len(cs))
		const cols = 6
		cells := make([]string, cols*len(cs)) // one allocation for every row
		for i := range cs {
			c := &cs[i]
			mark, subName, subID := "", "", ""
			if c.Current {
				mark = "*"
			}
			if c.Subscription != nil {
				subName, subID = c.Subscription.Name, c.Subscription.ID
			}
			row := cells[i*cols : (i+1)*cols : (i+1)*cols]
			row[0], row[1], row[2], row[3], row[4], row[5] = mark, c.Name, subName, subID, c.tenantText(), c.Account.ID
			t.Rows[i] = row
		}
		return t
	}
}

func showTable(c Context) func() *cmdutil.Table {
	return func() *cmdutil.Table {
		t := &cmdutil.Table{Rows: [][]string{{"Name", c.Name}}}
		add := func(k, v string) {
			if v != "" {
				t.Rows = append(t.Rows, []string{k, v})
			}
		}
		acct := c.Account.ID
		if c.Account.Type != "" {
			acct += " (" + c.Account.Type + ")"
		}
		add("Account", acct)
		add("Environment", c.Environment)
		add("Tenant", c.tenantText())
		if c.Tenant.DefaultDomain != "" {
			add("Tenant ID", c.Tenant.ID)
		}
		if s := c.Subscription; s != nil {
			add("Subscription", s.Name)
			add("Subscription ID", s.ID)
			add("State", s.State)
		}
		add("Storage account", c.StorageAccount)
		for _, k := range sortedKeys(c.Properties) {
			add("Property "+k, c.Properties[k])
		}
		add("Scope", c.Scope)
		return t
	}
}
