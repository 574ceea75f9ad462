package profile

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/azcontext/azc/secret"
)

// Azure PowerShell's AzureRmContext.json, as Newtonsoft writes it. Only the
// fields azc uses are declared.
type psFile struct {
	DefaultContextKey *string                  `json:"DefaultContextKey"`
	EnvironmentTable  map[string]psEnvironment `json:"EnvironmentTable"`
	Contexts          map[string]*psContext    `json:"Contexts"`
}

type psContext struct {
	Account      *psAccount      `json:"Account"`
	Tenant       *psTenant       `json:"Tenant"`
	Subscription *psSubscription `json:"Subscription"`
	Environment  *psEnvironment  `json:"Environment"`
	TokenCache   *struct {
		CacheData *string `json:"CacheData"`
	} `json:"TokenCache"`
}

type psAccount struct {
	ID                 string            `json:"Id"`
	Type               string            `json:"Type"`
	ExtendedProperties map[string]string `json:"ExtendedProperties"`
}

type psTenant struct {
	ID        string `json:"Id"`
	Directory string `json:"Directory"`
}

type psSubscription struct {
	ID                 string            `json:"Id"`
	Name               string            `json:"Name"`
	State              string            `json:"State"`
	ExtendedProperties map[string]string `json:"ExtendedProperties"`
}

type psEnvironment struct {
	Name                                     string `json:"Name"`
	Type                                     string `json:"Type"`
	ResourceManagerURL                       string `json:"ResourceManagerUrl"`
	ActiveDirectoryAuthority                 string `json:"ActiveDirectoryAuthority"`
	ActiveDirectoryServiceEndpointResourceID string `json:"ActiveDirectoryServiceEndpointResourceId"`
}

func importPowerShell(data []byte) (*Imported, error) {
	var f psFile
	if err := Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("parse Azure PowerShell context file: %w", err)
	}
	imp := newImported(FormatAzurePowerShell)
	for _, e := range sortedValues(f.EnvironmentTable) {
		imp.addPSEnvironment(e)
	}
	defaultKey := ""           // the key of imp.Default
	var empty []string         // contexts with no account, tenant or subscription
	tenants := 0               // the tenants of the accounts' Tenants lists
	caches := map[int][]byte{} // position in imp.Accounts → the first cache of its contexts
	var cached []int           // the keys of caches, in the order of the file's contexts
	for _, key := range sortedKeys(f.Contexts) {
		pc := f.Contexts[key]
		switch {
		case pc == nil:
			imp.warnf("context %s skipped: it is null", QuoteShort(key))
			continue
		case (pc.Account == nil || pc.Account.ID == "") && pc.Tenant == nil && pc.Subscription == nil:
			// Azure PowerShell's placeholder ("Default"), which it
			// keeps beside signed-in contexts and alone when no one
			// is signed in: said below only of a file that imports
			// nothing.
			empty = append(empty, key)
			continue
		case pc.Account == nil || pc.Account.ID == "":
			imp.warnf("context %s skipped: it has no account", QuoteShort(key))
			continue
		}
		env := DefaultEnvironment
		if pc.Environment != nil && pc.Environment.Name != "" {
			env = pc.Environment.Name
			imp.addPSEnvironment(*pc.Environment)
		}
		if e, ok := builtinEnvironment(env); ok {
			env = e.Name
		}
		c := Context{Name: key, Environment: env}
		if pc.Tenant != nil {
			c.Tenant = Tenant{ID: pc.Tenant.ID, DefaultDomain: pc.Tenant.Directory}
		}
		if s := pc.Subscription; s != nil && s.ID != "" {
			if c.Tenant.ID == "" {
				c.Tenant.ID = s.ExtendedProperties["HomeTenant"]
			}
			c.Subscription = &Subscription{ID: s.ID, Name: s.Name, State: s.State, TenantID: c.Tenant.ID}
		}
		if c.Tenant.ID == "" {
			imp.warnf("context %s skipped: it has no tenant", QuoteShort(key))
			continue
		}
		// An account's Tenants is one string, the tenants joined by
		// commas, which Unmarshal counted as one value: each tenant is a
		// value of its own, within the values Unmarshal reads of a file.
		if tenants += strings.Count(pc.Account.ExtendedProperties["Tenants"], ",") + 1; tenants > maxValues {
			return nil, fmt.Errorf("parse Azure PowerShell context file: its accounts' Tenants list more than %d tenants in all, the most azc reads", maxValues)
		}
		a, err := psAccountToAccount(pc.Account, env, c.Tenant.ID)
		if err != nil {
			imp.warnf("context %s skipped: %v", QuoteShort(key), err)
			continue
		}
		if _, ok := pc.Account.ExtendedProperties["AccessToken"]; ok {
			imp.warnf("the access token of %s was not imported: sign in again", a.ID)
		}
		c.Account = a.Key()
		i := imp.addAccount(a)
		if v := pc.Account.ExtendedProperties["ServicePrincipalSecret"]; v != "" && a.Type == ServicePrincipal && a.Credential == CredentialSecret {
			if _, ok := imp.Secrets[c.Account]; !ok {
				if imp.Secrets == nil {
					imp.Secrets = map[string]secret.String{}
				}
				imp.Secrets[c.Account] = secret.New(v)
			}
		}
		// A generated name gives way to azc's short default name; the long
		// form still resolves (see Find). A name the user chose is kept.
		switch {
		case SameName(key, powerShellName(&c, imp.Accounts[i].ID)):
			c.Name = ""
		case checkName(key) != nil:
			imp.warnName(key)
			c.Name = ""
		}
		// The default is the context of the key's exact name, else the
		// first whose name is the same (SameName), as an azc export's.
		if d := f.DefaultContextKey; d != nil && SameName(*d, key) && (imp.Default < 0 || key == *d && defaultKey != *d) {
			imp.Default, defaultKey = len(imp.Contexts), key
		}
		imp.Contexts = append(imp.Contexts, c)
		if pc.TokenCache != nil && pc.TokenCache.CacheData != nil && *pc.TokenCache.CacheData != "" {
			cache, err := base64.StdEncoding.DecodeString(*pc.TokenCache.CacheData)
			if err != nil {
				imp.warnf("token cache of context %s skipped: %v", QuoteShort(key), err)
			} else if _, ok := caches[i]; !ok {
				caches[i] = cache
				cached = append(cached, i)
			}
		}
	}
	// Each account keeps its own entries of the first cache of its
	// contexts, which may hold other accounts' tokens too.
	for _, i := range cached {
		if err := imp.addTokenCache(caches[i], []int{i}); err != nil {
			imp.warnf("the token cache of %s was not imported: %v", imp.Accounts[i].ID, err)
		}
	}
	if len(imp.Contexts) == 0 {
		for _, key := range empty {
			imp.warnf("context %s skipped: it has no account, tenant or subscription (Azure PowerShell's empty context when no one is signed in)", QuoteShort(key))
		}
	}
	return imp, nil
}

func (imp *Imported) addPSEnvironment(e psEnvironment) {
	if e.Name == "" {
		return
	}
	if _, builtin := builtinEnvironment(e.Name); builtin {
		return
	}
	if imp.envNames == nil {
		imp.envNames = map[string]bool{}
	}
	k := NameKey(e.Name)
	if imp.envNames[k] {
		return
	}
	imp.envNames[k] = true
	imp.Environments = append(imp.Environments, Environment{
		Name:          e.Name,
		AuthorityHost: e.ActiveDirectoryAuthority,
		ARMEndpoint:   e.ResourceManagerURL,
		ARMAudience:   e.ActiveDirectoryServiceEndpointResourceID,
	})
}

func psAccountToAccount(pa *psAccount, env, tenant string) (Account, error) {
	a := Account{ID: pa.ID, Environment: env, HomeTenantID: tenant}
	props := pa.ExtendedProperties
	if t := props["Tenants"]; t != "" {
		for _, s := range strings.Split(t, ",") {
			if s = strings.TrimSpace(s); s != "" {
				a.Tenants = append(a.Tenants, s)
			}
		}
	}
	switch strings.ToLower(pa.Type) {
	case "user":
		a.Type = UserAccount
		if h := props["HomeAccountId"]; h != "" {
			a.HomeAccountID = h
			if tid := homeTenantOf(h); tid != "" {
				a.HomeTenantID = tid
			}
		}
	case "serviceprincipal":
		a.Type = ServicePrincipal
		a.Credential = CredentialSecret
		if props["CertificateThumbprint"] != "" || props["CertificatePath"] != "" {
			a.Credential = CredentialCertificate
		}
	case "certificate":
		a.Type, a.Credential = ServicePrincipal, "certificate"
	case "clientassertion":
		a.Type, a.Credential = ServicePrincipal, "federated"
	case "managedservice":
		a.Type = ManagedIdentity
	case "accesstoken":
		a.Type = AccessToken
	default:
		return Account{}, fmt.Errorf("account type %s is not supported", QuoteShort(pa.Type))
	}
	if a.ID == "" {
		return Account{}, errNoAccount
	}
	return a, nil
}
