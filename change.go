package azc

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/session"
)

// Change reports what a change did, besides its own work, to the
// defaults.
type Change struct {
	// Promoted is the context that became the scope's default because the
	// change removed the default: the first remaining one. "" when the
	// change did not remove the default, or left no context.
	Promoted string
	// Selected is the context the shell uses after the change, when the
	// change moved the shell's selection to it.
	Selected string
	// Unselected reports that the change dropped the shell's selection
	// (its context went): the shell now uses the profile's default.
	Unselected bool
	// Renamed are the contexts the change added under a name that a
	// context of another identity holds in the other scope, and the
	// distinct names they got instead.
	Renamed []Rename
}

// Rename is a context's name before and after a change.
type Rename struct{ Old, New string }

// Update applies fn to the profile of scope and saves it, as
// profile.(*Store).Update does, with the rules of Change. ScopeProcess
// without a session gives ErrNoSession.
func (s *State) Update(scope profile.Scope, fn func(*profile.Profile) error) (*profile.Profile, error) {
	p, _, err := s.change(scope, choosesNone(fn))
	return p, err
}

// Change applies fn to the profile of scope and saves it, keeping the
// rules of the defaults, which it reports:
//   - A change that removes the scope's default makes the first remaining
//     context the default.
//   - In the user scope, inside a shell: when fn makes another context the
//     default (a sign-in, an import), the shell selects it too; when fn
//     removes the context the shell selected, the shell selects the new
//     default.
//   - In the process scope, the default fn sets becomes the shell's
//     selection.
//   - A context fn adds to one scope under a name that a context of
//     another identity holds in the other scope gets a distinct name, so
//     that names stay unique across what a shell sees.
func (s *State) Change(scope profile.Scope, fn func(*profile.Profile) error) (*Change, error) {
	_, ch, err := s.change(scope, choosesNone(fn))
	return ch, err
}

// ChangeDefault is Change for a change that may choose the scope's
// default (a sign-in, an import of a file with a default): fn reports
// whether it did. In the user scope inside a shell, the shell then
// selects that default even when it was the default before, so that the
// same change again, after one stopped before it selected the default in
// the shell, selects it
// (TestASignInStoppedBeforeTheShellSelectedItsDefaultSelectsItWhenRunAgain).
func (s *State) ChangeDefault(scope profile.Scope, fn func(*profile.Profile) (chose bool, err error)) (*Change, error) {
	_, ch, err := s.change(scope, fn)
	return ch, err
}

// choosesNone is fn for change: a change that chooses no default.
func choosesNone(fn func(*profile.Profile) error) func(*profile.Profile) (bool, error) {
	return func(p *profile.Profile) (bool, error) { return false, fn(p) }
}

func (s *State) change(scope profile.Scope, fn func(*profile.Profile) (bool, error)) (*profile.Profile, *Change, error) {
	ch := &Change{}
	var sel *session.Selection
	if s.session != nil {
		sels, err := s.session.Selections()
		if err != nil {
			return nil, nil, sessionError(err)
		}
		sel = sels.Current
	}
	var (
		pick *session.Selection
		drop bool
		p    *profile.Profile
		err  error
	)
	switch scope {
	case profile.ScopeUser:
		var other *profile.Profile // the session's contexts, whose names new ones avoid
		if s.session != nil {
			if other, err = s.session.Load(); err != nil {
				return nil, nil, sessionError(err)
			}
		}
		taken := takenInSession(other)
		p, err = s.store.Update(func(p *profile.Profile) error {
			*ch, pick, drop = Change{}, nil, false
			old := defaultOf(p)
			// the shell's selection is a context of this scope: none of
			// the session's has its identity (lookup.held finds those
			// first), so removing it here moves the shell
			had := sel != nil && identityIn(p, &sel.Context) && (other == nil || !identityIn(other, &sel.Context))
			var before map[string]bool
			if other != nil && len(other.Contexts) > 0 {
				before = names(p)
			}
			chose, err := fn(p)
			if err != nil {
				return err
			}
			if before != nil {
				ch.Renamed = keepApart(p, before, taken)
			}
			keepEnvironments(p, other)
			ch.Promoted = promote(p, old)
			now := defaultOf(p)
			switch {
			case ch.Promoted == "" && now != nil && (chose || old == nil || !now.SameIdentity(old)):
				// fn chose a default (a sign-in, an import, set); one
				// that only stands in for a removed default moves a
				// shell whose context went, below
				pick = selectionOf(p, now)
			case had && !identityIn(p, &sel.Context):
				if now != nil {
					pick = selectionOf(p, now)
				} else {
					drop = true
				}
			}
			return nil
		})
	case profile.ScopeProcess:
		if s.session == nil {
			return nil, nil, ErrNoSession
		}
		var user *profile.View
		if user, err = s.store.View(); err != nil {
			return nil, nil, err
		}
		var own error // fn's, or the profile's: not the session's
		p, err = s.session.Update(func(p *profile.Profile) error {
			pick, ch.Renamed, ch.Unselected, own = nil, nil, false, nil
			// the selection as it is under the session's lock: one a
			// sign-in stored since sel was read is one this change may
			// take away
			sels, err := s.session.Selections()
			if err != nil {
				return err
			}
			sel := sels.Current
			had := sel != nil && identityIn(p, &sel.Context)
			before := names(p)
			// the process scope's default always becomes the selection
			if _, own = fn(p); own != nil {
				return own
			}
			ch.Renamed = keepApart(p, before, takenIn(user, &own))
			if own != nil {
				return own
			}
			keepEnvironments(p, user.Header())
			if d := defaultOf(p); d != nil {
				pick = selectionOf(p, d)
			} else if had && !identityIn(p, &sel.Context) {
				// the selection goes before the session's profile is
				// written: a command stopped in between leaves the
				// context, not a selection of one that went
				// (TestAProcessScopeRemovalStoppedBeforeTheSelectionLeavesNoSelectionOfWhatWent)
				if own = s.selectInShell(nil); own != nil {
					return own
				}
				ch.Unselected = true
			}
			p.DefaultContext, p.PreviousContext = "", ""
			return nil
		})
		if err != nil && err != own {
			err = sessionError(err)
		}
	default:
		return nil, nil, knownScope(scope, false)
	}
	if err != nil {
		return nil, nil, err
	}
	switch {
	case s.session != nil && pick != nil:
		kept, err := s.selectWritten(scope, pick)
		if err != nil {
			return nil, nil, err
		}
		if kept {
			ch.Selected = pick.Context.Name
		}
	case s.session != nil && drop:
		if err := s.selectInShell(nil); err != nil {
			return nil, nil, err
		}
		ch.Unselected = true
	}
	return p, ch, nil
}

// errNothingToWrite ends a session's Update that only looked under its
// lock.
var errNothingToWrite = errors.New("nothing to write")

// selectWritten makes sel, a context of scope that the change just wrote,
// the shell's selection, unless a removal of it (a sign-out in this shell,
// which drops the selection of what it removes) came in between: it
// reports whether the shell selects it. In the process scope the context
// is looked for and selected under the lock of the session's profile, the
// one under which a removal looks for the selection; in the user scope,
// the selection is stored first and the profile, then the session's,
// read after it, as the removal writes the profile first and reads the
// selection after it, so that one of the two sees the other's write; a
// context of its identity that the session holds keeps the selection.
func (s *State) selectWritten(scope profile.Scope, sel *session.Selection) (bool, error) {
	if scope == profile.ScopeProcess {
		kept := false
		var own error // selectInShell's, which names the session itself
		_, err := s.session.Update(func(p *profile.Profile) error {
			if !identityIn(p, &sel.Context) {
				return errNothingToWrite
			}
			if own = s.selectInShell(sel); own != nil {
				return own
			}
			kept = true
			return errNothingToWrite
		})
		switch {
		case errors.Is(err, errNothingToWrite):
			return kept, nil
		case err != nil && err == own:
			return false, err
		case err != nil:
			return false, sessionError(err)
		}
		return kept, nil
	}
	if err := s.selectInShell(sel); err != nil {
		return false, err
	}
	v, err := s.store.View()
	if err != nil {
		return false, err
	}
	if i := v.NameIndex(sel.Context.Name); i >= 0 {
		if c, err := v.Context(i); err == nil && c.SameIdentity(&sel.Context) {
			return true, nil
		}
	}
	p, err := v.Profile()
	if err != nil {
		return false, err
	}
	if identityIn(p, &sel.Context) {
		return true, nil
	}
	// the session's context of its identity stands for it, as lookup
	// finds it; a sign-out that takes that one too reads the selection
	// under the session's lock (change)
	own, err := s.session.Load()
	if err != nil {
		return false, sessionError(err)
	}
	if identityIn(own, &sel.Context) {
		return true, nil
	}
	return false, s.unselect(sel)
}

// unselect drops the shell's selection when it is still sel.
func (s *State) unselect(sel *session.Selection) error {
	return s.storeSelection("", nil, func(sels *session.Selections) {
		if sels.Current != nil && sameSelection(sels.Current, sel) {
			sels.Current = nil
		}
	})
}

// storeSelection applies fn to the shell's selections, under the hold of
// key (the account of the selection about to be stored, "" for none):
// what Hold and its settle keep true, that a removal of an account's last
// context finds the shell that uses it. check, when not nil, runs once the
// hold names key, and its error ends the change with the hold settled
// back to the selection's account.
func (s *State) storeSelection(key string, check func() error, fn func(*session.Selections)) error {
	settle := func() error { return nil }
	if h, ok := s.session.(holder); ok {
		var err error
		if settle, err = h.Hold(s.dir, key); err != nil {
			return sessionError(err)
		}
		if check != nil {
			if err := check(); err != nil {
				if herr := settle(); herr != nil {
					return sessionError(herr)
				}
				return err
			}
		}
	}
	err := s.session.UpdateSelections(func(sels *session.Selections) error {
		fn(sels)
		return nil
	})
	if err != nil {
		return sessionError(err)
	}
	if err := settle(); err != nil {
		return sessionError(err)
	}
	return nil
}

// holder is implemented by sessions that tell other processes which
// account their selection uses (*session.Session does, see session.Held):
// Hold adds the account of a selection about to be stored, keeping the
// ones held before; its settle, once the selection is stored (or was
// not), holds the account of the selection the session then has, beside
// those of other switches still running.
type holder interface {
	Hold(stateDir, key string) (settle func() error, err error)
}

// selectInShell makes sel the shell's current selection (nil: none, the
// shell uses the profile's default), keeping the one before as previous.
// The session's hold follows first: a removal elsewhere that finds the
// selection's context gone finds its account held. Until the selection is
// stored the hold names the old selection's account too, so that a
// process stopped in between leaves the shell's selection held.
func (s *State) selectInShell(sel *session.Selection) error {
	return s.selectIn(sel, false, nil)
}

// selectReadContext is selectInShell for a context of the user scope
// that the command read before it selects it (azc use): a removal of the
// account's last context that ran in between may have found no hold and
// dropped the account's tokens (auth.DropCredentials reads the holds
// under the account's lock in the user's store). So once the hold names
// the account, it takes that lock and fails, as for a context removed
// meanwhile, when the account's blob is gone and the profile names the
// account no more; the hold goes back to the selection's account. A
// removal after that check finds the hold.
func (s *State) selectReadContext(sel *session.Selection) error {
	return s.selectIn(sel, true, nil)
}

// selectIn is selectInShell, or selectReadContext when check is set; was,
// when not nil, becomes the previous selection of a shell that has none
// (the profile's default it used).
func (s *State) selectIn(sel *session.Selection, check bool, was *session.Selection) error {
	key := ""
	if sel != nil {
		key = sel.Context.Account
	}
	var kept func() error
	if check && key != "" {
		kept = func() error {
			err := s.tokensKept(key)
			if errors.Is(err, errTokensDropped) {
				return &profile.NotFoundError{Kind: "context", Ref: sel.Context.Name}
			}
			return err
		}
	}
	return s.storeSelection(key, kept, func(sels *session.Selections) {
		if sels.Current != nil && (sel == nil || !sameSelection(sels.Current, sel)) {
			sels.Previous = sels.Current
		} else if sels.Current == nil && was != nil {
			sels.Previous = was
		}
		sels.Current = sel
	})
}

func sameSelection(a, b *session.Selection) bool {
	return sameName(a.Context.Name, b.Context.Name) && a.Context.SameIdentity(&b.Context)
}

// selectionOf is the selection of p's context c: copies of it, of its
// account and of its custom environment.
func selectionOf(p *profile.Profile, c *profile.Context) *session.Selection {
	return newSelection(p.Clone().Contexts[indexName(p, c.Name)], p)
}

// newSelection is the selection of c, a context of the view h: c, and
// copies of its account and of its custom environment as h has them, so
// that the shell keeps working on its own copy when another process
// removes them (docs/sessions.md).
func newSelection(c profile.Context, h *profile.Profile) *session.Selection {
	sel := &session.Selection{Context: c}
	if a := h.Account(c.Account); a != nil {
		cp := a.Clone()
		sel.Account = &cp
	}
	if e, err := h.Environment(c.Environment); err == nil && !e.BuiltIn {
		sel.Environment = &e
	}
	return sel
}

// defaultOf returns a copy of p's default context, or nil.
func defaultOf(p *profile.Profile) *profile.Context {
	c, err := p.Default()
	if err != nil {
		return nil
	}
	cp := *c
	return &cp
}

// promote makes the first remaining context p's default when the default
// was old and is gone (Azure PowerShell's rule), and returns its name.
func promote(p *profile.Profile, old *profile.Context) string {
	if old == nil || defaultOf(p) != nil {
		return ""
	}
	p.DefaultContext = ""
	if len(p.Contexts) == 0 {
		return ""
	}
	p.DefaultContext = p.Contexts[0].Name
	return p.DefaultContext
}

// identityIn reports whether p holds a context of c's identity.
func identityIn(p *profile.Profile, c *profile.Context) bool {
	for i := range p.Contexts {
		if p.Contexts[i].SameIdentity(c) {
			return true
		}
	}
	return false
}

// names is the set of p's context names, folded.
func names(p *profile.Profile) map[string]bool {
	m := make(map[string]bool, len(p.Contexts))
	for i := range p.Contexts {
		m[fold(p.Contexts[i].Name)] = true
	}
	return m
}

// keepApart gives each context of p whose name is not in before (it is
// new, or was renamed) and that taken reports held in the other scope a
// distinct name, and points p's default at it; it returns those renames.
func keepApart(p *profile.Profile, before map[string]bool, taken func(*profile.Context) bool) []Rename {
	var renamed []Rename
	var at map[string]int // p's names (namesAt), made at the first rename
	for i := range p.Contexts {
		c := &p.Contexts[i]
		if before[fold(c.Name)] || !taken(c) {
			continue
		}
		if at == nil {
			at = namesAt(p)
		}
		old := c.Name
		c.Name = distinctName(p, at, c, func(n string) bool {
			t := *c
			t.Name = n
			return taken(&t)
		})
		if j, ok := at[fold(old)]; ok && j == i {
			delete(at, fold(old))
		}
		at[fold(c.Name)] = i
		if sameName(p.DefaultContext, old) {
			p.DefaultContext = c.Name
		}
		renamed = append(renamed, Rename{Old: old, New: c.Name})
	}
	return renamed
}

// takenIn returns keepApart's taken for a context of the session: whether
// a context of another identity holds its name in user, the profile's
// contexts. An error reading one is joined to *errp and counts as not
// taken.
func takenIn(user *profile.View, errp *error) func(*profile.Context) bool {
	return func(c *profile.Context) bool {
		i := user.NameIndex(c.Name)
		if i < 0 {
			return false
		}
		o, err := user.Context(i)
		if err != nil {
			*errp = errors.Join(*errp, err)
			return false
		}
		return !o.SameIdentity(c)
	}
}

// takenInSession is keepApart's taken for a context of the profile:
// whether a context of another identity holds its name in sess, the
// session's profile (nil: none does).
func takenInSession(sess *profile.Profile) func(*profile.Context) bool {
	if sess == nil {
		return func(*profile.Context) bool { return false }
	}
	at := namesAt(sess)
	return func(c *profile.Context) bool {
		i, ok := at[fold(c.Name)]
		return ok && !sess.Contexts[i].SameIdentity(c)
	}
}

// distinctName is the name c gets when its own is taken: the first of its
// apart names that no other context of p holds and taken does not report.
// at is p's names (namesAt), which the caller keeps as p's names change.
func distinctName(p *profile.Profile, at map[string]int, c *profile.Context, taken func(string) bool) string {
	acct := p.AccountID(c)
	for n := 1; ; n++ {
		name := apartName(c.Name, acct, n)
		if j, ok := at[fold(name)]; (!ok || &p.Contexts[j] == c) && !taken(name) {
			return name
		}
	}
}

// apartName is the n-th name (from 1) distinctName tries for a context
// called name of the account acct: "<name> (<account>)", then "<name>
// (<account> 2)" ….
func apartName(name, acct string, n int) string {
	if n == 1 {
		return fmt.Sprintf("%s (%s)", name, acct)
	}
	return fmt.Sprintf("%s (%s %d)", name, acct, n)
}

// NamesApart returns, for a change of scope that writes a context under
// a name it was given (`context set --name`, an import), the name to
// write it under: when the other scope holds c.Name for another identity,
// a change under that name made c's identity a context of a distinct name
// (keepApart), and the same change again is to update that one, not add
// another; else c.Name. Call it inside the change's fn, on the profile fn
// is given, and the function it returns for each context, before p
// changes (it keeps an index of p's names); its error is the one of
// reading a context of the profile.
func (s *State) NamesApart(scope profile.Scope) (func(p *profile.Profile) func(c *profile.Context) (string, error), error) {
	if err := knownScope(scope, false); err != nil {
		return nil, err
	}
	var taken func(*profile.Context) bool
	var errp error
	// held is whether the other scope holds c's name at all, a lookup that
	// reads nothing: p's names are searched only for a name it holds, so
	// an import of thousands of contexts searches them for none.
	var held func(*profile.Context) bool
	switch {
	case scope == profile.ScopeProcess && s.session != nil:
		user, err := s.store.View()
		if err != nil {
			return nil, err
		}
		taken = takenIn(user, &errp)
		held = func(c *profile.Context) bool { return user.NameIndex(c.Name) >= 0 }
	case scope == profile.ScopeUser && s.session != nil:
		sp, err := s.session.Load()
		if err != nil {
			return nil, sessionError(err)
		}
		taken = takenInSession(sp)
		held = taken
	default:
		taken = takenInSession(nil)
		held = taken
	}
	return func(p *profile.Profile) func(c *profile.Context) (string, error) {
		var at map[string]int // p's names (namesAt), made when first asked
		return func(c *profile.Context) (string, error) {
			if c.Name == "" || !held(c) {
				return c.Name, errp
			}
			if at == nil {
				at = namesAt(p)
			}
			if hasName(at, fold(c.Name)) || !taken(c) {
				return c.Name, errp
			}
			if j := keptApartIndex(p, at, c); j >= 0 {
				return p.Contexts[j].Name, nil
			}
			return c.Name, errp
		}
	}, nil
}

// keptApartIndex is the position in p of the context of c's identity that
// a change naming it c.Name made before, when the other scope held that
// name: the first of c's apart names that p holds for c's identity, among
// those p holds one after the other; -1 when there is none. at is p's
// names (namesAt).
func keptApartIndex(p *profile.Profile, at map[string]int, c *profile.Context) int {
	acct := p.AccountID(c)
	for n := 1; ; n++ {
		j, ok := at[fold(apartName(c.Name, acct, n))]
		if !ok {
			return -1
		}
		if p.Contexts[j].SameIdentity(c) {
			return j
		}
	}
}

// fold is the key names share exactly when sameName holds between them.
func fold(name string) string { return profile.NameKey(name) }

// keepEnvironments is keepEnvironment for every context of p, a scope's
// profile that a change wrote, from the other scope's (nil: none): a
// context set or imported into a shell's session keeps a copy of the
// user's environment it uses, and one of the profile the session's. When
// p lacks none of from's environments, no context is looked at.
func keepEnvironments(p, from *profile.Profile) {
	if from == nil || !slices.ContainsFunc(from.Environments, func(e profile.Environment) bool {
		_, err := p.Environment(e.Name)
		return err != nil
	}) {
		return
	}
	for _, c := range p.Contexts {
		keepEnvironment(p, c.Environment, from)
	}
}

// keepEnvironment adds to p, a profile a context of environment name
// moves into, the custom environment of that name from from (the view the
// context came from) when p has none: a context that moves from a shell
// into the profile takes its cloud with it, as it takes its account and
// tokens, so that no scope holds a context of a cloud it cannot see.
func keepEnvironment(p *profile.Profile, name string, from *profile.Profile) {
	if _, err := p.Environment(name); err == nil || from == nil {
		return
	}
	if e, err := from.Environment(name); err == nil && !e.BuiltIn {
		_ = p.SetEnvironment(e) // a custom environment's name is valid
	}
}

// carryTokens copies the credentials of account key from the session's
// store into the user's when the user's lacks them: a context that moves
// to the user scope takes its tokens with it. It returns holding the
// account's lock in the user's store, which the caller releases after it
// has written the profile: the lock order of docs/locking.md (the
// account's lock, then profile.lock), so a sign-out of the account racing
// the move cannot delete the copied blob before the profile names it.
func (s *State) carryTokens(key string) (unlock func(), err error) {
	unlock = func() {}
	sb := s.SessionBlobs()
	if sb == nil || s.userBlobs == nil {
		return unlock, nil
	}
	data, err := sb.Get(key)
	if errors.Is(err, credstore.ErrNotFound) {
		return unlock, nil
	}
	if err != nil {
		return unlock, fmt.Errorf("the credentials of this shell's session: %w", err)
	}
	ub, err := s.userBlobs()
	if err != nil {
		return unlock, err
	}
	if unlock, err = ub.Lock(context.Background(), key); err != nil {
		return func() {}, err
	}
	if _, err := ub.Get(key); err == nil {
		return unlock, nil
	} else if !errors.Is(err, credstore.ErrNotFound) {
		unlock()
		return func() {}, err
	}
	if err := ub.Put(key, data); err != nil {
		unlock()
		return func() {}, fmt.Errorf("moving credentials into the user scope: %w", err)
	}
	return unlock, nil
}

// AdoptDefault makes the user default the new shell's own selection, as a
// new PowerShell process loads the saved contexts once: from then on
// another shell's `azc use` or a rename elsewhere does not move this
// shell, while user-scope changes made inside it still do (Change). It
// does nothing when the shell already holds a selection, or sees no
// default (none is set, or autosave is off at user scope).
func (s *State) AdoptDefault() error {
	if s.session == nil {
		return ErrNoSession
	}
	// A default whose account's tokens a removal dropped while it was
	// being adopted is not taken (selectReadContext): the default as it
	// is after that removal is, read again. Each retry needs another
	// removal to have run meanwhile, so a few are plenty.
	var nf *profile.NotFoundError
	for range 10 {
		l, err := s.lookup()
		if err != nil {
			return err
		}
		if l.sel != nil {
			return nil
		}
		c, _, _, err := l.current()
		if errors.Is(err, ErrNoContext) {
			return nil
		}
		if err != nil {
			return err
		}
		if err = s.selectReadContext(newSelection(*c, l.header())); !errors.As(err, &nf) {
			return err
		}
	}
	return nf
}

// Held reports whether the selection of a live shell uses the account key
// (session.Held): its tokens stay, though no context of the profile names
// the account, until the shell selects another or ends, or the account
// signs out.
func (s *State) Held(key string) (bool, error) { return session.Held(s.dir, key) }

// HeldAccounts returns the keys of the accounts that the selections of
// live shells use (session.HeldAccounts): a sign-out of every account, or
// of one that only a shell's own copy still names, signs them out too.
func (s *State) HeldAccounts() ([]string, error) { return session.HeldAccounts(s.dir) }

// ReleaseHolds clears the holds of ended shells and the ones shells gave
// up, and returns their accounts' keys (session.ReleaseHolds): the caller
// drops the credentials of those that nothing names or holds any more.
func (s *State) ReleaseHolds() ([]string, error) { return session.ReleaseHolds(s.dir) }

// errTokensDropped: the account's tokens went with its last context.
var errTokensDropped = errors.New("the account's tokens were dropped")

// tokensKept checks, under the lock of account key in the user's store,
// that the account's blob is there or that the profile still names the
// account (an account that has no tokens: a later removal finds the
// shell's hold); else errTokensDropped.
func (s *State) tokensKept(key string) error {
	unlock, err := s.keepTokens(key)
	if err != nil {
		return err
	}
	unlock()
	return nil
}

// keepTokens is tokensKept returning with the account's lock held, which
// the caller releases: a removal of the account's last context drops its
// tokens under that lock, so it comes wholly before the check (and the
// check fails) or after the caller's hold names the account.
func (s *State) keepTokens(key string) (unlock func(), err error) {
	unlock = func() {}
	if !s.checksUserTokens(key) {
		return unlock, nil
	}
	ub, err := s.userBlobs()
	if err != nil {
		return nil, err
	}
	if unlock, err = ub.Lock(context.Background(), key); err != nil {
		return nil, err
	}
	kept, err := s.userTokensKept(ub, key)
	if err != nil || !kept {
		unlock()
		if err == nil {
			err = errTokensDropped
		}
		return nil, err
	}
	return unlock, nil
}

// checksUserTokens reports whether keepTokens(key) checks the tokens of
// account key in the user's store: not where the State opens no such
// store, nor for the session's own sign-in, whose tokens are the
// session's.
func (s *State) checksUserTokens(key string) bool {
	if s.userBlobs == nil {
		return false
	}
	if sb := s.SessionBlobs(); sb != nil {
		if _, err := sb.Get(key); err == nil {
			return false
		}
	}
	return true
}

// withUserBlobsFor opens the user's store now when keepTokens(key) would
// open it, and returns s serving that store to keepTokens: a switch that
// cannot open it fails before it changes anything, and the store is
// opened (its plaintext warning given) once.
func (s *State) withUserBlobsFor(key string) (*State, error) {
	if _, ok := s.session.(holder); !ok || key == "" || !s.checksUserTokens(key) {
		return s, nil
	}
	ub, err := s.userBlobs()
	if err != nil {
		return nil, err
	}
	c := *s
	c.userBlobs = func() (credstore.Blobs, error) { return ub, nil }
	return &c, nil
}

// userTokensKept is keepTokens' check under the lock of account key in
// the user's store ub.
func (s *State) userTokensKept(ub credstore.Blobs, key string) (bool, error) {
	if _, err := ub.Get(key); !errors.Is(err, credstore.ErrNotFound) || errors.Is(err, credstore.ErrKeyLost) {
		return true, nil
	}
	p, err := s.store.Load()
	if err != nil {
		return false, err
	}
	return p.NamesAccount(key), nil
}
