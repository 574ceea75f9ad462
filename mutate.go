package azc

import (
	"errors"
	"fmt"
	"slices"

	"github.com/azcontext/azc/internal/termsafe"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/session"
)

// ScopeError reports a change asked of one scope for a context that lives
// in the other.
type ScopeError struct {
	Name  string
	Scope profile.Scope // where the context lives
}

func (e *ScopeError) Error() string {
	return fmt.Sprintf("context %q is in the user scope: --scope process changes only this shell's own contexts", e.Name)
}

// Hint says what to do instead.
func (e *ScopeError) Hint() string {
	return "run it without --scope process to change it for every shell"
}

// OtherScopeNameError reports a new name that a context of the other scope
// holds (it wraps profile.ErrNameTaken), or, for the shell's own copy of
// its selection, which lives in no scope, any context: names are unique
// across what a shell sees, and --force replaces a context only in the
// scope the change writes.
type OtherScopeNameError struct {
	Name string // the context that holds the name
	// Copy reports that the renamed context is the shell's own copy,
	// which any context's name refuses, whatever its scope.
	Copy bool
}

func (e *OtherScopeNameError) Error() string {
	if e.Copy {
		return fmt.Sprintf("context %q holds that name: %v", e.Name, profile.ErrNameTaken)
	}
	return fmt.Sprintf("context %q of the other scope: %v", e.Name, profile.ErrNameTaken)
}

func (e *OtherScopeNameError) Unwrap() error { return profile.ErrNameTaken }

// Hint says what to do instead: --force cannot help.
func (e *OtherScopeNameError) Hint() string {
	if e.Copy {
		return "choose another name: --force cannot free it for this shell's own copy, which replaces no context"
	}
	return "choose another name: --force replaces a context only in the scope the renamed one lives in"
}

// CopyNameError reports a context of the session that a change would copy
// into the profile under a name that a profile context of another
// identity holds (it wraps profile.ErrNameTaken): the profile took it
// while autosave off hid it from the shell, so the session's context
// kept it. No --force helps: a copy never replaces a profile context.
type CopyNameError struct {
	Name  string // the session's context
	Taken string // the profile's context that holds its name
}

func (e *CopyNameError) Error() string {
	return fmt.Sprintf("context %q of this shell: the user scope's context %q holds its name: %v", e.Name, e.Taken, profile.ErrNameTaken)
}

func (e *CopyNameError) Unwrap() error { return profile.ErrNameTaken }

// Hint says what to do instead.
func (e *CopyNameError) Hint() string {
	return fmt.Sprintf("rename one of them first, e.g. `azc context rename %s NAME --scope process`", termsafe.ShellWord(e.Name))
}

// Use makes the context ref names the default of scope and returns it.
// ref "-" returns to that scope's previous context (profile.ErrNoPrevious
// when there is none). ref is resolved in the merged view.
//
// In the process scope the shell selects a copy of the context (held by
// identity, see Resolve). In the user scope the context becomes the
// profile's default; a context only the session holds is copied into the
// profile first, with its account and its tokens, as Select-AzContext
// does; and inside a shell the shell selects it too.
func (s *State) Use(scope profile.Scope, ref string) (*profile.Context, error) {
	if err := knownScope(scope, false); err != nil {
		return nil, err
	}
	switch {
	case scope == profile.ScopeUser && s.session == nil:
		// Everything is in the profile: resolve and switch under one read,
		// decoding only the context chosen.
		c, err := s.store.SetDefault(ref)
		if err != nil {
			return nil, err
		}
		return &c, nil
	case scope == profile.ScopeProcess && s.session == nil:
		return nil, ErrNoSession
	}
	if ref == "-" && scope == profile.ScopeProcess {
		sels, err := s.session.Selections()
		if err != nil {
			return nil, sessionError(err)
		}
		if sels.Previous == nil {
			return nil, profile.ErrNoPrevious
		}
		if err := s.selectInShell(sels.Previous); err != nil {
			return nil, err
		}
		return s.Resolve("")
	}
	l, err := s.lookup()
	if err != nil {
		return nil, err
	}
	var c *profile.Context
	var where profile.Scope
	if ref == "-" {
		c, where, err = l.previous()
	} else {
		c, where, err = l.resolve(ref)
	}
	if err != nil {
		return nil, err
	}
	hdr := l.header()
	sel := newSelection(*c, hdr)
	if where == profile.ScopeUser {
		// before anything changes (the profile, the hold): the switch
		// checks the account's tokens in the user's store
		// (selectReadContext), which a program may be unable to open
		// (azc, which then hands the command to azc-full, to run again)
		if s, err = s.withUserBlobsFor(c.Account); err != nil {
			return nil, err
		}
	}
	if scope == profile.ScopeUser {
		if where == profile.ScopeProcess {
			unlock, err := s.carryTokens(c.Account)
			if err != nil {
				return nil, err
			}
			defer unlock()
		}
		// the shell's own copy of a context removed elsewhere goes back
		// into the profile; its account's tokens stay while the shell
		// holds it (Held)
		own := l.isOwnCopy(c)
		var want profile.Context
		_, err := s.store.Update(func(p *profile.Profile) error {
			want = *c // Update may run fn twice: start each run afresh
			i := indexName(p, want.Name)
			if i >= 0 && !p.Contexts[i].SameIdentity(&want) {
				if where == profile.ScopeUser {
					// renamed or re-pointed since it was read: take it as it is now
					want = p.Contexts[i]
				} else {
					return &CopyNameError{Name: want.Name, Taken: p.Contexts[i].Name}
				}
			}
			if i < 0 && where == profile.ScopeUser && !own {
				// a profile context that another process renamed since
				// it was read: the context of its identity as it is now;
				// or removed: the removal stands, and so does the
				// removal of its account's tokens that may have followed
				j := slices.IndexFunc(p.Contexts, func(o profile.Context) bool { return o.SameIdentity(&want) })
				if j < 0 {
					return &profile.NotFoundError{Kind: "context", Ref: want.Name}
				}
				want, i = p.Contexts[j], j
			}
			if i < 0 {
				if sel.Account != nil && p.Account(sel.Account.Key()) == nil {
					p.UpsertAccount(*sel.Account)
				}
				keepEnvironment(p, want.Environment, hdr)
				p.Contexts = append(p.Contexts, want)
			}
			setDefaultName(p, want.Name)
			return nil
		})
		if err != nil {
			return nil, err
		}
		sel.Context = want
	}
	// A shell that selected none used the profile's default: `use -`
	// returns to it.
	var was *session.Selection
	if scope == profile.ScopeProcess && l.sel == nil {
		if cur, _, _, err := l.current(); err == nil && !cur.SameIdentity(c) {
			was = newSelection(*cur, hdr)
		}
	}
	if err := s.selectIn(sel, where == profile.ScopeUser, was); err != nil {
		if scope == profile.ScopeUser {
			// the profile's default changed, and stays: say so
			return nil, fmt.Errorf("%q is the user scope's default context now, but selecting it in this shell failed: %w", sel.Context.Name, err)
		}
		return nil, err
	}
	return &sel.Context, nil
}

func setDefaultName(p *profile.Profile, name string) {
	if sameName(p.DefaultContext, name) {
		return
	}
	if p.DefaultContext != "" {
		p.PreviousContext = p.DefaultContext
	}
	p.DefaultContext = name
}

// Removed reports what a removal removed in each scope, and what it did
// to the defaults.
type Removed struct {
	// User and Session are what went from the profile and from the
	// session. Their OrphanedAccounts are the accounts whose credentials
	// the caller drops from that scope's store.
	User, Session profile.Removal
	// Dropped names the shell's own copy of its selection, when the
	// removal dropped it, and DroppedAccount is the key of its account.
	Dropped, DroppedAccount string
	// User and Session changes: Promoted is the profile's.
	Change
}

// RemoveTarget is a context RemoveContexts would remove, and which of
// the defaults it is.
type RemoveTarget struct {
	// Name is the context's name in the merged view.
	Name string
	// Default reports that it is the profile's default context.
	Default bool
	// Current reports that it is the context the shell uses (its
	// selection, or the profile's default when it has none); always false
	// without a session.
	Current bool
}

// CheckRemove reports the contexts RemoveContexts(scope, refs) removes, in
// the order of refs, or the error it fails with before it changes
// anything: a reference that names no context, ErrNoSession, a
// *ScopeError. It changes nothing: a command that asks before it removes
// a default calls it first.
func (s *State) CheckRemove(scope profile.Scope, refs []string) ([]RemoveTarget, error) {
	w, err := s.where(scope, refs)
	return w.targets, err
}

// removal is what where finds: the contexts refs name, sorted by where
// they live.
type removal struct {
	user, sess []string         // the profile's, the session's
	held       *profile.Context // the shell's own copy of its selection
	targets    []RemoveTarget
}

// where sorts the contexts refs name, for a removal asked of scope
// (lookupAt), into the ones the profile holds, the ones the session
// holds, and the shell's own copy of its selection; in the process
// scope, a context of the profile is a *ScopeError. Out of any other
// scope a session context goes with the profile context of its name and
// identity, which it stands for in the shell.
func (s *State) where(scope profile.Scope, refs []string) (removal, error) {
	if scope == profile.ScopeProcess && s.session == nil {
		return removal{}, ErrNoSession
	}
	l, err := s.lookupAt(scope)
	if err != nil {
		return removal{}, err
	}
	var r removal
	for _, ref := range refs {
		c, where, err := l.resolve(ref)
		if err != nil {
			return removal{}, err
		}
		t := RemoveTarget{Name: c.Name, Current: s.session != nil && l.isCurrent(c, where)}
		switch {
		case l.isOwnCopy(c):
			r.held = c
		case where == profile.ScopeUser:
			r.user = append(r.user, c.Name)
			t.Default = sameName(c.Name, l.head.DefaultContext)
		default:
			r.sess = append(r.sess, c.Name)
			if scope == profile.ScopeProcess || l.user == nil {
				break
			}
			// out of the user scope, which is the shell's and the
			// profile's (Azure PowerShell's CurrentUser: the process and
			// the disk), goes the profile's context it stands for too
			if i := l.user.NameIndex(c.Name); i >= 0 {
				uc, err := l.user.Context(i)
				if err != nil {
					return removal{}, err
				}
				if uc.SameIdentity(c) {
					r.user = append(r.user, uc.Name)
					t.Default = sameName(uc.Name, l.head.DefaultContext)
				}
			}
		}
		r.targets = append(r.targets, t)
	}
	if scope == profile.ScopeProcess && len(r.user) > 0 {
		return removal{}, &ScopeError{Name: r.user[0], Scope: profile.ScopeUser}
	}
	return r, nil
}

// RemoveContexts removes the contexts refs name from where they live (the
// profile, the session, or the shell's own copy of its selection); in the
// process scope, a context of the profile is a *ScopeError. An account
// whose last context goes in a scope is reported in that scope's
// OrphanedAccounts. Removing the default makes the first remaining context
// the default (Change.Promoted), and a shell whose selection went uses it.
func (s *State) RemoveContexts(scope profile.Scope, refs []string) (*Removed, error) {
	w, err := s.where(scope, refs)
	if err != nil {
		return nil, err
	}
	user, sess, held := w.user, w.sess, w.held
	out := &Removed{}
	remove := func(rem *profile.Removal, names []string) func(p *profile.Profile) error {
		return func(p *profile.Profile) error {
			var err error
			*rem, err = p.RemoveContexts(names)
			return err
		}
	}
	if len(user) > 0 {
		ch, err := s.Change(profile.ScopeUser, remove(&out.User, user))
		if err != nil {
			return nil, err
		}
		out.Change = *ch
	}
	if len(sess) > 0 {
		ch, err := s.Change(profile.ScopeProcess, remove(&out.Session, sess))
		if err != nil {
			return nil, err
		}
		out.Change.Unselected = out.Change.Unselected || ch.Unselected
	}
	if held != nil {
		if err := s.selectInShell(nil); err != nil {
			return nil, err
		}
		out.Dropped, out.DroppedAccount = held.Name, held.Account
		out.Change.Unselected = true
	}
	if err := s.settle(&out.Change); err != nil {
		return nil, err
	}
	return out, nil
}

// settle gives a shell that a removal left without a selection, in a
// profile that has no default, the first context the shell still sees:
// its session's first (Azure PowerShell's process makes the first
// remaining context its default, whichever scope it came from).
func (s *State) settle(ch *Change) error {
	if s.session == nil || !ch.Unselected {
		return nil
	}
	if _, err := s.Resolve(""); !errors.Is(err, ErrNoContext) {
		return nil
	}
	sp, err := s.session.Load()
	if err != nil {
		return sessionError(err)
	}
	if len(sp.Contexts) == 0 {
		return nil
	}
	pick := selectionOf(sp, &sp.Contexts[0])
	if err := s.selectInShell(pick); err != nil {
		return err
	}
	ch.Selected, ch.Unselected = pick.Context.Name, false
	return nil
}

// Renamed reports what RenameContext did.
type Renamed struct {
	// Old is the context's name before.
	Old string
	// Copy reports that the context was the shell's own copy of its
	// selection, renamed in the selection, the one place that holds it.
	Copy bool
	// Moved reports that the context moved from the session to the
	// profile, with its account and its tokens.
	Moved bool
	// Scope is the scope whose profile the rename wrote: the one the
	// context lives in now, which Replaced went from.
	Scope profile.Scope
	// Replaced is what went from Scope for the new name (force).
	Replaced profile.Removal
}

// RenameContext renames the context ref names where it lives to newName;
// the default follows, and so does the shell's selection. A newName that
// another context holds in either scope is profile.ErrNameTaken, unless
// force, which removes that context (from the scope the renamed one lives
// in). In the process scope, a context of the profile is a *ScopeError;
// in the user scope (asked for, not chosen by the scope rule), a context
// of the session moves to the profile under newName, with its account and
// its tokens, and updates a context of its identity that holds newName
// there (one a move stopped before the session let go of it left): that
// name is not taken, nor, for a context of the profile, is a session
// context of its identity that holds newName (the session's half of a
// rename of a context of both scopes, one stopped before the profile's
// left). The shell's own copy of its selection is renamed in the
// selection, in either scope (see renameCopy).
func (s *State) RenameContext(scope profile.Scope, ref, newName string, force bool) (*Renamed, error) {
	l, err := s.lookupAt(scope)
	if err != nil {
		return nil, err
	}
	c, where, into, err := s.renameTarget(l, scope, ref)
	if err != nil {
		return nil, err
	}
	if l.isOwnCopy(c) {
		return s.renameCopy(l, c, newName)
	}
	if o, ow, err := l.exact(newName); err != nil {
		return nil, err
	} else if o != nil && ow != where && !sameName(o.Name, c.Name) && !((ow == into || where == profile.ScopeUser) && o.SameIdentity(c)) {
		return nil, &OtherScopeNameError{Name: o.Name}
	}
	out := &Renamed{Old: c.Name, Scope: into}
	// out of the user scope, which is the shell's and the profile's (as
	// where removes it), the profile's context a session context stands
	// for is renamed with it, unless the profile has a context of the new
	// name: one the rename does not replace
	standsFor := scope != profile.ScopeProcess && where == profile.ScopeProcess && l.user != nil && l.user.NameIndex(c.Name) >= 0
	if into != where {
		// Renamed into the user scope: the session's context moves to the
		// profile, with its account and its tokens.
		out.Replaced, err = s.promote(l, c, newName, force, standsFor)
		out.Moved = err == nil
	} else {
		_, err = s.Update(where, func(p *profile.Profile) error {
			var err error
			out.Replaced, err = p.RenameContext(c.Name, newName, force)
			return err
		})
		if err == nil && standsFor {
			_, err = s.store.Update(func(p *profile.Profile) error {
				renameStandIn(p, c, newName)
				return nil
			})
		}
	}
	if err != nil {
		return nil, err
	}
	if l.sel != nil && sameName(l.sel.Context.Name, c.Name) && l.sel.Context.SameIdentity(c) {
		err = s.session.UpdateSelections(func(sels *session.Selections) error {
			if sels.Current != nil && sameSelection(sels.Current, l.sel) {
				sels.Current.Context.Name = newName
			}
			return nil
		})
		if err != nil {
			return nil, sessionError(err)
		}
	}
	return out, nil
}

// RenameTarget is the context RenameContext(scope, ref, …) renames, and the
// scope whose profile it writes: where the context lives, or the user
// scope for a context of the session it moves there; 0 for the shell's
// own copy of its selection, which is renamed in the selection and
// replaces no context, forced or not (see renameCopy). A command that
// drops the credentials of the account a forced rename replaces tries
// their lock in that scope first.
func (s *State) RenameTarget(scope profile.Scope, ref string) (*profile.Context, profile.Scope, error) {
	l, err := s.lookupAt(scope)
	if err != nil {
		return nil, 0, err
	}
	c, _, into, err := s.renameTarget(l, scope, ref)
	if err == nil && l.isOwnCopy(c) {
		into = 0
	}
	return c, into, err
}

// renameTarget is RenameTarget over l; where is the scope the context
// lives in.
func (s *State) renameTarget(l *lookup, scope profile.Scope, ref string) (c *profile.Context, where, into profile.Scope, err error) {
	if scope == profile.ScopeProcess && s.session == nil {
		return nil, 0, 0, ErrNoSession
	}
	c, where, err = l.resolve(ref)
	if err != nil {
		return nil, 0, 0, err
	}
	if l.isOwnCopy(c) {
		// the shell's own: its selection holds it, whatever the scope
		return c, profile.ScopeProcess, profile.ScopeProcess, nil
	}
	if scope == profile.ScopeProcess && where == profile.ScopeUser {
		return nil, 0, 0, &ScopeError{Name: c.Name, Scope: where}
	}
	into = where
	if scope == profile.ScopeUser && where == profile.ScopeProcess {
		into = profile.ScopeUser
	}
	return c, where, into, nil
}

// renameStandIn renames p's context of c's name and identity, the one a
// session context c stands for, to newName, the default following, when
// p has no other context called newName; it reports whether it did.
func renameStandIn(p *profile.Profile, c *profile.Context, newName string) bool {
	i := indexStandIn(p, c)
	if j := indexName(p, newName); i < 0 || j >= 0 && j != i {
		return false
	}
	_, err := p.RenameContext(p.Contexts[i].Name, newName, false)
	return err == nil
}

// indexStandIn is the index of p's context of c's name and identity, the
// one that stands for c in the other scope, or -1.
func indexStandIn(p *profile.Profile, c *profile.Context) int {
	if i := indexName(p, c.Name); i >= 0 && p.Contexts[i].SameIdentity(c) {
		return i
	}
	return -1
}

// renameCopy renames c, the shell's own copy of its selection, to newName
// in the selection, the one place that holds it; no other shell sees it.
// A newName that a context the shell sees holds is an
// *OtherScopeNameError, force or not: force replaces a context of a
// scope, and the copy lives in none.
func (s *State) renameCopy(l *lookup, c *profile.Context, newName string) (*Renamed, error) {
	if err := profile.CheckName(newName); err != nil {
		return nil, err
	}
	if o, _, err := l.exact(newName); err != nil {
		return nil, err
	} else if o != nil {
		return nil, &OtherScopeNameError{Name: o.Name, Copy: true}
	}
	gone := false
	err := s.session.UpdateSelections(func(sels *session.Selections) error {
		// the shell selected another meanwhile: the copy went
		gone = sels.Current == nil || !sameSelection(sels.Current, l.sel)
		if !gone {
			sels.Current.Context.Name = newName
		}
		return nil
	})
	if err != nil {
		return nil, sessionError(err)
	}
	if gone {
		return nil, &profile.NotFoundError{Kind: "context", Ref: c.Name}
	}
	return &Renamed{Old: c.Name, Copy: true, Scope: profile.ScopeProcess}, nil
}

// RemoveAccounts signs the accounts keys out of scope (logout): it removes
// them and every context of theirs. In the user scope inside a shell it
// signs them out of the session too, as Disconnect-AzAccount does to the
// process and the disk; a shell whose selection used one of them drops
// it. The caller removes the accounts' credentials from the store of each
// scope it reports.
func (s *State) RemoveAccounts(scope profile.Scope, keys []string) (*Removed, error) {
	return s.removeAll(scope, func(p *profile.Profile) profile.Removal {
		return p.RemoveAccounts(keys)
	}, func(sel *session.Selection) bool {
		for _, k := range keys {
			if sameName(sel.Context.Account, k) {
				return true
			}
		}
		return false
	})
}

// Clear removes every context and account of scope (Clear-AzContext); in
// the user scope inside a shell, the session's too, and the shell's
// selection.
func (s *State) Clear(scope profile.Scope) (*Removed, error) {
	return s.removeAll(scope, (*profile.Profile).Clear, func(*session.Selection) bool { return true })
}

func (s *State) removeAll(scope profile.Scope, fn func(*profile.Profile) profile.Removal, drops func(*session.Selection) bool) (*Removed, error) {
	if err := knownScope(scope, false); err != nil {
		return nil, err
	}
	if scope == profile.ScopeProcess && s.session == nil {
		return nil, ErrNoSession
	}
	out := &Removed{}
	if scope == profile.ScopeUser {
		ch, err := s.Change(profile.ScopeUser, func(p *profile.Profile) error {
			out.User = fn(p)
			return nil
		})
		if err != nil {
			return nil, err
		}
		out.Change = *ch
	}
	if s.session == nil {
		return out, nil
	}
	// The shell's selection goes before the session's contexts do: a
	// command stopped in between then leaves the contexts, not a
	// selection of a context that went with its account's sign-out
	// (TestAProcessScopeRemovalStoppedBeforeTheSelectionLeavesNoSelectionOfWhatWent).
	before, err := s.lookup()
	if err != nil {
		return nil, err
	}
	sel := before.sel
	if sel != nil && drops(sel) {
		if err := s.selectInShell(nil); err != nil {
			return nil, err
		}
	}
	ch, err := s.Change(profile.ScopeProcess, func(p *profile.Profile) error {
		out.Session = fn(p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Unselected = out.Unselected || ch.Unselected
	l, err := s.lookup()
	if err != nil {
		return nil, err
	}
	if sel != nil && drops(sel) {
		// the shell's own copy goes with the scope's contexts; a
		// selection of a context the profile still holds is let go
		// only a copy no scope held before is the shell's own: a
		// context of the session went with out.Session
		l.sel = sel
		cur, _, own, err := l.current()
		if err != nil {
			return nil, err
		}
		if _, _, ownBefore, err := before.current(); err == nil && own && ownBefore {
			out.Dropped, out.DroppedAccount = cur.Name, cur.Account
		}
		out.Selected = ""
		out.Unselected = true
	}
	if err := s.settle(&out.Change); err != nil {
		return nil, err
	}
	return out, nil
}

// SetOptions control SetContext.
type SetOptions struct {
	// Force lets the name re-point a context of another identity.
	Force bool
	// Account is the account the context uses; the scope gets it when it
	// lacks it (and, in the user scope, its tokens from the session).
	Account *profile.Account
	// AccountSeen says that Account is one the caller read from the
	// state (ProfileAt), not a new one: a user-scope change that finds
	// the profile naming it no more, and the session not holding it,
	// fails with a *profile.NotFoundError instead of adding it back (its
	// last context was removed, or it signed out, since: that stands, as
	// does the removal of its tokens that followed).
	AccountSeen bool
	// Properties, when not nil, gives the context's extended properties
	// from those it had (nil for a new context).
	Properties func(old map[string]string) (map[string]string, error)
}

// SetResult reports what SetContext did.
type SetResult struct {
	Context profile.Context // as stored
	Created bool
	// Replaced is the context of another identity that held the name
	// (force), with its account when that was the account's last context.
	Replaced profile.Removal
	Change
}

// SetContext is Set-AzContext's create-or-update by name: c.Name names
// the context to update, or to add when no context of scope has that name
// (the context that already held c's subscription stays); a name held by
// a context of another identity is profile.ErrNameTaken unless
// opts.Force, which re-points it (the account of the context it held goes
// too when no other context uses it, reported in SetResult.Replaced, whose
// credentials the caller drops). With no name it updates the context of
// c's identity, or adds one under its default name. The context becomes
// the default of scope, and inside a shell the shell selects it.
//
// c.Properties is not read: an updated context keeps its stored
// properties, a new one has none, unless opts.Properties gives them (from
// the stored ones, read under the lock, so that a change made meanwhile
// is not lost).
func (s *State) SetContext(scope profile.Scope, c profile.Context, opts SetOptions) (*SetResult, error) {
	if scope == profile.ScopeProcess && s.session == nil {
		return nil, ErrNoSession
	}
	// the account comes from the profile itself, unless the shell's
	// session holds it (it moves into the profile, with its tokens)
	fromProfile := scope == profile.ScopeUser && opts.Account != nil && opts.AccountSeen
	if fromProfile && s.session != nil {
		unlock, err := s.carryTokens(opts.Account.Key())
		if err != nil {
			return nil, err
		}
		defer unlock()
		sp, err := s.session.Load()
		if err != nil {
			return nil, sessionError(err)
		}
		fromProfile = sp.Account(opts.Account.Key()) == nil
	}
	if scope == profile.ScopeProcess && opts.Account != nil && opts.AccountSeen {
		// an account of the profile that the shell is to hold: its lock
		// until the shell's hold names it, so that a removal of its last
		// context elsewhere either came first (its tokens went: refused)
		// or finds the hold
		sp, err := s.session.Load()
		if err != nil {
			return nil, sessionError(err)
		}
		if sp.Account(opts.Account.Key()) == nil {
			unlock, err := s.keepTokens(opts.Account.Key())
			if errors.Is(err, errTokensDropped) {
				return nil, &profile.NotFoundError{Kind: "account", Ref: opts.Account.ID}
			}
			if err != nil {
				return nil, err
			}
			defer unlock()
		}
	}
	apart, err := s.NamesApart(scope)
	if err != nil {
		return nil, err
	}
	res := &SetResult{}
	stored := "" // the name the context has in scope, as fn left it
	var wrote profile.Context
	ch, err := s.Change(scope, func(p *profile.Profile) error {
		res.Created, res.Replaced = false, profile.Removal{}
		want := c
		if fromProfile && !p.NamesAccount(opts.Account.Key()) {
			return &profile.NotFoundError{Kind: "account", Ref: opts.Account.ID}
		}
		if opts.Account != nil && p.Account(opts.Account.Key()) == nil {
			p.UpsertAccount(*opts.Account)
		}
		i := -1
		if want.Name != "" {
			if err := profile.CheckName(want.Name); err != nil {
				return err
			}
			name, err := apart(p)(&want)
			if err != nil {
				return err
			}
			want.Name = name
			i = indexName(p, want.Name)
			if i >= 0 && !p.Contexts[i].SameIdentity(&want) && !opts.Force {
				return fmt.Errorf("context %q holds another subscription: %w", p.Contexts[i].Name, profile.ErrNameTaken)
			}
		} else {
			for j := range p.Contexts {
				if p.Contexts[j].SameIdentity(&want) {
					i = j
					break
				}
			}
		}
		var old map[string]string
		if i >= 0 {
			prev := p.Contexts[i]
			want.Properties = nil // the stored ones: want's were read before the lock
			want.KeepSettings(&prev)
			old = want.Properties
		} else if want.Name == "" {
			want.Name = p.DefaultName(&want)
		}
		want.Properties = old
		if opts.Properties != nil {
			props, err := opts.Properties(old)
			if err != nil {
				return err
			}
			want.Properties = props
		}
		if want.Environment == "" {
			want.Environment = profile.DefaultEnvironment
		}
		if i >= 0 {
			prev := p.Contexts[i]
			p.Contexts[i] = want
			if !prev.SameIdentity(&want) {
				res.Replaced = profile.Removal{Contexts: []profile.Context{prev}, OrphanedAccounts: p.DropOrphans([]string{prev.Account})}
			}
		} else {
			p.Contexts = append(p.Contexts, want)
			res.Created = true
		}
		setDefaultName(p, want.Name)
		stored, wrote = want.Name, want
		return nil
	})
	if err != nil {
		return nil, err
	}
	res.Change = *ch
	if scope == profile.ScopeUser && s.session != nil {
		if err := s.standInTakes(wrote); err != nil {
			return nil, err
		}
	}
	// the name it got (keepApart may have changed it) and, in the user
	// scope, the shell's selection of it
	l, err := s.lookupAt(scope)
	if err != nil {
		return nil, err
	}
	name := ch.Selected
	if name == "" {
		name = stored
		for _, r := range ch.Renamed {
			if r.Old == stored {
				name = r.New
			}
		}
	}
	got, _, err := l.exact(name)
	if err != nil {
		return nil, err
	}
	if got == nil {
		return nil, &profile.NotFoundError{Kind: "context", Ref: name}
	}
	res.Context = *got
	if s.session != nil && scope == profile.ScopeUser && ch.Selected == "" {
		if err := s.selectInShell(newSelection(*got, l.header())); err != nil {
			return nil, err
		}
		res.Selected = got.Name
	}
	return res, nil
}

// standInTakes gives the session's context of c's name and identity, the
// one that stands for c in the shell, what c, a context a change in the
// user scope wrote to the profile, now holds: that scope is the shell's and
// the profile's (Azure PowerShell's CurrentUser: the process and the
// disk). It writes nothing when the session has no such context.
func (s *State) standInTakes(c profile.Context) error {
	sp, err := s.session.Load()
	if err != nil {
		return sessionError(err)
	}
	if indexStandIn(sp, &c) < 0 {
		return nil
	}
	_, err = s.session.Update(func(p *profile.Profile) error {
		if i := indexStandIn(p, &c); i >= 0 {
			p.Contexts[i] = c.Clone()
		}
		return nil
	})
	if err != nil {
		return sessionError(err)
	}
	return nil
}

// promote moves the session's context c to the profile as newName (see
// RenameContext), tokens first.
func (s *State) promote(l *lookup, c *profile.Context, newName string, force, standsFor bool) (profile.Removal, error) {
	var rem profile.Removal
	if err := profile.CheckName(newName); err != nil {
		return rem, err
	}
	unlock, err := s.carryTokens(c.Account)
	if err != nil {
		return rem, err
	}
	defer unlock()
	hdr := l.header()
	acct := hdr.Account(c.Account)
	moved := *c
	moved.Name = newName
	if _, err := s.store.Update(func(p *profile.Profile) error {
		rem = profile.Removal{}
		i := indexName(p, newName)
		if i >= 0 && !p.Contexts[i].SameIdentity(&moved) {
			if !force {
				return fmt.Errorf("context %q: %w", p.Contexts[i].Name, profile.ErrNameTaken)
			}
			r, err := p.RemoveContext(p.Contexts[i].Name)
			if err != nil {
				return err
			}
			rem, i = r, -1
		}
		if i < 0 && standsFor && renameStandIn(p, c, newName) {
			i = indexName(p, newName)
		}
		if acct != nil && p.Account(acct.Key()) == nil {
			p.UpsertAccount(*acct)
		}
		keepEnvironment(p, moved.Environment, hdr)
		if i >= 0 {
			// c, moved by a rename stopped before the session let go of
			// it, or a copy of c: the move updates it
			// (TestARenameIntoTheUserScopeStoppedBeforeTheSessionLetGoIsFinishedByItsRetry)
			p.Contexts[i] = moved
		} else {
			p.Contexts = append(p.Contexts, moved)
		}
		return nil
	}); err != nil {
		return rem, err
	}
	_, err = s.session.Update(func(p *profile.Profile) error {
		if p.Context(c.Name) == nil {
			return nil
		}
		_, err := p.RemoveContext(c.Name)
		return err
	})
	if err != nil {
		return rem, sessionError(err)
	}
	return rem, nil
}
