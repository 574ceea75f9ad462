package profile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// freshName is the temporary file writeRotating writes when it cannot
// use the spare.
const freshName = tempPrefix + "new"

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
// nothing reads, or the temporary file, which has one name here
// (freshName) and goes at the next write. The directory is looked
// through for writeLinking's temporary files only off the steady path:
// when the spare was not used, and after a failed write.
func (s *Store) writeRotating(c *contents, old []byte, check func() error) (err error) {
	f, size := openSpare(s.spare)
	reused := f != nil
	// A temporary file a writer that died left behind: writers here
	// use one name (only the lock holder writes it), so it takes one
	// call to remove, not a look through the directory.
	fresh := filepath.Join(s.dir, freshName)
	_ = os.Remove(fresh)
	if !reused {
		f, err = os.OpenFile(fresh, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			// something that would not go (a directory): another name
			f, err = os.CreateTemp(s.dir, tempPrefix+"*")
		}
		if err != nil {
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
	if !reused {
		// Off the steady path: also remove the temporary files that
		// writeLinking's writers left (other names), while the
		// directory syncs.
		defer s.sweep()()
	}
	if err = syncDir(s.dir); err != nil {
		// The exchanges may not be durable: on disk the spare may still
		// be the backup. Never overwrite it in place.
		_ = os.Remove(s.spare)
	}
	return err
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
