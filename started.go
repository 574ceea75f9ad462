package azc

import (
	"encoding/json"
	"fmt"

	"github.com/azcontext/azc/profile"
)

// ContextKeyVar is the variable azc exec exports beside AZC_CONTEXT: the
// identity (account, tenant, subscription, environment) of the context it
// started the program with, and the name AZC_CONTEXT holds for it. While
// AZC_CONTEXT still holds that name, that name, given to Resolve,
// ResolveEntry or Resolver, is the context of that identity (the shell's
// own copy included), whatever another shell renamed or re-pointed since:
// a program's context is held by identity, as a shell's selection is
// (DESIGN §3). A hand-set AZC_CONTEXT names a context as any reference
// does.
const ContextKeyVar = "AZC_CONTEXT_KEY"

// contextKey is the JSON form of ContextKeyVar's value.
type contextKey struct {
	Name         string `json:"name"`
	Account      string `json:"account"`
	Environment  string `json:"environment,omitempty"`
	Tenant       string `json:"tenant"`
	Subscription string `json:"subscription,omitempty"`
}

// ContextKey is the value of ContextKeyVar for c, which azc exec exports
// with AZC_CONTEXT set to c.Name.
func ContextKey(c *profile.Context) string {
	k := contextKey{Name: c.Name, Account: c.Account, Environment: c.Environment, Tenant: c.Tenant.ID}
	if c.Subscription != nil {
		k.Subscription = c.Subscription.ID
	}
	b, _ := json.Marshal(k) // strings alone: cannot fail
	return string(b)
}

// startedContext reads the context azc exec started the program with
// from getenv: nil when ContextKeyVar is unset or malformed, or when
// AZC_CONTEXT no longer holds the name it records (the user set it by
// hand). The context returned carries the identity and the name alone.
func startedContext(getenv func(string) string) *profile.Context {
	if getenv == nil {
		return nil
	}
	v := getenv(ContextKeyVar)
	if v == "" {
		return nil
	}
	var k contextKey
	if err := json.Unmarshal([]byte(v), &k); err != nil || k.Name == "" || k.Account == "" || k.Tenant == "" {
		return nil
	}
	if getenv("AZC_CONTEXT") != k.Name {
		return nil
	}
	c := &profile.Context{Name: k.Name, Account: k.Account, Environment: k.Environment, Tenant: profile.Tenant{ID: k.Tenant}}
	if k.Subscription != "" {
		c.Subscription = &profile.Subscription{ID: k.Subscription}
	}
	return c
}

// StartedRemovedError is the failure to resolve the name azc exec started
// a program with when no context of that context's identity remains:
// another shell removed it (or signed its account out).
type StartedRemovedError struct {
	Name string // the name AZC_CONTEXT holds
}

func (e *StartedRemovedError) Error() string {
	return fmt.Sprintf("context %s that azc exec started this program with was removed", profile.QuoteShort(e.Name))
}

// isStarted reports whether ref is the name the program's context was
// started with (see ContextKeyVar).
func (s *State) isStarted(ref string) bool { return startedName(s.started, ref) }

// startedName reports whether ref is the name of started, the context azc
// exec started the program with (nil: none).
func startedName(started *profile.Context, ref string) bool {
	return started != nil && ref == started.Name
}

// heldStarted finds the context azc exec started the program with by its
// identity (see ofIdentity), the shell's own copy included.
func (l *lookup) heldStarted(want *profile.Context) (*profile.Context, profile.Scope, error) {
	c, scope, ok, err := l.ofIdentity(want, true)
	if err != nil {
		return nil, 0, err
	}
	if !ok {
		return nil, 0, &StartedRemovedError{Name: want.Name}
	}
	return c, scope, nil
}
