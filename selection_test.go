package azc_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/profile"
)

// TestAShellHoldsItsSelectionByIdentity: a shell that selected Development
// keeps it while another process (no session) renames it, points its old
// name at Production and removes it; the shell then uses its own copy.
// Removing the profile's default promotes the first remaining context.
func TestAShellHoldsItsSelectionByIdentity(t *testing.T) {
	t.Parallel()
	other, shell := shellOnDevelopment(t)
	devSub := func(c *profile.Context) bool { return c.Subscription != nil && c.Subscription.Name == "Development" }
	steps := []struct {
		name     string
		change   func(p *profile.Profile) error
		wantName string
	}{
		{"renamed elsewhere", func(p *profile.Profile) error { _, err := p.RenameContext("Development", "dev", false); return err }, "dev"},
		{"its old name points elsewhere", func(p *profile.Profile) error {
			prod := *p.Context("Production")
			prod.Name = "Development"
			p.Contexts = append(p.Contexts, prod)
			return nil
		}, "dev"},
		{"removed elsewhere", func(p *profile.Profile) error { _, err := p.RemoveContext("dev"); return err }, "Development (this shell)"},
	}
	for _, s := range steps {
		if _, err := other.Update(azc.ScopeUser, s.change); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		c, err := shell.Resolve("")
		if err != nil || c.Name != s.wantName || !devSub(c) {
			t.Fatalf("%s: the shell resolves %+v, %v; want %q on Development's subscription", s.name, c, err, s.wantName)
		}
	}
	// the profile's default (Production) goes: the first remaining context
	// becomes the default, and the shell keeps its copy
	rem, err := other.RemoveContexts(0, []string{"Production"})
	if err != nil {
		t.Fatal(err)
	}
	if rem.Promoted != "Development" {
		t.Errorf("promoted %q, want Development (the first remaining)", rem.Promoted)
	}
	if c, err := shell.Resolve(""); err != nil || !devSub(c) {
		t.Errorf("the shell resolves %+v, %v after the default went", c, err)
	}
	// a user-scope use inside the shell switches the shell too
	if _, err := shell.Use(azc.ScopeUser, "Development"); err != nil {
		t.Fatal(err)
	}
	if c, err := shell.Resolve(""); err != nil || c.Name != "Development" || c.Subscription.Name != "Production" {
		t.Errorf("after use at user scope the shell resolves %+v, %v", c, err)
	}
}

// TestTheShellsOwnCopyIsRenamedAndRemovedInTheShell: the copy a shell
// keeps of its selection removed elsewhere is renamed in the selection,
// in either scope, under a name no context the shell sees holds (--force
// cannot free one: the copy lives in no scope), and removed there, in
// either scope; the profile is never changed.
func TestTheShellsOwnCopyIsRenamedAndRemovedInTheShell(t *testing.T) {
	t.Parallel()
	for _, scope := range []profile.Scope{0, azc.ScopeProcess, azc.ScopeUser} {
		other, shell := shellOnDevelopment(t)
		if _, err := other.RemoveContexts(0, []string{"Development"}); err != nil {
			t.Fatal(err)
		}
		var taken *azc.OtherScopeNameError
		if _, err := shell.RenameContext(scope, "Development", "Production", true); !errors.As(err, &taken) || taken.Name != "Production" {
			t.Errorf("scope %d: renaming the copy to a name the profile holds, forced: %v; want an *OtherScopeNameError naming Production", scope, err)
		}
		// a spelling of its own name is no other context's
		if ren, err := shell.RenameContext(scope, "Development", "DEVELOPMENT", false); err != nil || !ren.Copy {
			t.Fatalf("scope %d: renaming the copy to another spelling of its name: %+v, %v", scope, ren, err)
		}
		ren, err := shell.RenameContext(scope, "DEVELOPMENT", "mine", false)
		if err != nil || ren.Old != "DEVELOPMENT" || !ren.Copy {
			t.Fatalf("scope %d: renaming the copy: %+v, %v", scope, ren, err)
		}
		if c, err := shell.Resolve(""); err != nil || c.Name != "mine" || c.Subscription.Name != "Development" {
			t.Errorf("scope %d: after the rename the shell resolves %+v, %v; want mine on Development's subscription", scope, c, err)
		}
		if ts, err := shell.CheckRemove(scope, []string{"mine"}); err != nil || len(ts) != 1 || ts[0] != (azc.RemoveTarget{Name: "mine", Current: true}) {
			t.Errorf("scope %d: CheckRemove of the copy: %+v, %v; want mine, the context the shell uses and not the default", scope, ts, err)
		}
		rem, err := shell.RemoveContexts(scope, []string{"mine"})
		if err != nil || rem.Dropped != "mine" {
			t.Fatalf("scope %d: removing the copy: %+v, %v", scope, rem, err)
		}
		p, err := other.Profile()
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Contexts) != 1 || p.Contexts[0].Name != "Production" {
			t.Errorf("scope %d: the profile holds %d contexts; want only Production", scope, len(p.Contexts))
		}
	}
}

// shellOnDevelopment is the example's profile (addContexts) opened twice:
// by another process, with no session, and by a shell that selected
// Development in its own scope.
func shellOnDevelopment(t *testing.T) (other, shell *azc.State) {
	t.Helper()
	other, err := azc.Open(azc.Options{Dir: filepath.Join(t.TempDir(), "azc")})
	if err != nil {
		t.Fatal(err)
	}
	addContexts(other)
	shell = other.WithSession(&memSession{p: profile.New()})
	if _, err := shell.Use(azc.ScopeProcess, "Development"); err != nil {
		t.Fatal(err)
	}
	return other, shell
}
