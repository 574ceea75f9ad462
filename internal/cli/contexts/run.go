// Package contexts is what `azc context` (list, show, use, set, rename,
// remove, clear, export, import), `azc use` and `azc prompt` do once their
// arguments are parsed, and the JSON shapes of contexts: for each command
// an Options struct and a run function that calls the azc library. It
// links neither cobra nor MSAL: the azc binary's fast path runs list, show,
// use and prompt itself. What needs the sign-in code (dropping an account's
// credentials, looking a subscription up in ARM, --refresh) comes in
// through the Options, which azc-full's wiring (package cli) fills from
// package accounts.
package contexts

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/picker"
	"github.com/azcontext/azc/profile"
)

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// ListOptions are the inputs of `context list`.
type ListOptions struct {
	// Refresh, when not nil, asks ARM again for every account's tenants
	// and subscriptions first (--refresh: accounts.RefreshAll).
	Refresh func(ctx context.Context, st *azc.State) error
}

// ListRun lists the contexts in the output out: `context list` once its
// arguments are parsed.
func ListRun(ctx context.Context, f *cmdutil.Factory, out cmdutil.Output, opts *ListOptions) (err error) {
	st, err := f.State()
	if err != nil {
		return err
	}
	if opts.Refresh != nil {
		if err := opts.Refresh(ctx, st); err != nil {
			return err
		}
		// the refresh has written what it found
		defer func() { err = cmdutil.AfterChange(err) }()
	}
	if out.Plain() {
		// The table is laid out straight from the file, decoding no
		// context of the profile; the other formats decode them all for
		// their JSON shapes.
		ml, err := st.List()
		if err != nil {
			return err
		}
		if ml.Len() == 0 {
			// a new install, or the profile's contexts hidden: no
			// table, and the way to fill it
			if cmdutil.HintMissingContexts(f) {
				return nil
			}
		}
		return out.Print(f, nil, mergedTable(ml))
	}
	if !st.HasSession() {
		// every context is the user's
		p, err := st.Profile()
		if err != nil {
			return err
		}
		return out.Print(f, cmdutil.Lazy(func() any { return shapeUser(p) }), nil)
	}
	cs, err := ShapeAll(st)
	if err != nil {
		return err
	}
	return out.Print(f, cs, listTable(cs))
}

// ShapeAll returns the JSON shapes of the merged view's contexts, each
// decoded once.
func ShapeAll(st *azc.State) ([]Context, error) {
	if !st.HasSession() {
		// every context is the user's: shape them straight from the
		// profile, without a list of entries in between
		p, err := st.Profile()
		if err != nil {
			return nil, err
		}
		return shapeUser(p), nil
	}
	p, entries, err := Load(st)
	if err != nil {
		return nil, err
	}
	return shapeEntries(p, entries), nil
}

// Load reads the merged view once: the profile (for accounts) and the
// contexts with their scope and current mark.
func Load(st *azc.State) (*profile.Profile, []azc.Entry, error) {
	p, err := st.Profile()
	if err != nil {
		return nil, nil, err
	}
	if st.HasSession() {
		// only the library knows which contexts the session holds
		entries, err := st.Contexts()
		return p, entries, err
	}
	// without a session every context is the user's: one read of the
	// profile instead of two (cur points into p.Contexts, nil without a
	// default)
	cur, _ := p.Default()
	entries := make([]azc.Entry, len(p.Contexts))
	for i := range p.Contexts {
		entries[i] = azc.Entry{Context: p.Contexts[i], Scope: profile.ScopeUser, Current: cur == &p.Contexts[i]}
	}
	return p, entries, nil
}

// ShapeOne returns the JSON shape of the context named name.
func ShapeOne(st *azc.State, name string) (Context, error) {
	if !st.HasSession() {
		v, err := st.Store().View()
		if err != nil {
			return Context{}, err
		}
		i := v.NameIndex(name)
		if i < 0 {
			return Context{}, &profile.NotFoundError{Kind: "context", Ref: name}
		}
		return shapeAt(v, i)
	}
	p, entries, err := Load(st)
	if err != nil {
		return Context{}, err
	}
	for i := range entries {
		if profile.SameName(entries[i].Name, name) {
			return indexAccounts(p).shape(&entries[i].Context, entries[i].Stored(), entries[i].Current), nil
		}
	}
	return Context{}, &profile.NotFoundError{Kind: "context", Ref: name}
}

// ShowOptions are the inputs of `context show`.
type ShowOptions struct {
	// Ref names the context; empty means -c, $AZC_CONTEXT or the default.
	Ref string
}

// ShowRun shows the context opts names in the output out: `context show`
// once its arguments are parsed.
func ShowRun(f *cmdutil.Factory, out cmdutil.Output, opts *ShowOptions) error {
	st, err := f.State()
	if err != nil {
		return err
	}
	// The merged view (the profile's skim, and the session's state when
	// there is one), decoding the context an exact name (or the default)
	// picks.
	p, e, err := st.ResolveEntry(opts.Ref)
	if err != nil {
		return err
	}
	c := indexAccounts(p).shape(&e.Context, e.Stored(), e.Current)
	return out.Print(f, c, showTable(c))
}

// shapeAt returns the JSON shape of the view's context i, a user context.
func shapeAt(v *profile.View, i int) (Context, error) {
	c, err := v.Context(i)
	if err != nil {
		return Context{}, err
	}
	cur, _ := v.DefaultIndex()
	return indexAccounts(v.Header()).shape(c, profile.ScopeUser, cur == i), nil
}

// UseOptions are the inputs of `context use` and `use`.
type UseOptions struct {
	// Ref names the context; "-" is the previous one; empty opens the picker.
	Ref   string
	Scope string
}

// UseRun switches to the context opts names and reports it in the output
// out: `use` and `context use` once their arguments are parsed. Without a
// name it opens the picker, which ctx ending (Ctrl-C) closes.
func UseRun(ctx context.Context, f *cmdutil.Factory, out cmdutil.Output, opts *UseOptions) error {
	st, err := f.State()
	if err != nil {
		return err
	}
	if opts.Ref == "" {
		if opts.Ref, err = pick(ctx, f, st); err != nil {
			return err
		}
	}
	scope, err := cmdutil.ChangeScope(f, st, opts.Scope)
	if err != nil {
		return err
	}
	c, err := st.Use(scope, opts.Ref)
	if err != nil {
		return shellPrevious(st, scope, err)
	}
	msg := fmt.Sprintf("switched to context %s (%s)", profile.QuoteShort(c.Name), Where(st, scope))
	if out.Plain() {
		err = out.PrintChange(f, nil, msg)
	} else {
		var shape any
		if shape, err = ShapeOne(st, c.Name); err == nil {
			err = out.PrintChange(f, shape, msg)
		}
	}
	if env := cmdutil.ContextRef(f, ""); err == nil && env != "" {
		// the variable comes before the default use changed (DESIGN §3),
		// in every output format; white space alone is set, as every
		// command reads it (ContextRef), and names no context
		if e, rerr := st.Resolve(env); rerr != nil || !profile.SameName(e.Name, c.Name) {
			cmdutil.Warn(f.IOStreams, fmt.Sprintf("AZC_CONTEXT=%s still picks the context azc uses here: unset it to use %s", profile.QuoteShort(env), profile.QuoteShort(c.Name)))
		}
	}
	return err
}

// shellPrevious gives err, the error of `use` in scope, the way back to
// the context the shell used before when err is that the profile has no
// previous context and the shell keeps one of its own: `use -` follows
// the scope rule, and the shell's selection remembers its own last switch,
// whichever scope that switch was made in.
func shellPrevious(st *azc.State, scope profile.Scope, err error) error {
	if !errors.Is(err, profile.ErrNoPrevious) || scope != profile.ScopeUser || !st.HasSession() {
		return err
	}
	sels, serr := st.Session().Selections()
	if serr != nil || sels.Previous == nil {
		return err
	}
	return cmdutil.WithHint(err, cmdutil.ExitFailure, "this shell keeps its own previous context: `azc use - --scope process` returns to it")
}

// Where says where a change to scope applies: "process scope" (this shell
// only), "user scope" or, inside a shell, "user scope and this shell" (a
// user-scope change applies to the shell too).
func Where(st *azc.State, scope profile.Scope) string {
	if scope == profile.ScopeUser && st.HasSession() {
		return "user scope and this shell"
	}
	return cmdutil.ScopeName(scope) + " scope"
}

// pick opens the fuzzy picker over the contexts, on the current one, or
// explains why it cannot. Backing out ends azc with ExitInterrupted and no
// message.
func pick(ctx context.Context, f *cmdutil.Factory, st *azc.State) (string, error) {
	in, ok := f.IOStreams.In.(*os.File)
	if !ok || !f.IOStreams.IsStdinTTY() || f.IOStreams.IsDumb() {
		return "", &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("no context named"),
			Hints: []string{"name one: `azc use NAME` (or `azc use -` for the previous one); `azc context list` lists them"}}
	}
	cs, err := ShapeAll(st)
	if err != nil {
		return "", err
	}
	if len(cs) == 0 {
		return "", &cmdutil.ExitError{Code: cmdutil.ExitInteraction, Err: fmt.Errorf("there are no contexts to choose from"),
			Hints: []string{"sign in with `azc login`, or import contexts with `azc context import FILE`"}}
	}
	items := make([]picker.Item, len(cs))
	current := 0
	for i, c := range cs {
		mark := ""
		if c.Current {
			mark, current = "(current)", i
		}
		items[i] = picker.Item{Label: c.Name, Details: []string{c.tenantText(), c.Account.ID, mark}}
	}
	i, err := picker.Pick(ctx, in, f.IOStreams.ErrOut, "context>", items, current)
	if errors.Is(err, picker.ErrCancelled) {
		return "", &cmdutil.SilentExit{Code: cmdutil.ExitInterrupted}
	}
	if err != nil {
		return "", err
	}
	return cs[i].Name, nil
}
