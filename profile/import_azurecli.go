package profile

import (
	"fmt"
	"strings"
)

// az's azureProfile.json. Only the fields azc uses are declared.
type azProfile struct {
	Subscriptions []azSubscription `json:"subscriptions"`
}

type azSubscription struct {
	ID                   string `json:"id"`
	Name                 string `json:"name"`
	State                string `json:"state"`
	TenantID             string `json:"tenantId"`
	TenantDefaultDomain  string `json:"tenantDefaultDomain"`
	TenantDisplayName    string `json:"tenantDisplayName"`
	EnvironmentName      string `json:"environmentName"`
	IsDefault            bool   `json:"isDefault"`
	AssignedIdentityInfo string `json:"assignedIdentityInfo"`
	User                 struct {
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"user"`
}

// azTenantLevel is the name az gives the stand-in "subscription" of an
// account signed in with --allow-no-subscriptions.
const azTenantLevel = "N/A(tenant level account)"

func importAzureCLI(data []byte) (*Imported, error) {
	var f azProfile
	if err := Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("parse az azureProfile.json: %w", err)
	}
	imp := newImported(FormatAzureCLI)
	type accountTenant struct {
		account int
		tenant  string
	}
	listed := make(map[accountTenant]bool) // the tenants each account lists
	// az keeps one sign-in of a user name in a cloud, whatever tenants its
	// subscriptions are of: NameKey(environment|user name) → its account.
	// The file does not give the user's home tenant (its homeTenantId is
	// the subscription's, as ARM gives it), so the account takes the tenant
	// of the user's first subscription (of a tenant id that can be one)
	// until a token cache tells its home (AddTokenCache).
	userAt := make(map[string]int)
	for _, s := range f.Subscriptions {
		if s.TenantID == "" || s.User.Name == "" {
			imp.warnf("subscription %s skipped: it has no tenant or user", QuoteShort(s.ID))
			continue
		}
		env := s.EnvironmentName
		if env == "" {
			env = DefaultEnvironment
		}
		if e, ok := builtinEnvironment(env); ok {
			env = e.Name
		}
		a := Account{ID: s.User.Name, Environment: env, HomeTenantID: s.TenantID}
		switch {
		case s.AssignedIdentityInfo != "" || s.User.Name == "systemAssignedIdentity" || s.User.Name == "userAssignedIdentity":
			a.Type = ManagedIdentity
			kind, id, _ := strings.Cut(s.AssignedIdentityInfo, "-")
			switch kind {
			case "MSIClient":
				a.ClientID = id
			case "MSIResource":
				a.ResourceID = id
			}
		case strings.EqualFold(s.User.Type, "servicePrincipal"):
			a.Type = ServicePrincipal
		case strings.EqualFold(s.User.Type, "user"):
			a.Type = UserAccount
		default:
			imp.warnf("subscription %s skipped: account type %s is not supported", QuoteShort(s.ID), QuoteShort(s.User.Type))
			continue
		}
		var i int
		if a.Type == UserAccount {
			k := NameKey(env + "|" + a.ID)
			j, ok := userAt[k]
			switch {
			case !ok:
				j = imp.addAccount(a)
				userAt[k] = j
			case !ValidTenant(imp.Accounts[j].HomeTenantID):
				// a tenant no tenant id can be, which leaves the account out
				imp.moveHome(j, s.TenantID)
			}
			i = j
		} else {
			i = imp.addAccount(a)
		}
		c := Context{
			Account:     imp.Accounts[i].Key(),
			Environment: env,
			Tenant:      Tenant{ID: s.TenantID, DefaultDomain: s.TenantDefaultDomain, DisplayName: s.TenantDisplayName},
		}
		if s.ID != "" && !SameName(s.ID, s.TenantID) && s.Name != azTenantLevel {
			c.Subscription = &Subscription{ID: s.ID, Name: s.Name, State: s.State, TenantID: s.TenantID}
		}
		if t := (accountTenant{i, s.TenantID}); !listed[t] {
			listed[t] = true
			imp.Accounts[i].Tenants = append(imp.Accounts[i].Tenants, s.TenantID)
		}
		if s.IsDefault && imp.Default < 0 {
			imp.Default = len(imp.Contexts)
		}
		imp.Contexts = append(imp.Contexts, c)
	}
	return imp, nil
}
