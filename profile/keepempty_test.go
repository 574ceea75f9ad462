package profile

import (
	"reflect"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAnUpdateKeepsWhatItLeavesEmpty: a context given to UpsertContext
// with only its identity (account, tenant, subscription), as an import
// file or a caller that knows nothing else gives it, updates the stored
// context of that identity without emptying any of its fields. Every
// field is filled by reflection, so a field added to the model (a new
// setting of a context, a new fact of a tenant) must be kept by the
// update too, or a sign-in again silently drops it.
func TestAnUpdateKeepsWhatItLeavesEmpty(t *testing.T) {
	t.Parallel()
	old := filledProfile().Contexts[0]
	p := &Profile{Contexts: []Context{old.clone()}}
	c := Context{Account: old.Account, Tenant: Tenant{ID: old.Tenant.ID}, Subscription: &Subscription{ID: old.Subscription.ID}}
	given := c.clone()
	res, err := p.UpsertContext(c, UpsertOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created {
		t.Fatal("the context of the same identity was not found")
	}
	if diff := cmp.Diff(old, p.Contexts[0]); diff != "" {
		t.Errorf("the update emptied fields it did not give (-stored before +after):\n%s", diff)
	}
	if diff := cmp.Diff(given, c); diff != "" {
		t.Errorf("the update changed the caller's context (-given +after):\n%s", diff)
	}
}

// signInSays are the fields of Account that a sign-in states whole, empty
// or not, with why: UpsertAccount replaces them. Every other field that
// the account given leaves empty keeps the stored value.
var signInSays = map[string]string{
	"Credential":         "how the account proves itself is the sign-in's: a secret after a federated sign-in",
	"FederatedTokenFile": "a sign-in with a secret or a certificate has no token file",
	"ClientID":           "a sign-in as the system-assigned identity has no user-assigned client id",
	"ResourceID":         "a sign-in as the system-assigned identity has no user-assigned resource id",
}

// TestAnAccountUpdateKeepsWhatItLeavesEmpty: UpsertAccount of an account
// given only its key (id, environment, home tenant) keeps every stored
// field but those signInSays names, which it empties. Every field is
// filled by reflection: a field added to Account must be kept or be
// named in signInSays.
func TestAnAccountUpdateKeepsWhatItLeavesEmpty(t *testing.T) {
	t.Parallel()
	old := filledProfile().Accounts[0]
	p := &Profile{Accounts: []Account{old}}
	p.Accounts[0].Tenants = append([]string(nil), old.Tenants...)
	got := p.UpsertAccount(Account{ID: old.ID, Environment: old.Environment, HomeTenantID: old.HomeTenantID})
	if diff := cmp.Diff(got, p.Accounts[0]); diff != "" {
		t.Fatalf("UpsertAccount returned another account than it stored (-returned +stored):\n%s", diff)
	}
	stored, before := reflect.ValueOf(p.Accounts[0]), reflect.ValueOf(old)
	for i := range stored.NumField() {
		f := stored.Type().Field(i).Name
		want := before.Field(i)
		if _, ok := signInSays[f]; ok {
			want = reflect.Zero(want.Type())
		}
		if !reflect.DeepEqual(stored.Field(i).Interface(), want.Interface()) {
			t.Errorf("Account.%s after an update that left it empty: %v, want %v (keep it in upsertAccount, or name it in signInSays)", f, stored.Field(i), want)
		}
	}
	for f := range signInSays {
		if _, ok := reflect.TypeFor[Account]().FieldByName(f); !ok {
			t.Errorf("signInSays names %s, which Account does not have", f)
		}
	}
}

// contextFacts and contextSettings sort the fields of Context: the facts
// of its subscription, which a new context of that subscription starts
// from (Facts keeps them), and what a user gives one context of its own
// (Facts empties them). Every field is in one of the two.
var (
	contextFacts    = []string{"Account", "Environment", "Tenant", "Subscription"}
	contextSettings = []string{"Name", "StorageAccount", "Properties"}
)

// TestFactsKeepTheFactsAndNoSetting: Facts of a context whose every field
// is filled (by reflection) keeps each of contextFacts and empties each
// of contextSettings, and every field of Context is named in one of them:
// a field added to the model must be sorted, or `context set
// --subscription` copies one context's own setting into another. Then
// KeepSettings from the context gives it back whole, or `context set` of
// an existing context drops the setting.
func TestFactsKeepTheFactsAndNoSetting(t *testing.T) {
	t.Parallel()
	c := filledProfile().Contexts[0]
	f := c.Facts()
	got, was := reflect.ValueOf(f), reflect.ValueOf(c)
	for i := range got.NumField() {
		name := got.Type().Field(i).Name
		switch {
		case slices.Contains(contextFacts, name):
			if !reflect.DeepEqual(got.Field(i).Interface(), was.Field(i).Interface()) {
				t.Errorf("Facts changed Context.%s, a fact: %v, want %v", name, got.Field(i), was.Field(i))
			}
		case slices.Contains(contextSettings, name):
			if !got.Field(i).IsZero() {
				t.Errorf("Facts kept Context.%s, a context's own setting: %v", name, got.Field(i))
			}
		default:
			t.Errorf("Context.%s is neither in contextFacts nor in contextSettings: sort it (and empty it in Facts if it is a setting)", name)
		}
	}
	if f.Subscription == c.Subscription {
		t.Error("Facts shares the subscription with the context")
	}
	f.KeepSettings(&c)
	if diff := cmp.Diff(c, f); diff != "" {
		t.Errorf("KeepSettings of Facts does not give the context back (-context +kept):\n%s", diff)
	}
}
