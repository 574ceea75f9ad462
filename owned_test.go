package azc_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWhatStateReturnsIsTheCallers: a caller that changes what State gives
// it (a Profile's contexts, their subscriptions and properties, an
// Entry) changes nothing State answers next.
func TestWhatStateReturnsIsTheCallers(t *testing.T) {
	t.Parallel()
	st := openState(t, nil)
	before, err := st.Profile()
	if err != nil {
		t.Fatal(err)
	}
	want := before.Clone()
	for round := range 2 {
		p, err := st.Profile()
		if err != nil {
			t.Fatal(err)
		}
		for i := range p.Contexts {
			c := &p.Contexts[i]
			c.Name += "!"
			if c.Subscription != nil {
				c.Subscription.Name = "changed by the caller"
			}
			if c.Properties == nil {
				c.Properties = map[string]string{}
			}
			c.Properties["caller"] = "x"
		}
		p.Accounts[0].ID = "changed@caller"
		p.DefaultContext = "nothing"
		h, e, err := st.ResolveEntry("")
		if err == nil {
			e.Name = "entry changed"
			if e.Subscription != nil {
				e.Subscription.Name = "entry changed"
			}
			h.Accounts[0].Type = "changed"
		}
		after, err := st.Profile()
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, after); d != "" {
			t.Fatalf("round %d: what a caller did to State's answers changed the next (-before +after):\n%s", round, d)
		}
	}
}
