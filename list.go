package azc

import "github.com/azcontext/azc/profile"

// List is the merged view's contexts in their order (see lookup), for a
// table: the profile's are read from its file without decoding them
// (profile.View.ColumnsAt), the session's from its state. The strings it
// gives are the caller's.
type List struct {
	l *lookup // the profile's view and the session's state
	// rows: lookup.rows, then copyRow for the shell's own copy of its
	// selection
	rows    []int32
	current int
	held    *profile.Context // the copy, for copyRow
}

const copyRow = int32(-1 << 31)

// List reads the merged view's contexts for a table.
func (s *State) List() (*List, error) {
	view := s.store.View
	if s.session == nil {
		// the table's columns of every context, the default context
		// whole, and not the file
		view = func() (*profile.View, error) { return s.store.ViewColumns("") }
	}
	user, err := view()
	if err != nil {
		return nil, err
	}
	l, err := s.lookupOver(user, false)
	if err != nil {
		return nil, err
	}
	ml := &List{l: l, rows: l.rows(), current: -1}
	c, scope, copy, err := l.current()
	switch {
	case err != nil:
	case copy:
		ml.held = c
		ml.rows = append(ml.rows, copyRow)
		ml.current = len(ml.rows) - 1
	default:
		ml.current = ml.index(c.Name, scope)
	}
	return ml, nil
}

// index returns the row of the context called name (ignoring case) in
// scope, or -1.
func (ml *List) index(name string, scope profile.Scope) int {
	if scope == profile.ScopeProcess {
		if c := ml.l.sess.Context(name); c != nil {
			for r, k := range ml.rows {
				if k < 0 && k != copyRow && &ml.l.sess.Contexts[-k-1] == c {
					return r
				}
			}
		}
		return -1
	}
	return ml.l.user.NameIndex(name)
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
	s, scope := ml.held, profile.ScopeProcess
	if k == copyRow {
		scope = ml.l.copyScope()
	} else {
		s = &ml.l.sess.Contexts[-k-1]
	}
	*c = profile.Columns{Name: s.Name, Account: s.Account, TenantID: s.Tenant.ID, TenantDomain: s.Tenant.DefaultDomain}
	if sub := s.Subscription; sub != nil {
		c.SubscriptionID, c.SubscriptionName = sub.ID, sub.Name
	}
	return scope
}
