package profile

import (
	"os"
	"path/filepath"
)

// writeFileAtomic replaces path with data so that a reader, or a crash at
// any point, sees either the old file or the new one, never a mix: write a
// temporary file in the same directory, fsync it, rename it over path, then
// fsync the directory so the rename itself is durable. The file is 0600
// and holds the pieces of data one after the other.
func writeFileAtomic(path, prefix string, data ...[]byte) (err error) {
	return writeFileAtomicHooked(path, prefix, atomicHooks{}, data...)
}

// writeFileAtomicChecked is writeFileAtomic with check, when not nil, run
// after the temporary file is durable and before it replaces path: an
// error from check leaves path alone.
func writeFileAtomicChecked(path, prefix string, check func() error, data ...[]byte) (err error) {
	return writeFileAtomicHooked(path, prefix, atomicHooks{check: check}, data...)
}

// atomicHooks are what writeFileAtomicHooked runs besides the write.
type atomicHooks struct {
	// check, when not nil, runs after the temporary file is durable and
	// before it replaces path: an error leaves path alone.
	check func() error
	// renamed, when not nil, runs once the temporary file has replaced
	// path, and may start work that overlaps the directory's sync: the
	// function it returns waits for that work.
	renamed func() (wait func())
}

// writeFileAtomicHooked is writeFileAtomic with hooks.
func writeFileAtomicHooked(path, prefix string, hooks atomicHooks, data ...[]byte) (err error) {
	check := hooks.check
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, prefix+"*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = os.Remove(tmp)
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		_ = f.Close()
		return err
	}
	for _, b := range data {
		if _, err = f.Write(b); err != nil {
			_ = f.Close()
			return err
		}
	}
	if err = f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if check != nil {
		if err = check(); err != nil {
			return err
		}
	}
	if err = renameRetry(tmp, path); err != nil {
		return err
	}
	if hooks.renamed != nil {
		defer hooks.renamed()()
	}
	return syncDir(dir)
}
