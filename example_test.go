package azc_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/profile"
)

// addContexts stands in for a sign-in: it records an account and two
// contexts in the user scope.
func addContexts(st *azc.State) {
	acct := profile.Account{ID: "alice@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "contoso-tenant"}
	_, err := st.Update(azc.ScopeUser, func(p *profile.Profile) error {
		p.UpsertAccount(acct)
		for i, sub := range []string{"Production", "Development"} {
			c := profile.Context{
				Account:      acct.Key(),
				Tenant:       profile.Tenant{ID: "contoso-tenant", DefaultDomain: "contoso.com"},
				Subscription: &profile.Subscription{ID: fmt.Sprintf("0000000%d-0000-0000-0000-000000000000", i+1), Name: sub, TenantID: "contoso-tenant"},
			}
			if _, err := p.UpsertContext(c, profile.UpsertOptions{MakeDefault: i == 0}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
}

func tempDir() string {
	dir, err := os.MkdirTemp("", "azc-example-")
	if err != nil {
		log.Fatal(err)
	}
	return filepath.Join(dir, "azc")
}

// Open a state directory and resolve contexts the way the azc command
// does: an empty reference is the default context; a name, subscription
// id, subscription name or unique prefix picks one.
func Example() {
	dir := tempDir()
	defer os.RemoveAll(filepath.Dir(dir))
	st, err := azc.Open(azc.Options{Dir: dir})
	if err != nil {
		log.Fatal(err)
	}
	addContexts(st)

	cur, err := st.Resolve("")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("default:", cur.Name, cur.Subscription.ID)

	dev, err := st.Resolve("dev")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("dev:", dev.Name)
	// Output:
	// default: Production 00000001-0000-0000-0000-000000000000
	// dev: Development
}

// Switch the user scope's default context, and back with "-".
func ExampleState_Use() {
	dir := tempDir()
	defer os.RemoveAll(filepath.Dir(dir))
	st, err := azc.Open(azc.Options{Dir: dir})
	if err != nil {
		log.Fatal(err)
	}
	addContexts(st)

	for _, ref := range []string{"Development", "-"} {
		c, err := st.Use(azc.ScopeUser, ref)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("now using", c.Name)
	}
	// Output:
	// now using Development
	// now using Production
}

// List the contexts, marking the current one.
func ExampleState_Contexts() {
	dir := tempDir()
	defer os.RemoveAll(filepath.Dir(dir))
	st, err := azc.Open(azc.Options{Dir: dir})
	if err != nil {
		log.Fatal(err)
	}
	addContexts(st)

	list, err := st.Contexts()
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range list {
		mark := " "
		if e.Current {
			mark = "*"
		}
		fmt.Println(mark, e.Name)
	}
	// Output:
	// * Production
	//   Development
}

// The process scope needs a session; without one, changes to it fail with
// ErrNoSession.
func ExampleState_Update() {
	dir := tempDir()
	defer os.RemoveAll(filepath.Dir(dir))
	st, err := azc.Open(azc.Options{Dir: dir})
	if err != nil {
		log.Fatal(err)
	}
	_, err = st.Update(azc.ScopeProcess, func(*profile.Profile) error { return nil })
	fmt.Println(errors.Is(err, azc.ErrNoSession))
	// Output:
	// true
}
