package profile

import "strings"

// Key identifies an account across the profile, sessions and the
// credential store: (environment, home tenant, account id), lower-cased.
func (a Account) Key() string {
	return strings.ToLower(a.Environment + "|" + a.HomeTenantID + "|" + a.ID)
}
