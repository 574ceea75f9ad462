package session

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/azcontext/azc/profile"
)

// Holds tell other processes which accounts the selections of live shells
// use (docs/sessions.md: a context removed elsewhere keeps working in a
// shell that selected it, and its tokens go only with a sign-out). A
// session's own state is sealed with a key only its shell has, so these
// records are plaintext, in <state dir>/holds/ beside the profile (0700,
// files 0600):
//
//   - <session id>.hold: the session's owner (pid, start time, boot id) and
//     the account key of its selection, as profile.json names accounts,
//     beside those of the selections switches are storing (Hold).
//     Only the session's processes write it; it counts while its owner is
//     alive (Owner.Alive).
//   - <hash of an account key's profile.NameKey>.released: the key of
//     an account a shell no longer holds, so that the next sweep
//     (ReleaseHolds) can drop its tokens if nothing else needs them.
//
// The records say nothing the profile does not: an account key, a pid.
const holdsDir = "holds"

// HoldsDir is the directory of the hold records in the state directory
// stateDir.
func HoldsDir(stateDir string) string { return filepath.Join(stateDir, holdsDir) }

type holdRecord struct {
	Owner Owner `json:"owner"`
	// Account is the account of the session's selection as its last
	// switch stored it.
	Account string `json:"account"`
	// Pending holds, by switch, the account of each selection a switch
	// is about to store (Hold), until that switch settles: a switch
	// stopped in between (killed, or its store failing) may have stored
	// it, and the shell then uses it.
	Pending map[string]string `json:"pending,omitempty"`
}

// accounts are the account keys the record holds.
func (r holdRecord) accounts() []string {
	var keys []string
	if r.Account != "" {
		keys = append(keys, r.Account)
	}
	for _, k := range r.Pending {
		keys = append(keys, k)
	}
	return keys
}

// holdLockKey names the session store's lock that each change of the
// session's hold record is made under: switches of the selection in one
// shell may run at once (a script's and the user's). It is taken last,
// after any account's lock, and nothing is locked while it is held.
const holdLockKey = "azc-session:hold"

// Hold records, in the state directory stateDir, that the session's
// selection is about to use the account key, before the session stores
// that selection: the record goes on naming what it named, and names key
// too until settle is called once the selection is stored (or was not).
// settle makes the record name the account of the selection the session
// then holds, beside those other switches still hold, and marks the
// accounts it no longer names released for the next ReleaseHolds. A
// switch stopped before its settle leaves key held, never the account of
// the selection the shell uses unheld.
func (s *Session) Hold(stateDir, key string) (settle func() error, err error) {
	id := rand.Text()
	err = s.changeHold(stateDir, func(rec *holdRecord) error {
		if key == "" || profile.SameName(rec.Account, key) {
			id = "" // held already, or nothing to hold
			return nil
		}
		if rec.Pending == nil {
			rec.Pending = map[string]string{}
		}
		rec.Pending[id] = key
		return nil
	})
	if err != nil {
		return nil, err
	}
	return func() error {
		return s.changeHold(stateDir, func(rec *holdRecord) error {
			sels, err := s.Selections()
			if err != nil {
				return err
			}
			delete(rec.Pending, id)
			rec.Account = ""
			if sels.Current != nil {
				rec.Account = sels.Current.Context.Account
			}
			return nil
		})
	}, nil
}

// Release removes the session's hold, marking its accounts released: call
// it when the session ends.
func (s *Session) Release(stateDir string) error {
	return s.changeHold(stateDir, func(rec *holdRecord) error {
		*rec = holdRecord{}
		return nil
	})
}

// changeHold applies fn to the session's hold record in stateDir under
// the session's hold lock, marks each account the record no longer names
// released, then writes the record (removes it when it names none).
func (s *Session) changeHold(stateDir string, fn func(*holdRecord) error) error {
	unlock, err := s.store.Lock(context.Background(), holdLockKey)
	if err != nil {
		return s.wrap(err)
	}
	defer unlock()
	dir := filepath.Join(stateDir, holdsDir)
	path := filepath.Join(dir, s.id+".hold")
	var old holdRecord
	if b, err := readRecord(path); err == nil {
		_ = profile.Unmarshal(b, &old) // an unreadable record holds nothing
	} else if !errors.Is(err, fs.ErrNotExist) {
		// The directory may be what is wrong (a file, a FIFO): named so.
		if derr := checkPrivateDir(dir, 0o077); derr != nil {
			err = derr
		}
		return fmt.Errorf("hold: %w", err)
	}
	rec := old
	rec.Pending = maps.Clone(old.Pending)
	if err := fn(&rec); err != nil {
		return err
	}
	if rec.Account == old.Account && maps.Equal(rec.Pending, old.Pending) {
		return nil
	}
	now := rec.accounts()
	if err := mkPrivate(stateDir, dir); err != nil {
		return fmt.Errorf("hold: %w", err)
	}
	for _, k := range old.accounts() {
		if slices.ContainsFunc(now, func(n string) bool { return profile.SameName(n, k) }) {
			continue
		}
		if err := profile.WriteFile(filepath.Join(dir, releasedName(k)), []byte(k)); err != nil {
			return fmt.Errorf("hold: %w", err)
		}
	}
	if len(now) == 0 {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("hold: %w", err)
		}
		return nil
	}
	rec.Owner = s.owner
	b, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("hold: %w", err)
	}
	if err := profile.WriteFile(path, b); err != nil {
		return fmt.Errorf("hold: %w", err)
	}
	s.removeStaleHoldTemps(dir, path)
	return nil
}

// removeStaleHoldTemps removes, at the first write of a hold record of
// the command, the temporary files in the holds directory dir that writes
// stopped before their rename left (profile.RemoveStaleTemps: older than
// profile.StaleTempAge), by the file system's clock: the time of written,
// the record just written, as the credential store tells them. A failure
// leaves them to the next write and to azc doctor.
func (s *Session) removeStaleHoldTemps(dir, written string) {
	s.holdsSwept.Do(func() {
		if fi, err := os.Lstat(written); err == nil {
			_, _ = profile.RemoveStaleTemps(dir, fi.ModTime())
		}
	})
}

// Held reports whether the selection of a live session uses the account
// key (compared as account keys are, profile.SameName), by the records in
// stateDir.
func Held(stateDir, key string) (bool, error) {
	keys, err := HeldAccounts(stateDir)
	if err != nil {
		return false, err
	}
	for _, k := range keys {
		if profile.SameName(k, key) {
			return true, nil
		}
	}
	return false, nil
}

// HeldAccounts returns the account keys that the selections of live
// sessions use, by the records in stateDir.
func HeldAccounts(stateDir string) ([]string, error) {
	recs, err := readHolds(filepath.Join(stateDir, holdsDir))
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, r := range recs {
		if !r.released && r.rec.Owner.Alive() {
			keys = append(keys, r.rec.accounts()...)
		}
	}
	return keys, nil
}

// ReleaseHolds removes the records of sessions whose owner is gone and the
// released marks, and returns the account keys they named: the accounts
// whose tokens may have lost their last holder. The caller drops those
// that nothing names or holds any more.
func ReleaseHolds(stateDir string) ([]string, error) {
	dir := filepath.Join(stateDir, holdsDir)
	recs, err := readHolds(dir)
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, r := range recs {
		if r.released || !r.rec.Owner.Alive() {
			if err := os.Remove(r.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return keys, fmt.Errorf("holds: %w", err)
			}
			keys = append(keys, r.rec.accounts()...)
		}
	}
	return keys, nil
}

type holdFile struct {
	path     string
	rec      holdRecord
	released bool
}

// CheckHolds checks the hold records in the state directory stateDir as
// every reader of them does, without changing any (`azc doctor`): the
// directory must be the user's, 0700 and not a link, each record a regular
// file of the user's. It returns how many records there are.
func CheckHolds(stateDir string) (int, error) {
	recs, err := readHolds(filepath.Join(stateDir, holdsDir))
	return len(recs), err
}

// readHolds reads the records in dir, refusing (with its path) a dir that
// checkPrivateDir refuses and a record that readRecord does.
func readHolds(dir string) ([]holdFile, error) {
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err := checkPrivateDir(dir, 0o077); err != nil {
		return nil, fmt.Errorf("holds: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("holds: %w", err)
	}
	var out []holdFile
	for _, e := range entries {
		name := e.Name()
		path := filepath.Join(dir, name)
		switch {
		case strings.HasSuffix(name, ".hold"):
			b, err := readRecord(path)
			if errors.Is(err, fs.ErrNotExist) {
				continue // released meanwhile
			}
			if err != nil {
				return nil, fmt.Errorf("holds: %w", err)
			}
			h := holdFile{path: path}
			_ = profile.Unmarshal(b, &h.rec) // unreadable: no owner, so not alive
			out = append(out, h)
		case strings.HasSuffix(name, ".released"):
			b, err := readRecord(path)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("holds: %w", err)
			}
			out = append(out, holdFile{path: path, rec: holdRecord{Account: string(b)}, released: true})
		}
	}
	return out, nil
}

// readRecord reads the hold record or released mark at path as every
// file of the state is read (profile.ReadOwned). One over
// profile.MaxFileSize, which azc never writes, is refused unread and
// reads as empty, as an unreadable record does: no owner, so not alive,
// and the next sweep removes it.
func readRecord(path string) ([]byte, error) {
	b, err := profile.ReadOwned(path)
	var tl *profile.TooLargeError
	if errors.As(err, &tl) {
		return nil, nil
	}
	return b, err
}

func releasedName(key string) string {
	sum := sha256.Sum256([]byte(profile.NameKey(key)))
	return hex.EncodeToString(sum[:16]) + ".released"
}
