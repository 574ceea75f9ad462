package sessions

import (
	"fmt"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/profile"
)

// AutosaveSetting is the JSON shape of `azc autosave show` and of the
// changes with -o json.
type AutosaveSetting struct {
	// Autosave is the setting in effect for changes made here.
	Autosave bool `json:"autosave"`
	// Mode is Azure PowerShell's name for it: CurrentUser or Process.
	Mode string `json:"mode"`
	// Source is the rule that decided (docs/sessions.md): flag, session,
	// environment, profile or default.
	Source string `json:"source"`
	// Variable names the environment variable when Source is environment.
	Variable string `json:"variable,omitempty"`
	// User and Session are the settings stored in each scope (null: unset).
	User    *bool `json:"user"`
	Session *bool `json:"session"`
	// SessionID is the attached session, "" when there is none.
	SessionID string `json:"sessionId"`
	// Moved lists the contexts `autosave enable` moved from the session
	// into the profile.
	Moved []string `json:"moved,omitempty"`
}

// AutosaveOptions are the inputs of the autosave commands.
type AutosaveOptions struct {
	// Scope is --scope: user, process or "" (the setting in effect).
	Scope string
	// Enable is true for `autosave enable`, false for `autosave disable`
	// (unused by show).
	Enable bool
}

// AutosaveShowRun shows the autosave setting in effect, or the one stored
// in opts.Scope: `autosave show` once its arguments are parsed.
func AutosaveShowRun(f *cmdutil.Factory, out cmdutil.Output, opts *AutosaveOptions) error {
	flag, err := cmdutil.ParseScope(opts.Scope)
	if err != nil {
		return err
	}
	st, err := f.State()
	if err != nil {
		return err
	}
	s, err := setting(f, st, flag)
	if err != nil {
		return err
	}
	return out.Print(f, s, func() *cmdutil.Table {
		t := &cmdutil.Table{Header: []string{"AUTOSAVE", "MODE", "SOURCE", "USER", "SESSION"}}
		src := s.Source
		if s.Variable != "" {
			src += " (" + s.Variable + ")"
		}
		t.Rows = [][]string{{onOff(&s.Autosave), s.Mode, src, onOff(s.User), sessionCell(s)}}
		return t
	})
}

func onOff(b *bool) string {
	switch {
	case b == nil:
		return "-"
	case *b:
		return "on"
	}
	return "off"
}

func sessionCell(s *AutosaveSetting) string {
	if s.SessionID == "" {
		return "(no session)"
	}
	return onOff(s.Session)
}

// setting reports the autosave setting in effect; with flag, the one
// stored in that scope.
func setting(f *cmdutil.Factory, st *azc.State, flag profile.Scope) (*AutosaveSetting, error) {
	_, name, err := cmdutil.EnvAutosave(f)
	if err != nil {
		return nil, err
	}
	s := &AutosaveSetting{}
	if s.User, err = st.AutosaveSetting(profile.ScopeUser); err != nil {
		return nil, err
	}
	if sess := st.Session(); sess != nil {
		if s.Session, err = st.AutosaveSetting(profile.ScopeProcess); err != nil {
			return nil, err
		}
		if id, ok := sess.(interface{ ID() string }); ok {
			s.SessionID = id.ID()
		}
	}
	switch flag {
	case profile.ScopeUser:
		s.Autosave, s.Source = s.User == nil || *s.User, string(azc.SourceProfile)
		if s.User == nil {
			s.Source = string(azc.SourceDefault)
		}
	case profile.ScopeProcess:
		if st.Session() == nil {
			return nil, sessionError(azc.ErrNoSession)
		}
		if s.Session == nil {
			return nil, cmdutil.WithHint(fmt.Errorf("this session has no autosave setting of its own"), cmdutil.ExitFailure,
				"run `azc autosave show` for the setting in effect, or set one with `azc autosave disable --scope process`")
		}
		s.Autosave, s.Source = *s.Session, string(azc.SourceSession)
	default:
		// The scope rule is the library's; a missing session does not
		// matter for showing it.
		d, err := st.ChangeScope(0)
		if d.Source == "" {
			return nil, err
		}
		s.Autosave, s.Source = d.Scope == profile.ScopeUser, string(d.Source)
		if d.Source == azc.SourceEnvironment {
			s.Variable = name
		}
	}
	s.Mode = "CurrentUser"
	if !s.Autosave {
		s.Mode = "Process"
	}
	return s, nil
}

// AutosaveSetRun enables or disables autosave: `autosave enable` and
// `autosave disable` once their arguments are parsed.
func AutosaveSetRun(f *cmdutil.Factory, out cmdutil.Output, opts *AutosaveOptions) error {
	verb := "disable"
	if opts.Enable {
		verb = "enable"
	}
	flag, err := cmdutil.ParseScope(opts.Scope)
	if err != nil {
		return err
	}
	st, err := f.State()
	if err != nil {
		return err
	}
	scope := flag
	if scope == 0 {
		// Change the setting that is in effect: the session's when it
		// has one, else the profile's.
		scope = profile.ScopeUser
		if st.Session() != nil {
			if s, err := st.AutosaveSetting(profile.ScopeProcess); err == nil && s != nil {
				scope = profile.ScopeProcess
			}
		}
	}
	if scope == profile.ScopeProcess && st.Session() == nil {
		return sessionError(azc.ErrNoSession)
	}
	// The user's credential store is opened only when there are
	// tokens to move: opening it may create its data key.
	var blobs credstore.Blobs
	if sess := st.Session(); opts.Enable && sess != nil {
		sp, err := sess.Load()
		if err != nil {
			return sessionError(err)
		}
		if len(sp.Accounts) > 0 {
			store, err := openUserBlobs(f)
			if err != nil {
				return err
			}
			blobs = store
		}
	}
	change, err := st.SetAutosave(scope, opts.Enable, blobs)
	if err != nil {
		return sessionError(err)
	}
	s, err := setting(f, st, 0)
	if err != nil {
		return err
	}
	s.Moved = change.Moved
	msg := []string{fmt.Sprintf("autosave %sd (%s scope)", verb, cmdutil.ScopeName(scope))}
	if len(change.Moved) > 0 {
		msg[0] += fmt.Sprintf("; moved %s from the session into the profile: %s", cmdutil.Plural(len(change.Moved), "context"), profile.QuoteList(change.Moved))
	}
	for _, r := range change.Renamed {
		msg = append(msg, fmt.Sprintf("azc: note: the session's context %s is %s in the profile (the name was taken)", profile.QuoteShort(r[0]), profile.QuoteShort(r[1])))
	}
	if s.Autosave != opts.Enable {
		note := fmt.Sprintf("azc: note: autosave is still %s here: the %s decides", onOff(&s.Autosave), s.Source)
		if s.Variable != "" {
			note += " (" + s.Variable + ")"
		}
		msg = append(msg, note)
	}
	return out.PrintChange(f, s, msg...)
}
