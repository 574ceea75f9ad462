package azc

import "github.com/azcontext/azc/profile"

// List is the merged view's contexts in their order (the profile's, a
// session context in place of the profile context of its name, then the
// session's others), for a table: the profile's are read from its file
// without decoding them (profile.View.ColumnsAt), the session's from its
// state. The strings it gives are the caller's.
type List struct {
	l *lookup // the profile's view and the session's state
	// rows: a profile context's index, or -(j+1) for the session's context j
	rows    []int32
	current int
}

// List reads the merged view's contexts for a table.
func (s *State) List() (*List, error) {
	user, err := s.store.View()
	if err != nil {
		return nil, err
	}
	l, err := s.lookupOver(user)
	if err != nil {
		return nil, err
	}
	ml := &List{l: l, rows: make([]int32, user.Len()), current: -1}
	for i := range ml.rows {
		ml.rows[i] = int32(i)
	}
	if l.sess != nil {
		for j := range l.sess.Contexts {
			if i := user.NameIndex(l.sess.Contexts[j].Name); i >= 0 {
				ml.rows[i] = int32(-(j + 1))
			} else {
				ml.rows = append(ml.rows, int32(-(j + 1)))
			}
		}
	}
	if name := l.defaultName(); name != "" {
		ml.current = ml.index(name)
	}
	return ml, nil
}

// index returns the row of the context called name (ignoring case), or -1.
func (ml *List) index(name string) int {
	if ml.l.sess != nil {
		if c := ml.l.sess.Context(name); c != nil {
			for r, k := range ml.rows {
				if k < 0 && &ml.l.sess.Contexts[-k-1] == c {
					return r
				}
			}
		}
	}
	return ml.l.user.NameIndex(name) // a profile context a session context replaced was found above
}

// Len returns the number of contexts.
func (ml *List) Len() int { return len(ml.rows) }

// Current returns the row of the current context (Resolve("")), or -1.
func (ml *List) Current() int { return ml.current }

// Header returns the merged view without its contexts: its accounts and
// environments.
func (ml *List) Header() *profile.Profile { return ml.l.header() }

// Row sets *c to row r's columns and returns the context's scope.
func (ml *List) Row(r int, c *profile.Columns) profile.Scope {
	k := ml.rows[r]
	if k >= 0 {
		ml.l.user.ColumnsAt(int(k), c)
		return profile.ScopeUser
	}
	s := &ml.l.sess.Contexts[-k-1]
	*c = profile.Columns{Name: s.Name, Account: s.Account, TenantID: s.Tenant.ID, TenantDomain: s.Tenant.DefaultDomain}
	if sub := s.Subscription; sub != nil {
		c.SubscriptionID, c.SubscriptionName = sub.ID, sub.Name
	}
	return profile.ScopeProcess
}
