package profile_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/azcontext/azc/profile"
	"github.com/google/go-cmp/cmp"
)

var (
	alice = profile.Account{ID: "alice@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "t1"}
	bob   = profile.Account{ID: "bob@fabrikam.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "t2"}
)

func ctxFor(a profile.Account, tenant, subID, subName string) profile.Context {
	c := profile.Context{Account: a.Key(), Tenant: profile.Tenant{ID: tenant, DefaultDomain: tenant + ".example"}}
	if subID != "" {
		c.Subscription = &profile.Subscription{ID: subID, Name: subName, TenantID: tenant}
	}
	return c
}

// sample builds a profile of five contexts:
// Prod, Dev, Dev (bob@fabrikam.com), "t1.example (alice@contoso.com)", staging.
func sample(t testing.TB) *profile.Profile {
	t.Helper()
	p := profile.New()
	p.UpsertAccount(alice)
	p.UpsertAccount(bob)
	for _, c := range []profile.Context{
		ctxFor(alice, "t1", "11111111-0000-0000-0000-000000000001", "Prod"),
		ctxFor(alice, "t1", "11111111-0000-0000-0000-000000000002", "Dev"),
		ctxFor(bob, "t2", "22222222-0000-0000-0000-000000000002", "Dev"),
		ctxFor(alice, "t1", "", ""),
	} {
		if _, err := p.UpsertContext(c, profile.UpsertOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	st := ctxFor(bob, "t2", "22222222-0000-0000-0000-000000000003", "Staging")
	st.Name = "staging"
	if _, err := p.UpsertContext(st, profile.UpsertOptions{}); err != nil {
		t.Fatal(err)
	}
	return p
}

func names(p *profile.Profile) []string {
	var n []string
	for _, c := range p.Contexts {
		n = append(n, c.Name)
	}
	return n
}

func TestDefaultNames(t *testing.T) {
	t.Parallel()
	want := []string{"Prod", "Dev", "Dev (bob@fabrikam.com)", "t1.example (alice@contoso.com)", "staging"}
	if diff := cmp.Diff(want, names(sample(t))); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
}

func TestDefaultNameAddsASuffixWhenEveryFormIsTaken(t *testing.T) {
	t.Parallel()
	p := sample(t)
	c := ctxFor(alice, "t1", "11111111-0000-0000-0000-000000000009", "Dev")
	if got, want := p.DefaultName(&c), "Dev (alice@contoso.com)"; got != want {
		t.Fatalf("DefaultName = %q, want %q", got, want)
	}
	if _, err := p.UpsertContext(c, profile.UpsertOptions{}); err != nil {
		t.Fatal(err)
	}
	c2 := ctxFor(alice, "t1", "11111111-0000-0000-0000-00000000000a", "Dev")
	if got, want := p.DefaultName(&c2), "Dev (alice@contoso.com) (2)"; got != want {
		t.Errorf("DefaultName = %q, want %q", got, want)
	}
}

// TestDefaultNameOfTheSameAccountInAnotherCloudNamesTheCloud: a
// subscription name the same account holds in another cloud is told apart
// by the cloud, not by the account, which is the same ("Prod
// (alice@contoso.com)" beside "Prod" said nothing of where either is).
func TestDefaultNameOfTheSameAccountInAnotherCloudNamesTheCloud(t *testing.T) {
	t.Parallel()
	p := sample(t)
	labAlice := alice
	labAlice.Environment = "Lab"
	p.UpsertAccount(labAlice)
	c := ctxFor(labAlice, "t1", "11111111-0000-0000-0000-00000000000b", "Prod")
	c.Environment = "Lab"
	if got, want := p.DefaultName(&c), "Prod (Lab)"; got != want {
		t.Errorf("DefaultName = %q, want %q", got, want)
	}
	// another account's holds it: the account tells them apart, as before
	b := ctxFor(bob, "t2", "22222222-0000-0000-0000-00000000000b", "Prod")
	b.Environment = "Lab"
	if got, want := p.DefaultName(&b), "Prod (bob@fabrikam.com)"; got != want {
		t.Errorf("DefaultName = %q, want %q", got, want)
	}
}

// TestDefaultNamesAreNamesAContextMayHave: a subscription whose name no
// context may have (one holding a NUL, from an ARM listing or an az CLI
// file; not UTF-8, from a Go caller) gives a context a name checkName
// takes, its stray bytes each U+FFFD, rather than one the profile then
// refuses to write, which would fail a whole `azc context import` of an
// azureProfile.json holding "x\x00y" with `context 7: "x\x00y": invalid
// context name`.
func TestDefaultNamesAreNamesAContextMayHave(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ sub, account, want string }{
		{"x\x00y", "", "x\ufffdy"},
		{"caf\xe9", "", "caf\ufffd"},
		{" \x00 ", "", "\ufffd"},
		{"", "bob\x00@fabrikam.com", "t2.example (bob\ufffd@fabrikam.com)"},
	} {
		p := profile.New()
		a := bob
		if tc.account != "" {
			a.ID = tc.account
		}
		p.UpsertAccount(a)
		c := ctxFor(a, "t2", "22222222-0000-0000-0000-000000000009", tc.sub)
		if tc.sub == "" {
			c.Subscription = nil
		}
		if got := p.DefaultName(&c); got != tc.want {
			t.Errorf("DefaultName of subscription %q, account %q = %q, want %q", tc.sub, tc.account, got, tc.want)
		}
		if _, err := p.UpsertContext(c, profile.UpsertOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := profile.Decode(mustEncode(t, p)); err != nil {
			t.Errorf("subscription %q, account %q: the profile written does not read back: %v", tc.sub, tc.account, err)
		}
	}
}

func TestFind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		ref       string
		want      string
		ambiguous []string
	}{
		{"an exact name", "Prod", "Prod", nil},
		{"a name in another case", "STAGING", "staging", nil},
		{"a subscription id", "11111111-0000-0000-0000-000000000002", "Dev", nil},
		{"a unique subscription name", "Staging", "staging", nil},
		{"a unique name prefix", "sta", "staging", nil},
		{"a shared prefix", "De", "", []string{"Dev", "Dev (bob@fabrikam.com)"}},
		{"Azure PowerShell's long form", "Prod (11111111-0000-0000-0000-000000000001) - t1 - alice@contoso.com", "Prod", nil},
		{"the long form in another case", "prod (11111111-0000-0000-0000-000000000001) - T1 - ALICE@contoso.com", "Prod", nil},
		{"the form without tenant", "Dev (22222222-0000-0000-0000-000000000002) - bob@fabrikam.com", "Dev (bob@fabrikam.com)", nil},
		{"the tenant-only form", "t1 - alice@contoso.com", "t1.example (alice@contoso.com)", nil},
		{"the tenant-only form with a domain", "t1.example - alice@contoso.com", "t1.example (alice@contoso.com)", nil},
		{"surrounding spaces", "  Prod ", "Prod", nil},
	}
	p := sample(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := p.Find(tt.ref)
			if tt.ambiguous != nil {
				var ae *profile.AmbiguousError
				if !errors.As(err, &ae) {
					t.Fatalf("Find(%q) error = %v, want *AmbiguousError", tt.ref, err)
				}
				if diff := cmp.Diff(tt.ambiguous, ae.Candidates); diff != "" {
					t.Errorf("candidates (-want +got):\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatalf("Find(%q) error = %v", tt.ref, err)
			}
			if c.Name != tt.want {
				t.Errorf("Find(%q) = %q, want %q", tt.ref, c.Name, tt.want)
			}
		})
	}
}

func TestFindReportsAMissingContext(t *testing.T) {
	t.Parallel()
	for _, ref := range []string{"nope", "", "Prod (x) - t1 - alice@contoso.com"} {
		_, err := sample(t).Find(ref)
		var nf *profile.NotFoundError
		if !errors.As(err, &nf) {
			t.Errorf("Find(%q) error = %v, want *NotFoundError", ref, err)
		}
	}
}

func TestReloginUpdatesInsteadOfDuplicating(t *testing.T) {
	t.Parallel()
	p := sample(t)
	p.Contexts[0].StorageAccount = "kept"
	c := ctxFor(alice, "T1", "11111111-0000-0000-0000-000000000001", "Prod renamed in Azure")
	c.Account = "AzureCloud|T1|Alice@Contoso.com"
	res, err := p.UpsertContext(c, profile.UpsertOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created || len(p.Contexts) != 5 {
		t.Fatalf("re-login created a context: %v", names(p))
	}
	if res.Context.Name != "Prod" || res.Context.StorageAccount != "kept" || res.Context.Subscription.Name != "Prod renamed in Azure" {
		t.Errorf("updated context = %+v", res.Context)
	}
}

// TestUpsertRefusesWhatExecCannotExport: a context whose subscription id
// or storage account holds a control character (CheckExported) is
// refused with ErrInvalidContext, whichever way it comes (a library
// caller's SetContext, a sign-in, a copy between scopes), and the profile
// is left as it was: stored, a NUL in either would fail every `azc exec`
// under the context with exit 126.
func TestUpsertRefusesWhatExecCannotExport(t *testing.T) {
	t.Parallel()
	bad := ctxFor(alice, "t1", "abc\x00def", "Bad")
	store := ctxFor(alice, "t1", "11111111-0000-0000-0000-000000000001", "Prod")
	store.StorageAccount = "st\x1bore"
	for _, c := range []profile.Context{bad, store} {
		p := sample(t)
		before := names(p)
		if _, err := p.UpsertContext(c, profile.UpsertOptions{}); !errors.Is(err, profile.ErrInvalidContext) {
			t.Errorf("UpsertContext(%q, %q): %v, want ErrInvalidContext", c.Subscription.ID, c.StorageAccount, err)
		}
		if _, err := p.UpsertContexts([]profile.Context{c}, profile.UpsertOptions{}); !errors.Is(err, profile.ErrInvalidContext) {
			t.Errorf("UpsertContexts(%q, %q): %v, want ErrInvalidContext", c.Subscription.ID, c.StorageAccount, err)
		}
		if diff := cmp.Diff(before, names(p)); diff != "" {
			t.Errorf("contexts changed (-before +after):\n%s", diff)
		}
		if pc := p.Context("Prod"); pc != nil && pc.StorageAccount != "" {
			t.Errorf("storage account %q stored", pc.StorageAccount)
		}
	}
}

func TestUpsertWithATakenName(t *testing.T) {
	t.Parallel()
	p := sample(t)
	c := ctxFor(bob, "t2", "22222222-0000-0000-0000-000000000009", "X")
	c.Name = "prod"
	if _, err := p.UpsertContext(c, profile.UpsertOptions{}); !errors.Is(err, profile.ErrNameTaken) {
		t.Fatalf("UpsertContext error = %v, want ErrNameTaken", err)
	}
	res, err := p.UpsertContext(c, profile.UpsertOptions{Force: true, MakeDefault: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Replaced.Contexts) != 1 || res.Replaced.Contexts[0].Name != "Prod" {
		t.Errorf("replaced = %+v, want Prod", res.Replaced)
	}
	if p.DefaultContext != "prod" || p.Context("prod").Account != bob.Key() {
		t.Errorf("default = %q, context = %+v", p.DefaultContext, p.Context("prod"))
	}
}

// A forced upsert whose name is held by the last context of the very
// account it is of (`azc login --context-name X --force`, X the account's
// tenant-level context of a sign-in that skipped population) replaces that
// context and keeps the account: the account's last context goes, but the
// new one uses it.
func TestAForcedUpsertKeepsTheAccountOfTheContextItAdds(t *testing.T) {
	t.Parallel()
	p := profile.New()
	p.UpsertAccount(alice)
	x := ctxFor(alice, "t1", "", "")
	x.Name = "X"
	if _, err := p.UpsertContext(x, profile.UpsertOptions{}); err != nil {
		t.Fatal(err)
	}
	c := ctxFor(alice, "t1", "11111111-0000-0000-0000-000000000001", "Prod")
	c.Name = "x"
	res, err := p.UpsertContext(c, profile.UpsertOptions{Force: true, MakeDefault: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Replaced.Contexts) != 1 || res.Replaced.Contexts[0].Name != "X" {
		t.Errorf("replaced contexts = %v, want X", res.Replaced.Contexts)
	}
	if len(res.Replaced.OrphanedAccounts) != 0 {
		t.Errorf("orphaned accounts = %v, want none: the new context uses the account", res.Replaced.OrphanedAccounts)
	}
	if p.Account(alice.Key()) == nil {
		t.Errorf("the profile lost account %s, which its context x uses", alice.ID)
	}
	if diff := cmp.Diff([]string{"x"}, names(p)); diff != "" {
		t.Errorf("contexts (-want +got):\n%s", diff)
	}
}

// A profile may hold several contexts of one identity (`context set
// --subscription S --name N` adds one); an upsert under the name of one of
// them updates that one, never the first of the identity, which would
// then share its name with it.
func TestUpsertUnderTheNameOfASecondContextOfItsIdentity(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"second", "SECOND", "\u017fecond"} { // ſ folds to s
		for _, batch := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s batch=%v", name, batch), func(t *testing.T) {
				t.Parallel()
				p := sample(t)
				second := ctxFor(alice, "t1", "11111111-0000-0000-0000-000000000001", "Prod")
				second.Name = "second"
				p.Contexts = append(p.Contexts, second) // as SetContext adds it
				c := second
				c.Name = name
				c.StorageAccount = "store"
				var err error
				if batch {
					_, err = p.UpsertContexts([]profile.Context{c}, profile.UpsertOptions{})
				} else {
					_, err = p.UpsertContext(c, profile.UpsertOptions{})
				}
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff([]string{"Prod", "Dev", "Dev (bob@fabrikam.com)", "t1.example (alice@contoso.com)", "staging", name}, names(p)); diff != "" {
					t.Errorf("names (-want +got):\n%s", diff)
				}
				if got := p.Context(name); got == nil || got.StorageAccount != "store" {
					t.Errorf("context %q = %+v, want the second updated", name, got)
				}
				data, err := profile.Encode(p)
				if err == nil {
					_, err = profile.Decode(data)
				}
				if err != nil {
					t.Errorf("the profile no longer reads back: %v", err)
				}
			})
		}
	}
}

func TestRename(t *testing.T) {
	t.Parallel()
	p := sample(t)
	if _, err := p.SetDefault("Prod"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.RenameContext("Prod", "staging", false); !errors.Is(err, profile.ErrNameTaken) {
		t.Fatalf("rename onto a taken name: error = %v, want ErrNameTaken", err)
	}
	if _, err := p.RenameContext("Prod", "-", false); !errors.Is(err, profile.ErrInvalidName) {
		t.Fatalf("rename to -: error = %v, want ErrInvalidName", err)
	}
	rem, err := p.RenameContext("Prod", "staging", true)
	if err != nil {
		t.Fatal(err)
	}
	if len(rem.Contexts) != 1 || len(rem.OrphanedAccounts) != 0 {
		t.Errorf("removal = %+v, want one context and no orphan (bob still has Dev)", rem)
	}
	if p.DefaultContext != "staging" || p.Context("Prod") != nil {
		t.Errorf("after rename: default %q, names %v", p.DefaultContext, names(p))
	}
	if _, err := p.RenameContext("staging", "STAGING", false); err != nil {
		t.Errorf("changing only the case: %v", err)
	}
}

func TestRemoveReportsOrphanedAccounts(t *testing.T) {
	t.Parallel()
	p := sample(t)
	if _, err := p.SetDefault("staging"); err != nil {
		t.Fatal(err)
	}
	rem, err := p.RemoveContext("staging")
	if err != nil {
		t.Fatal(err)
	}
	if len(rem.OrphanedAccounts) != 0 || p.DefaultContext != "" {
		t.Fatalf("first removal: %+v, default %q", rem, p.DefaultContext)
	}
	rem, err = p.RemoveContext("Dev (bob@fabrikam.com)")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{bob.Key()}, rem.OrphanedAccounts); diff != "" {
		t.Errorf("orphaned (-want +got):\n%s", diff)
	}
	if p.Account(bob.Key()) != nil {
		t.Errorf("bob's account kept after his last context went")
	}
}

func TestRemoveAccountsIsIdempotent(t *testing.T) {
	t.Parallel()
	p := sample(t)
	rem := p.RemoveAccounts([]string{alice.Key()})
	if len(rem.Contexts) != 3 || !slices.Equal(rem.OrphanedAccounts, []string{alice.Key()}) {
		t.Errorf("RemoveAccounts = %+v", rem)
	}
	if rem := p.RemoveAccounts([]string{alice.Key()}); len(rem.Contexts) != 0 || len(rem.OrphanedAccounts) != 0 {
		t.Errorf("second RemoveAccounts = %+v, want nothing", rem)
	}
}

func TestRemoveAccountsReportsEachKeyOnceInItsOrder(t *testing.T) {
	t.Parallel()
	p := sample(t)
	rem := p.RemoveAccounts([]string{strings.ToUpper(bob.Key()), "azurecloud|nobody|nobody", alice.Key(), bob.Key()})
	if diff := cmp.Diff([]string{bob.Key(), alice.Key()}, rem.OrphanedAccounts); diff != "" {
		t.Errorf("orphaned (-want +got):\n%s", diff)
	}
	if len(rem.Contexts) != 5 || len(p.Contexts) != 0 || len(p.Accounts) != 0 || p.DefaultContext != "" {
		t.Errorf("removed %d contexts; left %v, %d accounts, default %q", len(rem.Contexts), names(p), len(p.Accounts), p.DefaultContext)
	}
}

func TestRemoveContextsResolvesEveryRefBeforeAnyGoes(t *testing.T) {
	t.Parallel()
	p := sample(t)
	// "Dev" named twice goes once: the second "Dev" does not become a
	// prefix of "Dev (bob@fabrikam.com)" once the first has gone
	rem, err := p.RemoveContexts([]string{"Dev", "staging", "DEV"})
	if err != nil {
		t.Fatal(err)
	}
	var gone []string
	for _, c := range rem.Contexts {
		gone = append(gone, c.Name)
	}
	if diff := cmp.Diff([]string{"Dev", "staging"}, gone); diff != "" {
		t.Errorf("removed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Prod", "Dev (bob@fabrikam.com)", "t1.example (alice@contoso.com)"}, names(p)); diff != "" {
		t.Errorf("left (-want +got):\n%s", diff)
	}
	// bob keeps his account: one of his contexts is left
	if len(rem.OrphanedAccounts) != 0 {
		t.Errorf("orphaned %v, want none", rem.OrphanedAccounts)
	}
	// one reference that names nothing removes nothing
	before := names(p)
	if _, err := p.RemoveContexts([]string{"Prod", "nope"}); !errors.As(err, new(*profile.NotFoundError)) {
		t.Errorf("RemoveContexts(Prod, nope) = %v, want a *NotFoundError", err)
	}
	if diff := cmp.Diff(before, names(p)); diff != "" {
		t.Errorf("a failed removal changed the profile (-before +after):\n%s", diff)
	}
	// the last contexts of both accounts, in one call: both accounts go
	rem, err = p.RemoveContexts([]string{"t1.example (alice@contoso.com)", "Dev (bob@fabrikam.com)", "Prod"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{alice.Key(), bob.Key()}, rem.OrphanedAccounts); diff != "" {
		t.Errorf("orphaned (-want +got):\n%s", diff)
	}
	if len(p.Contexts) != 0 || len(p.Accounts) != 0 {
		t.Errorf("left %v and %d accounts, want nothing", names(p), len(p.Accounts))
	}
}

func TestUseDashReturnsToThePreviousContext(t *testing.T) {
	t.Parallel()
	p := sample(t)
	if _, err := p.SetDefault("-"); !errors.Is(err, profile.ErrNoPrevious) {
		t.Fatalf("SetDefault(-) without a previous: %v", err)
	}
	for _, ref := range []string{"Prod", "staging"} {
		if _, err := p.SetDefault(ref); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"Prod", "staging", "Prod"} {
		c, err := p.SetDefault("-")
		if err != nil {
			t.Fatal(err)
		}
		if c.Name != want || p.DefaultContext != want {
			t.Errorf("use - = %q (default %q), want %q", c.Name, p.DefaultContext, want)
		}
	}
}

func TestClearKeepsEnvironments(t *testing.T) {
	t.Parallel()
	p := sample(t)
	if err := p.SetEnvironment(profile.Environment{Name: "Emulator", AuthorityHost: "https://127.0.0.1:8443/"}); err != nil {
		t.Fatal(err)
	}
	rem := p.Clear()
	if len(rem.Contexts) != 5 || len(rem.OrphanedAccounts) != 2 || len(p.Contexts) != 0 || len(p.Environments) != 1 {
		t.Errorf("Clear = %+v; profile %+v", rem, p)
	}
}

func TestEnvironments(t *testing.T) {
	t.Parallel()
	p := sample(t)
	if err := p.SetEnvironment(profile.Environment{Name: "azurecloud"}); !errors.Is(err, profile.ErrBuiltinEnvironment) {
		t.Errorf("replacing a built-in: %v", err)
	}
	if err := p.RemoveEnvironment("AzureChinaCloud"); !errors.Is(err, profile.ErrBuiltinEnvironment) {
		t.Errorf("removing a built-in: %v", err)
	}
	emu := profile.Environment{Name: "Emulator", AuthorityHost: "https://127.0.0.1:8443/", ARMEndpoint: "https://127.0.0.1:8443/arm/"}
	if err := p.SetEnvironment(emu); err != nil {
		t.Fatal(err)
	}
	c := ctxFor(alice, "t1", "e", "Emu")
	c.Environment = "Emulator"
	if _, err := p.UpsertContext(c, profile.UpsertOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := p.RemoveEnvironment("emulator"); !errors.Is(err, profile.ErrEnvironmentInUse) {
		t.Errorf("removing an environment in use: %v", err)
	}
	// the contexts that use it are named up to 10, then counted
	for i := range 24 {
		c := ctxFor(alice, "t1", fmt.Sprintf("e%02d", i), fmt.Sprintf("Emu %02d", i))
		c.Environment = "Emulator"
		if _, err := p.UpsertContext(c, profile.UpsertOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	err := p.RemoveEnvironment("emulator")
	if msg := fmt.Sprint(err); !strings.Contains(msg, `"Emu 08" and 15 more`) || strings.Contains(msg, "Emu 09") {
		t.Errorf("removing an environment 25 contexts use: %v", err)
	}
	for i := range 24 {
		if _, err := p.RemoveContext(fmt.Sprintf("Emu %02d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.RemoveContext("Emu"); err != nil {
		t.Fatal(err)
	}
	if err := p.RemoveEnvironment("emulator"); err != nil {
		t.Errorf("RemoveEnvironment: %v", err)
	}
	if _, err := p.Environment("Emulator"); err == nil {
		t.Errorf("environment still there after removal")
	}
	if got := len(p.AllEnvironments()); got != 3 {
		t.Errorf("AllEnvironments has %d, want the 3 built-ins", got)
	}
}

func TestCloneIsDeep(t *testing.T) {
	t.Parallel()
	p := sample(t)
	q := p.Clone()
	q.Contexts[0].Subscription.Name = "changed"
	q.Accounts[0].Tenants = append(q.Accounts[0].Tenants, "x")
	if p.Contexts[0].Subscription.Name == "changed" || len(p.Accounts[0].Tenants) != 0 {
		t.Errorf("Clone shares memory with the original")
	}
}

func TestUpsertContextsMatchesOneAtATime(t *testing.T) {
	t.Parallel()
	var batch []profile.Context
	for _, c := range sample(t).Contexts {
		c.Name = ""
		batch = append(batch, c)
	}
	// Again with other subscription names, and a rename of the same identity.
	for _, c := range sample(t).Contexts {
		c.Name = ""
		if c.Subscription != nil {
			c.Subscription.Name = "dev"
		}
		batch = append(batch, c)
	}
	named := ctxFor(bob, "t2", "new", "New")
	named.Name = "PROD"
	batch = append(batch, named)
	// And again after the forced name removed a context, which moved the
	// contexts after it.
	for _, c := range sample(t).Contexts {
		c.Name = ""
		if c.Subscription != nil {
			c.Subscription.Name = "after"
		}
		batch = append(batch, c)
	}
	// A rename, and another identity then taking the new name (in another
	// case); a new identity twice, the second an update of the first.
	renamed := ctxFor(alice, "t1", "11111111-0000-0000-0000-000000000002", "Dev")
	renamed.Name = "Renamed"
	taker := ctxFor(bob, "t2", "22222222-0000-0000-0000-000000000003", "Staging")
	taker.Name = "RENAMED"
	twice := ctxFor(alice, "t9", "99999999-0000-0000-0000-000000000009", "New")
	again := ctxFor(alice, "T9", "99999999-0000-0000-0000-000000000009", "New again")
	// A name in the profile that folds to the batch's (σ, ς).
	sigma := ctxFor(bob, "t2", "", "")
	sigma.Name = "σ"
	final := ctxFor(alice, "t8", "", "")
	final.Name = "ς"
	batch = append(batch, renamed, taker, twice, again, final)

	one, many := sample(t), sample(t)
	for _, p := range []*profile.Profile{one, many} {
		if _, err := p.UpsertContext(sigma, profile.UpsertOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	var want profile.Upserted
	for _, c := range batch {
		r, err := one.UpsertContext(c, profile.UpsertOptions{Force: true})
		if err != nil {
			t.Fatal(err)
		}
		want.Add(r)
	}
	if len(want.Replaced.Contexts) == 0 || want.Created == 0 || want.Updated == 0 {
		t.Fatalf("the batch creates, updates and replaces: %+v", want)
	}
	got, err := many.UpsertContexts(batch, profile.UpsertOptions{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-one at a time +batch):\n%s", diff)
	}
	if diff := cmp.Diff(one, many); diff != "" {
		t.Errorf("profiles (-one at a time +batch):\n%s", diff)
	}
}

func TestAmbiguousErrorNamesTenThenCounts(t *testing.T) {
	t.Parallel()
	var names []string
	for i := range 10000 {
		names = append(names, fmt.Sprintf("sub-%05d", i))
	}
	msg := (&profile.AmbiguousError{Ref: "sub", Candidates: names}).Error()
	want := `context "sub" is ambiguous: it matches "sub-00000", "sub-00001", "sub-00002", "sub-00003", "sub-00004", "sub-00005", "sub-00006", "sub-00007", "sub-00008", "sub-00009" and 9990 more`
	if msg != want {
		t.Errorf("message %q, want %q", msg, want)
	}
	short := (&profile.AmbiguousError{Ref: "de", Candidates: []string{"Dev", "Dev Test"}}).Error()
	if want := `context "de" is ambiguous: it matches "Dev", "Dev Test"`; short != want {
		t.Errorf("message %q, want %q", short, want)
	}
}

// TestErrorsQuoteAReferenceOf80BytesAtMost: a reference that matches
// nothing or too much is quoted as QuoteShort quotes it, its first 80
// bytes and its length: quoted whole, `azc use` of 100,000 letters would
// give an error of 100,000 letters.
func TestErrorsQuoteAReferenceOf80BytesAtMost(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 100_000)
	cut := `"` + strings.Repeat("a", 80) + `"… (100000 bytes)`
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&profile.NotFoundError{Kind: "context", Ref: long}, "context " + cut + " not found"},
		{&profile.NotFoundError{Kind: "context", Ref: long[:80]}, `context "` + long[:80] + `" not found`},
		{&profile.AmbiguousError{Ref: long, Candidates: []string{"a", "b"}}, "context " + cut + ` is ambiguous: it matches "a", "b"`},
		{&profile.AmbiguousError{Ref: long, Kind: "tenant", Candidates: []string{"a", "b"}}, "tenant " + cut + ` is ambiguous: contexts "a", "b" hold it`},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("%T: %.200q, want %.200q", tc.err, got, tc.want)
		}
	}
}

// TestQuoteShort: a value of at most 80 bytes is quoted whole; a longer
// one is cut at 80 bytes, or before a character that crosses the 80th.
func TestQuoteShort(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"Dev", `"Dev"`},
		{"", `""`},
		{"a\x1b", `"a\x1b"`},
		{strings.Repeat("b", 80), `"` + strings.Repeat("b", 80) + `"`},
		{strings.Repeat("b", 81), `"` + strings.Repeat("b", 80) + `"… (81 bytes)`},
		{"b" + strings.Repeat("é", 50), `"b` + strings.Repeat("é", 39) + `"… (101 bytes)`},
		{strings.Repeat("\x1b", 100), `"` + strings.Repeat(`\x1b`, 80) + `"… (100 bytes)`},
	} {
		if got := profile.QuoteShort(tc.in); got != tc.want {
			t.Errorf("QuoteShort(%.100q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// TestAccountNameIsWhatTheUserKnows: an account is named by its id as the
// profile holds it; its environment, else its home tenant, is added only
// when another account has the same id; a key the profile does not hold
// gives the id in the key.
func TestAccountNameIsWhatTheUserKnows(t *testing.T) {
	t.Parallel()
	p := profile.New()
	p.Accounts = []profile.Account{
		{ID: "Alice@Contoso.com", Environment: "AzureCloud", HomeTenantID: "t1"},
		{ID: "Ops@Contoso.com", Environment: "AzureCloud", HomeTenantID: "t1"},
		{ID: "ops@contoso.com", Environment: "AzureChinaCloud", HomeTenantID: "t1"},
		{ID: "app-1", Environment: "AzureCloud", HomeTenantID: "t1"},
		{ID: "app-1", Environment: "AzureCloud", HomeTenantID: "t2"},
		{ID: "app-1", Environment: "AzureUSGovernment", HomeTenantID: "t2"},
	}
	for key, want := range map[string]string{
		"azurecloud|t1|alice@contoso.com":    "Alice@Contoso.com",
		"azurecloud|t1|ops@contoso.com":      "Ops@Contoso.com (AzureCloud)",
		"azurechinacloud|t1|ops@contoso.com": "ops@contoso.com (AzureChinaCloud)",
		"azurecloud|t1|app-1":                "app-1 (home tenant t1)",
		"azurecloud|t2|app-1":                "app-1 (AzureCloud, home tenant t2)",
		"azureusgovernment|t2|app-1":         "app-1 (AzureUSGovernment)",
		"azurecloud|t9|gone@contoso.com":     "gone@contoso.com",
		"not a key":                          "not a key",
	} {
		if got := p.AccountName(key); got != want {
			t.Errorf("AccountName(%q) = %q, want %q", key, got, want)
		}
		// the index answers as the profile does, whatever the case of the key
		x := p.AccountIndex()
		for _, k := range []string{key, strings.ToUpper(key)} {
			if got, want := x.AccountName(k), p.AccountName(k); got != want {
				t.Errorf("AccountIndex().AccountName(%q) = %q, want %q", k, got, want)
			}
			c := &profile.Context{Account: k}
			if got, want := x.AccountID(c), p.AccountID(c); got != want {
				t.Errorf("AccountIndex().AccountID(%q) = %q, want %q", k, got, want)
			}
			if got, want := x.Account(k), p.Account(k); got != want {
				t.Errorf("AccountIndex().Account(%q) = %v, want %v", k, got, want)
			}
		}
	}
}

// TestSubscriptionAndTenantNamedBy: --subscription names a subscription by
// its id or its name, --tenant a tenant by its id or its default domain,
// ignoring case as names are compared (strings.EqualFold) and the white
// space around the reference (as use takes a subscription's name), never
// by an empty domain.
func TestSubscriptionAndTenantNamedBy(t *testing.T) {
	t.Parallel()
	s := profile.Subscription{ID: "11111111-aaaa-4aaa-8aaa-111111111111", Name: "Σ Prod", TenantID: "t"}
	for ref, want := range map[string]bool{
		"11111111-AAAA-4AAA-8AAA-111111111111": true,
		"ς prod":                               true,
		"σ PROD":                               true,
		" Σ Prod\t":                            true, // trimmed, as Find takes a reference
		"Prod":                                 false,
		"":                                     false,
		"  ":                                   false,
		"t":                                    false,
	} {
		if got := s.Named(ref); got != want {
			t.Errorf("subscription Named(%q) = %v, want %v", ref, got, want)
		}
	}
	tn := profile.Tenant{ID: "22222222-bbbb-4bbb-8bbb-222222222222", DefaultDomain: "contoso.onmicrosoft.com"}
	for ref, want := range map[string]bool{
		"22222222-BBBB-4BBB-8BBB-222222222222": true,
		"Contoso.OnMicrosoft.com":              true,
		" contoso.onmicrosoft.com ":            true,
		"contoso":                              false,
		"":                                     false,
	} {
		if got := tn.Named(ref); got != want {
			t.Errorf("tenant Named(%q) = %v, want %v", ref, got, want)
		}
	}
	if (profile.Tenant{ID: "x"}).Named("") {
		t.Error(`a tenant without a domain is Named("")`)
	}
}

// TestWhatAProfileGivesIsTheCallers: the account UpsertAccount returns and
// the Bundle NewBundle makes share nothing with the profile: a caller that
// changes an account's tenants in them changes not the profile.
func TestWhatAProfileGivesIsTheCallers(t *testing.T) {
	t.Parallel()
	p := profile.New()
	a := alice
	a.Tenants = []string{"t1", "t2"}
	p.UpsertAccount(a)
	if _, err := p.UpsertContext(ctxFor(alice, "t1", "s1", "Sub"), profile.UpsertOptions{MakeDefault: true}); err != nil {
		t.Fatal(err)
	}
	want := p.Clone()
	for _, got := range []profile.Account{p.UpsertAccount(alice), p.UpsertAccount(a)} {
		got.Tenants[0] = "changed by the caller"
	}
	b, err := profile.NewBundle(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	b.Accounts[0].Tenants[1] = "changed by the caller"
	b.Contexts[0].Subscription.Name = "changed by the caller"
	if d := cmp.Diff(want, p); d != "" {
		t.Errorf("the caller's changes reached the profile (-before +after):\n%s", d)
	}
}
