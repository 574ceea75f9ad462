package credblob

import (
	"time"

	"github.com/azcontext/azc/secret"
)

// Token is an access token.
type Token struct {
	AccessToken secret.String
	ExpiresOn   time.Time
	// RefreshOn, when set, is when a fresh token should be fetched ahead of
	// expiry.
	RefreshOn time.Time
	TenantID  string
}

// AzToken is the JSON shape of `az account get-access-token`, which scripts
// and SDKs (azidentity's AzureCLICredential, Terraform) parse.
type AzToken struct {
	AccessToken  string `json:"accessToken"`
	ExpiresOn    string `json:"expiresOn"`  // local time, "2006-01-02 15:04:05.000000"
	ExpiresOnSec int64  `json:"expires_on"` // epoch seconds
	Subscription string `json:"subscription,omitempty"`
	Tenant       string `json:"tenant"`
	TokenType    string `json:"tokenType"`
}

// AzTokenFormat is the layout of AzToken.ExpiresOn.
const AzTokenFormat = "2006-01-02 15:04:05.000000"

// AzCompatible renders t as az does, in loc (the local zone): expiresOn
// from the whole seconds of expires_on, so that a token MSAL has just
// fetched (expiring at now+expires_in, to the nanosecond) prints as it
// does later from the cache (whole seconds). The result holds the token in
// clear: it is the command's output.
func (t Token) AzCompatible(subscription string, loc *time.Location) AzToken {
	sec := t.ExpiresOn.Unix()
	return AzToken{
		AccessToken:  t.AccessToken.Reveal(),
		ExpiresOn:    time.Unix(sec, 0).In(loc).Format(AzTokenFormat),
		ExpiresOnSec: sec,
		Subscription: subscription,
		Tenant:       t.TenantID,
		TokenType:    "Bearer",
	}
}
