package azc

import (
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"sync"
	"time"

	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/session"
)

// Scopes, re-exported for convenience.
const (
	ScopeUser    = profile.ScopeUser
	ScopeProcess = profile.ScopeProcess
)

// ErrNoSession reports a change in the process scope when no session is
// attached (Options.Session is nil).
var ErrNoSession = errors.New("no session: the process scope needs one")

// sessionError says that err came from the session (the process scope),
// in the words users know it by.
func sessionError(err error) error { return fmt.Errorf("this shell's session: %w", err) }

// ErrNoContext reports that no context was named and neither the session
// nor the profile has a default.
var ErrNoContext = errors.New("no context selected")

// Session is the process scope: a profile that lives as long as a shell,
// and the shell's selection. The session package implements it. Update
// must apply fn to fresh state and persist the result atomically, like
// profile.Store.Update; so must UpdateSelections. What Load, Update and
// Selections return must be the caller's (a fresh copy): State hands
// parts of it to its own callers, whose changes must not reach the
// session.
type Session interface {
	Load() (*profile.Profile, error)
	Update(fn func(*profile.Profile) error) (*profile.Profile, error)
	Selections() (session.Selections, error)
	UpdateSelections(fn func(*session.Selections) error) error
}

// Options configure Open.
type Options struct {
	// Dir is the state directory (required); DefaultDir computes the usual one.
	Dir string
	// LockTimeout bounds waits for the profile lock; 0 means 10s.
	LockTimeout time.Duration
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
	// Session is the process scope; nil means there is none.
	Session Session
	// AutosaveEnv is the caller's reading of $AZC_AUTOSAVE (or
	// AzContextAutoSave, Azure_Profile_Autosave), as AutosaveEnv reads
	// them; nil when none is set. It takes part in the scope rule (see
	// ChangeScope) and decides whether the profile's contexts are seen.
	AutosaveEnv *bool
	// UserBlobs opens the user's credential store, for the changes that
	// move a context's tokens into the user scope; nil: tokens are not
	// moved.
	UserBlobs func() (credstore.Blobs, error)
	// Getenv reads the variables azc exec exports to a program (AZC_CONTEXT
	// and ContextKeyVar), so that the name azc exec started it with stays
	// the context of that identity; nil: no name is held so.
	Getenv func(string) string
	// Interrupt, once closed (Ctrl-C), ends a change's wait for the
	// profile's lock with profile.ErrInterrupted, changing nothing.
	Interrupt <-chan struct{}
}

// State is an open state directory plus, optionally, a session. It holds
// no cached profile: every call reads fresh state, so changes by other
// processes are seen at once. A State is safe for concurrent use. A
// method given a scope that is neither ScopeUser nor ScopeProcess (nor 0,
// for those that give 0 a meaning: where a context lives, the scope rule's
// choice, the merged view) fails with "unknown scope N" before it changes
// anything.
type State struct {
	dir       string
	store     *profile.Store
	session   Session
	log       *slog.Logger
	env       *bool
	userBlobs func() (credstore.Blobs, error)
	started   *profile.Context // see ContextKeyVar
}

// Open opens the state directory opts.Dir. It creates nothing: a missing
// directory reads as empty, and the first change makes it. It fails with a
// *profile.InsecureDirError when other users can write to it, and a
// *profile.UnsafePathError when it is a relative path, a symbolic link or
// another user's (see profile.Open).
func Open(opts Options) (*State, error) {
	if opts.Dir == "" {
		return nil, errors.New("open: no state directory given")
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if isNil(opts.Session) {
		opts.Session = nil
	}
	st, err := profile.Open(opts.Dir, profile.Options{LockTimeout: opts.LockTimeout, Logger: log, Interrupt: opts.Interrupt})
	if err != nil {
		return nil, err
	}
	var env *bool // the caller's reading, as it is now
	if opts.AutosaveEnv != nil {
		on := *opts.AutosaveEnv
		env = &on
	}
	return &State{dir: opts.Dir, store: st, session: opts.Session, log: log, env: env, userBlobs: opts.UserBlobs,
		started: startedContext(opts.Getenv)}, nil
}

// Store returns the user-scope profile store.
func (s *State) Store() *profile.Store { return s.store }

// HasSession reports whether a session is attached.
func (s *State) HasSession() bool { return s.session != nil }

// Profile returns the merged view the commands work on: the user
// profile's contexts, accounts and environments, plus the
// session's; a session context replaces a user context of the same name.
// Its DefaultContext is the current context's name (Resolve("")), and the
// shell's own copy of a selected context that was removed elsewhere is
// one of its contexts. The result is a fresh copy.
func (s *State) Profile() (*profile.Profile, error) { return s.ProfileAt(0) }

// ProfileAt is Profile for a change asked of scope: without a session, a
// change to the user scope sees the profile's contexts even when autosave
// off hides them from the shell (the change is to the profile).
func (s *State) ProfileAt(scope profile.Scope) (*profile.Profile, error) {
	l, err := s.lookupAt(scope)
	if err != nil {
		return nil, err
	}
	v, err := l.view()
	if err != nil {
		return nil, err
	}
	return v.merged, nil
}

// Entry is a context in the merged view with where it lives.
type Entry struct {
	profile.Context
	// Scope is where the context is stored; the shell's own copy of a
	// context removed elsewhere (OwnCopy), which no scope's profile
	// stores, counts as the scope whose credential store holds its
	// account's tokens: the session's when the account signed in there,
	// else the user's.
	Scope profile.Scope
	// Current marks the context Resolve("") returns.
	Current bool
	// OwnCopy marks the shell's own copy of its selection, removed
	// elsewhere: only the shell's session holds it (see Stored).
	OwnCopy bool
	// Credentials is the scope whose credential store holds the tokens of
	// the context's account (set by ResolveEntry and SetCredentials):
	// Scope, except for a context of the session whose account signed in
	// at user scope.
	Credentials profile.Scope
}

// Stored is the scope that stores e, as a command shows it: Scope, but the
// process scope for the shell's own copy, which no other shell sees.
func (e *Entry) Stored() profile.Scope {
	if e.OwnCopy {
		return profile.ScopeProcess
	}
	return e.Scope
}

// Contexts lists the merged view's contexts in profile order (user
// contexts first, then session-only ones), marking the current one.
func (s *State) Contexts() ([]Entry, error) {
	v, err := s.view()
	if err != nil {
		return nil, err
	}
	cur := v.merged.DefaultContext
	out := make([]Entry, len(v.merged.Contexts))
	for i, c := range v.merged.Contexts {
		out[i] = Entry{Context: c, Scope: v.scopeOf[i], Current: cur != "" && sameName(cur, c.Name), OwnCopy: v.own && i == len(out)-1}
	}
	return out, nil
}

// Resolve returns the context ref names (see profile.(*Profile).Find for
// the forms accepted). An empty ref means the context the shell uses: its
// selection, held by identity, else the profile's default; with neither,
// Resolve returns an error wrapping ErrNoContext. The caller applies the
// --context flag and AZC_CONTEXT before calling: they are a non-empty ref.
func (s *State) Resolve(ref string) (*profile.Context, error) {
	if s.session == nil && s.env == nil && !s.isStarted(ref) {
		// Only the profile: decode the one context ref names.
		v, err := s.store.View()
		if err != nil {
			return nil, err
		}
		if userVisible(nil, nil, v.Header().Settings.Autosave) {
			return resolve(v, ref)
		}
	}
	l, err := s.lookup()
	if err != nil {
		return nil, err
	}
	c, _, err := l.use(ref)
	return c, err
}

// ResolveEntry is Resolve that also returns the scope the context lives
// in, whether it is the current one, and the merged view's accounts and
// environments (a Profile without its contexts): what a command that uses
// the context's account and environment, or shows it, next needs. It reads
// the state once, and decodes only the context an exact name (or the
// default) picks.
func (s *State) ResolveEntry(ref string) (*profile.Profile, Entry, error) {
	// ref's context, and the current one for isCurrent
	var l *lookup
	var err error
	if s.isStarted(ref) {
		l, err = s.lookup() // found by identity: any context may be it
	} else {
		l, err = s.lookupKeeping(ref, "")
	}
	if err != nil {
		return nil, Entry{}, err
	}
	c, scope, err := l.use(ref)
	if err != nil {
		return nil, Entry{}, err
	}
	h := l.header()
	e := Entry{Context: *c, Scope: scope, Current: l.isCurrent(c, scope), OwnCopy: l.isOwnCopy(c), Credentials: s.credentials(c, scope)}
	return h, e, nil
}

// SetCredentials sets the Credentials of each of entries, contexts of
// the merged view (Contexts), as ResolveEntry sets an Entry's: for a
// command that uses the account of a context it found among them.
func (s *State) SetCredentials(entries []Entry) {
	of := map[string]profile.Scope{} // by the NameKey of a session context's account
	for i := range entries {
		e := &entries[i]
		if e.Scope != profile.ScopeProcess {
			e.Credentials = e.Scope
			continue
		}
		k := profile.NameKey(e.Account)
		if _, ok := of[k]; !ok {
			of[k] = s.credentials(&e.Context, e.Scope)
		}
		e.Credentials = of[k]
	}
}

// credentials is the scope whose credential store holds the tokens of
// the account of c, a context of scope: scope, except for a context
// of the session whose account signed in at user scope (the session's
// store holds no blob of it), though the profile may name that account no
// more: its last user context went while the shell used this one, and the
// user's store keeps its tokens while the shell holds it (State.Held); or
// autosave off hides the profile's contexts from the shell, which keeps
// its own
// (TestASessionContextOfAUserAccountKeepsTheUsersTokensWhenAutosaveGoesOff).
func (s *State) credentials(c *profile.Context, scope profile.Scope) profile.Scope {
	if scope == profile.ScopeProcess {
		if sb := s.SessionBlobs(); sb != nil {
			// a blob whose key is gone is the session's sign-in, lost:
			// not a reason to use the user's
			if _, err := sb.Get(c.Account); errors.Is(err, credstore.ErrNotFound) && !errors.Is(err, credstore.ErrKeyLost) {
				return profile.ScopeUser
			}
		}
	}
	return scope
}

// Resolver returns Resolve over one reading of the state, giving each
// context with the scope it lives in, for a command that resolves many
// references: it does not see a change made after it was made. The
// function is safe for concurrent use.
func (s *State) Resolver() (func(ref string) (*profile.Context, profile.Scope, error), error) {
	l, err := s.lookup()
	if err != nil {
		return nil, err
	}
	var mu sync.Mutex // l decodes the merged view once, on first need
	return func(ref string) (*profile.Context, profile.Scope, error) {
		mu.Lock()
		defer mu.Unlock()
		return l.use(ref)
	}, nil
}

// finder is what resolve needs: *profile.Profile, or the lazy
// *profile.View over the user scope alone.
type finder interface {
	Find(ref string) (*profile.Context, error)
	Default() (*profile.Context, error)
}

func resolve(p finder, ref string) (*profile.Context, error) {
	if ref != "" {
		return p.Find(ref)
	}
	c, err := p.Default()
	if errors.Is(err, profile.ErrNoDefault) {
		return nil, ErrNoContext
	}
	if err != nil {
		return nil, fmt.Errorf("default context: %w", err)
	}
	return c, nil
}

// ResolveIn is Resolve over p, a merged view the caller has read
// (Profile, ProfileAt) for its own use, so that it reads the state once:
// ref names a context of p, and "" p's default (ErrNoContext when it has
// none). The name azc exec started the program with is, as Resolve takes
// it, the context of its identity (ContextKeyVar), which may be the
// shell's own copy and so none of p's.
func (s *State) ResolveIn(p *profile.Profile, ref string) (*profile.Context, error) {
	if s.isStarted(ref) {
		return s.Resolve(ref)
	}
	return resolve(p, ref)
}

// isNil reports whether s is nil or a typed nil pointer, such as a nil
// *session.Session stored in the interface.
func isNil(s Session) bool {
	if s == nil {
		return true
	}
	v := reflect.ValueOf(s)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// namesAt maps the folded name of each of p's contexts to its position
// (the first, should two share one): indexName for many names.
func namesAt(p *profile.Profile) map[string]int {
	m := make(map[string]int, len(p.Contexts))
	for i := range p.Contexts {
		if k := fold(p.Contexts[i].Name); !hasName(m, k) {
			m[k] = i
		}
	}
	return m
}

func hasName(m map[string]int, k string) bool {
	_, ok := m[k]
	return ok
}

func indexName(p *profile.Profile, name string) int {
	for i := range p.Contexts {
		if sameName(p.Contexts[i].Name, name) {
			return i
		}
	}
	return -1
}
