package profile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/azcontext/azc/internal/termsafe"
)

// File names inside the state directory.
const (
	FileName     = "profile.json"
	BackupName   = "profile.json.bak"
	LockName     = "profile.lock"
	tempName     = "profile.json.tmp"
	defaultLockT = 10 * time.Second
)

// Options configure a Store. The zero value is usable.
type Options struct {
	// LockTimeout bounds the wait for profile.lock in Update; 0 means 10s.
	LockTimeout time.Duration
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
	// Interrupt, once closed (Ctrl-C), ends a wait for profile.lock with
	// ErrInterrupted, and the write is not made; nil never does.
	Interrupt <-chan struct{}
}

// Store is the user-scope profile kept in profile.json in a state
// directory.
//
// Concurrency: readers never lock; every read sees a whole file, the old
// one or the new one, because every write makes a new file and renames it
// over profile.json: no file is ever written in place. Writers serialise
// on the never-deleted sidecar profile.lock, held only for the
// read-modify-write inside Update. A Store is safe for concurrent use by
// goroutines and by any number of processes.
//
// Memory: a Store keeps the profile.json it read last, for the next read
// of the same file: its text, and its decoding once a Load, a View's
// Profile or an Update decoded it (10,000 contexts: 2.5–4 MB of text, and
// about 2 MB more for a decoding whose strings are the text's), until it
// reads another file or writes one. A string a caller keeps of a decoding
// of a file in Encode's layout thus keeps the whole text.
type Store struct {
	dir string // the state directory
	// made says the state directory was missing when Open looked, so
	// that Open checked none: makeDir makes it, or checks the one
	// another process put there since
	made    bool
	path    string
	bak     string
	lock    string
	tmp     string
	timeout time.Duration
	log     *slog.Logger
	intr    <-chan struct{} // Options.Interrupt
	// mu guards the last read (readText), the View of it that the
	// Store's own reads share (readView) and its decoding (decode).
	mu       sync.Mutex
	lastInfo fs.FileInfo
	lastText string
	lastView *View
	lastFull *Profile
	// testOnlyEarlyRead, when not nil, runs in Update and SetDefault
	// before they take the lock (after Update's read before it).
	testOnlyEarlyRead func()
}

// Open opens the state directory dir. It refuses a directory that other
// users can write to (*InsecureDirError), and one that is a relative path,
// a symbolic link or another user's (*UnsafePathError). Open neither reads the profile nor
// creates anything: a missing directory reads as an empty profile, and the
// first write creates it (0700), so that a command that only reads leaves
// the file system as it found it.
func Open(dir string, opts Options) (*Store, error) {
	if dir == "" {
		return nil, errors.New("open profile: empty state directory")
	}
	if !filepath.IsAbs(dir) {
		return nil, &UnsafePathError{Path: dir,
			Problem: "is not an absolute path, so it would name another state directory after a change of working directory",
			Fix:     "give the state directory as an absolute path (filepath.Abs makes one)"}
	}
	dir = filepath.Clean(dir)
	_, err := os.Lstat(dir)
	missing := errors.Is(err, fs.ErrNotExist)
	if !missing {
		if err := checkStateDir(dir); err != nil {
			return nil, err
		}
	}
	s := &Store{
		dir:     dir,
		made:    missing,
		path:    filepath.Join(dir, FileName),
		bak:     filepath.Join(dir, BackupName),
		lock:    filepath.Join(dir, LockName),
		tmp:     filepath.Join(dir, tempName),
		timeout: opts.LockTimeout,
		log:     opts.Logger,
		intr:    opts.Interrupt,
	}
	if s.timeout <= 0 {
		s.timeout = defaultLockT
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// Path returns the profile file's path.
func (s *Store) Path() string { return s.path }

// LockPath returns the lock file's path.
func (s *Store) LockPath() string { return s.lock }

// Load reads the profile without locking. A missing file is an empty
// profile. A file that cannot be used gives a *CorruptError; one that is
// unsafe to read (see Open) an *UnsafePathError, one over MaxFileSize a
// *TooLargeError. The Store keeps the decoding, as Update's does, so that
// a command that loads the profile and then updates it (a removal checks
// the credentials of the contexts it removes first) decodes it once.
func (s *Store) Load() (*Profile, error) {
	p, _, err := s.read(true)
	return p, err
}

// read returns the profile and the text it came from ("" when the file
// does not exist); with keep, the Store keeps its own decoding of the
// text (see decode).
func (s *Store) read(keep bool) (p *Profile, text string, err error) {
	text, ok, err := s.readText()
	if err != nil {
		return nil, "", err
	}
	if !ok {
		return New(), "", nil
	}
	if keep {
		p, err = s.decode(text)
	} else {
		p, err = decodeText(text)
	}
	if err != nil {
		return nil, "", s.corrupt(err)
	}
	return p, text, nil
}

// decode decodes text, a profile.json the Store read, into a profile of
// the caller's, a copy of the Store's own decoding of the text, which
// nobody changes. The Store keeps that decoding of the text it read last,
// so that a command that decodes the profile and then updates it
// (`context set`, `context remove`, `login`) decodes it once: the second
// decoding is a Clone (10,000 contexts: about 4 ms to decode from the
// skim, 2 ms to clone; some 30 ms to decode with encoding/json, as a file
// outside Encode's layout is).
func (s *Store) decode(text string) (*Profile, error) {
	kept, err := s.decodeKept(text, nil)
	if err != nil {
		return nil, err
	}
	return kept.Clone(), nil
}

// decodeKept returns the Store's own decoding of text (see decode), read
// from v, text's View, when it is not nil.
func (s *Store) decodeKept(text string, v *View) (kept *Profile, err error) {
	s.mu.Lock()
	if s.lastText == text {
		kept = s.lastFull
	}
	s.mu.Unlock()
	if kept == nil {
		if v != nil {
			kept, err = v.decodeText()
		} else {
			kept, err = decodeText(text)
		}
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		if s.lastText == text {
			s.lastFull = kept
		}
		s.mu.Unlock()
	}
	return kept, nil
}

// readText is readState over profile.json, but a second read in one
// command (the scope choice reads the settings, then the write reads the
// file) takes the text the Store read last when the file has the same
// identity as then (os.SameFile, size, modification time) instead of
// reading it again. A writer still compares that text with the file under
// the lock (sameState), so it never writes over a change it did not see.
func (s *Store) readText() (string, bool, error) {
	s.mu.Lock()
	last, text := s.lastInfo, s.lastText
	s.mu.Unlock()
	if last != nil && s.unchanged(last) {
		return text, true, nil
	}
	text, fi, err := readState(s.path)
	if err != nil || fi == nil {
		return "", false, s.tooLarge(err)
	}
	s.mu.Lock()
	s.lastInfo, s.lastText, s.lastView, s.lastFull = fi, text, nil, nil
	s.mu.Unlock()
	return text, true, nil
}

// forget drops the last read, so that the next reads the file.
func (s *Store) forget() {
	s.mu.Lock()
	s.lastInfo, s.lastText, s.lastView, s.lastFull = nil, "", nil, nil
	s.mu.Unlock()
}

// unchanged reports whether profile.json is still the file fi describes
// (sameIdentity).
func (s *Store) unchanged(fi fs.FileInfo) bool {
	now, err := os.Lstat(s.path)
	return err == nil && sameIdentity(now, fi)
}

// sameIdentity reports whether a and b describe one file, as it was: the
// same file (os.SameFile), size and modification time.
func sameIdentity(a, b fs.FileInfo) bool {
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// corrupt wraps why the profile cannot be used in a *CorruptError. The
// backup is offered only when azc would read it as profile.json (readState:
// not a link, a regular file of the user's, within MaxFileSize) and it
// decodes: a damaged backup is no "last good copy".
func (s *Store) corrupt(err error) error {
	ce := &CorruptError{Path: s.path, Err: err}
	if text, fi, berr := readState(s.bak); berr == nil && fi != nil {
		if _, derr := Decode([]byte(text)); derr == nil {
			ce.Backup = s.bak
		}
	}
	return ce
}

// openCapped is openCapped over profile.json, whose *TooLargeError comes
// in a *CorruptError (tooLarge).
func (s *Store) openCapped() (*os.File, int64, error) {
	f, size, err := openCapped(s.path)
	return f, size, s.tooLarge(err)
}

// tooLarge is err, but a *TooLargeError of profile.json in a
// *CorruptError that offers the backup (corrupt): azc never writes a
// profile over MaxFileSize (Update refuses the change), so one there is
// damaged, and the way out is the last good copy.
func (s *Store) tooLarge(err error) error {
	if tl := (*TooLargeError)(nil); errors.As(err, &tl) && tl.Path == s.path && !tl.Write {
		return s.corrupt(err)
	}
	return err
}

// View reads the profile without locking, as Load does, but decodes only
// its header (see View). A missing file is an empty profile; errors are
// Load's.
func (s *Store) View() (*View, error) {
	text, ok, err := s.readText()
	if err != nil {
		return nil, err
	}
	if !ok {
		return fullView(New()), nil
	}
	v, err := newView(text)
	if err != nil {
		return nil, s.corrupt(err)
	}
	if v.full == nil {
		v.decode = func(v *View) (*Profile, error) { return s.decodeKept(text, v) }
	}
	return v, nil
}

// Settings reads the profile's settings without locking: View's header,
// as a copy of the caller's. Of a file in Encode's layout it reads the
// header and the file's last lines only (a context that cannot be read is
// reported by the commands that read the contexts); of any other, the
// whole file, as View.
func (s *Store) Settings() (Settings, error) {
	h, err := s.readHeader()
	if err != nil {
		return Settings{}, err
	}
	if h == nil {
		v, _, err := s.readView()
		if err != nil || v == nil {
			return Settings{}, err
		}
		h = v.header
	}
	return h.Settings.clone(), nil
}

// Update applies fn to the freshly read profile and writes the result
// atomically under the profile lock, bumping Generation; when fn changed
// nothing, nothing is written and Generation stays. If fn returns an error
// nothing is written and Update returns that error unchanged. A profile that
// cannot be used is never overwritten: Update returns its *CorruptError
// without calling fn. A lock wait longer than Options.LockTimeout gives a
// *LockTimeoutError. fn must not block on the network.
//
// fn may run twice, each time on a profile of its own: first on the file
// as read before the lock is taken, then, if another writer replaced the
// file meanwhile, on the fresh one under the lock. Only the run whose
// profile was current when the lock was held counts (its error, its
// result); fn must set what it reports afresh on every run.
//
// The previous profile.json is kept as profile.json.bak.
func (s *Store) Update(fn func(*Profile) error) (*Profile, error) {
	// The file is read and decoded, changed and encoded before the lock is
	// taken, where no writer waits on it, and read again under the lock:
	// when the text is the same, the early result is the one to write
	// (with 10,000 contexts, decoding, a sign-in's merge and encoding are
	// nearly all of the cost of a write).
	early, earlyText, readErr := s.read(true)
	var data *content
	var fnErr error
	if readErr == nil {
		if fnErr = fn(early); fnErr == nil {
			data, fnErr = encodeChange(early, "", earlyText)
		}
	}
	if s.testOnlyEarlyRead != nil {
		s.testOnlyEarlyRead()
	}
	if readErr == nil && earlyText == "" && (fnErr != nil || data == nil) {
		// With no profile.json (a new install), a change that fails or
		// leaves the profile empty takes no lock, which would make the
		// state directory and profile.lock: it leaves no trace, as a read.
		if same, err := sameState(s.path, "", false); err == nil && same {
			if fnErr != nil {
				return nil, fnErr
			}
			return early, nil
		}
	}

	// When another writer has replaced the file since the first read, or
	// holds the lock (and is likely to), the first run's encoded contexts
	// are indexed for the second run's encoding to take, and room is made
	// for that encoding, before the lock is taken.
	var encoded *lineSource
	indexed := false
	index := func(room bool) {
		if readErr == nil && fnErr == nil {
			encoded = newLineSource(early.Contexts, data)
			if room {
				encoded.makeRoom()
			}
		}
		indexed = true
	}
	s.mu.Lock()
	last := s.lastInfo
	s.mu.Unlock()
	if readErr == nil && last != nil && !s.unchanged(last) {
		index(true)
	}
	h, err := s.acquire(func() {
		if !indexed {
			index(true)
		}
	})
	if err != nil {
		return nil, err
	}
	defer h.unlock()

	p, old := early, earlyText
	if same, err := sameState(s.path, earlyText, readErr == nil && earlyText != ""); err != nil || readErr != nil || !same {
		s.forget()
		if !indexed {
			index(false)
		}
		if p, old, err = s.read(false); err != nil {
			return nil, err
		}
		if err := fn(p); err != nil {
			return nil, err
		}
		if data, err = encodeChangeFrom(p, "", old, encoded); err != nil {
			return nil, err
		}
	} else if fnErr != nil {
		return nil, fnErr
	}
	if err := s.write(h, data, old); err != nil {
		return nil, err
	}
	return p, nil
}

// SetDefault is Update with Profile.SetDefault(ref), returning the context
// it made the default, but it decodes only the profile's header and the
// one context ref names (the whole profile only for a reference that is
// not a name, or a file outside the layout View skims), and copies the
// contexts array into the new file verbatim instead of encoding it: `azc
// use` with thousands of contexts costs about what it costs with one. For
// every file azc wrote it writes byte for byte what Update would. The
// lock, the backup, the errors and the "no change, no write" rule are
// Update's; a name (or "-") in a file in Encode's layout is read once,
// under the lock (setDefaultStreamed), any other reference as Update
// reads.
func (s *Store) SetDefault(ref string) (Context, error) {
	if _, err := os.Lstat(s.path); errors.Is(err, fs.ErrNotExist) {
		// A new install has no context to select, and a failed switch
		// makes nothing (no state directory, no profile.lock).
		if c, err := New().SetDefault(ref); err != nil {
			return c, err
		}
	}
	if c, done, err := s.setDefaultStreamed(ref); done {
		return c, err
	}
	// As in Update, the file is read and skimmed before the lock too,
	// whole, and ref resolved in it: a reference that is not an exact name
	// (a prefix, a subscription id) decodes the whole profile, which the
	// View keeps for the resolution under the lock.
	early, earlyText, earlyErr := s.readView()
	if early != nil && ref != "-" {
		_, _ = early.Index(ref)
	}
	if s.testOnlyEarlyRead != nil {
		s.testOnlyEarlyRead()
	}

	h, err := s.acquire(nil)
	if err != nil {
		return Context{}, err
	}
	defer h.unlock()

	if same, err := sameState(s.path, earlyText, early != nil); err != nil || earlyErr != nil || !same {
		return s.setDefaultFresh(h, ref)
	}
	return s.setDefaultOver(h, early, earlyText, ref)
}

// setDefaultStreamed is SetDefault when profile.json is in Encode's layout
// and ref is an exact name (or "-"), `azc use NAME`: under the lock it
// streams the file through a small buffer (read before the lock, it would
// need a second pass under it to know the file unchanged), reads the one
// context's line again, and writes the new header followed by the old
// contexts array copied from the file, never held in memory. done is
// false, and nothing done, for any other file or reference.
func (s *Store) setDefaultStreamed(ref string) (c Context, done bool, err error) {
	if s.testOnlyEarlyRead != nil {
		s.testOnlyEarlyRead()
	}
	h, err := s.acquire(nil)
	if err != nil {
		return Context{}, true, err
	}
	defer h.unlock()
	st, err := s.readStreamed()
	if err != nil || st == nil {
		return Context{}, err != nil, err
	}
	defer st.f.Close() // unless writeOver closed it first
	i, exact, err := st.index(ref)
	if !exact || err != nil {
		return Context{}, exact, err
	}
	c, err = s.switchStreamed(h, st, i)
	return c, true, err
}

// switchStreamed makes context i of st, the file streamed under the lock,
// the default: it reads the context's line again and writes the new
// header followed by the contexts array copied from the file. A program
// that rewrote the file in place since it was streamed (no azc writer
// does) is reported, not followed: the line read again would not be the
// context's, and the copy would mix two files.
func (s *Store) switchStreamed(lh *lockHold, st *streamed, i int) (Context, error) {
	at := st.layout.elems[i]
	changed := func() error { return fmt.Errorf("%s was changed in place while azc read it", s.path) }
	elem := make([]byte, at[1]-at[0])
	if _, err := st.f.ReadAt(elem, at[0]); errors.Is(err, io.EOF) {
		return Context{}, changed()
	} else if err != nil {
		return Context{}, ErrorAt("read", s.path, err)
	}
	k := &skimmer[[]byte]{s: elem}
	var f fields
	if !k.element(&f) || k.i != len(elem) {
		return Context{}, changed()
	}
	if now, err := st.f.Stat(); err != nil || !sameIdentity(st.info, now) {
		return Context{}, changed()
	}
	var ctx Context
	f.decode(string(elem), &ctx)
	h := *st.view.header
	h.setDefault(ctx.Name)
	out, err := encodeHeaderChange(&h, st.view.header, st.layout.head)
	if err != nil {
		return Context{}, err
	}
	if out != nil {
		out.from, out.at, out.n = st.f, st.layout.raw[0], st.layout.raw[1]-st.layout.raw[0]
		out.copied = st.view.elems
	}
	if err := s.writeOver(lh, out, &content{from: st.f, n: st.size}); err != nil {
		return Context{}, err
	}
	return ctx, nil
}

// setDefaultFresh is SetDefault under the lock when the file changed since
// it was read: it reads it again, whole.
func (s *Store) setDefaultFresh(h *lockHold, ref string) (Context, error) {
	s.forget()
	v, old, err := s.readView()
	if err != nil {
		return Context{}, err
	}
	return s.setDefaultOver(h, v, old, ref)
}

// setDefaultOver is SetDefault under the lock over v, the View of old, the
// current file (nil and "" when there is none).
func (s *Store) setDefaultOver(h *lockHold, v *View, old, ref string) (Context, error) {
	if v == nil {
		return New().SetDefault(ref)
	}
	out, c, err := v.setDefault(ref, old)
	if err != nil {
		return Context{}, err
	}
	if err := s.write(h, out, old); err != nil {
		return Context{}, err
	}
	return c, nil
}

// streamed is profile.json as SetDefault streams it (see ViewKeeping),
// open: a View of its header and names, and where its parts are.
type streamed struct {
	f      *os.File
	info   fs.FileInfo // f's, when it was opened
	size   int64
	view   *View
	layout fileLayout
}

// readStreamed opens and streams profile.json: nil when the file does not
// exist or is outside Encode's layout (the caller then reads it whole,
// which gives the errors of a file that cannot be used). The caller closes
// the file.
func (s *Store) readStreamed() (*streamed, error) {
	f, size, err := s.openCapped()
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	st := &streamed{f: f, size: size}
	if st.info, err = f.Stat(); err != nil {
		_ = f.Close()
		return nil, err
	}
	bp := copyBuffers.Get().(*[]byte)
	st.view, err = streamView(f, size, *bp, nil, false, &st.layout)
	copyBuffers.Put(bp)
	if err != nil || st.view == nil {
		_ = f.Close()
		if err != nil {
			return nil, ErrorAt("read", s.path, err)
		}
		return nil, nil
	}
	return st, nil
}

// readHeader reads the header of profile.json (its members but the
// contexts): nil when the file does not exist or is outside Encode's
// layout, as far as its header and its end show (endsAsEncoded).
func (s *Store) readHeader() (*Profile, error) {
	f, size, err := s.openCapped()
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	bp := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(bp)
	hv, _, err := readHead(&lineReader{r: f, buf: *bp}, size)
	if err == nil && hv != nil && !endsAsEncoded(f, size, *bp) {
		hv = nil
	}
	if err != nil {
		return nil, ErrorAt("read", s.path, err)
	}
	if hv == nil {
		return nil, nil
	}
	return hv.header, nil
}

// endsAsEncoded reports whether the file f of size bytes ends as Encode
// ends one, read through buf: a context's line, "  ]" and "}". A member
// after the contexts array (jq, Python and PowerShell add a new key last)
// ends it otherwise, and would win over the header's member of its name.
// Only a later array that holds a context's line as its last (a second
// "contexts", say) is not told apart here: the whole read sees it.
func endsAsEncoded(f *os.File, size int64, buf []byte) bool {
	const end = "\n  ]\n}\n"
	n := int(min(size, int64(len(buf))))
	if _, err := f.ReadAt(buf[:n], size-int64(n)); err != nil {
		return false
	}
	tail, ok := bytes.CutSuffix(buf[:n], []byte(end))
	i := bytes.LastIndexByte(tail, '\n')
	if !ok || i < 0 {
		return false
	}
	k := &skimmer[[]byte]{s: tail[i+1:]}
	var fl fields
	return k.expect("    ") && k.element(&fl) && k.i == len(k.s)
}

// index returns the position of the context ref names for SetDefault (as
// View.setDefault finds it), and exact true, when it takes no more than
// the names: "-", or an exact name (see SameName). err is why ref names
// none.
func (st *streamed) index(ref string) (i int, exact bool, err error) {
	v := st.view
	if ref == "-" {
		i, err := v.PreviousIndex()
		return i, true, err
	}
	if ref = TrimRef(ref); ref == "" {
		return -1, true, &NotFoundError{Kind: "context", Ref: ref}
	}
	i = v.NameIndex(ref)
	return i, i >= 0, nil
}

// readView is read for a View: nil and "" when the file does not exist.
// The View is the Store's own, shared by Settings and SetDefault (the scope
// choice and the switch of one `azc use` skim the file once): they only
// read it, and it is never handed out.
func (s *Store) readView() (*View, string, error) {
	text, ok, err := s.readText()
	if err != nil || !ok {
		return nil, "", err
	}
	s.mu.Lock()
	v := s.lastView
	if s.lastText != text {
		v = nil
	}
	s.mu.Unlock()
	if v != nil {
		return v, text, nil
	}
	if v, err = newView(text); err != nil {
		return nil, "", s.corrupt(err)
	}
	s.mu.Lock()
	if s.lastText == text {
		s.lastView = v
	}
	s.mu.Unlock()
	return v, text, nil
}

// write replaces profile.json with data, keeping old (the text of the
// file it replaces) as the backup; nil data writes nothing: no write, no
// new generation, no fsync. Data over MaxFileSize is refused with a
// *TooLargeError, and data over CheckValues' limits with its error: azc
// would refuse to read the file it wrote.
func (s *Store) write(h *lockHold, data *content, old string) error {
	var prev *content
	if old != "" {
		prev = &content{raw: old}
	}
	return s.writeOver(h, data, prev)
}

// writeOver is write with the file it replaces as a content (nil when
// there is none).
func (s *Store) writeOver(h *lockHold, data, old *content) error {
	if data == nil {
		return nil
	}
	if data.size() > MaxFileSize {
		return &TooLargeError{Path: s.path, Max: MaxFileSize, Write: true}
	}
	// The file is held to the limits Decode reads within, as to
	// MaxFileSize: azc never writes a profile it would refuse to read. Of
	// a file whose contexts array is copied from the file it replaces,
	// head (which counts the array) is counted with what the array holds.
	objects, values := countValues(data.head)
	count := valueCount{objects, values}
	count.add(data.copied)
	if err := count.check(); err != nil {
		return fmt.Errorf("the new %s: %w; nothing was written", s.path, err)
	}
	if err := writeAtomic(s.path, s.tmp, data, s.bak, old, h.check); err != nil {
		return fmt.Errorf("write profile: %w", err)
	}
	// profile.json is a new file: the next read reads it, and what the
	// Store read last (text, View, decoding) would only take memory for as
	// long as the Store lives.
	s.forget()
	s.log.Debug("profile written", "path", s.path, "bytes", data.size())
	return nil
}

// errLocked reports a lock another process holds (lockFile without
// waiting).
var errLocked = errors.New("profile: locked")

// lockHold is profile.lock as acquire took it.
type lockHold struct {
	f    *os.File
	path string
	// file is profile.json as it was when the lock was got (nil when there
	// was none), and fileAt its path: no writer replaces it while the lock
	// is held, so a replacement is a program that does not take the lock.
	file   fs.FileInfo
	fileAt string
	// unlock releases the lock, logging (at debug level) how long it was
	// waited for and held, for `azc --debug` and the benchmarks that read
	// it.
	unlock func()
}

// check reports a *LockReplacedError when the file at the lock's path is
// no longer the one held: someone removed or replaced profile.lock since,
// and another writer may have locked the new file. It reports a
// *ReplacedWhileLockedError when profile.json is no longer the file it was
// when the lock was got (sameIdentity): what the writer read under the
// lock, and changed, is gone. A writer checks just before it writes.
func (h *lockHold) check() error {
	if !sameFileAt(h.f, h.path) {
		return &LockReplacedError{Path: h.path}
	}
	if h.fileAt != "" {
		now, err := os.Lstat(h.fileAt)
		if h.file == nil && !errors.Is(err, fs.ErrNotExist) || h.file != nil && (err != nil || !sameIdentity(now, h.file)) {
			return &ReplacedWhileLockedError{Path: h.fileAt}
		}
	}
	return nil
}

// hold records profile.json as it is once the lock is got, for check.
func (s *Store) hold(h *lockHold) (*lockHold, error) {
	fi, err := os.Lstat(s.path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		h.unlock()
		return nil, err
	}
	if fi != nil {
		// Windows reads the identity of a file Lstat found from its path
		// when it is first compared (os.SameFile): read it now, while it
		// is still the file the lock was got on, not at check's compare.
		os.SameFile(fi, fi)
	}
	h.file, h.fileAt = fi, s.path
	return h, nil
}

// acquire takes the exclusive profile lock, waiting at most s.timeout.
// When another process holds it, acquire first runs waiting (if not nil),
// work the caller can do before its turn. A lock got on a file that is no
// longer at the lock's path (removed or replaced while acquire waited) is
// let go and the file at the path locked instead: a later writer opens
// that one.
func (s *Store) acquire(waiting func()) (*lockHold, error) {
	start := time.Now()
	for range relockTries - 1 {
		h, err := s.acquireOnce(start, waiting)
		if err != nil {
			return nil, err
		}
		if h.check() == nil {
			return s.hold(h)
		}
		h.unlock()
		waiting = nil
	}
	h, err := s.acquireOnce(start, nil)
	if err != nil {
		return nil, err
	}
	if err = h.check(); err != nil {
		h.unlock()
		return nil, err
	}
	return s.hold(h)
}

// relockTries bounds how many times acquire locks the file at the lock's
// path when the one it locked is no longer there: each is someone
// removing or replacing profile.lock, so a few at most, unless the file
// system's identities of an open file and of its path never agree, where
// every write would fail rather than spin.
const relockTries = 10

// makeDir creates the state directory (0700) when it is missing, for the
// first write: the one place a Store creates it (Open does not, so that
// reads create nothing). A directory missing when Open looked is checked
// here, each time, as Open checks one it finds: another process may have
// put one there since, a symbolic link or one others can write.
func (s *Store) makeDir() error {
	if !s.made {
		return nil // checked by Open
	}
	if err := MkdirAll(s.dir); err != nil {
		// Something not a directory in the way (a file, a FIFO, a
		// symbolic link to nothing, which makes MkdirAll say "file
		// exists"), there or above it, is named, with what to do,
		// instead.
		if _, lerr := os.Lstat(s.dir); lerr == nil || errors.Is(lerr, syscall.ENOTDIR) {
			if cerr := checkStateDir(s.dir); cerr != nil {
				return cerr
			}
		}
		return fmt.Errorf("create state directory: %w", Unwritable(s.dir, err))
	}
	return checkStateDir(s.dir)
}

// acquireOnce is acquire's lock of the file it opens at the lock's path.
func (s *Store) acquireOnce(start time.Time, waiting func()) (*lockHold, error) {
	if err := s.makeDir(); err != nil {
		return nil, err
	}
	f, err := openLock(s.lock)
	if err != nil {
		return nil, ErrorAt("lock", s.lock, err)
	}
	unlock := func() { _ = CloseLock(f) }
	locked := func() *lockHold {
		got, gotCPU := time.Now(), cpuTime()
		return &lockHold{f: f, path: s.lock, unlock: func() {
			unlock()
			// heldCPU is the process's CPU time while it held the lock: on a
			// busy machine, what the hold costs apart from waiting for a CPU.
			s.log.Debug("profile lock released", "path", s.lock, "waited", got.Sub(start), "held", time.Since(got), "heldCPU", cpuTime()-gotCPU)
		}}
	}
	switch err := lockFile(f, false); err {
	case nil:
		return locked(), nil
	case errLocked:
	default:
		unlock()
		return nil, ErrorAt("lock", s.lock, err)
	}
	if waiting != nil {
		waiting()
	}
	// Contended: block in the lock call so that the waiter wakes the
	// moment the lock is free, rather than polling. On timeout the
	// goroutine is abandoned and closes the file, releasing the lock as
	// soon as it gets it. Unbuffered: the goroutine hands the lock over
	// only to a waiter still receiving; otherwise it sees giveUp.
	got := make(chan error)
	giveUp := make(chan struct{})
	go func() {
		err := lockFile(f, true)
		select {
		case got <- err:
		case <-giveUp:
			unlock()
		}
	}()
	// The timeout measures a stall, not a queue: while other writers keep
	// replacing profile.json the wait goes on, so that 64 processes
	// writing at once all get their turn; a holder that writes nothing for
	// s.timeout times the waiter out.
	t := time.NewTimer(s.timeout)
	defer t.Stop()
	poll := time.NewTicker(stallPoll)
	defer poll.Stop()
	last := s.fileState()
	for {
		select {
		case err := <-got:
			if err != nil {
				unlock()
				return nil, ErrorAt("lock", s.lock, err)
			}
			return locked(), nil
		case <-poll.C:
			if now := s.fileState(); now != last {
				last = now
				t.Reset(s.timeout)
			}
		case <-t.C:
			// A waiter that got no CPU for a while finds the timer and
			// the poll ready together, and select picks either: the file
			// is looked at once more before the wait is called a stall.
			if now := s.fileState(); now != last {
				last = now
				t.Reset(s.timeout)
				continue
			}
			holder := lockHolder(f) // before giveUp lets the goroutine close f
			close(giveUp)
			return nil, &LockTimeoutError{Path: s.lock, Timeout: s.timeout, Holder: holder}
		case <-s.intr:
			close(giveUp)
			return nil, fmt.Errorf("lock %s: %w", s.lock, ErrInterrupted)
		}
	}
}

// LockFree reports whether profile.lock is free now, taking and releasing
// it (`azc doctor`). Its errors are Update's, the lock file's checks
// included.
func (s *Store) LockFree() (bool, error) {
	if _, err := os.Lstat(s.lock); errors.Is(err, fs.ErrNotExist) {
		return true, nil // no process made it, so none holds it; not made here, where nothing is written
	}
	f, err := openLock(s.lock)
	if err != nil {
		return false, ErrorAt("lock", s.lock, err)
	}
	defer CloseLock(f)
	free, err := TryLock(f)
	if err != nil {
		return false, ErrorAt("lock", s.lock, err)
	}
	return free, nil
}

// LockHolder names the process that holds profile.lock ("pid 1234
// (azc)", see the package's LockHolder), or "" when none does or the
// system does not tell.
func (s *Store) LockHolder() string {
	f, err := openLock(s.lock)
	if err != nil {
		return ""
	}
	defer f.Close()
	return lockHolder(f)
}

// stallPoll is how often a waiter for the profile lock checks whether the
// holders are making progress.
const stallPoll = 200 * time.Millisecond

// fileState identifies the current profile.json: every write replaces it
// by a rename, which gives it a new modification time.
type fileState struct {
	mod  time.Time
	size int64
}

func (s *Store) fileState() fileState {
	fi, err := os.Stat(s.path)
	if err != nil {
		return fileState{}
	}
	return fileState{mod: fi.ModTime(), size: fi.Size()}
}

// New returns an empty profile of the current format version.
func New() *Profile {
	return &Profile{Version: FormatVersion}
}

// LostProfile is a profile.json that is missing while the backup beside
// it (profile.json.bak, the profile before the last write) holds
// contexts: profile.json removed by hand, or lost. Every command then sees
// no context, and the first change writes a new profile.json, after which
// the backup is that one's predecessor: the contexts are lost unless the
// backup is restored first.
type LostProfile struct {
	// Path is profile.json, Backup the backup that holds Profile.
	Path, Backup string
	Profile      *Profile
}

// Hint says what is lost and the command that restores it, each path a
// word to paste (azc doctor, and a command that finds no context).
func (l *LostProfile) Hint() string {
	n := fmt.Sprintf("%d contexts", len(l.Profile.Contexts))
	if len(l.Profile.Contexts) == 1 {
		n = "1 context"
	}
	return fmt.Sprintf("%s is missing, but %s, the profile before the last write, holds %s: restore it with `cp -p %s %s` before any other azc command writes a new profile",
		l.Path, l.Backup, n, termsafe.ShellWord(l.Backup), termsafe.ShellWord(l.Path))
}

// Lost returns the store's LostProfile when its profile.json is missing
// and its backup holds contexts, else nil (a backup that cannot be read
// or decoded is no way back).
func (s *Store) Lost() *LostProfile {
	if _, err := os.Lstat(s.path); !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	data, err := ReadOwned(s.bak)
	if err != nil {
		return nil
	}
	p, err := Decode(data)
	if err != nil || len(p.Contexts) == 0 {
		return nil
	}
	return &LostProfile{Path: s.path, Backup: s.bak, Profile: p}
}
