package credstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/azcontext/azc/profile"
)

// DefaultLockTimeout is how long Update and Lock wait for a blob's lock
// when Options.LockTimeout is zero.
const DefaultLockTimeout = 10 * time.Second

// Blobs is a keyed store of secret blobs. *Store implements it, and so does
// a session's own store, so process-scope sign-ins keep their tokens in the
// session only.
//
// Get never locks. Put and Delete replace or remove a blob atomically
// without locking, so they may be called while holding Lock; a caller that
// derives the new value from the old one uses Update, or holds Lock around
// Get and Put. Update takes the blob's lock itself and so must not be
// called by the holder of Lock for the same key (it would wait for itself).
// Keys are compared as account keys are (profile.SameName): two spellings
// of one key name one blob and one lock.
type Blobs interface {
	// Get returns the blob stored under key, or an error matching
	// ErrNotFound.
	Get(key string) ([]byte, error)
	// Put stores data under key, replacing any blob.
	Put(key string, data []byte) error
	// Delete removes the blob under key; a missing blob is not an error.
	Delete(key string) error
	// Update applies fn to the current blob (nil when there is none)
	// under the blob's lock and stores the result; a nil result deletes
	// the blob, and an error from fn leaves the blob as it was.
	Update(key string, fn func(old []byte) ([]byte, error)) error
	// Lock takes the blob's cross-process lock until unlock is called.
	Lock(ctx context.Context, key string) (unlock func(), err error)
}

// Options configure Open.
type Options struct {
	// Backend holds the data key. Nil picks the first usable OS key store
	// for this platform, falling back to plaintext.
	Backend KeyBackend
	// Desktop is the client of the desktop's key store, which the
	// platform's list begins with where there is one (the Secret Service
	// where Env gives a DBUS_SESSION_BUS_ADDRESS, the macOS Keychain):
	// desktopkey.Backend(), which links a D-Bus client. Nil there makes
	// Open fail with a *DesktopNotLinkedError; elsewhere it is not used.
	Desktop KeyBackend
	// RequireEncryption makes Open fail with an error matching
	// ErrEncryptionRequired rather than store plaintext blobs. A plaintext
	// blob written earlier, while no key store was reachable, is read and
	// sealed as without it (Get): refusing it would leave it unencrypted.
	RequireEncryption bool
	// Env reads the caller's environment; only DBUS_SESSION_BUS_ADDRESS
	// is consulted (to decide whether the Secret Service can exist). Nil
	// reads nothing.
	Env func(string) string
	// Warn is called once when Open falls back to plaintext, and when a
	// read seals a plaintext blob that has other names (hard links): they
	// keep its secrets unencrypted, and nothing azc looks at finds them.
	Warn func(msg string)
	// Logger receives diagnostics (never secrets). Nil discards.
	Logger *slog.Logger
	// LockTimeout bounds lock waits; zero means DefaultLockTimeout.
	LockTimeout time.Duration
	// LeaveTemps keeps writes from removing the stale temporary files
	// of stopped writers (see Put): for a store whose directory goes
	// whole with its owner (a session's), so that its writes, which a
	// shell's `azc use` makes, cost nothing more.
	LeaveTemps bool

	// testOnlyPlatform replaces the platform's backend list in tests.
	testOnlyPlatform []KeyBackend
	// testOnlyNow replaces the process's clock (time.Now) in tests.
	testOnlyNow func() time.Time
}

// Store is an open credential store. It is safe for concurrent use by
// many goroutines and processes.
type Store struct {
	dir         string // <state dir>/credentials
	backend     string
	sealer      *sealer // nil: plaintext
	lockTimeout time.Duration
	known       map[string]string     // hex key id → backend that held it
	unreachable map[string]string     // backend → why it could not be used (ErrUnavailable; oldMu after Open)
	ref         KeyRef                // the data key's name in every backend
	others      map[string]KeyBackend // backends of the platform Open did not pick, not refused
	oldMu       sync.Mutex
	old         map[keyID]*sealer // keys of others loaded for blobs sealed under them (oldMu)
	log         *slog.Logger
	leaveTemps  bool      // Options.LeaveTemps
	swept       sync.Once // removeStaleTemps
	unsealedMu  sync.Mutex
	unsealed    map[string]string // blobName → key of a blob Get could not seal while its lock was held (unsealedMu)
	now         func() time.Time
	warn        func(msg string) // Options.Warn, or nothing
}

var _ Blobs = (*Store)(nil)

// credentialsDir is the store's directory under the state directory.
const credentialsDir = "credentials"

// Dir is the directory of the credential store under the state directory
// stateDir, which Open creates: a caller that only reads (`azc doctor`)
// looks for it first, so as to open no store where none was made.
func Dir(stateDir string) string { return filepath.Join(stateDir, credentialsDir) }

// Open opens (creating if needed) the credential store under
// <dir>/credentials and loads or creates its data key.
func Open(dir string, opts Options) (*Store, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("credential store: %w", err)
	}
	candidates, explicit := []KeyBackend{opts.Backend}, true
	if opts.Backend == nil {
		env := opts.Env
		if env == nil {
			env = func(string) string { return "" }
		}
		candidates, explicit = nil, false
		if opts.testOnlyPlatform != nil {
			candidates = opts.testOnlyPlatform
		} else if candidates, err = platformBackends(env, opts.Desktop); err != nil {
			// before anything is created: azc hands the command over
			return nil, fmt.Errorf("credential store: %w", err)
		}
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cdir := filepath.Join(abs, credentialsDir)
	if err := profile.MkdirAll(cdir); err != nil {
		// Something not a directory in the way is named, with what to do.
		err = profile.Unwritable(cdir, err)
		if _, lerr := os.Lstat(cdir); lerr == nil {
			if cerr := checkPrivateDir(cdir); cerr != nil {
				err = cerr
			}
		}
		return nil, fmt.Errorf("credential store: %w", err)
	}
	if err := checkPrivateDir(cdir); err != nil {
		return nil, fmt.Errorf("credential store: %w", err)
	}
	s := &Store{dir: cdir, lockTimeout: opts.LockTimeout, log: log, leaveTemps: opts.LeaveTemps, now: time.Now, warn: opts.Warn}
	if s.warn == nil {
		s.warn = func(string) {}
	}
	if opts.testOnlyNow != nil {
		s.now = opts.testOnlyNow
	}
	if s.lockTimeout <= 0 {
		s.lockTimeout = DefaultLockTimeout
	}
	ref, given := keyRefsFor(abs)
	s.ref = ref

	var tried []string
	for _, b := range candidates {
		if _, ok := b.(plaintext); ok {
			break
		}
		key, err := s.loadOrCreateKey(b, ref, given)
		if err != nil {
			var uw *profile.UnwritableError
			if refused(err) || errors.As(err, &uw) || errors.Is(err, ErrDamagedKey) {
				// A planted key lock is no reason to store secrets
				// unencrypted, nor is a directory where the key's lock
				// cannot be made (read-only), nor a damaged key: the key
				// store works, and the error names what to mend, not a
				// missing key store.
				return nil, fmt.Errorf("credential store: %w", err)
			}
			if explicit {
				return nil, fmt.Errorf("credential store: %s: %w", b.Name(), err)
			}
			log.Debug("credential key store unusable", "backend", b.Name(), "err", err)
			if errors.Is(err, ErrUnavailable) {
				if s.unreachable == nil {
					s.unreachable = map[string]string{}
				}
				s.unreachable[b.Name()] = err.Error()
			}
			tried = append(tried, b.Name()+": "+err.Error())
			continue
		}
		sl, err := newSealer(key)
		clear(key)
		if err != nil {
			return nil, fmt.Errorf("credential store: %s: %w", b.Name(), err)
		}
		s.sealer, s.backend = sl, b.Name()
		break
	}
	if !explicit {
		// the platform's other key stores, which may hold the key of a
		// blob sealed where they were picked (sealerFor)
		for _, b := range candidates {
			if _, plain := b.(plaintext); !plain && b.Name() != s.backend && s.unreachable[b.Name()] == "" {
				if s.others == nil {
					s.others = map[string]KeyBackend{}
				}
				s.others[b.Name()] = b
			}
		}
	}
	if s.sealer == nil {
		if opts.RequireEncryption {
			return nil, &EncryptionRequiredError{Dir: cdir, Tried: tried}
		}
		s.backend = plaintextName
		if !explicit && opts.Warn != nil {
			msg := "no OS key store is available: credentials in " + cdir + " are stored unencrypted (mode 0600)"
			if len(tried) > 0 {
				msg += " (tried " + strings.Join(tried, "; ") + ")"
			}
			opts.Warn(msg)
		}
	}
	log.Debug("credential store open", "dir", cdir, "backend", s.backend)
	if err := s.recordMeta(); err != nil {
		if refused(err) {
			return nil, fmt.Errorf("credential store: %w", err)
		}
		log.Debug("credential store meta not recorded", "err", err)
	}
	return s, nil
}

// refused reports whether err is a file of the store that azc refuses to
// use (*profile.UnsafePathError, *profile.TooLargeError): the user must
// look at it, so it fails Open rather than being worked around.
func refused(err error) bool {
	var ue *profile.UnsafePathError
	var tl *profile.TooLargeError
	return errors.As(err, &ue) || errors.As(err, &tl)
}

// keyRefsFor names the data key of the store under state directory abs.
// The key is the directory's, whichever path reaches it (a parent that is
// a symbolic link): ref is named for abs with every link resolved. given
// is the name of abs as it is, links and all (nil when the two are one):
// where ref has no key, loadOrCreateKey takes over a key stored under
// that name.
func keyRefsFor(abs string) (ref KeyRef, given *KeyRef) {
	named := abs
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		named = real
	}
	ref = keyRefFor(named)
	if named != abs {
		g := keyRefFor(abs)
		given = &g
	}
	return ref, given
}

// keyRefFor names the data key of the store under state directory abs, a
// path without symbolic links: a directory moved or renamed finds no key.
func keyRefFor(abs string) KeyRef {
	sum := sha256.Sum256([]byte(abs))
	return KeyRef{ID: "azc:datakey:" + hex.EncodeToString(sum[:8]), Dir: filepath.Join(abs, credentialsDir)}
}

// loadOrCreateKey loads b's key for ref, creating one under the store's
// key lock when none exists, so concurrent first uses agree on one key.
// When ref has none (or cannot be read: DPAPI binds a key to its name)
// and given, the name of the directory's path as given, has one, that key
// is stored under ref too and used: its blobs stay readable through every
// path.
func (s *Store) loadOrCreateKey(b KeyBackend, ref KeyRef, given *KeyRef) ([]byte, error) {
	key, err := b.LoadKey(ref)
	if err == nil || !errors.Is(err, ErrNoKey) && given == nil {
		return key, err
	}
	unlock, err := lockFile(context.Background(), filepath.Join(s.dir, "datakey.lock"), s.lockTimeout)
	if err != nil {
		return nil, err
	}
	defer unlock()
	key, err = b.LoadKey(ref)
	if err == nil {
		return key, nil
	}
	if given != nil {
		if old, gerr := b.LoadKey(*given); gerr == nil {
			if err := b.StoreKey(ref, old); err != nil {
				clear(old)
				return nil, err
			}
			return old, nil
		}
	}
	if !errors.Is(err, ErrNoKey) {
		return nil, err
	}
	key = make([]byte, 32)
	if _, err := io.ReadFull(rand.Reader, key); err != nil {
		return nil, err
	}
	if err := b.StoreKey(ref, key); err != nil {
		return nil, err
	}
	return key, nil
}

// meta is credentials/meta.json: which backend holds the current key and
// which held earlier ones, so a blob sealed under a lost key can say where
// its key lived.
type meta struct {
	Version int               `json:"version"`
	Backend string            `json:"backend"`
	KeyID   string            `json:"keyId,omitempty"`
	Keys    map[string]string `json:"keys,omitempty"` // key id → backend
}

func (s *Store) metaPath() string { return filepath.Join(s.dir, "meta.json") }

// readMeta reads meta.json as a blob is read (profile.ReadOwned). A missing file,
// or one over profile.MaxFileSize (refused unread), not a meta's JSON or
// over the values azc reads of a file (profile.Unmarshal), reads as an
// empty meta, which recordMeta then writes afresh: it holds no secret. One
// that is no regular file of the user's fails, as every file of the store
// does.
func readMeta(path string) (meta, error) {
	var m meta
	b, err := profile.ReadOwned(path)
	var tl *profile.TooLargeError
	if errors.Is(err, os.ErrNotExist) || errors.As(err, &tl) {
		return m, nil
	}
	if err != nil {
		return m, err
	}
	if profile.Unmarshal(b, &m) != nil {
		m = meta{}
	}
	return m, nil
}

// recordMeta notes the current backend and key id in meta.json, under the
// key lock, when they are not recorded yet.
func (s *Store) recordMeta() error {
	id := ""
	if s.sealer != nil {
		id = hex.EncodeToString(s.sealer.id[:])
	}
	m, err := readMeta(s.metaPath())
	if err != nil {
		return err
	}
	s.known = m.Keys
	if m.Backend == s.backend && m.KeyID == id && (id == "" || m.Keys[id] == s.backend) {
		return nil
	}
	unlock, err := lockFile(context.Background(), filepath.Join(s.dir, "datakey.lock"), s.lockTimeout)
	if err != nil {
		return err
	}
	defer unlock()
	if m, err = readMeta(s.metaPath()); err != nil {
		return err
	}
	if m.Keys == nil {
		m.Keys = map[string]string{}
	}
	m.Version, m.Backend, m.KeyID = 1, s.backend, id
	if id != "" {
		m.Keys[id] = s.backend
	}
	s.known = m.Keys
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := profile.WriteFile(s.metaPath(), append(b, '\n')); err != nil {
		return err
	}
	s.removeStaleTemps(s.metaPath())
	return nil
}

// removeStaleTemps removes, once a Store, the temporary files that
// writers stopped before their rename left in the store's directory
// (profile.RemoveStaleTemps: older than profile.StaleTempAge), which may
// hold credential blobs, plaintext ones where there is no key store. Only
// writes call it, once they have written the file written, so that reads
// (azc token, context show) never list the directory; a failure is logged
// and the write goes on. Ages are told by the file system's clock, which set
// the modification times: now is written's, the file this write just made
// (the process's clock when it cannot be looked at), so that a machine
// whose clock is ahead of its file server's does not take the temporary
// file of another process's running write for a stale one.
func (s *Store) removeStaleTemps(written string) {
	if s.leaveTemps {
		return
	}
	s.swept.Do(func() {
		now := s.now()
		if fi, err := os.Lstat(written); err == nil {
			now = fi.ModTime()
		}
		n, err := profile.RemoveStaleTemps(s.dir, now)
		if n > 0 || err != nil {
			s.log.Debug("stale temporary files of the credential store removed", "dir", s.dir, "removed", n, "err", err)
		}
	})
}

// Backend names the key store holding the data key: "secret-service",
// "linux-keyring", "keychain", "dpapi", "plaintext", or a FixedKey's name.
func (s *Store) Backend() string { return s.backend }

// Encrypted reports whether blobs are written encrypted.
func (s *Store) Encrypted() bool { return s.sealer != nil }

// Dir is the directory that holds the blobs.
func (s *Store) Dir() string { return s.dir }

// blobName is the name a key's blob is stored under: the key's
// profile.NameKey, so that two keys the same under azc's one name rule
// (profile.SameName: "A" and "a", "ſ" and "s") are one blob with one lock,
// as they are one account (profile.Account.Key), and keys the rule tells
// apart ("İ" and "i") are two. An account key azc makes (Account.Key) is
// its own NameKey, and so names its blob as it is.
func blobName(key string) string { return profile.NameKey(key) }

// path is the file of key's blob: the hex SHA-256 of its blobName.
func (s *Store) path(key string) string {
	sum := sha256.Sum256([]byte(blobName(key)))
	return filepath.Join(s.dir, hex.EncodeToString(sum[:]))
}

// Has reports whether a blob is stored under key, without decrypting or
// changing it (`azc doctor`). One sealed under a data key the store does
// not have gives false and its *KeyLostError, as Get reads it signed out;
// any other it finds gives true: Get tells whether it can be read, and
// Check names each file it refuses.
func (s *Store) Has(key string) (bool, error) {
	p := s.path(key)
	if _, err := os.Lstat(p); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return false, nil
		}
		return false, err
	}
	raw, _, err := readBlob(p)
	if err != nil {
		return true, nil
	}
	if b, err := decodeBlob(raw); err == nil && b.alg != algPlain && s.sealerFor(b.keyID) == nil {
		return false, s.keyLost(key, b.keyID)
	}
	return true, nil
}

// LockPath is the sidecar lock file of key's blob.
func (s *Store) LockPath(key string) string { return BlobLockPath(s.path(key)) }

// BlobLockPath is the sidecar lock file of the blob file at path.
func BlobLockPath(path string) string { return path + ".lock" }

// tooLargeBlob is the error of key's blob at path when it is larger than
// profile.MaxFileSize: azc never writes one that large (Put), so it is
// damaged, and its way out is a damaged blob's (the account's logout), not
// a file the user named's.
func tooLargeBlob(key, path string) *CorruptError {
	return &CorruptError{Key: key, Path: path, Err: fmt.Errorf("%w: larger than %d MiB, the most azc reads", ErrCorrupt, profile.MaxFileSize>>20)}
}

// Get returns the blob stored under key. A missing blob gives ErrNotFound;
// a blob sealed under a lost data key gives *KeyLostError (which matches
// ErrNotFound too); a damaged blob, or one over profile.MaxFileSize, gives
// a *CorruptError; a blob file that is a symbolic link, not a regular file
// or another user's gives a *profile.UnsafePathError naming it. A plaintext blob, written
// while no key store was reachable, is encrypted in place once one is
// (see sealPlaintext).
func (s *Store) Get(key string) ([]byte, error) {
	p := s.path(key)
	raw, err := profile.ReadOwned(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, key)
	}
	var tl *profile.TooLargeError
	if errors.As(err, &tl) {
		return nil, tooLargeBlob(key, p)
	}
	if err != nil {
		return nil, fmt.Errorf("credential store: %w", err)
	}
	data, err := s.open(key, raw)
	if err != nil {
		var lost *KeyLostError
		if errors.As(err, &lost) {
			return nil, err
		}
		if errors.Is(err, ErrCorrupt) {
			return nil, &CorruptError{Key: key, Path: p, Err: err}
		}
		return nil, fmt.Errorf("credential store: %s: %w", p, err)
	}
	if s.needsSeal(raw) {
		s.sealPlaintext(key)
	}
	return data, nil
}

// needsSeal reports whether raw, a blob Get could open, is to be sealed
// again under the store's own data key: it is plaintext, or sealed under
// another key store's key (sealerFor), and the store has a key.
func (s *Store) needsSeal(raw []byte) bool {
	return s.sealer != nil && (raw[plainHdr-1] == algPlain || !s.own(raw))
}

// own reports whether raw, a blob Get could open, is sealed under the
// store's own data key: else under the key of another of the platform's
// key stores (sealerFor), and Get seals it again under its own.
func (s *Store) own(raw []byte) bool {
	b, err := decodeBlob(raw)
	return err == nil && b.alg != algPlain && s.sealer != nil && b.keyID == s.sealer.id
}

// sealerFor returns the sealer of the data key id: the store's own, or
// that of the platform's key store that meta.json says held it, when that
// store still has it (a blob sealed in an ssh session, under the kernel
// keyring's key, read at the desktop, which uses the Secret Service); nil
// when neither has it.
func (s *Store) sealerFor(id keyID) *sealer {
	if s.sealer != nil && s.sealer.id == id {
		return s.sealer
	}
	b := s.others[s.known[hex.EncodeToString(id[:])]]
	if b == nil {
		return nil
	}
	s.oldMu.Lock()
	defer s.oldMu.Unlock()
	if sl, ok := s.old[id]; ok {
		return sl
	}
	var sl *sealer
	key, err := b.LoadKey(s.ref)
	if err == nil {
		if sl, err = newSealer(key); err == nil && sl.id != id {
			sl = nil // the store has another key now: this one is gone
		}
		clear(key)
	}
	if errors.Is(err, ErrUnavailable) {
		s.log.Debug("credential key store unusable", "backend", b.Name(), "err", err)
		if s.unreachable == nil {
			s.unreachable = map[string]string{}
		}
		s.unreachable[b.Name()] = err.Error()
	}
	if err != nil {
		sl = nil
	}
	if s.old == nil {
		s.old = map[keyID]*sealer{}
	}
	s.old[id] = sl
	return sl
}

// sealPlaintext seals key's blob under the store's key (sealHeld) when
// the blob's lock is free: a holder may be replacing the blob, and a seal
// of what Get read could then put back the old credentials over the new.
// When the lock is held, the blob is noted, and the holder's unlock, when
// it is this Store's (Lock: a token request reads the blob under it),
// seals it before letting the lock go; else the next read tries again.
func (s *Store) sealPlaintext(key string) {
	unlock, ok, err := tryLockFile(s.LockPath(key))
	if err != nil {
		return
	}
	if !ok {
		s.unsealedMu.Lock()
		if s.unsealed == nil {
			s.unsealed = map[string]string{}
		}
		s.unsealed[blobName(key)] = key
		s.unsealedMu.Unlock()
		return
	}
	defer unlock()
	s.sealHeld(key)
}

// sealHeld, called with key's lock held, replaces key's blob, when it is
// plaintext or sealed under another key store's key (needsSeal), by its
// payload sealed under the store's key. A failure leaves the blob, which
// stays readable, and is logged. A plaintext blob with other names (hard
// links) is sealed all the same, and the store's Warn says that they
// still hold it unencrypted: the seal replaces the blob by rename, after
// which no check of the store's can find them.
func (s *Store) sealHeld(key string) {
	p := s.path(key)
	raw, linked, err := readBlob(p)
	if err != nil || len(raw) < plainHdr || !s.needsSeal(raw) {
		return
	}
	data, err := s.open(key, raw)
	if err == nil {
		err = s.Put(key, data)
		clear(data)
	}
	if err != nil {
		s.log.Debug("credential blob not sealed under the store's key", "path", p, "err", err)
		return
	}
	s.log.Debug("credential blob sealed under the store's key", "path", p, "backend", s.backend)
	if le := (*profile.LinkedError)(nil); errors.As(linked, &le) && raw[plainHdr-1] == algPlain {
		names := "names"
		if le.Other == 1 {
			names = "name"
		}
		s.warn(fmt.Sprintf("credential blob %s is encrypted now, but its %d other %s (hard links, inode %d) still hold it unencrypted: `find / -inum %d` lists them on its file system; remove them",
			p, le.Other, names, le.Inode, le.Inode))
	}
}

// readBlob reads the blob file at path as Get does (profile.ReadOwned),
// and tells whether it has other names (profile.CheckLinks: linked, a
// *profile.LinkedError, or nil).
func readBlob(path string) (raw []byte, linked, err error) {
	f, size, err := profile.OpenOwned(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	if size > profile.MaxFileSize {
		return nil, nil, &profile.TooLargeError{Path: path, Max: profile.MaxFileSize}
	}
	linked = profile.CheckLinks(f, path)
	raw, err = profile.ReadLimited(f, path)
	return raw, linked, err
}

func (s *Store) open(key string, raw []byte) ([]byte, error) {
	b, err := decodeBlob(raw)
	if err != nil {
		return nil, err
	}
	switch b.alg {
	case algPlain:
		if subtle.ConstantTimeCompare(b.sum, plainSum(b.header, blobName(key), b.payload)) != 1 {
			return nil, ErrCorrupt
		}
		return bytes.Clone(b.payload), nil
	default:
		sl := s.sealerFor(b.keyID)
		if sl == nil {
			return nil, s.keyLost(key, b.keyID)
		}
		out, err := sl.aead.Open(nil, b.nonce, b.payload, aad(b.header, blobName(key)))
		if err != nil {
			return nil, ErrCorrupt
		}
		if out == nil {
			out = []byte{}
		}
		return out, nil
	}
}

// keyLost is the *KeyLostError of key's blob, sealed under the data key
// id, which the store does not have: the key is gone, or the backend
// that held it could not be reached by Open (Unreachable).
func (s *Store) keyLost(key string, id keyID) *KeyLostError {
	backend := s.known[hex.EncodeToString(id[:])]
	s.oldMu.Lock() // sealerFor may add to unreachable
	why := s.unreachable[backend]
	s.oldMu.Unlock()
	if why == "" && backend == SecretServiceName && backend != s.backend && s.others[backend] == nil {
		// not on the platform's list in this process (platformBackends)
		why = "azc uses it only where DBUS_SESSION_BUS_ADDRESS is set"
	}
	return &KeyLostError{Key: key, Backend: backend, Unreachable: why}
}

// Put stores data under key, replacing any blob atomically. It does not
// lock (see Blobs). The first write of a Store (Put, or Open's record of
// the key's backend) removes the temporary files of writers stopped
// before their rename, when older than profile.StaleTempAge, unless
// Options.LeaveTemps. A blob that would be larger than profile.MaxFileSize,
// more than Get reads, is refused (*profile.TooLargeError) and nothing is
// written.
func (s *Store) Put(key string, data []byte) error {
	if data == nil {
		data = []byte{}
	}
	raw, err := s.sealer.seal(blobName(key), data)
	if err != nil {
		return fmt.Errorf("credential store: %w", err)
	}
	if len(raw) > profile.MaxFileSize {
		return &profile.TooLargeError{Path: s.path(key), Max: profile.MaxFileSize, Write: true}
	}
	if err := profile.WriteFile(s.path(key), raw); err != nil {
		return fmt.Errorf("credential store: %w", err)
	}
	s.removeStaleTemps(s.path(key))
	return nil
}

// Delete removes the blob under key. A missing blob is not an error. The
// lock file stays: deleting it would break the lock's exclusion.
func (s *Store) Delete(key string) error {
	if err := removeFile(s.path(key)); err != nil {
		return fmt.Errorf("credential store: %w", err)
	}
	return nil
}

// Update applies fn to the blob under key while holding its lock. fn sees
// nil when there is no blob or its data key is lost (the account is signed
// out, so signing in again replaces it); a corrupt blob fails Update
// without calling fn. A nil result deletes the blob.
func (s *Store) Update(key string, fn func(old []byte) ([]byte, error)) error {
	unlock, err := s.Lock(context.Background(), key)
	if err != nil {
		return err
	}
	defer unlock()
	old, err := s.Get(key)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	next, err := fn(old)
	if err != nil {
		return err
	}
	if next == nil {
		return s.Delete(key)
	}
	return s.Put(key, next)
}

// Lock takes key's cross-process lock, waiting until ctx is done or the
// store's lock timeout passes; the error then names the lock file. Auth
// holds it across a token refresh so that N processes refresh once.
// A blob that Get read meanwhile and could not seal (sealPlaintext) is
// sealed before the lock is let go.
func (s *Store) Lock(ctx context.Context, key string) (unlock func(), err error) {
	release, err := lockFile(ctx, s.LockPath(key), s.lockTimeout)
	if err != nil {
		return nil, err
	}
	return func() {
		s.unsealedMu.Lock()
		k, ok := s.unsealed[blobName(key)]
		delete(s.unsealed, blobName(key))
		s.unsealedMu.Unlock()
		if ok {
			s.sealHeld(k)
		}
		release()
	}, nil
}

// FileReport is what Check found in the store's directory.
type FileReport struct {
	// Unsafe holds, for each file that is a symbolic link, not a regular
	// file or another user's, the *profile.UnsafePathError naming it.
	Unsafe []error
	// Plaintext lists the blob files stored unencrypted: written while no
	// key store was reachable (or by a store that has none). A damaged one
	// is among them, and in Damaged too: its secrets are in the clear all
	// the same, and no read will seal it.
	Plaintext []string
	// KeyLost lists, as *KeyLostError (its Path the file's), the blob
	// files sealed under a data key the store no longer has (a
	// kernel-keyring key after a reboot): their accounts read as signed
	// out until they sign in again.
	KeyLost []error
	// Damaged holds, for each blob file azc cannot read (one over
	// profile.MaxFileSize, a *profile.TooLargeError, or not an azc blob:
	// damaged, truncated, written by something else), an error naming it;
	// of the keys given to Check, one that fails authentication (its bytes
	// changed), or any of those, as a *CorruptError naming the file and
	// the key.
	// Every read of its account fails until the account signs in again.
	Damaged []error
	// Linked holds, for each blob file with names besides its own (hard
	// links), the *profile.LinkedError naming it: a write replaces the
	// blob by rename, and each other name keeps what it held for good,
	// its secrets in the clear when it was plaintext.
	Linked []error
	// Readable lists the blob files whose mode lets group or others read
	// them (azc writes each 0600; a backup restored under umask 022 is
	// not). Never on Windows, whose modes say nothing of its ACLs.
	Readable []string
	// Blobs counts the blob files.
	Blobs int
}

// Check looks at every file in the store's directory without changing
// any (`azc doctor`). The blobs of keys (the accounts the caller knows)
// are also authenticated, as Get does, which needs the key: a blob whose
// bytes changed after it was written keeps the blob format, and only that
// tells it is damaged.
func (s *Store) Check(keys ...string) (FileReport, error) {
	var r FileReport
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return r, fmt.Errorf("credential store: %w", err)
	}
	keyOf := make(map[string]string, len(keys))
	for _, k := range keys {
		keyOf[filepath.Base(s.path(k))] = k
	}
	for _, e := range entries {
		p := filepath.Join(s.dir, e.Name())
		f, size, err := profile.OpenOwned(p)
		if errors.Is(err, os.ErrNotExist) {
			continue // removed meanwhile
		}
		if err != nil {
			r.Unsafe = append(r.Unsafe, err)
			continue
		}
		if !isBlobName(e.Name()) {
			_ = f.Close()
			continue
		}
		r.Blobs++
		if err := profile.CheckLinks(f, p); err != nil {
			r.Linked = append(r.Linked, err)
		}
		if fi, err := f.Stat(); err == nil && runtime.GOOS != "windows" && fi.Mode().Perm()&0o044 != 0 {
			r.Readable = append(r.Readable, p)
		}
		key, ok := keyOf[e.Name()]
		if size > profile.MaxFileSize {
			_ = f.Close()
			if ok {
				r.Damaged = append(r.Damaged, tooLargeBlob(key, p))
			} else {
				r.Damaged = append(r.Damaged, &profile.TooLargeError{Path: p, Max: profile.MaxFileSize})
			}
			continue
		}
		raw, err := profile.ReadLimited(f, p)
		_ = f.Close()
		if err != nil {
			r.Damaged = append(r.Damaged, profile.ErrorAt("read", p, err))
			continue
		}
		b, err := decodeBlob(raw)
		if ok && err != nil {
			// not in the blob format at all: a damaged blob of that
			// account, whose way out is its logout
			r.Damaged = append(r.Damaged, &CorruptError{Key: key, Path: p, Err: err})
			continue
		}
		if ok && (b.alg == algPlain || s.sealerFor(b.keyID) != nil) {
			if _, err := s.open(key, raw); err != nil {
				r.Damaged = append(r.Damaged, &CorruptError{Key: key, Path: p, Err: err})
				if b.alg == algPlain {
					r.Plaintext = append(r.Plaintext, p)
				}
				continue
			}
		}
		switch {
		case err != nil:
			r.Damaged = append(r.Damaged, fmt.Errorf("%s: %w", p, err))
		case b.alg == algPlain:
			r.Plaintext = append(r.Plaintext, p)
		case s.sealerFor(b.keyID) == nil:
			kl := s.keyLost("", b.keyID)
			kl.Path = p
			r.KeyLost = append(r.KeyLost, kl)
		}
	}
	return r, nil
}

// PlaintextBlobs lists the blob files stored unencrypted in the
// credential store under the state directory dir, found as Check finds
// them but without opening the store, which makes and records things and
// which RequireEncryption refuses where no key store is reachable: `azc
// doctor` names them then, as they hold secrets in the clear. No store
// there has none.
func PlaintextBlobs(dir string) ([]string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("credential store: %w", err)
	}
	s := &Store{dir: filepath.Join(abs, credentialsDir), log: slog.New(slog.DiscardHandler)}
	r, err := s.Check()
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return r.Plaintext, err
}

// Unnamed returns the paths of the blob files that none of keys names.
// Given the keys of every account something uses (the profile's, a live
// shell's), they are the blobs nothing reads: left by a sign-out stopped
// between writing the profile and deleting the blob, or a sign-in stopped
// between storing it and writing the profile (or one running now).
func (s *Store) Unnamed(keys ...string) ([]string, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("credential store: %w", err)
	}
	named := make(map[string]bool, len(keys))
	for _, k := range keys {
		named[filepath.Base(s.path(k))] = true
	}
	var paths []string
	for _, e := range entries {
		if e.Type().IsRegular() && isBlobName(e.Name()) && !named[e.Name()] {
			paths = append(paths, filepath.Join(s.dir, e.Name()))
		}
	}
	return paths, nil
}

// DropUnnamed deletes the blob files that none of the keys keys returns
// names (Unnamed), each under its lock, asking keys again once the lock is
// held: a sign-in holds its account's lock from storing the blob until the
// profile that names the account is written, so its blob is seen named
// and kept. It returns how many it deleted.
func (s *Store) DropUnnamed(ctx context.Context, keys func() ([]string, error)) (int, error) {
	ks, err := keys()
	if err != nil {
		return 0, err
	}
	paths, err := s.Unnamed(ks...)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range paths {
		unlock, err := lockFile(ctx, BlobLockPath(p), s.lockTimeout)
		if err != nil {
			return n, err
		}
		var still []string
		if ks, err = keys(); err == nil {
			still, err = s.Unnamed(ks...)
		}
		if err == nil && slices.Contains(still, p) {
			if err = removeFile(p); err == nil {
				n++
			}
		}
		unlock()
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// isBlobName reports whether name is a blob file's: the hex SHA-256 of
// its key's blobName (see path).
func isBlobName(name string) bool {
	if len(name) != 2*sha256.Size {
		return false
	}
	_, err := hex.DecodeString(name)
	return err == nil
}

// Locker takes a key's cross-process lock (Blobs.Lock).
type Locker interface {
	Lock(ctx context.Context, key string) (unlock func(), err error)
}

// AccountLockError is LockKeys' failure to take the credential lock of
// one account. Its message names the account by Name, else by its id
// (profile.KeyID), never by the key; Err (a *LockError, or the lock file's
// *profile.UnsafePathError) names the lock file.
type AccountLockError struct {
	Key  string // the account's key (profile.Account.Key)
	Name string // how the user knows the account (profile.Profile.AccountName), or ""
	Err  error
}

func (e *AccountLockError) Error() string {
	name := e.Name
	if name == "" {
		name = profile.KeyID(e.Key)
	}
	return fmt.Sprintf("lock the credentials of account %s: %v", name, e.Err)
}

func (e *AccountLockError) Unwrap() error { return e.Err }

// LockKeys takes the locks of keys, each blob's once (two spellings of a
// key are one blob, see blobName), in the order of their blob names, so
// that two commands locking several accounts cannot deadlock, and returns the
// function that releases them. On an error it holds none, and the error
// is an *AccountLockError.
func LockKeys(ctx context.Context, l Locker, keys []string) (unlock func(), err error) {
	keys = slices.Clone(keys)
	slices.SortFunc(keys, func(a, b string) int { return strings.Compare(blobName(a), blobName(b)) })
	keys = slices.CompactFunc(keys, profile.SameName)
	var unlocks []func()
	unlock = func() {
		for _, u := range slices.Backward(unlocks) {
			u()
		}
	}
	for _, k := range keys {
		u, err := l.Lock(ctx, k)
		if err != nil {
			unlock()
			return nil, &AccountLockError{Key: k, Err: err}
		}
		unlocks = append(unlocks, u)
	}
	return unlock, nil
}
