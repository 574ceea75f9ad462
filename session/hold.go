package session

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
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
//     the account key of its selection, as profile.json names accounts.
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
	Owner   Owner  `json:"owner"`
	Account string `json:"account"`
	// Also holds the accounts of selections the session is switching away
	// from (Hold), until the switch is settled (Settle): a switch stopped
	// in between leaves the shell on the old selection, whose tokens must
	// stay.
	Also []string `json:"also,omitempty"`
}

// accounts are the account keys the record holds.
func (r holdRecord) accounts() []string {
	var keys []string
	if r.Account != "" {
		keys = append(keys, r.Account)
	}
	return append(keys, r.Also...)
}

// Hold records that the session's selection is to use the account key,
// in the state directory stateDir, before the session stores the
// selection: the record names key and goes on naming every account it
// named, so that a switch stopped before the selection is stored (the
// process killed, the session's store failing) leaves the old selection's
// account held. Settle, once the selection is stored, lets those go.
func (s *Session) Hold(stateDir, key string) error {
	old, err := s.readHold(stateDir)
	if err != nil {
		return err
	}
	if profile.SameName(old.Account, key) {
		return nil // already naming key, and whatever it named besides
	}
	rec := holdRecord{Owner: s.owner, Account: key}
	for _, k := range old.accounts() {
		if !profile.SameName(k, key) && !slices.ContainsFunc(rec.Also, func(a string) bool { return profile.SameName(a, k) }) {
			rec.Also = append(rec.Also, k)
		}
	}
	return s.writeHold(stateDir, rec)
}

// Settle records that the session's selection uses the account key (""
// when it has none) and nothing else: each other account the record named
// is marked released for the next ReleaseHolds.
func (s *Session) Settle(stateDir, key string) error {
	old, err := s.readHold(stateDir)
	if err != nil {
		return err
	}
	if profile.SameName(old.Account, key) && len(old.Also) == 0 {
		return nil
	}
	dir := filepath.Join(stateDir, holdsDir)
	for _, k := range old.accounts() {
		if profile.SameName(k, key) {
			continue
		}
		if err := mkPrivate(stateDir, dir); err != nil {
			return fmt.Errorf("hold: %w", err)
		}
		if err := profile.WriteFile(filepath.Join(dir, releasedName(k)), []byte(k)); err != nil {
			return fmt.Errorf("hold: %w", err)
		}
	}
	if key == "" {
		if err := os.Remove(filepath.Join(dir, s.id+".hold")); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("hold: %w", err)
		}
		return nil
	}
	return s.writeHold(stateDir, holdRecord{Owner: s.owner, Account: key})
}

// readHold reads the session's record in stateDir; none holds nothing,
// and so does one that does not decode.
func (s *Session) readHold(stateDir string) (holdRecord, error) {
	dir := filepath.Join(stateDir, holdsDir)
	var old holdRecord
	if b, err := profile.ReadOwned(filepath.Join(dir, s.id+".hold")); err == nil {
		_ = json.Unmarshal(b, &old) // an unreadable record holds nothing
	} else if !errors.Is(err, fs.ErrNotExist) {
		// The directory may be what is wrong (a file, a FIFO): named so.
		if derr := checkPrivateDir(dir, 0o077); derr != nil {
			err = derr
		}
		return old, fmt.Errorf("hold: %w", err)
	}
	return old, nil
}

// writeHold replaces the session's record in stateDir with rec.
func (s *Session) writeHold(stateDir string, rec holdRecord) error {
	dir := filepath.Join(stateDir, holdsDir)
	if err := mkPrivate(stateDir, dir); err != nil {
		return fmt.Errorf("hold: %w", err)
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("hold: %w", err)
	}
	if err := profile.WriteFile(filepath.Join(dir, s.id+".hold"), b); err != nil {
		return fmt.Errorf("hold: %w", err)
	}
	return nil
}

// Release removes the session's hold, marking its accounts released: call
// it when the session ends.
func (s *Session) Release(stateDir string) error { return s.Settle(stateDir, "") }

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
// checkPrivateDir refuses and a record that profile.ReadOwned does.
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
			b, err := profile.ReadOwned(path)
			if errors.Is(err, fs.ErrNotExist) {
				continue // released meanwhile
			}
			if err != nil {
				return nil, fmt.Errorf("holds: %w", err)
			}
			h := holdFile{path: path}
			_ = json.Unmarshal(b, &h.rec) // unreadable: no owner, so not alive
			out = append(out, h)
		case strings.HasSuffix(name, ".released"):
			b, err := profile.ReadOwned(path)
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

func releasedName(key string) string {
	sum := sha256.Sum256([]byte(profile.NameKey(key)))
	return hex.EncodeToString(sum[:16]) + ".released"
}
