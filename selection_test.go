package azc_test

import (
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
	dir := filepath.Join(t.TempDir(), "azc")
	other, err := azc.Open(azc.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	addContexts(other)
	shell := other.WithSession(&memSession{p: profile.New()})
	if _, err := shell.Use(azc.ScopeProcess, "Development"); err != nil {
		t.Fatal(err)
	}
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
