package azc

import (
	"fmt"
	"slices"

	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/session"
)

// lookup is what a shell sees, the one merge of the
// user profile and the session: the profile's contexts, a session context
// in place of the profile context of its name, then the session's others;
// and the context the shell uses, its selection held by identity (see
// held), else the profile's default. When autosave is off for the shell
// the profile's contexts are not part of it: a new shell starts with no
// contexts, as Azure PowerShell's do.
//
// The profile is skimmed, not decoded: a reference that is a context's
// exact name decodes that context alone, and any other reference decodes
// the whole merged view (see full).
type lookup struct {
	user *profile.View    // nil when the profile's contexts are hidden
	head *profile.Profile // the profile's header
	sess *profile.Profile // nil without a session
	sel  *session.Selection
	full *view
	// started is the context azc exec started the program with, by
	// identity under its name (see ContextKeyVar); nil when none
	started *profile.Context

	sessAt map[string]int // namesAt(sess), made by exact
}

// view is the merged view decoded whole: the contexts in the order
// lookup's comment gives, each with its scope, and the default set to the
// current context's name (a Profile's Default then answers as Resolve("")
// does).
type view struct {
	merged  *profile.Profile
	scopeOf []profile.Scope
	// own reports that merged's last context is the selection's own copy
	own bool
	// find is merged's Finder, made by resolve
	find func(ref string) (int, error)
}

func (s *State) lookup() (*lookup, error) { return s.lookupAt(0) }

// lookupAt is lookup for a change asked of scope. Without a session, a
// change to the user scope sees the profile's contexts even when autosave
// off hides them from the shell: the scope rule gives such a change the
// user scope only when --scope asks for it, and what it changes is the
// profile.
func (s *State) lookupAt(scope profile.Scope) (*lookup, error) {
	if err := knownScope(scope, true); err != nil {
		return nil, err
	}
	user, err := s.store.View()
	if err != nil {
		return nil, err
	}
	return s.lookupOver(user, scope == profile.ScopeUser && s.session == nil)
}

// lookupKeeping is lookup for a caller that, without a session, reads
// only the profile's contexts refs name (through exact, or current for
// ""): the profile is read through profile.Store.ViewKeeping. With a
// session it is lookup.
func (s *State) lookupKeeping(refs ...string) (*lookup, error) {
	if s.session != nil {
		return s.lookup()
	}
	user, err := s.store.ViewKeeping(refs...)
	if err != nil {
		return nil, err
	}
	return s.lookupOver(user, false)
}

// lookupOver is lookup over an already read profile view, adding the
// session's state; seeUser keeps the profile's contexts in it whatever
// userVisible says (lookupAt).
func (s *State) lookupOver(user *profile.View, seeUser bool) (*lookup, error) {
	l := &lookup{user: user, head: user.Header(), started: s.started}
	var sessOn *bool
	if s.session != nil {
		var err error
		if l.sess, err = s.session.Load(); err != nil {
			return nil, sessionError(err)
		}
		sel, err := s.session.Selections()
		if err != nil {
			return nil, sessionError(err)
		}
		l.sel = sel.Current
		sessOn = l.sess.Settings.Autosave
	}
	if !seeUser && !userVisible(sessOn, s.env, l.head.Settings.Autosave) {
		l.user = nil
	}
	if l.sess != nil && l.user != nil {
		if err := s.keepSessionApart(l); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// keepSessionApart gives each context of the session whose name a profile
// context of another identity holds the distinct name keepApart gives a
// context the session adds, and writes the session: the profile's context
// took the name after the session's, in another shell or outside any,
// where the session cannot be seen, and a session context never hides a
// profile context. The shell's selection, held by identity, follows. It
// writes nothing when no name is taken.
func (s *State) keepSessionApart(l *lookup) error {
	var err error
	taken := takenIn(l.user, &err)
	if !slices.ContainsFunc(l.sess.Contexts, func(c profile.Context) bool { return taken(&c) }) {
		return err
	}
	sess, uerr := s.session.Update(func(p *profile.Profile) error {
		err = nil
		keepApart(p, nil, taken)
		return err
	})
	if err != nil {
		return err
	}
	if uerr != nil {
		return sessionError(uerr)
	}
	l.sess = sess
	return nil
}

// userVisible reports whether a shell sees the profile's contexts: when
// autosave is on by the first of the shell's own setting, the environment
// and the profile's setting that is set (on when none is). So autosave
// disabled at user scope, or by $AZC_AUTOSAVE=false (Azure PowerShell's
// Azure_Profile_Autosave=false loads an in-memory profile), gives a new
// shell no contexts. A shell that turns autosave off for itself keeps
// seeing them, as a PowerShell process keeps the contexts it loaded: its
// own setting only turns them on.
func userVisible(sess, env, user *bool) bool { return hiddenBy(sess, env, user) == "" }

// hiddenBy is the rule of userVisible that hides the profile's contexts:
// SourceEnvironment or SourceProfile, or "" when the shell sees them.
func hiddenBy(sess, env, user *bool) ScopeSource {
	switch {
	case sess != nil && *sess:
		return ""
	case env != nil:
		if *env {
			return ""
		}
		return SourceEnvironment
	case user != nil && !*user:
		return SourceProfile
	}
	return ""
}

func (s *State) view() (*view, error) {
	l, err := s.lookup()
	if err != nil {
		return nil, err
	}
	return l.view()
}

// header is the merged view without its contexts: the profile's accounts
// and environments, then the session's that the profile lacks, and the
// account and environment of the shell's selection when neither has it.
// It is a new one each time, which the lookup keeps nothing of.
func (l *lookup) header() *profile.Profile {
	h := l.head.Clone()
	h.DefaultContext, h.PreviousContext = "", ""
	if l.user == nil {
		h.Accounts = nil
	} else {
		h.DefaultContext = l.head.DefaultContext
		h.PreviousContext = l.head.PreviousContext
	}
	if l.sess != nil {
		for _, a := range l.sess.Accounts {
			if h.Account(a.Key()) == nil {
				h.Accounts = append(h.Accounts, a.Clone())
			}
		}
		for _, e := range l.sess.Environments {
			if _, err := h.Environment(e.Name); err != nil {
				h.Environments = append(h.Environments, e)
			}
		}
	}
	if l.sel != nil && l.sel.Account != nil && h.Account(l.sel.Account.Key()) == nil {
		h.Accounts = append(h.Accounts, l.sel.Account.Clone())
	}
	if l.sel != nil && l.sel.Environment != nil {
		if _, err := h.Environment(l.sel.Environment.Name); err != nil {
			h.Environments = append(h.Environments, *l.sel.Environment)
		}
	}
	return h
}

// exact returns the merged view's context called name (ignoring case) and
// its scope: a session context replaces a profile context of its name.
// It is nil when there is none.
func (l *lookup) exact(name string) (*profile.Context, profile.Scope, error) {
	if l.sess != nil {
		if l.sessAt == nil {
			l.sessAt = namesAt(l.sess)
		}
		if i, ok := l.sessAt[fold(name)]; ok {
			cp := l.sess.Contexts[i].Clone()
			return &cp, profile.ScopeProcess, nil
		}
	}
	if l.user == nil {
		return nil, 0, nil
	}
	i := l.user.NameIndex(name)
	if i < 0 {
		return nil, 0, nil
	}
	c, err := l.user.Context(i)
	return c, profile.ScopeUser, err
}

// current returns the context the shell uses: its selection (see held),
// else the profile's default; ErrNoContext when there is neither. copy
// reports that the context is the selection's own copy, which no scope
// holds any longer (its scope is then copyScope).
func (l *lookup) current() (c *profile.Context, scope profile.Scope, copy bool, err error) {
	if l.sel != nil {
		return l.held()
	}
	name := ""
	if l.user != nil {
		name = l.head.DefaultContext
	}
	if name == "" {
		return nil, 0, false, ErrNoContext
	}
	c, scope, err = l.exact(name)
	if err == nil && c == nil {
		err = &profile.NotFoundError{Kind: "context", Ref: name}
	}
	if err != nil {
		return nil, 0, false, fmt.Errorf("default context: %w", err)
	}
	return c, scope, false, nil
}

// held finds the shell's selection by identity (see ofIdentity), else
// the selection's own copy (it was removed).
func (l *lookup) held() (*profile.Context, profile.Scope, bool, error) {
	want := &l.sel.Context
	c, scope, ok, err := l.ofIdentity(want, false)
	if err != nil || ok {
		return c, scope, false, err
	}
	v, err := l.view()
	if err != nil {
		return nil, 0, false, err
	}
	if v.own {
		cp := v.merged.Contexts[len(v.merged.Contexts)-1].Clone()
		return &cp, l.copyScope(), true, nil
	}
	cp := want.Clone()
	cp.Name = l.copyName(v.merged)
	return &cp, l.copyScope(), true, nil
}

// ofIdentity finds a context of want's identity: the context of want's
// name when that one has its identity; else the first of its identity,
// the session's before the profile's (it was renamed, or its name
// re-pointed); withCopy also looks at the selection's own copy. ok is
// false when there is none.
func (l *lookup) ofIdentity(want *profile.Context, withCopy bool) (c *profile.Context, scope profile.Scope, ok bool, err error) {
	c, scope, err = l.exact(want.Name)
	if err != nil {
		return nil, 0, false, err
	}
	if c != nil && c.SameIdentity(want) {
		return c, scope, true, nil
	}
	v, err := l.view()
	if err != nil {
		return nil, 0, false, err
	}
	// the contexts of the scopes: not the own copy, which the view holds
	// when it was built first, by held's very search
	n := len(v.merged.Contexts)
	if v.own && !withCopy {
		n--
	}
	for i := range n {
		if v.scopeOf[i] == profile.ScopeProcess && v.merged.Contexts[i].SameIdentity(want) {
			cp := v.merged.Contexts[i].Clone()
			return &cp, profile.ScopeProcess, true, nil
		}
	}
	for i := range n {
		if v.merged.Contexts[i].SameIdentity(want) {
			cp := v.merged.Contexts[i].Clone()
			return &cp, v.scopeOf[i], true, nil
		}
	}
	return nil, 0, false, nil
}

// isOwnCopy reports whether c, a context l resolved, is the selection's
// own copy: the shell uses it, and no scope holds it any longer.
func (l *lookup) isOwnCopy(c *profile.Context) bool {
	cur, _, copy, err := l.current()
	return err == nil && copy && cur.Name == c.Name
}

// copyScope is the scope the selection's own copy counts as: the one
// whose credential store holds its account's tokens: the session's when
// its account signed in there; else the user's, which keeps them while
// the shell holds the account (State.Held), though the profile may name
// it no more.
func (l *lookup) copyScope() profile.Scope {
	if l.sess != nil && l.sess.Account(l.sel.Context.Account) != nil {
		return profile.ScopeProcess
	}
	return profile.ScopeUser
}

// copyName is the name the selection's own copy shows under in merged:
// its own, unless another context took it meanwhile.
func (l *lookup) copyName(merged *profile.Profile) string {
	name := l.sel.Context.Name
	if merged.Context(name) == nil {
		return name
	}
	for i := 1; ; i++ {
		n := name + " (this shell)"
		if i > 1 {
			n = fmt.Sprintf("%s (this shell %d)", name, i)
		}
		if merged.Context(n) == nil {
			return n
		}
	}
}

// view decodes the merged view whole, once.
func (l *lookup) view() (*view, error) {
	if l.full != nil {
		return l.full, nil
	}
	h := l.header()
	v := &view{merged: h}
	var user []profile.Context
	if l.user != nil {
		p, err := l.user.Profile() // a copy of its own
		if err != nil {
			return nil, err
		}
		user = p.Contexts
	}
	rows := l.rows()
	if user != nil || len(rows) > 0 {
		h.Contexts = make([]profile.Context, len(rows))
	}
	v.scopeOf = make([]profile.Scope, len(rows))
	for r, k := range rows {
		if k >= 0 {
			h.Contexts[r], v.scopeOf[r] = user[k], profile.ScopeUser
		} else {
			h.Contexts[r], v.scopeOf[r] = l.sess.Contexts[-k-1], profile.ScopeProcess
		}
	}
	l.full = v
	h.DefaultContext = ""
	c, _, copy, err := l.current()
	switch {
	case err == nil:
		if copy {
			h.Contexts = append(h.Contexts, *c)
			v.scopeOf = append(v.scopeOf, l.copyScope())
			v.own = true
		}
		h.DefaultContext = c.Name
	case l.sel == nil && l.user != nil:
		// a profile default that names no context: Default reports it
		h.DefaultContext = l.head.DefaultContext
	}
	return v, nil
}

// rows is the merge of the session into the profile, the merged view's
// contexts in order: each a profile context's index, or -(j+1) for the
// session's context j, which takes the place of the profile context of
// its name (ignoring case) or else follows the profile's. It decodes no
// context of the profile.
func (l *lookup) rows() []int32 {
	var rows []int32
	if l.user != nil {
		rows = make([]int32, l.user.Len())
		for i := range rows {
			rows[i] = int32(i)
		}
	}
	if l.sess != nil {
		for j := range l.sess.Contexts {
			i := -1
			if l.user != nil {
				i = l.user.NameIndex(l.sess.Contexts[j].Name)
			}
			if i >= 0 {
				rows[i] = int32(-(j + 1))
			} else {
				rows = append(rows, int32(-(j + 1)))
			}
		}
	}
	return rows
}

// use is resolve for the context a command uses (Resolve, ResolveEntry,
// Resolver): the name azc exec started the program with is the context of
// its identity (ContextKeyVar).
func (l *lookup) use(ref string) (*profile.Context, profile.Scope, error) {
	if startedName(l.started, ref) {
		return l.heldStarted(l.started)
	}
	return l.resolve(ref)
}

// resolve is Resolve over the merged view, with the context's scope.
func (l *lookup) resolve(ref string) (*profile.Context, profile.Scope, error) {
	if ref == "" {
		c, scope, _, err := l.current()
		return c, scope, err
	}
	r := profile.TrimRef(ref)
	if r == "" {
		// spaces alone name no context (Profile.Find); the profile's
		// contexts need not be read for that
		return nil, 0, &profile.NotFoundError{Kind: "context", Ref: ref}
	}
	if c, scope, err := l.exact(r); err != nil || c != nil {
		return c, scope, err
	}
	v, err := l.view()
	if err != nil {
		return nil, 0, err
	}
	if v.find == nil {
		v.find = v.merged.Finder()
	}
	i, err := v.find(ref)
	if err != nil {
		return nil, 0, err
	}
	cp := v.merged.Contexts[i].Clone()
	return &cp, v.scopeOf[i], nil
}

// previous is the profile's previous context, the one `azc use -` returns
// to in the user scope, in the merged view: the context of its name alone
// (profile.View.PreviousIndex), not whatever else the name resolves to (a
// prefix of another context's name). When autosave off hides the
// profile's contexts it is not found, as any of them is.
func (l *lookup) previous() (*profile.Context, profile.Scope, error) {
	if l.user == nil {
		if l.head.PreviousContext == "" {
			return nil, 0, profile.ErrNoPrevious
		}
		return nil, 0, &profile.NotFoundError{Kind: "context", Ref: l.head.PreviousContext}
	}
	if _, err := l.user.PreviousIndex(); err != nil {
		return nil, 0, err
	}
	return l.exact(l.head.PreviousContext)
}

// isCurrent reports whether c, of scope, is the context the shell uses.
func (l *lookup) isCurrent(c *profile.Context, scope profile.Scope) bool {
	cur, cs, _, err := l.current()
	return err == nil && cs == scope && sameName(cur.Name, c.Name)
}

// sameName is the rule names are compared by (profile.SameName).
func sameName(a, b string) bool { return profile.SameName(a, b) }
