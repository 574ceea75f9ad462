package accounts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/contexts"
	"github.com/azcontext/azc/profile"
)

// LogoutOptions is argv of `azc logout`.
type LogoutOptions struct {
	// Account is the id (or key) of the account to sign out.
	Account string
	// All signs every account out.
	All bool
	// Ref names the context whose account is signed out when neither
	// Account nor All is given (-c, $AZC_CONTEXT, the default).
	Ref   string
	Scope string
}

// LogoutRun signs accounts out, removing their credentials and contexts:
// `azc logout` once its arguments are parsed.
func LogoutRun(ctx context.Context, f *cmdutil.Factory, out cmdutil.Output, o *LogoutOptions) error {
	st, err := f.State()
	if err != nil {
		return err
	}
	decision, err := cmdutil.ScopeDecision(f, st, o.Scope)
	if err != nil {
		return err
	}
	scope := decision.Scope
	// what the sign-out acts on: the profile's accounts too when --scope
	// user asks without a session, though autosave off hides them
	merged, err := st.ProfileAt(scope)
	if err != nil {
		return err
	}
	// The accounts of the merged view, and in the user scope those that
	// only other shells' own copies still name (their tokens stay for
	// them until a sign-out: azc.State.Held).
	ax := merged.AccountIndex()
	known := make([]string, 0, len(merged.Accounts))
	for _, a := range merged.Accounts {
		known = append(known, a.Key())
	}
	// and the accounts only contexts name (profile.json edited by hand):
	// their contexts cannot get a token, and a sign-out removes them
	unheld := map[string]bool{}
	for _, c := range merged.Contexts {
		if k := profile.NameKey(c.Account); ax.Account(k) == nil && !unheld[k] {
			unheld[k] = true
			known = append(known, k)
		}
	}
	if scope == profile.ScopeUser {
		held, err := st.HeldAccounts()
		if err != nil {
			return err
		}
		var blobs *credstore.Store
		for _, k := range held {
			if slices.ContainsFunc(known, func(o string) bool { return profile.SameName(o, k) }) {
				continue
			}
			// only an account whose tokens the user's store keeps: one
			// that another shell signed in at process scope is that
			// shell's, which no sign-out here reaches
			if cmdutil.UserStoreUnmade(f) {
				break
			}
			if blobs == nil {
				if blobs, err = cmdutil.UserBlobs(f); err != nil {
					return err
				}
			}
			if has, err := blobs.Has(k); has || err != nil {
				known = append(known, k)
			}
		}
	}
	// Which accounts: matched by id or key as names are (SameName), the
	// white space around what was typed aside, as Find takes a reference.
	var keys []string
	account := strings.TrimSpace(o.Account)
	switch {
	case o.All:
		keys = known
	case o.Account != "": // spaces alone name no account, as no context
		var ids []string
		for _, k := range known {
			id := ax.AccountID(&profile.Context{Account: k})
			if account != "" && (profile.SameName(id, account) || profile.SameName(k, account)) {
				keys = append(keys, k)
			}
			ids = append(ids, id)
		}
		if len(keys) == 0 {
			if account == "" {
				return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: &profile.NotFoundError{Kind: "account", Ref: o.Account},
					Hints: []string{"`azc context list` shows the signed-in accounts"}}
			}
			// Signing out is idempotent: an account that is not signed in
			// (a retry, a sign-out elsewhere) is nothing to do. A name
			// close to a signed-in account's gets a hint, as a typo.
			msg := fmt.Sprintf("account %s is not signed in (%s): nothing to sign out", profile.QuoteShort(account), contexts.Where(st, scope))
			if err := out.PrintChange(f, contexts.Removed{Contexts: []string{}, Accounts: []string{}}, msg); err != nil {
				return err
			}
			if hint := cmdutil.DidYouMean(cmdutil.Suggest(account, ids), func(s string) string { return fmt.Sprintf("%q", s) }); hint != "" {
				cmdutil.PrintHint(f.IOStreams, hint)
			}
			return nil
		}
	default:
		c, err := st.ResolveIn(merged, o.Ref)
		if errors.Is(err, azc.ErrNoContext) && len(known) == 0 {
			// nothing is signed in: nothing to do, as a second sign-out
			msg := fmt.Sprintf("no account is signed in (%s): nothing to sign out", contexts.Where(st, scope))
			return out.PrintChange(f, contexts.Removed{Contexts: []string{}, Accounts: []string{}}, msg)
		}
		if err != nil {
			return err
		}
		keys = append(keys, c.Account)
	}
	// In the process scope an account is signed in when the session holds
	// it, or a context of it: one of the user scope is not, though the
	// shell sees it, and its sign-out there takes nothing of it.
	var inSession func(key string) bool
	if scope == profile.ScopeProcess {
		sp, err := st.Session().Load()
		if err != nil {
			return err
		}
		inSession = sp.NamesAccount
	}
	// The credentials' locks must be usable before anything goes: one
	// azc refuses (a planted link) would fail the sign-out after the
	// contexts went, leaving tokens that nothing names any more.
	if err := ProbeCredentialLocks(ctx, f, st, scope, keys); err != nil {
		return err
	}
	if scope == profile.ScopeUser && st.HasSession() {
		if err := ProbeCredentialLocks(ctx, f, st, profile.ScopeProcess, keys); err != nil {
			return err
		}
	}
	before, beforeErr := st.Resolve("") // the shell's context, which a removal may change
	removed, err := st.RemoveAccounts(scope, keys)
	if err != nil {
		return err
	}
	// The contexts are gone; now the credentials (see
	// auth.DropCredentials), from every scope the accounts went from: a
	// sign-out takes them from the shells that hold them too.
	if err := SignOutCredentials(ctx, f, st, scope, keys); err != nil {
		return err
	}
	if scope == profile.ScopeUser && st.HasSession() {
		if err := SignOutCredentials(ctx, f, st, profile.ScopeProcess, keys); err != nil {
			return err
		}
	}
	// and the tokens that only ended shells still held
	if err := DropReleased(ctx, f, st); err != nil {
		return err
	}
	// and, signing everything out, the blobs of no account at all
	unused := 0
	if o.All && scope == profile.ScopeUser {
		if unused, err = DropUnused(ctx, f, st); err != nil {
			return err
		}
	}
	names := make([]string, 0, len(removed.User.Contexts)+len(removed.Session.Contexts)+1)
	for _, c := range append(removed.User.Contexts, removed.Session.Contexts...) {
		names = append(names, c.Name)
	}
	if removed.Dropped != "" {
		// the shell's own copy of a context of the accounts
		names = append(names, removed.Dropped)
	}
	ids := make([]string, 0, len(keys))
	// an identity signed in to two clouds is two accounts with one id:
	// the message names each as every message does (AccountName)
	labels := make([]string, 0, len(keys))
	for _, k := range keys {
		if inSession != nil && !inSession(k) && !profile.SameName(k, removed.DroppedAccount) {
			continue
		}
		ids = append(ids, ax.AccountID(&profile.Context{Account: k}))
		labels = append(labels, ax.AccountName(k))
	}
	msg := []string{fmt.Sprintf("signed out %s (%s); removed %s", strings.Join(labels, ", "), contexts.Where(st, scope), cmdutil.Plural(len(names), "context"))}
	hint := ""
	switch {
	case len(keys) == 0:
		msg[0] = fmt.Sprintf("no account is signed in (%s): nothing to sign out", contexts.Where(st, scope))
	case len(ids) == 0:
		// every account named is of the user scope
		msg[0], hint = userScopeOnly(ax.AccountID(&profile.Context{Account: keys[0]}), len(keys) > 1, decision)
	}
	if unused > 0 {
		msg = append(msg, fmt.Sprintf("removed %s, left by a sign-out or a sign-in that was stopped", cmdutil.Plural(unused, "unused credential blob")))
	}
	result := contexts.Removed{Contexts: names, Accounts: ids, Default: removed.Promoted}
	if removed.Promoted != "" {
		msg = append(msg, fmt.Sprintf("%s is now the default context (the first remaining one)", profile.QuoteShort(removed.Promoted)))
	}
	if removed.Unselected || removed.Selected != "" {
		if cur, err := st.Resolve(""); err == nil {
			result.Current = cur.Name
			if beforeErr != nil || cur.Name != before.Name || !cur.SameIdentity(before) {
				msg = append(msg, fmt.Sprintf("this shell now uses %s", profile.QuoteShort(cur.Name)))
			}
		} else {
			msg = append(msg, "this shell has no context now: sign in with `azc login`")
		}
	}
	if err := out.PrintChange(f, result, msg...); err != nil {
		return err
	}
	if hint != "" {
		cmdutil.PrintHint(f.IOStreams, hint)
	}
	return nil
}

// userScopeOnly is the message and the hint of a sign-out in the process
// scope of accounts signed in at user scope alone (of the account id, or
// of several): nothing to sign out there, and how to sign them out of
// every shell, which depends on what chose the process scope.
func userScopeOnly(id string, several bool, d azc.ScopeDecision) (msg, hint string) {
	msg = fmt.Sprintf("account %s is not signed in (process scope): nothing to sign out", profile.QuoteShort(id))
	it, them := "it is", "it"
	if several {
		msg = "no account is signed in (process scope): nothing to sign out"
		it, them = "the accounts are", "them"
	}
	if d.Source == azc.SourceFlag {
		return msg, fmt.Sprintf("%s signed in at user scope: run it without --scope process to sign %s out of every shell", it, them)
	}
	return msg, fmt.Sprintf("%s signed in at user scope, and autosave is off here (set by the %s): pass --scope user to sign %s out of every shell", it, d.Source, them)
}
