package azc_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/profile"
)

// TestAProgramExecStartedHoldsItsContextByIdentity: a program azc exec
// started on Development (AZC_CONTEXT and AZC_CONTEXT_KEY) keeps it through
// Resolve, ResolveEntry and Resolver while another process renames it and
// points its old name at Production; once no context of its identity
// remains, resolving fails with *azc.StartedRemovedError. An AZC_CONTEXT
// set by hand to another name, and a program given no key, go by name.
func TestAProgramExecStartedHoldsItsContextByIdentity(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "azc")
	other, err := azc.Open(azc.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	addContexts(other)
	dev, err := other.Resolve("Development")
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"AZC_CONTEXT": "Development", azc.ContextKeyVar: azc.ContextKey(dev)}
	prog, err := azc.Open(azc.Options{Dir: dir, Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	byName, err := azc.Open(azc.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Update(azc.ScopeUser, func(p *profile.Profile) error {
		if _, err := p.RenameContext("Development", "dev", false); err != nil {
			return err
		}
		prod := *p.Context("Production")
		prod.Name = "Development"
		p.Contexts = append(p.Contexts, prod)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	wantDev := func(how string, c *profile.Context, err error) {
		t.Helper()
		if err != nil || c.Name != "dev" || c.Subscription.Name != "Development" {
			t.Errorf("%s: %+v, %v; want dev, on Development's subscription", how, c, err)
		}
	}
	c, err := prog.Resolve("Development")
	wantDev("Resolve", c, err)
	_, e, err := prog.ResolveEntry("Development")
	wantDev("ResolveEntry", &e.Context, err)
	r, err := prog.Resolver()
	if err != nil {
		t.Fatal(err)
	}
	c, _, err = r("Development")
	wantDev("Resolver", c, err)
	if c, err := byName.Resolve("Development"); err != nil || c.Subscription.Name != "Production" {
		t.Errorf("without the key: %+v, %v; want the name's context, on Production", c, err)
	}
	env["AZC_CONTEXT"] = "Production" // by hand
	handSet, err := azc.Open(azc.Options{Dir: dir, Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	if c, err := handSet.Resolve("Development"); err != nil || c.Subscription.Name != "Production" {
		t.Errorf("AZC_CONTEXT set by hand: %+v, %v; want the name's context, on Production", c, err)
	}
	if _, err := other.RemoveContexts(azc.ScopeUser, []string{"dev"}); err != nil {
		t.Fatal(err)
	}
	_, _, err = prog.ResolveEntry("Development")
	if se := (*azc.StartedRemovedError)(nil); !errors.As(err, &se) || se.Name != "Development" {
		t.Errorf("after its removal: %v; want a StartedRemovedError naming Development", err)
	}
}
