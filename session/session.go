package session

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/secret"
)

const (
	ownerFile  = "owner.json"
	newPrefix  = ".new-"
	profileKey = "azc-session:profile"
	blobPrefix = "blob:"
	// backendName is what the session's credential store reports as its
	// key backend.
	backendName = "session"
)

// HowToStart says how a shell starts a session, for the hints that offer
// one: azc init of the user's shell, or azc shell.
const HowToStart = "`eval \"$(azc init bash)\"` (or zsh, fish, pwsh) or `azc shell`"

// RuntimeDir picks the directory sessions live under: xdgRuntimeDir
// ($XDG_RUNTIME_DIR) when XDGRuntimeDir takes it, else azc-<uid> in
// tempDir (created 0700 by New and refused when another user owns it).
func RuntimeDir(xdgRuntimeDir, tempDir string, uid int) string {
	if d := XDGRuntimeDir(xdgRuntimeDir); d != "" {
		return d
	}
	return filepath.Join(tempDir, "azc-"+strconv.Itoa(uid))
}

// XDGRuntimeDir returns v, $XDG_RUNTIME_DIR, when azc may use it: an
// absolute path; else "". A relative one is ignored, as the XDG Base
// Directory specification says: it would name another directory after a
// cd.
func XDGRuntimeDir(v string) string {
	if filepath.IsAbs(v) {
		return v
	}
	return ""
}

// sessionsDir is <runtimeDir>/azc/sessions.
func sessionsDir(runtimeDir string) string {
	return filepath.Join(runtimeDir, "azc", "sessions")
}

// runtimeDirs are the runtime directory and azc's directories in it, down
// to sessionsDir, in the order New makes and checks them.
func runtimeDirs(runtimeDir string) []string {
	return []string{runtimeDir, filepath.Join(runtimeDir, "azc"), sessionsDir(runtimeDir)}
}

// Session is an open session. It is safe for concurrent use; every call
// reads fresh state, so changes by other processes of the session are seen
// at once.
type Session struct {
	id    string
	dir   string
	owner Owner
	store *credstore.Store

	// mu guards what Load decoded last and the text it decoded it from:
	// a command loads the session several times (Open, then each lookup),
	// and a session of 10,000 contexts takes tens of milliseconds to decode.
	mu       sync.Mutex
	lastText []byte
	last     *profile.Profile

	// holdsSwept runs the sweep of stale temporary files in the holds
	// directory once per Session, at its first write of a hold record.
	holdsSwept sync.Once
}

// New creates a session owned by the process ownerPID (the shell) and
// returns it with the AZC_SESSION value that opens it. The value holds the
// session key: hand it only to the shell's environment. A relative
// runtimeDir (from a relative TMPDIR) is refused, as a relative
// AZC_CONFIG_DIR is: after a cd it would name another directory, where
// the shell's commands would find no session.
func New(runtimeDir string, ownerPID int) (*Session, secret.String, error) {
	if err := checkAbsolute(runtimeDir); err != nil {
		return nil, secret.String{}, fmt.Errorf("new session: %w", err)
	}
	owner, err := OwnerOf(ownerPID)
	if err != nil {
		return nil, secret.String{}, fmt.Errorf("new session: owner process: %w", err)
	}
	base := sessionsDir(runtimeDir)
	if err := mkPrivate(runtimeDir, runtimeDirs(runtimeDir)[1:]...); err != nil {
		return nil, secret.String{}, fmt.Errorf("new session: %w", err)
	}
	id, key, err := newIDAndKey()
	if err != nil {
		return nil, secret.String{}, fmt.Errorf("new session: %w", err)
	}
	defer clear(key)

	// Build the session in a hidden directory and rename it into place, so
	// a session directory is always complete.
	tmp, err := os.MkdirTemp(base, newPrefix)
	if err == nil {
		err = profile.OwnDirMode(tmp)
	}
	if err != nil {
		return nil, secret.String{}, fmt.Errorf("new session: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			_ = os.RemoveAll(tmp)
		}
	}()
	ob, err := json.Marshal(owner)
	if err != nil {
		return nil, secret.String{}, fmt.Errorf("new session: %w", err)
	}
	// Written as every state file is, with its mode whatever the umask.
	if err := profile.WriteFileMode(filepath.Join(tmp, ownerFile), ob, 0o600); err != nil {
		return nil, secret.String{}, fmt.Errorf("new session: %w", err)
	}
	st, err := openStore(tmp, key)
	if err != nil {
		return nil, secret.String{}, fmt.Errorf("new session: %w", err)
	}
	data, err := profile.Encode(profile.New())
	if err != nil {
		return nil, secret.String{}, fmt.Errorf("new session: %w", err)
	}
	if err := st.Put(profileKey, data); err != nil {
		return nil, secret.String{}, fmt.Errorf("new session: %w", err)
	}
	dir := filepath.Join(base, id)
	if err := os.Rename(tmp, dir); err != nil {
		return nil, secret.String{}, fmt.Errorf("new session: %w", err)
	}
	ok = true
	if st, err = openStore(dir, key); err != nil {
		return nil, secret.String{}, fmt.Errorf("new session: %w", err)
	}
	return &Session{id: id, dir: dir, owner: owner, store: st}, formatEnv(id, key), nil
}

// checkAbsolute refuses a relative runtimeDir (New).
func checkAbsolute(runtimeDir string) error {
	if filepath.IsAbs(runtimeDir) {
		return nil
	}
	return &profile.UnsafePathError{Path: runtimeDir,
		Problem: "is not an absolute path, so it would name another directory after a cd",
		Fix:     "set TMPDIR to an absolute path, or point XDG_RUNTIME_DIR at a directory of your own (mode 700)"}
}

// CheckRuntimeDir checks, without making anything, what New checks
// before it makes a session under runtimeDir: the runtime directory and
// azc's directories in it that exist, and that the first that does not
// can be made (`azc doctor`, in a shell without a session, says why none
// can start).
func CheckRuntimeDir(runtimeDir string) error {
	if err := checkAbsolute(runtimeDir); err != nil {
		return err
	}
	for i, d := range runtimeDirs(runtimeDir) {
		if _, err := os.Lstat(d); errors.Is(err, fs.ErrNotExist) {
			// New makes it with one mkdir, in a parent that must be there
			if err := canMakeIn(filepath.Dir(d)); err != nil {
				return &fs.PathError{Op: "mkdir", Path: d, Err: err}
			}
			return nil
		}
		if err := checkDir(d, i == 0); err != nil {
			return err
		}
	}
	return nil
}

// mkPrivate creates (0700) and checks (checkDirs) the runtime directory
// and the session directories under it, each checked before anything is
// made in it.
func mkPrivate(runtimeDir string, dirs ...string) error {
	for i, d := range append([]string{runtimeDir}, dirs...) {
		if err := profile.Mkdir(d); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		if err := checkDir(d, i == 0); err != nil {
			return err
		}
	}
	return nil
}

// checkDirs checks the runtime directory and the session directories
// under it: none a symbolic link, each the user's; the runtime directory
// writable by no one else, azc's own directories 0700.
func checkDirs(runtimeDir string, dirs ...string) error {
	for i, d := range append([]string{runtimeDir}, dirs...) {
		if err := checkDir(d, i == 0); err != nil {
			return err
		}
	}
	return nil
}

// checkDir is checkDirs for one directory, the runtime directory when
// runtime: one that others can write to is refused with a hint naming
// XDG_RUNTIME_DIR, which chose it, and so is one refused for what it is
// (another user's, a FIFO): in a shared /tmp another user can take the
// name azc-<uid> first, and the user cannot move it away.
func checkDir(dir string, runtime bool) error {
	if !runtime {
		return checkPrivateDir(dir, 0o077)
	}
	err := checkPrivateDir(dir, 0o022)
	var ide *profile.InsecureDirError
	var ue *profile.UnsafePathError
	switch {
	case errors.As(err, &ide):
		ide.Variable = "XDG_RUNTIME_DIR"
	case errors.As(err, &ue):
		ue.Fix += "; or point XDG_RUNTIME_DIR at a directory of your own (mode 700)"
	}
	return err
}

func openStore(dir string, key []byte) (*credstore.Store, error) {
	// The session's directory goes whole when the session ends or is
	// collected, and with it the temporary file of a write stopped
	// before its rename (`azc doctor` reports it meanwhile).
	return credstore.Open(dir, credstore.Options{Backend: credstore.FixedKey(backendName, key), LeaveTemps: true})
}

// Open opens the session named by an AZC_SESSION value. Errors match
// ErrMalformed, ErrNotFound (ended or garbage-collected), ErrExpired (the
// owning shell has exited) or ErrWrongKey, and never contain the key.
func Open(runtimeDir string, envValue secret.String) (*Session, error) {
	id, key, err := ParseEnv(envValue)
	if err != nil {
		return nil, err
	}
	defer clear(key)
	dir := filepath.Join(sessionsDir(runtimeDir), id)
	err = checkDirs(runtimeDir, runtimeDirs(runtimeDir)[1:]...)
	var owner Owner
	if err == nil {
		err = checkDir(dir, false)
		if err == nil {
			owner, err = readOwner(dir)
		}
		err = damaged(err)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("session %s: %w: it ended or was cleaned up", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("session %s: %w", id, err)
	}
	if !owner.Alive() {
		return nil, fmt.Errorf("session %s: %w (pid %d)", id, ErrExpired, owner.PID)
	}
	st, err := openStore(dir, key)
	if err != nil {
		return nil, fmt.Errorf("session %s: %w", id, damaged(err))
	}
	s := &Session{id: id, dir: dir, owner: owner, store: st}
	if _, err := s.Load(); err != nil {
		return nil, err
	}
	return s, nil
}

// damaged is err, a file or directory of the session's own that azc
// refuses (a FIFO at owner.json, a link for the session's directory), as
// ErrDamaged: its way out is a new session, whose start collects this one
// (GC), where moving the file away would leave a session that is gone. A
// directory all sessions share (the runtime directory) is not the
// session's own: its own fix mends it, and a new session is refused there
// too.
func damaged(err error) error {
	var ue *profile.UnsafePathError
	var ide *profile.InsecureDirError
	var tl *profile.TooLargeError
	var ie *credstore.InsecureError
	if errors.As(err, &ue) || errors.As(err, &ide) || errors.As(err, &tl) || errors.As(err, &ie) {
		return fmt.Errorf("%w: %w", ErrDamaged, err)
	}
	return err
}

func readOwner(dir string) (Owner, error) {
	var o Owner
	path := filepath.Join(dir, ownerFile)
	b, err := profile.ReadOwned(path)
	if err != nil {
		return o, err
	}
	if err := profile.Unmarshal(b, &o); err != nil {
		return o, fmt.Errorf("owner record %s: %w", path, err)
	}
	return o, nil
}

// Check looks at the files of the session's store as credstore's Check
// does, without changing any (`azc doctor`). A damaged blob of the
// session's own state (its profile, its selections) is reported as
// ErrDamaged, whose way out is a new session: no sign-out mends it. One of
// an account the session's profile names is a *credstore.CorruptError
// with the account's key, as the session's Blobs name it.
func (s *Session) Check() (credstore.FileReport, error) {
	keys := []string{profileKey, selectionKey}
	if p, err := s.Load(); err == nil {
		for _, a := range p.Accounts {
			keys = append(keys, blobPrefix+a.Key())
		}
	}
	r, err := s.store.Check(keys...)
	for i, e := range r.Damaged {
		var ce *credstore.CorruptError
		switch {
		case !errors.As(e, &ce):
		case ce.Key == profileKey || ce.Key == selectionKey:
			r.Damaged[i] = s.wrap(e)
		case strings.HasPrefix(ce.Key, blobPrefix):
			r.Damaged[i] = named(e, strings.TrimPrefix(ce.Key, blobPrefix))
		}
	}
	return r, err
}

// StoreDir is the directory of the session's credential store, in Dir.
func (s *Session) StoreDir() string { return s.store.Dir() }

// ID is the session's id (not secret).
func (s *Session) ID() string { return s.id }

// Dir is the session's state directory.
func (s *Session) Dir() string { return s.dir }

// Owner is the process the session belongs to.
func (s *Session) Owner() Owner { return s.owner }

// inRuntimeDir is err, with XDG_RUNTIME_DIR, which chose the session's
// directory, as the variable the hint of an *profile.UnwritableError
// names, and a new session as the step after it: the shell's session stays
// in the directory it was made in.
func inRuntimeDir(err error) error {
	if uw := (*profile.UnwritableError)(nil); errors.As(err, &uw) {
		uw.Variable = "XDG_RUNTIME_DIR"
		uw.Then = "start a new session with " + HowToStart
	}
	return err
}

// CheckWritable reports a directory of the session (its state's, its
// credential store's) that cannot be written, a read-only file system or
// one the user may not write, as an *profile.UnwritableError: every change
// the shell makes fails there, though reads work (`azc doctor`).
func (s *Session) CheckWritable() error {
	for _, d := range []string{s.dir, s.store.Dir()} {
		if err := canMakeIn(d); errors.Is(err, syscall.EROFS) || errors.Is(err, fs.ErrPermission) {
			return inRuntimeDir(&profile.UnwritableError{Path: d, Dir: d, ReadOnlyFS: errors.Is(err, syscall.EROFS), Exists: true, Err: err})
		}
	}
	return nil
}

func (s *Session) wrap(err error) error {
	err = inRuntimeDir(err)
	if errors.Is(err, credstore.ErrKeyLost) {
		return fmt.Errorf("session %s: %w", s.id, ErrWrongKey)
	}
	if errors.Is(err, credstore.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("session %s: %w: it ended or was cleaned up", s.id, ErrNotFound)
	}
	var ce *credstore.CorruptError
	if errors.As(err, &ce) {
		// not an account's blob: signing one out (CorruptError's way
		// out) would not mend it
		return fmt.Errorf("session %s: %w: %s: %v", s.id, ErrDamaged, ce.Path, errors.Unwrap(ce))
	}
	return fmt.Errorf("session %s: %w", s.id, err)
}

// Load returns the session's profile (a fresh copy). It decodes it only
// when it changed since the last Load.
func (s *Session) Load() (*profile.Profile, error) {
	data, err := s.store.Get(profileKey)
	if err != nil {
		return nil, s.wrap(err)
	}
	s.mu.Lock()
	if s.last != nil && bytes.Equal(s.lastText, data) {
		p := s.last.Clone()
		s.mu.Unlock()
		return p, nil
	}
	s.mu.Unlock()
	p, err := profile.Decode(data)
	if err != nil {
		return nil, s.wrap(err)
	}
	s.mu.Lock()
	s.lastText, s.last = data, p.Clone()
	s.mu.Unlock()
	return p, nil
}

// Update applies fn to the freshly read session profile under the
// session's lock and writes the result atomically, bumping Generation;
// when fn changed nothing, nothing is written and Generation stays
// (profile.EncodeChange, the profile's rule). If fn fails nothing is
// written and its error is returned unchanged.
func (s *Session) Update(fn func(*profile.Profile) error) (*profile.Profile, error) {
	var out *profile.Profile
	var fnErr error
	err := s.store.Update(profileKey, func(old []byte) ([]byte, error) {
		if old == nil {
			return nil, fmt.Errorf("%w: it ended or was cleaned up", ErrNotFound)
		}
		p, err := profile.Decode(old)
		if err != nil {
			return nil, err
		}
		if err := fn(p); err != nil {
			fnErr = err
			return nil, err
		}
		data, err := profile.EncodeChange(p, old)
		if err != nil {
			return nil, err
		}
		out = p
		if data == nil {
			return nil, errUnchanged
		}
		return data, nil
	})
	if fnErr != nil {
		return nil, fnErr
	}
	if err != nil && !errors.Is(err, errUnchanged) {
		return nil, s.wrap(err)
	}
	return out, nil
}

// errUnchanged ends a blob's Update whose change changed nothing: nothing
// is written.
var errUnchanged = errors.New("unchanged")

// Blobs returns the session's own credential store: process-scope
// sign-ins keep their tokens here, sealed with the session key, and they
// go when the session does.
func (s *Session) Blobs() credstore.Blobs { return blobs{s.store} }

// End removes the session's state. Later calls on any handle to it fail
// with ErrNotFound.
func (s *Session) End() error {
	if err := os.RemoveAll(s.dir); err != nil {
		return fmt.Errorf("end session %s: %w", s.id, err)
	}
	return nil
}

// blobs keeps account blobs apart from the session profile's own blob.
// Its errors name a blob by the key it was asked for, as the user's
// store's do (see named).
type blobs struct{ st *credstore.Store }

func (b blobs) Get(key string) ([]byte, error) {
	data, err := b.st.Get(blobPrefix + key)
	return data, named(err, key)
}

func (b blobs) Put(key string, data []byte) error { return named(b.st.Put(blobPrefix+key, data), key) }

func (b blobs) Delete(key string) error { return named(b.st.Delete(blobPrefix+key), key) }

func (b blobs) Update(key string, fn func(old []byte) ([]byte, error)) error {
	return named(b.st.Update(blobPrefix+key, fn), key)
}

// named is err, when it is the *credstore.CorruptError or
// *credstore.KeyLostError of key's blob (as Store.Get returns them), with
// the caller's key: the way out of a damaged blob, `azc logout KEY`, knows
// the account's key, not the name the session stores its blob under. Any
// other err is inRuntimeDir's.
func named(err error, key string) error {
	if ce, ok := err.(*credstore.CorruptError); ok && ce.Key == blobPrefix+key {
		c := *ce
		c.Key = key
		return &c
	}
	if kl, ok := err.(*credstore.KeyLostError); ok && kl.Key == blobPrefix+key {
		k := *kl
		k.Key = key
		return &k
	}
	return inRuntimeDir(err)
}

func (b blobs) Lock(ctx context.Context, key string) (func(), error) {
	unlock, err := b.st.Lock(ctx, blobPrefix+key)
	return unlock, named(err, key)
}

// StoppedCreations returns the hidden directories of session creations
// under runtimeDir (a directory each, not a link), oldest first: while a
// session is created there is one for milliseconds; any other was left by
// a creation stopped before its rename into place (azc session start
// killed), which nothing opens and GC removes once it is older than
// profile.StaleTempAge (`azc doctor`).
func StoppedCreations(runtimeDir string) ([]profile.TempFile, error) {
	base := sessionsDir(runtimeDir)
	entries, err := os.ReadDir(base)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		if errors.Is(err, syscall.ENOTDIR) {
			// a file where a directory goes: which one, and the way out,
			// as a session start says it
			for _, d := range []string{filepath.Dir(base), base} {
				if cerr := profile.CheckOwnedDir(d); cerr != nil {
					return nil, cerr
				}
			}
		}
		return nil, fmt.Errorf("sessions: %w", err)
	}
	var out []profile.TempFile
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), newPrefix) {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue // renamed into place or removed meanwhile
		}
		out = append(out, profile.TempFile{Path: filepath.Join(base, e.Name()), ModTime: fi.ModTime()})
	}
	slices.SortFunc(out, func(a, b profile.TempFile) int { return a.ModTime.Compare(b.ModTime) })
	return out, nil
}

// GC removes the sessions under runtimeDir whose owner is gone, and the
// hidden directories of creations stopped before they finished (older than
// profile.StaleTempAge), and returns how many it removed. alive decides
// liveness by pid; nil uses Owner.Alive, which also compares start time
// and boot id so that a reused pid does not keep a dead shell's session. A missing runtime directory
// holds no sessions.
func GC(runtimeDir string, alive func(pid int) bool) (removed int, err error) {
	base := sessionsDir(runtimeDir)
	entries, err := os.ReadDir(base)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("session gc: %w", err)
	}
	var errs []error
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(base, e.Name())
		if strings.HasPrefix(e.Name(), newPrefix) {
			// A session being created, for milliseconds, or one whose
			// creation was stopped (killed) before its rename into place,
			// which nothing will ever open, its owner alive or not.
			if fi, err := e.Info(); err != nil || time.Since(fi.ModTime()) <= profile.StaleTempAge {
				continue
			}
		} else if o, err := readOwner(dir); err == nil && (alive == nil && o.Alive() || alive != nil && alive(o.PID)) {
			continue
		} // else a session without a readable owner, which can never be opened
		if err := os.RemoveAll(dir); err != nil {
			errs = append(errs, err)
			continue
		}
		removed++
	}
	if len(errs) > 0 {
		return removed, fmt.Errorf("session gc: %w", errors.Join(errs...))
	}
	return removed, nil
}
