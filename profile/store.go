package profile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// File names inside the state directory.
const (
	FileName     = "profile.json"
	BackupName   = "profile.json.bak"
	SpareName    = "profile.json.spare"
	LockName     = "profile.lock"
	tempPrefix   = "profile.json.tmp-"
	defaultLockT = 10 * time.Second
)

// Options configure a Store. The zero value is usable.
type Options struct {
	// LockTimeout bounds the wait for profile.lock in Update; 0 means 10s.
	LockTimeout time.Duration
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
}

// Store is the user-scope profile kept in profile.json in a state
// directory.
//
// Concurrency: readers never lock; Load always sees a whole file, the old
// one or the new one, because every write replaces profile.json by rename.
// Writers serialise on the never-deleted sidecar profile.lock, held only for
// the read-modify-write inside Update. A Store is safe for concurrent use by
// goroutines and by any number of processes.
type Store struct {
	dir   string
	path  string
	bak   string
	spare string
	lock  string
	// noRotate makes writes take writeLinking's way where they would
	// take writeRotating's (tests of both ways).
	noRotate bool
	timeout  time.Duration
	log      *slog.Logger
}

// Open opens the state directory dir, creating it (0700) when missing. It
// refuses a directory that other users can write to (*InsecureDirError).
// Open does not read the profile.
func Open(dir string, opts Options) (*Store, error) {
	if dir == "" {
		return nil, errors.New("open profile: empty state directory")
	}
	dir = filepath.Clean(dir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create state directory: %w", err)
	}
	if err := checkDir(dir); err != nil {
		return nil, err
	}
	s := &Store{
		dir:     dir,
		path:    filepath.Join(dir, FileName),
		bak:     filepath.Join(dir, BackupName),
		spare:   filepath.Join(dir, SpareName),
		lock:    filepath.Join(dir, LockName),
		timeout: opts.LockTimeout,
		log:     opts.Logger,
	}
	if s.timeout <= 0 {
		s.timeout = defaultLockT
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// Dir returns the state directory.
func (s *Store) Dir() string { return s.dir }

// Path returns the profile file's path.
func (s *Store) Path() string { return s.path }

// LockPath returns the lock file's path.
func (s *Store) LockPath() string { return s.lock }

// Load reads the profile without locking. A missing file is an empty
// profile. A file that cannot be used gives a *CorruptError.
//
// On Unix Load decodes a read-only mapping of the file (see View), so the
// file is never copied into the heap; the profile holds copies of what it
// keeps.
func (s *Store) Load() (*Profile, error) {
	src, err := readSource(s.path, true)
	if err != nil {
		return nil, fmt.Errorf("read profile: %w", err)
	}
	if src == nil {
		return New(), nil
	}
	defer src.close()
	p, err := src.decode()
	if errors.Is(err, errTruncated) {
		return nil, err
	}
	if err != nil {
		return nil, s.corrupt(err)
	}
	return p, nil
}

// read returns the profile and the raw bytes it came from (nil when the
// file does not exist).
func (s *Store) read() (*Profile, []byte, error) {
	data, err := s.readBytes()
	if err != nil {
		return nil, nil, err
	}
	if data == nil {
		return New(), nil, nil
	}
	p, err := Decode(data)
	if err != nil {
		return nil, nil, s.corrupt(err)
	}
	return p, data, nil
}

// readBytes reads profile.json: nil when it does not exist.
func (s *Store) readBytes() ([]byte, error) {
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read profile: %w", err)
	}
	return data, nil
}

// corrupt wraps why the profile cannot be used in a *CorruptError.
func (s *Store) corrupt(err error) error {
	ce := &CorruptError{Path: s.path, Err: err}
	if _, serr := os.Stat(s.bak); serr == nil {
		ce.Backup = s.bak
	}
	return ce
}

// View reads the profile without locking, as Load does, but decodes only
// its header (see View). A missing file is an empty profile; a file that
// cannot be used gives Load's *CorruptError.
//
// On Unix the View reads a read-only mapping of the file (see readSource):
// if the file is truncated in place while it is in use, its methods fail
// with an error saying so instead of crashing.
func (s *Store) View() (*View, error) { return s.view(false) }

// ListView is View that also notes where each context's listed fields are,
// so that View.ColumnsAt gives them without decoding the contexts (`azc
// context list`).
func (s *Store) ListView() (*View, error) { return s.view(true) }

func (s *Store) view(columns bool) (*View, error) {
	src, err := readSource(s.path, true)
	if err != nil {
		return nil, fmt.Errorf("read profile: %w", err)
	}
	if src == nil {
		return fullView(New()), nil
	}
	v, err := newView(src, columns)
	if errors.Is(err, errTruncated) {
		return nil, err
	}
	if err != nil {
		return nil, s.corrupt(err)
	}
	return v, nil
}

// Settings reads the profile's settings without locking. It decodes only
// the header and, in a profile azc wrote (where the settings come before
// the contexts), stops at the contexts array: it does not vouch for the
// contexts, which the command that reads or writes them checks, nor for
// keys after them (a hand-edited file that repeats "settings" after the
// contexts gets the first one here, the last one from Load). A missing
// file has the default settings.
func (s *Store) Settings() (Settings, error) {
	// The header of a file azc wrote is short and comes first: read a
	// few kilobytes, and map the file only when they do not hold it.
	head, whole, err := readPrefix(s.path, settingsPrefix)
	if err != nil {
		return Settings{}, fmt.Errorf("read profile: %w", err)
	}
	if head == nil {
		return Settings{}, nil
	}
	set, ok, err := decodeSettingsPrefix(head, whole)
	if !ok {
		return s.settingsMapped()
	}
	if err != nil {
		return Settings{}, s.corrupt(err)
	}
	return set, nil
}

// settingsPrefix is how much of profile.json Settings reads first.
const settingsPrefix = 8 << 10

// decodeSettingsPrefix is decodeSettings over the first bytes of the file,
// all of it when whole: ok false when they end before the answer.
func decodeSettingsPrefix(head []byte, whole bool) (set Settings, ok bool, err error) {
	if whole {
		set, err = decodeSettings(head)
		return set, true, err
	}
	var h Profile
	d := &decoder{data: bytes.TrimPrefix(head, utf8BOM), skim: true, settingsOnly: true}
	if d.profile(&h) != errStop {
		return Settings{}, false, nil
	}
	return h.Settings, true, checkVersion(h.Version)
}

// settingsMapped is Settings over the whole file, mapped.
func (s *Store) settingsMapped() (Settings, error) {
	src, err := readSource(s.path, false)
	if err != nil {
		return Settings{}, fmt.Errorf("read profile: %w", err)
	}
	if src == nil {
		return Settings{}, nil
	}
	defer src.close()
	var set Settings
	err = src.do(func() error {
		var err error
		set, err = decodeSettings(src.data)
		return err
	})
	if errors.Is(err, errTruncated) {
		return Settings{}, err
	}
	if err != nil {
		return Settings{}, s.corrupt(err)
	}
	return set, nil
}

// decodeSettings is Settings over a profile.json document: the settings
// of Decode(data) whenever Decode accepts data and no key follows the
// version, the settings and the contexts array.
func decodeSettings(data []byte) (Settings, error) {
	var h Profile
	d := &decoder{data: bytes.TrimPrefix(data, utf8BOM), skim: true, settingsOnly: true}
	err := d.profile(&h)
	if err == nil {
		if d.ws(); d.i != len(d.data) {
			err = errSlowPath
		}
	}
	switch err {
	case nil, errStop:
		return h.Settings, checkVersion(h.Version)
	case errSlowPath:
		p, err := Decode(data)
		if err != nil {
			return Settings{}, err
		}
		return p.Settings, nil
	}
	return Settings{}, err
}

// Update applies fn to the freshly read profile under the profile lock and
// writes the result atomically, bumping Generation; when fn changed nothing,
// nothing is written and Generation stays. If fn returns an error
// nothing is written and Update returns that error unchanged. A profile that
// cannot be used is never overwritten: Update returns its *CorruptError
// without calling fn. A lock wait longer than Options.LockTimeout gives a
// *LockTimeoutError. fn must not block on the network: the lock is held
// while it runs.
//
// The previous good profile.json is kept as profile.json.bak.
func (s *Store) Update(fn func(*Profile) error) (*Profile, error) {
	unlock, err := s.acquire()
	if err != nil {
		return nil, err
	}
	defer unlock()

	p, old, err := s.read()
	if err != nil {
		return nil, err
	}
	if err := fn(p); err != nil {
		return nil, err
	}
	if err := s.write(encodeChange(p, nil, old), old); err != nil {
		return nil, err
	}
	return p, nil
}

// SetDefault is Update with Profile.SetDefault(ref), returning the context
// it made the default, but it decodes only the profile's header and the
// one context ref names (the whole profile only for a reference that is
// not a name), and copies the contexts array into the new file verbatim,
// from a read-only mapping of the old file where there is one, instead of
// encoding it: `azc use` with thousands of contexts costs about what it
// costs with one. It writes byte for byte what Update would for every file
// azc wrote; a file in another layout (written by hand or by another tool)
// keeps its contexts array's layout. The locking, the backup, the errors
// and the "no change, no write" rule are Update's.
func (s *Store) SetDefault(ref string) (Context, error) {
	unlock, err := s.acquire()
	if err != nil {
		return Context{}, err
	}
	defer unlock()

	// The contexts array is checked in the file's mapping and written out
	// from it verbatim. An editor that rewrites profile.json in place
	// meanwhile would change the bytes between the check and the copy, so
	// the file's identity (inode, size, modification time) is taken before
	// it is mapped and again once the new file is durable: any change, and
	// nothing is replaced. (azc's own writers are kept out by the lock.)
	before := s.fileState()
	src, err := readSource(s.path, true)
	if err != nil {
		return Context{}, fmt.Errorf("read profile: %w", err)
	}
	if src == nil {
		return New().SetDefault(ref)
	}
	defer src.close()
	unchanged := func() error {
		if s.fileState() != before {
			return errChangedWhileWriting
		}
		return nil
	}
	var c Context
	err = src.do(func() error {
		var out *contents
		out, c, err = setDefault(src.data, ref)
		if err != nil {
			return err
		}
		return s.writeChecked(out, src.data, unchanged)
	})
	var ce *CorruptError
	if errors.As(err, &ce) {
		return Context{}, s.corrupt(ce.Err)
	}
	if err != nil {
		return Context{}, err
	}
	return c, nil
}

// setDefault is SetDefault's change to the file contents old: the new
// contents, nil when nothing changes. A file that cannot be used gives a
// *CorruptError without a path. When old is a mapping, call it under the
// source's do: the contents refer to old.
func setDefault(old []byte, ref string) (*contents, Context, error) {
	v, err := NewView(old)
	if err != nil {
		return nil, Context{}, &CorruptError{Err: err}
	}
	if v.src == nil || v.Len() == 0 {
		// Outside the shape the view skims, or nothing to skim: the
		// ordinary way.
		p, err := v.Profile()
		if err != nil {
			return nil, Context{}, err
		}
		c, err := p.SetDefault(ref)
		if err != nil {
			return nil, Context{}, err
		}
		return encodeChange(p, nil, old), c, nil
	}
	h := *v.header
	if ref == "-" {
		if h.PreviousContext == "" {
			return nil, Context{}, ErrNoPrevious
		}
		ref = h.PreviousContext
		if i, err := v.nameIndex(ref); err != nil {
			return nil, Context{}, err
		} else if i < 0 {
			return nil, Context{}, fmt.Errorf("previous context %q was removed: %w", ref, ErrNoPrevious)
		}
	}
	c, err := v.Find(ref)
	if err != nil {
		return nil, Context{}, err
	}
	h.setDefault(c.Name)
	return encodeChange(&h, v.raw(), old), *c, nil
}

// encodeChange encodes p (with raw standing for its contexts when not nil)
// with the next generation, and bumps p.Generation; it returns nil and
// leaves p.Generation when the result would be old with only the
// generation changed: nothing to write.
func encodeChange(p *Profile, raw *rawContexts, old []byte) *contents {
	p.Version = FormatVersion
	p.Generation++
	c := encodeProfile(p, raw)
	if old != nil && c.sameButGeneration(old, p.Generation-1) {
		p.Generation--
		return nil
	}
	return c
}

// sameButGeneration reports whether old is c with the generation digits
// replaced by prev's: c encoded with the previous generation, without
// encoding twice.
func (c *contents) sameButGeneration(old []byte, prev uint64) bool {
	var buf [20]byte
	digits := strconv.AppendUint(buf[:0], prev, 10)
	if len(old) != c.len()-(c.gen[1]-c.gen[0])+len(digits) {
		return false
	}
	for _, piece := range [][]byte{c.head[:c.gen[0]], digits, c.head[c.gen[1]:], c.raw, c.tail} {
		if !bytes.Equal(old[:len(piece)], piece) {
			return false
		}
		old = old[len(piece):]
	}
	return true
}

// write replaces profile.json with c, keeping old as the backup; nil c
// writes nothing: no write, no new generation, no fsync.
func (s *Store) write(c *contents, old []byte) error {
	return s.writeChecked(c, old, nil)
}

// writeChecked is write with check run once the new file is durable and
// before it replaces the old one: an error from check replaces nothing.
// On Linux it writes through writeRotating, elsewhere writeLinking.
func (s *Store) writeChecked(c *contents, old []byte, check func() error) error {
	if c == nil {
		return nil
	}
	var err error
	if rotates && !s.noRotate {
		err = s.writeRotating(c, old, check)
	} else {
		err = s.writeLinking(c, old, check)
	}
	if err != nil {
		// A writer that died may have left a temporary file as big as the
		// profile: on a full disk, only removing it lets the next write
		// succeed.
		s.removeStaleTemps()
		return fmt.Errorf("write profile: %w", err)
	}
	s.log.Debug("profile written", "path", s.path, "bytes", c.len())
	return nil
}

// writeLinking is writeChecked where names cannot be exchanged: the
// backup is a hard link to the old file, and a new temporary file replaces
// profile.json.
func (s *Store) writeLinking(c *contents, old []byte, check func() error) error {
	// The backup is linked while the new file is written and synced: the
	// rename over the old backup frees its blocks, a good part of what the
	// fsync costs. It is done before the new file replaces the old one, as
	// if in sequence.
	var linked chan error
	if old != nil {
		linked = make(chan error, 1)
		go func() { linked <- s.linkBackup() }()
	}
	backedUp := func() {
		if linked == nil {
			return
		}
		err := <-linked
		linked = nil
		s.backupDone(err, old)
	}
	// On failure the backup's link is done before the caller removes
	// stale temporary files: its temporary name is one of those.
	defer backedUp()
	return writeFileAtomicHooked(s.path, tempPrefix, atomicHooks{
		check: func() error {
			backedUp()
			if check != nil {
				return check()
			}
			return nil
		},
		renamed: s.sweep,
	}, c.head, c.raw, c.tail)
}

// backupDone finishes a backup that linkBackup returned err for: where the
// file system has no hard links, old is written out instead (read here,
// under the caller's guard of a mapping). A backup that fails is logged:
// the write goes on.
func (s *Store) backupDone(err error, old []byte) {
	if errors.Is(err, errNoLink) {
		err = writeFileAtomic(s.bak, BackupName+".tmp-", old)
	}
	if err != nil {
		s.log.Warn("profile backup failed", "path", s.bak, "err", err)
	}
}

// sweep removes the temporary files left by writers that died, while the
// directory syncs (an atomicHooks.renamed): the new file is renamed by
// then, and only the lock holder writes them.
func (s *Store) sweep() (wait func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.removeStaleTemps()
	}()
	return func() { <-done }
}

// errNoLink reports that the file system cannot link profile.json.
var errNoLink = errors.New("profile: no hard links here")

// linkBackup makes profile.json.bak the current (good) profile.json by a
// hard link, which costs no copy and no fsync (the data is already
// durable), or fails with errNoLink where links are unsupported: the
// caller then writes the bytes out.
func (s *Store) linkBackup() error {
	tmp := s.bak + ".tmp"
	_ = os.Remove(tmp)
	if err := os.Link(s.path, tmp); err != nil {
		return errNoLink
	}
	err := renameRetry(tmp, s.bak)
	// When tmp and the backup are already links to one file (a writer
	// died between backup and replace), rename succeeds and does nothing,
	// leaving tmp behind.
	_ = os.Remove(tmp)
	return err
}

// removeStaleTemps deletes temporary files left by writers that died. Only
// the lock holder writes temporary files, so under the lock every one found
// is stale.
func (s *Store) removeStaleTemps() {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, tempPrefix) || strings.HasPrefix(n, BackupName+".tmp") {
			_ = os.Remove(filepath.Join(s.dir, n))
		}
	}
}

// acquire takes the exclusive profile lock, waiting at most s.timeout.
// Unlocking logs (at debug level) how long the lock was waited for and
// held, for `azc --debug` and the benchmarks that read it.
func (s *Store) acquire() (unlock func(), err error) {
	start := time.Now()
	fl := flock.New(s.lock, flock.SetPermissions(0o600))
	locked := func() func() {
		got := time.Now()
		return func() {
			_ = fl.Unlock()
			s.log.Debug("profile lock released", "path", s.lock, "waited", got.Sub(start), "held", time.Since(got))
		}
	}
	ok, err := fl.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", s.lock, err)
	}
	if ok {
		return locked(), nil
	}
	// Contended: block in flock(2) so the waiter wakes the moment the lock
	// is free, rather than polling. On timeout the goroutine is abandoned;
	// it releases the lock as soon as it gets it.
	// Unbuffered: the goroutine hands the lock over only to a waiter that
	// is still receiving; otherwise it sees giveUp and unlocks.
	got := make(chan error)
	giveUp := make(chan struct{})
	go func() {
		err := fl.Lock()
		select {
		case got <- err:
		case <-giveUp:
			if err == nil {
				_ = fl.Unlock()
			}
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
				return nil, fmt.Errorf("lock %s: %w", s.lock, err)
			}
			return locked(), nil
		case <-poll.C:
			if now := s.fileState(); now != last {
				last = now
				t.Reset(s.timeout)
			}
		case <-t.C:
			close(giveUp)
			select {
			case err := <-got:
				// Lost the race with the goroutine: it got the lock after all.
				if err == nil {
					return locked(), nil
				}
			default:
			}
			return nil, &LockTimeoutError{Path: s.lock, Timeout: s.timeout}
		}
	}
}

// stallPoll is how often a waiter for the profile lock checks whether the
// holders are making progress.
const stallPoll = 200 * time.Millisecond

// fileState identifies the current profile.json: every write replaces it
// by a rename, so a write changes it.
type fileState struct {
	mod  time.Time
	size int64
	ino  uint64
}

func (s *Store) fileState() fileState {
	fi, err := os.Stat(s.path)
	if err != nil {
		return fileState{}
	}
	return fileState{mod: fi.ModTime(), size: fi.Size(), ino: inode(fi)}
}

// New returns an empty profile of the current format version.
func New() *Profile {
	return &Profile{Version: FormatVersion}
}

// Decode parses a profile.json document and checks its invariants. It
// accepts a leading UTF-8 byte order mark.
func Decode(data []byte) (*Profile, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	p, err := fastDecode(data)
	if err != nil {
		p = new(Profile)
		if err := json.Unmarshal(data, p); err != nil {
			return nil, err
		}
	}
	if err := checkVersion(p.Version); err != nil {
		return nil, err
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// checkVersion refuses a format version this build cannot read.
func checkVersion(v int) error {
	if v > FormatVersion {
		return &NewerVersionError{Version: v, Max: FormatVersion}
	}
	if v < 1 {
		return fmt.Errorf("missing or invalid format version %d", v)
	}
	return nil
}

// Encode renders p as profile.json: indented JSON with each environment,
// account and context on one compact line, and a final newline.
func Encode(p *Profile) ([]byte, error) {
	return fastEncode(p), nil
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}
