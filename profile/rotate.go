package profile

import (
	"errors"
	"io/fs"
	"os"
)

// errNoExchange reports that the file system cannot exchange two names.
var errNoExchange = errors.New("profile: names cannot be exchanged here")

// writeRotating is writeChecked where two names can be exchanged in one
// step (Linux). profile.json, profile.json.bak and profile.json.spare are
// three files that trade names: the new profile is written over the spare
// in place (a file two writes old that no reader holds), made durable, and
// exchanged with profile.json; the old profile then trades places with the
// old backup, which becomes the next spare. Overwriting a file's blocks
// costs a data flush, where a new file costs its allocation and a journal
// commit: about a millisecond of every write on ext4.
//
// Readers never see a file change: a reader holds a shared flock on what it
// reads (lockShared), and the spare is written only under an exclusive one
// taken without waiting. When there is no spare yet, or a reader still holds
// it, or it is not a plain file of ours with one name, a new temporary file
// takes its place, as writeLinking does; the old backup then becomes the
// spare. Where the file system cannot exchange names, the durable file
// replaces profile.json as in writeLinking.
//
// At every moment profile.json and profile.json.bak each name a whole,
// durable profile; a crash leaves at worst a spare with a torn write, which
// nothing reads.
func (s *Store) writeRotating(c *contents, old []byte, check func() error) (err error) {
	f, size := openSpare(s.spare)
	reused := f != nil
	if !reused {
		if f, err = os.CreateTemp(s.dir, tempPrefix+"*"); err != nil {
			return err
		}
		if err = f.Chmod(0o600); err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
			return err
		}
	}
	name := f.Name()
	defer func() {
		if err != nil && !reused {
			_ = os.Remove(name)
		}
	}()
	for _, b := range [][]byte{c.head, c.raw, c.tail} {
		if err == nil {
			_, err = f.Write(b)
		}
	}
	if n := int64(c.len()); err == nil && reused && size != n {
		err = f.Truncate(n)
	}
	if err == nil {
		err = f.Sync()
	}
	// Closing unlocks the spare: its bytes are whole and durable, so a
	// reader that held it as profile.json two writes ago reads a whole
	// profile from here on.
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if check != nil {
		if err = check(); err != nil {
			return err
		}
	}
	switch err = exchange(name, s.path); {
	case err == nil:
		// name holds the old profile: it becomes the backup, and the
		// old backup the next spare.
		s.rotateBackup(name, reused)
	case errors.Is(err, errNoExchange), errors.Is(err, fs.ErrNotExist):
		// No exchange here, or no profile.json to exchange with.
		if old != nil {
			s.backupDone(s.linkBackup(), old)
		}
		if err = renameRetry(name, s.path); err != nil {
			return err
		}
	default:
		return err
	}
	defer s.sweep()()
	return syncDir(s.dir)
}

// rotateBackup makes name, which holds the profile just replaced, the
// backup, and the old backup the spare. A step that fails is logged: the
// new profile is in place.
func (s *Store) rotateBackup(name string, reused bool) {
	err := exchange(name, s.bak)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// no backup yet
		err = renameRetry(name, s.bak)
	case err == nil && !reused:
		err = renameRetry(name, s.spare)
	}
	if err != nil {
		s.log.Warn("profile backup failed", "path", s.bak, "err", err)
	}
}
