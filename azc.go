package azc

import (
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"time"

	"github.com/azcontext/azc/profile"
)

// Scopes, re-exported for convenience.
const (
	ScopeUser    = profile.ScopeUser
	ScopeProcess = profile.ScopeProcess
)

// ErrNoSession reports a change in the process scope when no session is
// attached (Options.Session is nil).
var ErrNoSession = errors.New("no session: the process scope needs one")

// ErrNoContext reports that no context was named and neither the session
// nor the profile has a default.
var ErrNoContext = errors.New("no context selected")

// Session is the process scope: a profile that lives as long as a shell.
// The session package implements it. Update must apply fn to fresh state
// and persist the result atomically, like profile.Store.Update.
type Session interface {
	Load() (*profile.Profile, error)
	Update(fn func(*profile.Profile) error) (*profile.Profile, error)
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
}

// State is an open state directory plus, optionally, a session. It holds
// no cached profile: every call reads fresh state, so changes by other
// processes are seen at once. A State is safe for concurrent use.
type State struct {
	store   *profile.Store
	session Session
	log     *slog.Logger
}

// Open opens the state directory opts.Dir, creating it when missing. It
// fails with a *profile.InsecureDirError when other users can write to it.
func Open(opts Options) (*State, error) {
	if opts.Dir == "" {
		return nil, errors.New("azc: open: no state directory given")
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if isNil(opts.Session) {
		opts.Session = nil
	}
	st, err := profile.Open(opts.Dir, profile.Options{LockTimeout: opts.LockTimeout, Logger: log})
	if err != nil {
		return nil, err
	}
	return &State{store: st, session: opts.Session, log: log}, nil
}

// Store returns the user-scope profile store.
func (s *State) Store() *profile.Store { return s.store }

// HasSession reports whether a session is attached.
func (s *State) HasSession() bool { return s.session != nil }

// Profile returns the merged view the commands work on: the user profile's
// contexts, accounts and environments, plus the session's; a session
// context replaces a user context of the same name, and the session's
// default wins over the profile's. The result is a fresh copy.
func (s *State) Profile() (*profile.Profile, error) {
	v, err := s.view()
	if err != nil {
		return nil, err
	}
	return v.merged, nil
}

// Entry is a context in the merged view with where it lives.
type Entry struct {
	profile.Context
	// Scope is where the context is stored.
	Scope profile.Scope
	// Current marks the context Resolve("") returns.
	Current bool
}

// Contexts lists the merged view's contexts in profile order (user
// contexts first, then session-only ones), marking the current one.
func (s *State) Contexts() ([]Entry, error) {
	v, err := s.view()
	if err != nil {
		return nil, err
	}
	cur, _ := v.merged.Default()
	out := make([]Entry, len(v.merged.Contexts))
	for i, c := range v.merged.Contexts {
		out[i] = Entry{Context: c, Scope: v.scopeOf[i], Current: cur != nil && cur.Name == c.Name}
	}
	return out, nil
}

// Resolve returns the context ref names (see profile.(*Profile).Find for
// the forms accepted). An empty ref means the session's default, else the
// profile's default; with neither, Resolve returns an error wrapping
// ErrNoContext. The caller applies the --context flag and AZC_CONTEXT
// before calling: they are a non-empty ref.
func (s *State) Resolve(ref string) (*profile.Context, error) {
	if s.session == nil {
		// Only the profile: decode the one context ref names.
		v, err := s.store.View()
		if err != nil {
			return nil, err
		}
		return resolve(v, ref)
	}
	l, err := s.lookup()
	if err != nil {
		return nil, err
	}
	c, _, err := l.resolve(ref)
	return c, err
}

// ResolveEntry is Resolve that also returns the scope the context lives
// in, whether it is the current one, and the merged view's accounts and
// environments (a Profile without its contexts): what a command that uses
// the context's account and environment, or shows it, next needs. It reads
// the state once, and decodes only the context an exact name (or the
// default) picks.
func (s *State) ResolveEntry(ref string) (*profile.Profile, Entry, error) {
	l, err := s.lookup()
	if err != nil {
		return nil, Entry{}, err
	}
	c, scope, err := l.resolve(ref)
	if err != nil {
		return nil, Entry{}, err
	}
	return l.header(), Entry{Context: *c, Scope: scope, Current: l.current(c)}, nil
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

// Update applies fn to the profile of scope and saves it, as
// profile.(*Store).Update does. ScopeProcess without a session gives
// ErrNoSession.
func (s *State) Update(scope profile.Scope, fn func(*profile.Profile) error) (*profile.Profile, error) {
	switch scope {
	case profile.ScopeUser:
		return s.store.Update(fn)
	case profile.ScopeProcess:
		if s.session == nil {
			return nil, ErrNoSession
		}
		return s.session.Update(fn)
	default:
		return nil, fmt.Errorf("azc: unknown scope %d", scope)
	}
}

// Use makes the context ref names the default of scope and returns it; ref
// "-" returns to that scope's previous context (profile.ErrNoPrevious when
// there is none). ref is resolved in the merged view; a context the user
// scope lacks is copied into it (with its account), as Select-AzContext
// does. A session's default may name a user context.
func (s *State) Use(scope profile.Scope, ref string) (*profile.Context, error) {
	if scope == profile.ScopeUser && s.session == nil {
		// Everything is in the profile: resolve and switch under one read,
		// decoding only the context chosen.
		c, err := s.store.SetDefault(ref)
		if err != nil {
			return nil, err
		}
		return &c, nil
	}
	var cur *profile.Profile
	var err error
	switch scope {
	case profile.ScopeUser:
		cur, err = s.store.Load()
	case profile.ScopeProcess:
		if s.session == nil {
			return nil, ErrNoSession
		}
		cur, err = s.session.Load()
	default:
		return nil, fmt.Errorf("azc: unknown scope %d", scope)
	}
	if err != nil {
		return nil, err
	}
	if ref == "-" {
		if cur == nil || cur.PreviousContext == "" {
			return nil, profile.ErrNoPrevious
		}
		ref = cur.PreviousContext
	}
	v, err := s.view()
	if err != nil {
		return nil, err
	}
	c, err := v.merged.Find(ref)
	if err != nil {
		return nil, err
	}
	want := *c
	acct := v.merged.Account(c.Account)
	_, err = s.Update(scope, func(p *profile.Profile) error {
		if scope == profile.ScopeUser && p.Context(want.Name) == nil {
			if acct != nil {
				p.UpsertAccount(*acct)
			}
			if _, err := p.UpsertContext(want, profile.UpsertOptions{}); err != nil {
				return err
			}
		}
		setDefaultName(p, want.Name)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &want, nil
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

func setDefaultName(p *profile.Profile, name string) {
	if strings.EqualFold(p.DefaultContext, name) {
		return
	}
	if p.DefaultContext != "" {
		p.PreviousContext = p.DefaultContext
	}
	p.DefaultContext = name
}

type view struct {
	merged  *profile.Profile
	scopeOf []profile.Scope
}

func (s *State) view() (*view, error) {
	user, err := s.store.Load()
	if err != nil {
		return nil, err
	}
	var sess *profile.Profile
	if s.session != nil {
		if sess, err = s.session.Load(); err != nil {
			return nil, fmt.Errorf("session: %w", err)
		}
	}
	return merge(user, sess), nil
}

// merge makes the merged view of the user profile, which it changes and
// keeps, and the session's state (nil for none).
func merge(user, sess *profile.Profile) *view {
	v := &view{merged: user}
	v.scopeOf = make([]profile.Scope, len(user.Contexts))
	for i := range v.scopeOf {
		v.scopeOf[i] = profile.ScopeUser
	}
	if sess == nil {
		return v
	}
	m := user
	for _, a := range sess.Accounts {
		if m.Account(a.Key()) == nil {
			m.Accounts = append(m.Accounts, a)
		}
	}
	for _, e := range sess.Environments {
		if _, err := m.Environment(e.Name); err != nil {
			m.Environments = append(m.Environments, e)
		}
	}
	for _, c := range sess.Contexts {
		if i := indexName(m, c.Name); i >= 0 {
			m.Contexts[i] = c
			v.scopeOf[i] = profile.ScopeProcess
			continue
		}
		m.Contexts = append(m.Contexts, c)
		v.scopeOf = append(v.scopeOf, profile.ScopeProcess)
	}
	if sess.DefaultContext != "" {
		m.DefaultContext = sess.DefaultContext
		m.PreviousContext = sess.PreviousContext
	}
	return v
}

func indexName(p *profile.Profile, name string) int {
	for i := range p.Contexts {
		if strings.EqualFold(p.Contexts[i].Name, name) {
			return i
		}
	}
	return -1
}
