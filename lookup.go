package azc

import (
	"fmt"
	"slices"
	"strings"

	"github.com/azcontext/azc/profile"
)

// lookup is the merged view of the profile and the session (see view) for
// finding one context: the profile is skimmed, not decoded, and a
// reference that is a context's exact name decodes that context alone.
// Any other reference decodes the whole merged view, as view does.
type lookup struct {
	user *profile.View
	sess *profile.Profile // nil without a session or its state
	full *view
}

func (s *State) lookup() (*lookup, error) {
	user, err := s.store.View()
	if err != nil {
		return nil, err
	}
	return s.lookupOver(user)
}

// lookupOver is lookup over an already read profile view, adding the
// session's state.
func (s *State) lookupOver(user *profile.View) (*lookup, error) {
	l := &lookup{user: user}
	if s.session != nil {
		var err error
		if l.sess, err = s.session.Load(); err != nil {
			return nil, fmt.Errorf("session: %w", err)
		}
	}
	return l, nil
}

// header is the merged view without its contexts: the profile's accounts
// and environments, then the session's that the profile lacks, and the
// session's default when it has one.
func (l *lookup) header() *profile.Profile {
	h := *l.user.Header()
	h.Accounts = slices.Clone(h.Accounts)
	h.Environments = slices.Clone(h.Environments)
	if l.sess == nil {
		return &h
	}
	for _, a := range l.sess.Accounts {
		if h.Account(a.Key()) == nil {
			h.Accounts = append(h.Accounts, a)
		}
	}
	for _, e := range l.sess.Environments {
		if _, err := h.Environment(e.Name); err != nil {
			h.Environments = append(h.Environments, e)
		}
	}
	if l.sess.DefaultContext != "" {
		h.DefaultContext = l.sess.DefaultContext
		h.PreviousContext = l.sess.PreviousContext
	}
	return &h
}

func (l *lookup) defaultName() string {
	if l.sess != nil && l.sess.DefaultContext != "" {
		return l.sess.DefaultContext
	}
	return l.user.Header().DefaultContext
}

// exact returns the merged view's context called name (ignoring case) and
// its scope: a session context replaces a profile context of its name.
// It is nil when there is none.
func (l *lookup) exact(name string) (*profile.Context, profile.Scope, error) {
	if l.sess != nil {
		if c := l.sess.Context(name); c != nil {
			cp := *c
			return &cp, profile.ScopeProcess, nil
		}
	}
	i := l.user.NameIndex(name)
	if i < 0 {
		return nil, 0, nil
	}
	c, err := l.user.Context(i)
	return c, profile.ScopeUser, err
}

// resolve is resolve over the merged view, with the context's scope.
func (l *lookup) resolve(ref string) (*profile.Context, profile.Scope, error) {
	if ref == "" {
		name := l.defaultName()
		if name == "" {
			return nil, 0, ErrNoContext
		}
		c, scope, err := l.exact(name)
		if err == nil && c == nil {
			err = &profile.NotFoundError{Kind: "context", Ref: name}
		}
		if err != nil {
			return nil, 0, fmt.Errorf("default context: %w", err)
		}
		return c, scope, nil
	}
	if r := strings.TrimSpace(ref); r != "" {
		if c, scope, err := l.exact(r); err != nil || c != nil {
			return c, scope, err
		}
	}
	if l.full == nil {
		// the whole merged view, from what was read: header, default and
		// context from one state
		user, err := l.user.Profile()
		if err != nil {
			return nil, 0, err
		}
		l.full = merge(user, l.sess)
	}
	c, err := l.full.merged.Find(ref)
	if err != nil {
		return nil, 0, err
	}
	for i := range l.full.merged.Contexts {
		if &l.full.merged.Contexts[i] == c {
			return c, l.full.scopeOf[i], nil
		}
	}
	return c, profile.ScopeUser, nil
}

// current reports whether c is the merged view's default context.
func (l *lookup) current(c *profile.Context) bool {
	name := l.defaultName()
	if name == "" {
		return false
	}
	cur, _, err := l.exact(name)
	return err == nil && cur != nil && cur.Name == c.Name
}
