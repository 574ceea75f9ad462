package azc

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/session"
)

// SessionBlobs is implemented by sessions that keep their own credential
// blobs (*session.Session does): process-scope sign-ins store their tokens
// there, and enabling autosave moves them to the user's store.
type SessionBlobs interface {
	Blobs() credstore.Blobs
}

// WithSession returns a State over the same state directory whose process
// scope is sess (nil, or a typed nil pointer: none).
func (s *State) WithSession(sess Session) *State {
	if isNil(sess) {
		sess = nil
	}
	c := *s
	c.session = sess
	return &c
}

// Session returns the attached session, or nil.
func (s *State) Session() Session { return s.session }

// SessionBlobs returns the attached session's credential blobs, or nil
// when there is no session or it keeps none.
func (s *State) SessionBlobs() credstore.Blobs {
	if sb, ok := s.session.(SessionBlobs); ok {
		return sb.Blobs()
	}
	return nil
}

// ScopeSource says which rule chose a scope (see ChangeScope).
type ScopeSource string

// The rules, in the order they apply.
const (
	SourceFlag        ScopeSource = "flag"        // --scope
	SourceSession     ScopeSource = "session"     // the session's autosave setting
	SourceEnvironment ScopeSource = "environment" // AZC_AUTOSAVE and Azure PowerShell's variables
	SourceProfile     ScopeSource = "profile"     // the profile's autosave setting
	SourceDefault     ScopeSource = "default"     // autosave on
)

// ScopeDecision is where a change goes and why.
type ScopeDecision struct {
	Scope  profile.Scope
	Source ScopeSource
}

// ChangeScope decides where a change goes: flag when
// non-zero; else the session's autosave setting; else Options.AutosaveEnv,
// the caller's reading of $AZC_AUTOSAVE (or AzContextAutoSave,
// Azure_Profile_Autosave), when set; else the profile's autosave setting;
// else autosave on. Autosave on means ScopeUser, off ScopeProcess. A
// decision for ScopeProcess without a session fails with ErrNoSession,
// whatever rule made it; when the profile's setting made it, a profile
// Decode refuses fails it with that error instead.
func (s *State) ChangeScope(flag profile.Scope) (ScopeDecision, error) {
	d, err := s.decideScope(flag, s.env)
	if err != nil {
		return d, err
	}
	if d.Scope == profile.ScopeProcess && s.session == nil {
		if d.Source == SourceFlag {
			return d, ErrNoSession
		}
		if d.Source == SourceProfile {
			// Store.Settings read the header and the last lines only: the
			// profile said autosave off only if Decode reads the file.
			if _, err := s.store.View(); err != nil {
				return d, err
			}
		}
		return d, fmt.Errorf("autosave is off (set by the %s) and %w", d.Source, ErrNoSession)
	}
	return d, nil
}

func (s *State) decideScope(flag profile.Scope, env *bool) (ScopeDecision, error) {
	if flag != 0 {
		return ScopeDecision{Scope: flag, Source: SourceFlag}, knownScope(flag, false)
	}
	if s.session != nil {
		sp, err := s.session.Load()
		if err != nil {
			return ScopeDecision{}, sessionError(err)
		}
		if sp.Settings.Autosave != nil {
			return settingsScope(sp.Settings.Autosave, env, nil), nil
		}
	}
	if env != nil {
		return settingsScope(nil, env, nil), nil
	}
	set, err := s.store.Settings()
	if err != nil {
		return ScopeDecision{}, err
	}
	return settingsScope(nil, nil, set.Autosave), nil
}

// settingsScope is the scope rule without the flag, over the session's
// autosave setting, the environment's and the profile's (each nil when
// unset): the first that is set decides, else autosave is on.
func settingsScope(sess, env, user *bool) ScopeDecision {
	switch {
	case sess != nil:
		return ScopeDecision{Scope: scopeOf(*sess), Source: SourceSession}
	case env != nil:
		return ScopeDecision{Scope: scopeOf(*env), Source: SourceEnvironment}
	case user != nil:
		return ScopeDecision{Scope: scopeOf(*user), Source: SourceProfile}
	}
	return ScopeDecision{Scope: profile.ScopeUser, Source: SourceDefault}
}

func scopeOf(autosave bool) profile.Scope {
	if autosave {
		return profile.ScopeUser
	}
	return profile.ScopeProcess
}

// autosaveVariables are the environment variables that set autosave, in
// the order they are read: azc's own, then Azure PowerShell's.
var autosaveVariables = [...]string{"AZC_AUTOSAVE", "AzContextAutoSave", "Azure_Profile_Autosave"}

// AutosaveEnv reads the first autosave variable that getenv finds set
// ($AZC_AUTOSAVE, then Azure PowerShell's AzContextAutoSave and
// Azure_Profile_Autosave; blanks around a value are ignored, and an empty
// one is unset): the Options.AutosaveEnv of a State that decides as the
// azc commands run there do. on is nil when none is set; name is the
// variable read. A value that is not a boolean (true/false, 1/0, on/off,
// yes/no, enable[d]/disable[d], CurrentUser/Process, in any case, as
// PowerShell's bool.TryParse reads "tRuE") is an *AutosaveEnvError: what
// a shell sees depends on it, so it is not taken as unset.
func AutosaveEnv(getenv func(string) string) (on *bool, name string, err error) {
	for _, n := range autosaveVariables {
		v := strings.TrimSpace(getenv(n))
		if v == "" {
			continue
		}
		b, err := parseAutosave(v)
		if err != nil {
			return nil, n, &AutosaveEnvError{Name: n, Value: v}
		}
		return &b, n, nil
	}
	return nil, "", nil
}

// AutosaveEnvError is an autosave variable whose value is not a boolean.
type AutosaveEnvError struct {
	Name, Value string
}

func (e *AutosaveEnvError) Error() string {
	return fmt.Sprintf("invalid %s=%s: want true or false", e.Name, profile.QuoteShort(e.Value))
}

func parseAutosave(v string) (bool, error) {
	v = strings.ToLower(v)
	switch v {
	case "on", "yes", "currentuser", "enable", "enabled":
		return true, nil
	case "off", "no", "process", "disable", "disabled":
		return false, nil
	}
	return strconv.ParseBool(v)
}

// ProfileHiddenBy reports whether autosave off hides the profile's
// contexts from the shell, so that Contexts and Resolve see only the
// session's: it returns the rule that turned autosave off there,
// SourceEnvironment or SourceProfile, or "" when the shell sees them. The
// shell's own setting only turns them on (docs/sessions.md).
func (s *State) ProfileHiddenBy() (ScopeSource, error) {
	var sessOn *bool
	if s.session != nil {
		sp, err := s.session.Load()
		if err != nil {
			return "", sessionError(err)
		}
		sessOn = sp.Settings.Autosave
	}
	set, err := s.store.Settings()
	if err != nil {
		return "", err
	}
	return hiddenBy(sessOn, s.env, set.Autosave), nil
}

// AutosaveSetting returns the autosave setting stored in scope: nil when
// that scope has none. ScopeProcess without a session gives ErrNoSession.
func (s *State) AutosaveSetting(scope profile.Scope) (*bool, error) {
	var p *profile.Profile
	var err error
	switch scope {
	case profile.ScopeUser:
		// The setting as Decode reads the file: Store.Settings reads only
		// its header and last lines, which a member after the contexts
		// array can give a value Decode refuses.
		var v *profile.View
		if v, err = s.store.View(); err == nil {
			p = v.Header()
		}
	case profile.ScopeProcess:
		if s.session == nil {
			return nil, ErrNoSession
		}
		if p, err = s.session.Load(); err != nil {
			return nil, sessionError(err)
		}
	default:
		return nil, knownScope(scope, false)
	}
	if err != nil {
		return nil, err
	}
	return p.Settings.Autosave, nil
}

// AutosaveChange reports what SetAutosave did.
type AutosaveChange struct {
	// Moved lists the contexts moved from the session into the profile.
	Moved []string
	// Tokens counts the accounts whose tokens moved with them.
	Tokens int
	// Renamed lists the moved contexts that got another name in the
	// profile, as {session name, profile name}: a context of another
	// identity held theirs.
	Renamed [][2]string
}

// SetAutosave stores the autosave setting on in scope. Disabling moves
// nothing. Enabling while a session is attached, when autosave is then on
// for the shell (at the user scope, the session's own setting and
// Options.AutosaveEnv decide first: while they keep it off, the session's
// contexts stay where they were made to stay), moves the session's
// contexts and accounts into the profile by name (a name a context of
// another identity holds gets a distinct one, see AutosaveChange.Renamed),
// makes the shell's selection, when it moved, the profile's default, and
// moves each account's tokens from the session's blobs into userBlobs
// (when both exist) under the accounts' locks, held until the profile is
// written, so that a moved context never lacks its tokens.
func (s *State) SetAutosave(scope profile.Scope, on bool, userBlobs credstore.Blobs) (*AutosaveChange, error) {
	if scope == profile.ScopeProcess && s.session == nil {
		return nil, ErrNoSession
	}
	if err := knownScope(scope, false); err != nil {
		return nil, err
	}
	change := &AutosaveChange{}
	var sp *profile.Profile
	var sel *session.Selection
	if on && s.session != nil {
		var err error
		if sp, err = s.session.Load(); err != nil {
			return nil, sessionError(err)
		}
		sels, err := s.session.Selections()
		if err != nil {
			return nil, sessionError(err)
		}
		sel = sels.Current
	}
	// The session's contexts move when autosave is on for the shell once
	// the setting is stored: not while the session's own setting or an
	// autosave variable keeps it off there, where they were made to stay.
	moving := sp != nil && (len(sp.Contexts) > 0 || len(sp.Accounts) > 0)
	if moving && scope == profile.ScopeUser {
		moving = settingsScope(sp.Settings.Autosave, s.env, &on).Scope == profile.ScopeUser
	}
	var moved []string // account keys whose blobs were copied
	if moving && userBlobs != nil {
		if sb := s.SessionBlobs(); sb != nil {
			// The accounts' locks, then profile.lock (docs/locking.md):
			// held until the profile names the accounts, so a sign-out
			// racing the move cannot delete a copied blob first.
			keys := make([]string, 0, len(sp.Accounts))
			for _, a := range sp.Accounts {
				keys = append(keys, a.Key())
			}
			unlock, err := credstore.LockKeys(context.Background(), userBlobs, keys)
			if err != nil {
				return nil, err
			}
			defer unlock()
			for _, a := range sp.Accounts {
				data, err := sb.Get(a.Key())
				if errors.Is(err, credstore.ErrNotFound) {
					continue
				}
				if err != nil {
					return nil, fmt.Errorf("the credentials of %s in this shell's session: %w", a.ID, err)
				}
				if err := userBlobs.Put(a.Key(), data); err != nil {
					return nil, fmt.Errorf("moving the credentials of %s: %w", a.ID, err)
				}
				moved = append(moved, a.Key())
			}
		}
	}
	change.Tokens = len(moved)
	if moving || scope == profile.ScopeUser {
		_, err := s.store.Update(func(p *profile.Profile) error {
			if scope == profile.ScopeUser {
				p.Settings.Autosave = &on
			}
			if !moving {
				return nil
			}
			for _, a := range sp.Accounts {
				p.UpsertAccount(a)
			}
			change.Moved = change.Moved[:0]
			change.Renamed = change.Renamed[:0]
			at := namesAt(p)
			sessAt := namesAt(sp)
			for _, c := range sp.Contexts {
				// By name, as contexts are: a context of the profile with
				// the name and the identity is updated, as a sign-in there
				// updates it (what the moved context leaves empty, its
				// storage account or properties, is kept); a name a
				// context of another identity holds gets a distinct one,
				// which no other context of the session holds either (one
				// moved after it would update it), so moving never
				// replaces another's context.
				name := c.Name
				i, ok := at[fold(c.Name)]
				if ok && !p.Contexts[i].SameIdentity(&c) {
					c.Name = distinctName(p, at, &c, func(n string) bool { return hasName(sessAt, fold(n)) })
					ok = false
				}
				keepEnvironment(p, c.Environment, sp)
				if ok {
					if _, err := p.UpsertContext(c, profile.UpsertOptions{}); err != nil {
						return err
					}
				} else {
					p.Contexts = append(p.Contexts, c)
					at[fold(c.Name)] = len(p.Contexts) - 1
				}
				change.Moved = append(change.Moved, c.Name)
				if c.Name != name {
					change.Renamed = append(change.Renamed, [2]string{name, c.Name})
				}
			}
			if sel != nil {
				// the shell's selection, moved, becomes the default
				for i, c := range sp.Contexts {
					if sameName(c.Name, sel.Context.Name) && c.SameIdentity(&sel.Context) {
						setDefaultName(p, change.Moved[i])
					}
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if moving || scope == profile.ScopeProcess {
		_, err := s.session.Update(func(p *profile.Profile) error {
			if scope == profile.ScopeProcess {
				p.Settings.Autosave = &on
			}
			if moving {
				// Drop what was moved, not what another process of the
				// session added meanwhile.
				moved := names(sp)
				p.Contexts = slices.DeleteFunc(p.Contexts, func(c profile.Context) bool { return moved[fold(c.Name)] })
				p.Accounts = slices.DeleteFunc(p.Accounts, func(a profile.Account) bool { return sp.Account(a.Key()) != nil })
			}
			return nil
		})
		if err != nil {
			return nil, sessionError(err)
		}
	}
	if sb := s.SessionBlobs(); sb != nil {
		for _, k := range moved {
			if err := sb.Delete(k); err != nil {
				return change, fmt.Errorf("the credentials of this shell's session: %w", err)
			}
		}
	}
	return change, nil
}

// knownScope is the one check of a scope a caller passes: it refuses one
// that is neither ScopeUser nor ScopeProcess, nor 0 when zero is true (for
// the methods that give 0 a meaning), so that a Go caller's unset or
// mistyped scope fails before anything changes.
func knownScope(scope profile.Scope, zero bool) error {
	if scope == profile.ScopeUser || scope == profile.ScopeProcess || zero && scope == 0 {
		return nil
	}
	return fmt.Errorf("unknown scope %d", scope)
}
