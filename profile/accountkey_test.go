package profile_test

import (
	"strings"
	"testing"

	"github.com/azcontext/azc/profile"
)

// TestAccountKeyIsTheOneNameRule: two account ids the same under the one
// name rule (profile.SameName: ſ and s, the Kelvin sign and k) are one
// account with one key, so one credential blob; two ids the rule tells
// apart (İ and i, which strings.ToLower equates) are two accounts with two
// keys. An ASCII key is the lower case of (environment|home tenant|id),
// the key the blobs of ASCII accounts are stored under.
func TestAccountKeyIsTheOneNameRule(t *testing.T) {
	t.Parallel()
	acct := func(id string) profile.Account {
		return profile.Account{ID: id, Type: profile.AccessToken, Environment: "AzureCloud", HomeTenantID: "T1"}
	}
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"sam@x", "\u017fam@x", true},  // ſ
		{"kim@x", "\u212aim@x", true},  // Kelvin sign
		{"\u0130v@x", "iv@x", false},   // İ
		{"\u03a3@x", "\u03c2@x", true}, // Σ, ς
		{"Sam@X", "sam@x", true},
	} {
		p := profile.New()
		p.UpsertAccount(acct(tc.a))
		p.UpsertAccount(acct(tc.b))
		ka, kb := acct(tc.a).Key(), acct(tc.b).Key()
		if got := len(p.Accounts) == 1; got != tc.same {
			t.Errorf("%+q and %+q: one account is %v, want %v", tc.a, tc.b, got, tc.same)
		}
		if got := ka == kb; got != tc.same {
			t.Errorf("%+q and %+q: keys %+q and %+q, equal is %v, want %v", tc.a, tc.b, ka, kb, got, tc.same)
		}
		for _, k := range []string{ka, kb} {
			if profile.NameKey(k) != k {
				t.Errorf("key %+q is not its own NameKey", k)
			}
			if a := p.Account(k); a == nil || a.Key() != k {
				t.Errorf("Account(%+q) = %+v", k, a)
			}
			if a := p.AccountIndex().Account(k); a == nil || a.Key() != k {
				t.Errorf("AccountIndex().Account(%+q) = %+v", k, a)
			}
		}
	}
	a := acct("Alice@Contoso.COM")
	if got, want := a.Key(), strings.ToLower("AzureCloud|T1|Alice@Contoso.COM"); got != want {
		t.Errorf("ASCII key %q, want %q", got, want)
	}
}

// TestAContextNamesItsAccountByTheAccountsKey: a context upserted with an
// account key spelt otherwise (strings.ToLower of ſ, or upper case)
// is stored with the account's key, the key its blob is stored under.
func TestAContextNamesItsAccountByTheAccountsKey(t *testing.T) {
	t.Parallel()
	a := profile.Account{ID: "\u017fam@x", Type: profile.AccessToken, Environment: "AzureCloud", HomeTenantID: "t1"}
	p := profile.New()
	p.UpsertAccount(a)
	res, err := p.UpsertContext(profile.Context{Name: "c", Account: strings.ToUpper("AzureCloud|T1|") + "\u017fam@x", Tenant: profile.Tenant{ID: "t1"}}, profile.UpsertOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Context.Account != a.Key() || p.Contexts[0].Account != a.Key() {
		t.Errorf("context account %+q, want the account key %+q", p.Contexts[0].Account, a.Key())
	}
	rem := p.RemoveAccounts([]string{"AZURECLOUD|T1|SAM@X"})
	if len(rem.OrphanedAccounts) != 1 || rem.OrphanedAccounts[0] != a.Key() {
		t.Errorf("orphaned %+q, want the account key %+q", rem.OrphanedAccounts, a.Key())
	}
}

// TestKeyIDNamesTheAccountInLowerCaseWithinItsFolding: a message names an
// account no profile holds by its key's id, lower case where the lower
// case is the same letter under the name rule (Σ → σ, É → é) and not
// where it is another (İ stays İ).
func TestKeyIDNamesTheAccountInLowerCaseWithinItsFolding(t *testing.T) {
	t.Parallel()
	for id, want := range map[string]string{"Sam@x": "sam@x", "\u03a3@x": "\u03c3@x", "Jos\u00c9@x": "jos\u00e9@x", "\u0130v@x": "\u0130v@x", "\u212aim@x": "kim@x"} {
		key := profile.Account{ID: id, Environment: "AzureCloud", HomeTenantID: "t"}.Key()
		got := profile.KeyID(key)
		if got != want || !profile.SameName(got, id) {
			t.Errorf("KeyID(%+q) = %+q, want %+q (SameName with %+q)", key, got, want, id)
		}
	}
}
