package contexts

import (
	"context"
	"errors"
	"fmt"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/profile"
)

// RenameOptions are the inputs of `context rename`.
type RenameOptions struct {
	Old, New string
	Force    bool
	Scope    string
	// Credentials drops the credentials of accounts left with no context.
	Credentials Credentials
}

// Credentials is what removing contexts needs of the sign-in code
// (package accounts in azc-full), which this package, linked by the azc
// binary, must not link.
type Credentials struct {
	// Drop deletes the credential blobs of the accounts keys that scope's
	// profile, as just written, no longer names, after a removal of
	// contexts: in the user scope, an account a live shell's selection
	// uses keeps its tokens (accounts.DropCredentials).
	Drop func(ctx context.Context, st *azc.State, scope profile.Scope, keys []string) error
	// SignOut deletes them after a sign-out (context clear), from the
	// shells that hold the accounts too (accounts.SignOutCredentials).
	SignOut func(ctx context.Context, st *azc.State, scope profile.Scope, keys []string) error
	// DropReleased drops the tokens that only ended shells, or shells that
	// selected another context, held (accounts.DropReleased).
	DropReleased func(ctx context.Context, st *azc.State) error
	// Probe takes and releases the credential locks of the accounts keys
	// in scope's store before a removal, so that one that cannot be taken
	// fails it with nothing removed (accounts.ProbeCredentialLocks).
	Probe func(ctx context.Context, st *azc.State, scope profile.Scope, keys []string) error
}

// probe is Credentials.Probe over the accounts of the contexts refs name
// in scope's profile (every context when refs is nil); a reference that
// names none is left to the removal to report.
func (c Credentials) probe(ctx context.Context, st *azc.State, scope profile.Scope, refs []string) error {
	p, err := cmdutil.ScopeProfile(st, scope)
	if err != nil {
		return err
	}
	var keys []string
	if refs == nil {
		for _, a := range p.Accounts {
			keys = append(keys, a.Key())
		}
	}
	find := p.Finder()
	for _, ref := range refs {
		if i, err := find(ref); err == nil {
			keys = append(keys, p.Contexts[i].Account)
		}
	}
	return c.Probe(ctx, st, scope, keys)
}

// ProbeReplaced is probe (Credentials.Probe) over the account of the
// context that holds want's name in scope's profile when that context is
// of another identity: the one a forced write of want replaces (`context
// set`, `context rename`, `login --context-name`), and its account with it
// when that was the account's last context.
func ProbeReplaced(ctx context.Context, st *azc.State, scope profile.Scope, want *profile.Context, probe func(ctx context.Context, st *azc.State, scope profile.Scope, keys []string) error) error {
	if want.Name == "" {
		return nil
	}
	p, err := cmdutil.ScopeProfile(st, scope)
	if err != nil {
		return err
	}
	old := p.Context(want.Name)
	if old == nil || old.SameIdentity(want) {
		return nil
	}
	return probe(ctx, st, scope, []string{old.Account})
}

// placeScope is the scope rename and remove ask of the library: --scope's;
// without it, 0 (where the context lives) while the scope rule gives the
// user scope, and the process scope when it gives that (autosave off), so
// that neither changes the profile when a change is to stay in the shell,
// and neither runs without a session then (cmdutil.ChangeScope's error).
// rule is the rule's decision when it chose the process scope.
func placeScope(f *cmdutil.Factory, st *azc.State, flag string) (profile.Scope, ruleScope, error) {
	scope, err := cmdutil.ParseScope(flag)
	if err != nil || scope != 0 {
		return scope, ruleScope{}, err
	}
	d, err := cmdutil.ScopeDecision(f, st, "")
	if err != nil || d.Scope == profile.ScopeUser {
		return 0, ruleScope{}, err
	}
	return d.Scope, ruleScope(d), nil
}

// ruleScope is the scope rule's decision of the process scope for a change
// without --scope; zero when --scope chose, or the rule chose the user
// scope.
type ruleScope azc.ScopeDecision

// explain gives an *azc.ScopeError of a change whose process scope the
// rule chose the reason and the way out: its own speaks of --scope
// process, which was not given.
func (r ruleScope) explain(err error) error {
	var se *azc.ScopeError
	if r.Source == "" || !errors.As(err, &se) {
		return err
	}
	return cmdutil.WithHint(fmt.Errorf("context %q is in the user scope, and autosave is off here (set by the %s): the change would stay in this shell, which holds no copy of it to change", se.Name, r.Source),
		cmdutil.ExitFailure, "pass --scope user to change it for every shell")
}

// RenameRun renames a context: `context rename` once its arguments are
// parsed.
func RenameRun(ctx context.Context, f *cmdutil.Factory, out cmdutil.Output, opts *RenameOptions) error {
	st, err := f.State()
	if err != nil {
		return err
	}
	scope, byRule, err := placeScope(f, st, opts.Scope)
	if err != nil {
		return err
	}
	if opts.Force {
		// a reference that names no context is left to the rename to
		// report; the shell's own copy replaces none
		if c, into, err := st.RenameTarget(scope, opts.Old); err == nil && into != 0 {
			want := *c
			want.Name = opts.New
			if err := ProbeReplaced(ctx, st, into, &want, opts.Credentials.Probe); err != nil {
				return err
			}
		}
	}
	ren, err := st.RenameContext(scope, opts.Old, opts.New, opts.Force)
	if err != nil {
		return byRule.explain(err)
	}
	if err := opts.Credentials.Drop(ctx, st, ren.Scope, ren.Replaced.OrphanedAccounts); err != nil {
		return err
	}
	msg := []string{fmt.Sprintf("renamed context %s to %s", profile.QuoteShort(ren.Old), profile.QuoteShort(opts.New))}
	switch {
	case ren.Moved:
		msg[0] += " and moved it from this shell's session to the user scope, with its account and tokens"
	case ren.Copy:
		msg[0] += " (this shell's own copy)"
	}
	for _, c := range ren.Replaced.Contexts {
		msg = append(msg, fmt.Sprintf("removed context %s, which held that name", profile.QuoteShort(c.Name)))
	}
	if out.Plain() {
		return out.PrintChange(f, nil, msg...)
	}
	shape, err := ShapeOne(st, opts.New)
	if err != nil {
		return err
	}
	return out.PrintChange(f, shape, msg...)
}

// RemoveOptions are the inputs of `context remove`.
type RemoveOptions struct {
	Refs        []string
	Force       bool
	Scope       string
	Credentials Credentials
}

// Removed is the JSON shape of what `context remove`, `context clear` and
// `logout` removed.
type Removed struct {
	// Contexts are the names of the contexts removed.
	Contexts []string `json:"contexts"`
	// Accounts are the ids (as a context's account.id) of the accounts
	// removed, with their tokens: signed out, or left with no context and
	// held by no live shell (azc.State.Held).
	Accounts []string `json:"accounts"`
	// Default is the context that became the default because the removal
	// took the old one: the first remaining one.
	Default string `json:"default,omitempty"`
	// Current is the context this shell uses when the removal changed it.
	Current string `json:"current,omitempty"`
}

// RemoveRun removes contexts, asking before it removes the default:
// `context remove` once its arguments are parsed.
func RemoveRun(ctx context.Context, f *cmdutil.Factory, out cmdutil.Output, opts *RemoveOptions) error {
	st, err := f.State()
	if err != nil {
		return err
	}
	scope, byRule, err := placeScope(f, st, opts.Scope)
	if err != nil {
		return err
	}
	if scope == profile.ScopeProcess || !opts.Force {
		// what cannot be removed (no shell, a context of the profile in
		// the process scope, a name of no context) is said before anything
		// is asked
		targets, err := st.CheckRemove(scope, opts.Refs)
		if err != nil {
			return byRule.explain(err)
		}
		for _, t := range targets {
			if opts.Force || !t.Default && !t.Current {
				continue
			}
			ok, err := cmdutil.Confirm(ctx, f.IOStreams, fmt.Sprintf("remove %q, %s?", t.Name, whichDefault(t)), "--force")
			if err != nil {
				return err
			}
			if !ok {
				return cmdutil.ErrCancelled
			}
		}
	}
	if err := opts.Credentials.probe(ctx, st, scope, opts.Refs); err != nil {
		return err
	}
	rem, err := st.RemoveContexts(scope, opts.Refs)
	if err != nil {
		return byRule.explain(err)
	}
	return finishRemoval(ctx, f, out, st, rem, opts.Credentials, false)
}

// whichDefault says which of the defaults t, a context a removal asks
// about, is: the profile's, the one the shell uses, or both.
func whichDefault(t azc.RemoveTarget) string {
	switch {
	case t.Default && t.Current:
		return "the default context, which this shell uses"
	case t.Default:
		return "the default context"
	}
	return "the context this shell uses"
}

// finishRemoval drops the credentials of the accounts a removal orphaned,
// from the store of the scope each went from, and reports it. A removal
// keeps the tokens of an account a live shell holds; a sign-out (clear)
// does not.
func finishRemoval(ctx context.Context, f *cmdutil.Factory, out cmdutil.Output, st *azc.State, rem *azc.Removed, creds Credentials, signOut bool) error {
	drop := creds.Drop
	if signOut {
		drop = creds.SignOut
	}
	if err := drop(ctx, st, profile.ScopeUser, rem.User.OrphanedAccounts); err != nil {
		return err
	}
	if err := drop(ctx, st, profile.ScopeProcess, rem.Session.OrphanedAccounts); err != nil {
		return err
	}
	if err := creds.DropReleased(ctx, st); err != nil {
		return err
	}
	left, err := st.Profile()
	if err != nil {
		return err
	}
	removed := Removed{Contexts: []string{}, Accounts: []string{}}
	ax := left.AccountIndex()
	used := make(map[string]bool) // NameKey of the account of each context left
	for i := range left.Contexts {
		used[profile.NameKey(left.Contexts[i].Account)] = true
	}
	var lines []string
	line := func(format string, a ...any) {
		lines = append(lines, fmt.Sprintf(format, a...))
	}
	// orphan reports the account k, left with no context: removed with
	// its tokens, or, when heldStays, keeping them while another shell
	// holds it
	reported := make(map[string]bool) // NameKey of each account orphan reported
	orphan := func(k string, heldStays bool) error {
		if used[profile.NameKey(k)] || reported[profile.NameKey(k)] {
			return nil
		}
		reported[profile.NameKey(k)] = true
		id := ax.AccountID(&profile.Context{Account: k})
		if heldStays {
			if held, err := st.Held(k); err != nil {
				return err
			} else if held {
				line("account %s has no context left; its tokens stay while another shell still uses its own copy of one of its contexts, until that shell selects another or ends (`azc logout %s` signs it out everywhere)", id, id)
				return nil
			}
		}
		removed.Accounts = append(removed.Accounts, id)
		line("removed account %s: it has no context left", id)
		return nil
	}
	for _, r := range []struct {
		rem   profile.Removal
		where string
		scope profile.Scope
	}{{rem.User, "user scope", profile.ScopeUser}, {rem.Session, "this shell's session", profile.ScopeProcess}} {
		for _, c := range r.rem.Contexts {
			removed.Contexts = append(removed.Contexts, c.Name)
			line("removed context %s (%s)", profile.QuoteShort(c.Name), r.where)
		}
		for _, k := range r.rem.OrphanedAccounts {
			if err := orphan(k, r.scope == profile.ScopeUser && !signOut); err != nil {
				return err
			}
		}
	}
	if rem.Dropped != "" {
		removed.Contexts = append(removed.Contexts, rem.Dropped)
		line("removed context %s (this shell's own copy)", profile.QuoteShort(rem.Dropped))
		// its account's tokens, in the user's store, went with it
		// (DropReleased) when nothing names or holds the account any more
		if !left.NamesAccount(rem.DroppedAccount) {
			if err := orphan(rem.DroppedAccount, true); err != nil {
				return err
			}
		}
	}
	if len(removed.Contexts) == 0 {
		line("no contexts to remove")
	}
	if rem.Promoted != "" {
		removed.Default = rem.Promoted
		line("%q is now the default context (the first remaining one)", rem.Promoted)
	}
	if rem.Unselected || rem.Selected != "" {
		if cur, err := st.Resolve(""); err == nil {
			removed.Current = cur.Name
			line("this shell now uses %q", cur.Name)
		} else {
			line("this shell has no context now")
		}
	}
	return out.PrintChange(f, removed, lines...)
}

// ClearOptions are the inputs of `context clear`.
type ClearOptions struct {
	Force       bool
	Scope       string
	Credentials Credentials
}

// ClearRun removes every context and account of a scope, asking first:
// `context clear` once its arguments are parsed.
func ClearRun(ctx context.Context, f *cmdutil.Factory, out cmdutil.Output, opts *ClearOptions) error {
	st, scope, err := cmdutil.StateAndScope(f, opts.Scope)
	if err != nil {
		return err
	}
	if !opts.Force {
		ok, err := cmdutil.Confirm(ctx, f.IOStreams, fmt.Sprintf("remove every context and account in the %s?", Where(st, scope)), "--force")
		if err != nil {
			return err
		}
		if !ok {
			return cmdutil.ErrCancelled
		}
	}
	if err := opts.Credentials.probe(ctx, st, scope, nil); err != nil {
		return err
	}
	rem, err := st.Clear(scope)
	if err != nil {
		return err
	}
	return finishRemoval(ctx, f, out, st, rem, opts.Credentials, true)
}
