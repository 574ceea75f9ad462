package profile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/azcontext/azc/internal/sysfile"
	"github.com/azcontext/azc/internal/termsafe"
)

// MaxFileSize is the largest profile.json or import file azc reads: 64
// MiB. A profile azc writes takes about 500 bytes a context, so the cap
// holds over 100,000 contexts, ten times what one sign-in to the largest
// tenants gives, while it keeps a mistaken file (a disk image, /dev/zero)
// from being read into memory whole.
const MaxFileSize = 64 << 20

// TooLargeError reports a file over MaxFileSize, refused before it is read
// whole, or a change that would make profile.json larger than that,
// refused before anything is written.
type TooLargeError struct {
	Path  string // the file; "standard input" for standard input
	Max   int64
	Write bool // a change that would make Path too large
}

func (e *TooLargeError) Error() string {
	if e.Write {
		return fmt.Sprintf("the change would make %s larger than %d MiB, the most azc reads; nothing was written", e.Path, e.Max>>20)
	}
	return fmt.Sprintf("%s is larger than %d MiB, the most azc reads", e.Path, e.Max>>20)
}

// Hint says what to check.
func (e *TooLargeError) Hint() string {
	if e.Write {
		return "check the values set or the file imported: no context or token cache needs megabytes"
	}
	return fmt.Sprintf("check that %s is the file you meant: a profile or export of 10,000 contexts takes about 5 MiB, a certificate or token a few KiB, a CA bundle under 1 MiB", e.Path)
}

// UnsafePathError reports a state directory or file that azc refuses to
// use: a symbolic link, not a regular file (or directory), owned by
// another user, or writable by other users. Another user able to change
// it could redirect azc's credentials or contexts. It also names one of
// the user's that its mode keeps them from opening, with the chmod.
type UnsafePathError struct {
	Path    string
	Problem string // what is wrong, e.g. "is a symbolic link"
	Fix     string // the command or step that fixes it
}

func (e *UnsafePathError) Error() string {
	return fmt.Sprintf("%s %s", e.Path, e.Problem)
}

// Hint says how to fix it.
func (e *UnsafePathError) Hint() string { return e.Fix }

// LinkedError reports a state file with names (hard links) besides those
// azc gives it: azc replaces the file by rename, so each other name keeps
// what the file held then (a credential blob's secrets, in the clear when
// it was unencrypted) for good, after azc has replaced or removed it.
// azc still uses the file; `azc doctor` warns of it.
type LinkedError struct {
	Path  string
	Other int    // how many other names the file has
	Inode uint64 // the file's inode number, which its other names share
}

func (e *LinkedError) Error() string {
	names := "names"
	if e.Other == 1 {
		names = "name"
	}
	return fmt.Sprintf("%s has %d other %s (hard links), which keep what it holds after azc replaces it", e.Path, e.Other, names)
}

// Hint says how to find the other names, to remove them.
func (e *LinkedError) Hint() string {
	q := termsafe.ShellWord(e.Path)
	return fmt.Sprintf("`find / -samefile %s` lists every name of it: remove each but %s", q, q)
}

// ReadLimited reads r to its end, failing with a *TooLargeError naming
// name past MaxFileSize without reading further. When r is a regular
// file (standard input redirected from one), what is left of it past its
// offset is known: more than MaxFileSize is refused before anything is
// read, as ReadFile refuses a file by its size.
func ReadLimited(r io.Reader, name string) ([]byte, error) {
	var size int64
	if f, ok := r.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			if at, err := f.Seek(0, io.SeekCurrent); err == nil {
				size = max(fi.Size()-at, 0)
				if err := checkSize(name, size); err != nil {
					return nil, err
				}
			}
		}
	}
	return readLimited(r, name, size)
}

// checkSize refuses the file name of size bytes, with a *TooLargeError,
// when it is over MaxFileSize.
func checkSize(name string, size int64) error {
	if size > MaxFileSize {
		return &TooLargeError{Path: name, Max: MaxFileSize}
	}
	return nil
}

// ReadFile reads the file at path with ReadLimited's cap. A pipe or FIFO
// is read to its end, as cat reads it: the user named it
// (`azc context import <(…)`).
func ReadFile(path string) ([]byte, error) { return readFile(path, false) }

// ReadRegularFile is ReadFile for a file the user named once and azc
// reads again later (an environment's CA file, a federated token file,
// az's config): anything but a regular file (a FIFO, a device, a
// directory) is refused (*UnsafePathError) rather than read or waited
// on. A symbolic link is followed: CA bundles are often links.
func ReadRegularFile(path string) ([]byte, error) { return readFile(path, true) }

// readFile is ReadFile; with regular, anything but a regular file is
// refused (*UnsafePathError) rather than read or waited on: for a file
// the user did not name, found beside one they did.
func readFile(path string, regular bool) ([]byte, error) {
	flag := os.O_RDONLY
	if regular {
		flag |= nonBlock // a FIFO no one writes to is refused, not waited on
	}
	f, err := sysfile.Open(path, flag, 0)
	if err != nil {
		return nil, inputOpenError(path, err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, &UnsafePathError{Path: path, Problem: "is a directory", Fix: "name a file in it"}
	} else if err == nil && regular && !fi.Mode().IsRegular() {
		return nil, notRegularError(path)
	}
	return ReadLimited(f, path)
}

// readLimited is ReadLimited with room for size bytes made at once. Past
// that room (a stream, whose size is unknown) it reads into further
// buffers, each twice the last up to 1 MiB, and joins them at the end, so
// that a stream refused at the cap has taken about MaxFileSize, where a
// buffer grown and copied over would have taken several times that.
func readLimited(r io.Reader, name string, size int64) ([]byte, error) {
	const most = 1 << 20 // the largest buffer past the first
	buf := make([]byte, 0, min(size, MaxFileSize)+512)
	var full [][]byte
	total := 0
	for {
		if len(buf) == cap(buf) {
			full = append(full, buf)
			buf = make([]byte, 0, min(max(2*cap(buf), 512), most, MaxFileSize+1-total))
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		total += n
		if err := checkSize(name, int64(total)); err != nil {
			return nil, err
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if full == nil {
		return buf, nil
	}
	data := make([]byte, 0, total)
	for _, b := range full {
		data = append(data, b...)
	}
	return append(data, buf...), nil
}

// readState reads the state file at path (profile.json) and returns what
// the open file's stat said: nil when it does not exist. It refuses, with
// an *UnsafePathError, a symbolic link, a file that is not regular or that
// another user owns (openState), and, with a *TooLargeError, a file over
// MaxFileSize, before reading it. The file is read straight into the
// string's memory: one buffer, which on the hot path of every command is
// what reading it costs.
func readState(path string) (string, fs.FileInfo, error) {
	f, size, err := openCapped(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", nil, err
	}
	text, err := readAll(f, path, size)
	if err != nil {
		return "", nil, err
	}
	return text, fi, nil
}

// openCapped is openState for a read of the file: a file over MaxFileSize
// is refused, with a *TooLargeError, before anything is read.
func openCapped(path string) (*os.File, int64, error) {
	f, size, err := openState(path)
	if err == nil {
		if err = checkSize(path, size); err != nil {
			_ = f.Close()
			return nil, 0, err
		}
	}
	return f, size, err
}

// readAll reads the rest of f, the state file at path of size bytes, as
// readState does.
func readAll(f *os.File, path string, size int64) (string, error) {
	var b strings.Builder
	b.Grow(int(size) + 512)
	buf := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(buf)
	n, err := io.CopyBuffer(&b, io.LimitReader(f, MaxFileSize+1), *buf)
	if err != nil {
		return "", ErrorAt("read", path, err)
	}
	if err := checkSize(path, n); err != nil {
		return "", err
	}
	return b.String(), nil
}

// writeAtomic replaces path with data so that a reader, or a crash at any
// point, sees either the old file or the new one, never a mix: it writes
// the temporary file tmp (created O_EXCL, O_NOFOLLOW, 0600), syncs it,
// renames it over path, and syncs the directory so that the rename is
// durable. A file at tmp is stale (only the holder of profile.lock writes
// one) and is removed first. When backup is not empty, the file at path is
// first made the backup by a hard link, which copies nothing and needs no
// sync of its own (its data is durable): a reader or a crash then finds
// the previous profile there. Where links are not supported, old, the
// file at path (nil when there is none), is written out as the backup
// instead. The files data and old copy from are closed before the rename.
// ready (when not nil) runs once tmp is written and synced, before the
// backup is made, and again just before the rename: an error from it
// writes nothing, the backup included (Store.write checks there that it
// still holds profile.lock and that profile.json is the file it read). A
// failed write removes tmp while it is still its own file.
func writeAtomic(path, tmp string, data *content, backup string, old *content, ready func() error) (err error) {
	f, err := createTemp(tmp)
	if err != nil {
		return err
	}
	// f stays open until the rename, so that no other file made at tmp
	// meanwhile can have its identity (a file removed and closed may give
	// its inode number to the next one made).
	mine, serr := f.Stat()
	closed := false
	defer func() {
		if err == nil {
			return
		}
		// tmp is compared while f is open (its identity still its own)
		// and removed once f is closed: Windows removes no file open
		// without FILE_SHARE_DELETE, as os.OpenFile opens them.
		li, lerr := os.Lstat(tmp)
		if !closed {
			_ = f.Close()
		}
		if lerr == nil && (serr != nil || os.SameFile(mine, li)) {
			_ = os.Remove(tmp)
		}
	}()
	perm := data.perm
	if perm == 0 {
		perm = 0o600
	}
	err = ownMode(f, mine, perm)
	if err == nil {
		_, err = f.Write(data.head)
	}
	if err == nil && data.raw != "" {
		_, err = f.WriteString(data.raw)
	}
	if err == nil && data.from != nil {
		err = copyRange(f, data.from, data.at, data.n)
	}
	if err == nil && data.tail != "" {
		_, err = f.WriteString(data.tail)
	}
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		return err
	}
	// ready is asked before the backup as well as before the rename: a
	// write it stops must leave the backup as it was, not make it the file
	// that took profile.json's place (perhaps damaged), in the place of the
	// last good copy.
	if ready != nil {
		if err = ready(); err != nil {
			return err
		}
	}
	if backup != "" && old != nil {
		if err := linkBackup(path, backup); err != nil {
			// No hard links here: the old file, written out the same way.
			if err := writeAtomic(backup, backup+".tmp", old, "", nil, nil); err != nil {
				return fmt.Errorf("back up %s: %w", path, err)
			}
		}
	}
	if ready != nil {
		if err = ready(); err != nil {
			return err
		}
	}
	// The temporary file is still the one written here: a writer that took
	// it for a stale one (two writers each holding a profile.lock, one
	// removed) removed it and is writing its own at the name, which must
	// not become path half written.
	if serr == nil {
		if li, lerr := os.Lstat(tmp); lerr != nil || !os.SameFile(mine, li) {
			return fmt.Errorf("%s was removed or replaced while azc wrote it; nothing was written", tmp)
		}
	}
	// The files are closed before the rename, as Windows renames nothing
	// over, or from, a file open without FILE_SHARE_DELETE (as os.Open
	// opens them).
	closed = true
	if err = f.Close(); err != nil {
		return err
	}
	for _, c := range []*content{data, old} {
		if c != nil && c.from != nil {
			_ = c.from.Close()
		}
	}
	if data.create {
		err = linkNew(tmp, path)
	} else {
		err = renameOver(tmp, path)
	}
	if err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

// linkNew puts the written file tmp at path, where nothing may be: a hard
// link, which fails (fs.ErrExist) when anything is there, then tmp
// removed. A file system without hard links (FAT) has the rename instead,
// once path is seen to be free.
func linkNew(tmp, path string) error {
	err := os.Link(tmp, path)
	if err == nil {
		_ = os.Remove(tmp)
		return nil
	}
	if errors.Is(err, fs.ErrExist) {
		return err
	}
	if _, lerr := os.Lstat(path); !errors.Is(lerr, fs.ErrNotExist) {
		return &fs.PathError{Op: "create", Path: path, Err: fs.ErrExist}
	}
	return renameOver(tmp, path)
}

// WriteFile replaces the file at path with data as profile.json is
// replaced (writeAtomic: a temporary file created O_EXCL, O_NOFOLLOW and
// 0600, synced, renamed over path, the directory synced), for every other
// file azc replaces, written without profile.lock (credential blobs and
// their store's metadata, a shell's hold record, the CA bundle an exec
// gives az, an export written with --force): the temporary file beside
// path ends in random digits, so that two writers never share one. A
// writer stopped before its rename leaves that file: FindTemps finds it.
func WriteFile(path string, data []byte) error {
	return writeAtomic(path, tempPath(path), &content{head: data}, "", nil, nil)
}

// WriteNewFile is WriteFile for a file that must not be there yet (an
// export written without --force): the synced temporary file is linked
// at path rather than renamed over it, so that an error wrapping
// fs.ErrExist, not a replacement, answers anything there (a file, a
// link, a FIFO), and no reader ever sees path empty or half written.
func WriteNewFile(path string, data []byte) error {
	tmp := tempPath(path)
	err := writeAtomic(path, tmp, &content{head: data, create: true}, "", nil, nil)
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == tmp {
		pe.Path = path // the name the user gave, not that of azc's own file
	}
	return err
}

// WriteFileMode is WriteFile for a file others may read: the file made
// has mode perm (a man page's 0644) instead of 0600.
func WriteFileMode(path string, data []byte, perm fs.FileMode) error {
	return writeAtomic(path, tempPath(path), &content{head: data, perm: perm}, "", nil, nil)
}

// MkdirAll is os.MkdirAll(path, 0700) for a directory of azc's (the state
// directory, the credential store's, a private az config's): each
// directory it makes, path and those above it, has mode 0700 whatever the
// process's umask. A umask that takes the owner's own bits (0277) would
// otherwise leave a directory azc made and cannot write in.
func MkdirAll(path string) error {
	fi, err := os.Stat(path)
	if err == nil {
		if fi.IsDir() {
			return nil
		}
		return &fs.PathError{Op: "mkdir", Path: path, Err: syscall.ENOTDIR}
	}
	if parent := filepath.Dir(path); parent != path {
		if err := MkdirAll(parent); err != nil {
			return err
		}
	}
	return Mkdir(path)
}

// Mkdir makes the directory path, mode 0700 whatever the umask (see
// MkdirAll); one there already, made meanwhile by another process, is no
// error when it is a directory (the caller checks it as it checks any).
func Mkdir(path string) error {
	if err := os.Mkdir(path, 0o700); err != nil {
		if fi, lerr := os.Lstat(path); lerr == nil && fi.IsDir() {
			return nil
		}
		return err
	}
	return OwnDirMode(path)
}

// tempPath is WriteFile's temporary file for path: .NAME.tmpDIGITS beside
// it (isTempName).
func tempPath(path string) string {
	dir, base := filepath.Split(path)
	return filepath.Join(dir, "."+base+".tmp"+strconv.FormatUint(rand.Uint64(), 36))
}

// StaleTempAge is how old a temporary file of WriteFile's must be before
// it is taken for one a stopped writer left (RemoveStaleTemps, `azc
// doctor`). A write creates its file, writes at most MaxFileSize, syncs
// and renames it within milliseconds, a second or two on a slow disk; an
// hour is over a thousand times that, so a file that old is no running
// write's. Its writer could only be one stopped that long between two
// system calls (SIGSTOP, a suspended machine); its rename then fails and
// its command says so, having changed nothing, where the file, which may
// hold a credential blob, would otherwise stay for good.
const StaleTempAge = time.Hour

// TempFile is a temporary file of WriteFile's found in a directory.
type TempFile struct {
	Path    string
	ModTime time.Time // when its writer last wrote to it
}

// isTempName reports whether name is that of a temporary file of
// WriteFile's: "." + the target's name + ".tmp" + up to 13 base-36 digits
// (a uint64). No file azc keeps starts with a dot.
func isTempName(name string) bool {
	i := strings.LastIndex(name, ".tmp")
	if i < 2 || name[0] != '.' {
		return false
	}
	digits := name[i+len(".tmp"):]
	if digits == "" || len(digits) > 13 {
		return false
	}
	for _, c := range digits {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}

// FindTemps returns the temporary files of WriteFile's in dir (regular
// files, not links), oldest first: while a write runs there is one for
// a moment; any other was left by a writer stopped before its rename. A
// missing dir has none.
func FindTemps(dir string) ([]TempFile, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var temps []TempFile
	for _, e := range entries {
		if !e.Type().IsRegular() || !isTempName(e.Name()) {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue // renamed or removed meanwhile
		}
		temps = append(temps, TempFile{Path: filepath.Join(dir, e.Name()), ModTime: fi.ModTime()})
	}
	slices.SortFunc(temps, func(a, b TempFile) int { return a.ModTime.Compare(b.ModTime) })
	return temps, nil
}

// UpdateTemps returns the temporary files of the profile's writes in the
// state directory dir (profile.json.tmp, and profile.json.bak.tmp of its
// backup) that are there, regular files: while a write holds profile.lock
// there is one for a moment; any other was left by a writer stopped before
// its rename. Nothing reads them, and the next write removes them.
func UpdateTemps(dir string) []TempFile {
	var temps []TempFile
	for _, name := range []string{tempName, BackupName + ".tmp"} {
		p := filepath.Join(dir, name)
		if fi, err := os.Lstat(p); err == nil && fi.Mode().IsRegular() {
			temps = append(temps, TempFile{Path: p, ModTime: fi.ModTime()})
		}
	}
	return temps
}

// RemoveStaleTemps removes the temporary files of WriteFile's in dir last
// written more than StaleTempAge before now, and returns how many it
// removed: call it from a writer, not on every read, as it reads the
// directory.
func RemoveStaleTemps(dir string, now time.Time) (int, error) {
	temps, err := FindTemps(dir)
	n := 0
	for _, t := range temps {
		if now.Sub(t.ModTime) <= StaleTempAge {
			break // the rest are younger
		}
		if rerr := os.Remove(t.Path); rerr == nil {
			n++
		} else if !errors.Is(rerr, fs.ErrNotExist) {
			err = errors.Join(err, rerr)
		}
	}
	return n, err
}

// copyRange copies the n bytes of src at at to dst: in the kernel
// (copy_file_range) where it can, never through a copy of the whole
// range in memory.
func copyRange(dst, src *os.File, at, n int64) error {
	if _, err := src.Seek(at, io.SeekStart); err != nil {
		return err
	}
	m, err := io.Copy(dst, io.LimitReader(src, n))
	if err == nil && m != n {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// createTemp creates tmp for writing: O_EXCL and O_NOFOLLOW, so that
// nothing already there (a link planted by someone else) is written
// through, and mode 0600. A file left there by a writer that died is
// removed and the creation tried once more.
func createTemp(tmp string) (*os.File, error) {
	f, err := sysfile.Open(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL|noFollow, 0o600)
	if errors.Is(err, fs.ErrExist) {
		_ = os.Remove(tmp)
		f, err = sysfile.Open(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL|noFollow, 0o600)
		if errors.Is(err, fs.ErrExist) {
			return nil, notRegularError(tmp) // a directory with files in it
		}
	}
	return f, Unwritable(tmp, err)
}

// renameOver is renameRetry, naming what is in the way when to is no
// regular file (a directory) or is a mount point (one file mounted on its
// own, which no rename replaces).
func renameOver(from, to string) error {
	err := renameRetry(from, to)
	if err != nil {
		if fi, lerr := os.Lstat(to); lerr == nil && fi.IsDir() {
			return notRegularError(to)
		}
		if errors.Is(err, syscall.EBUSY) {
			return mountPointError(to)
		}
	}
	return err
}

// mountPointError is the error of a file mounted on its own, which no
// rename replaces: every write of it fails.
func mountPointError(path string) error {
	return &UnsafePathError{Path: path, Problem: "is a mount point (a file mounted on its own, as `docker run -v FILE:…` mounts one), which azc cannot replace",
		Fix: fmt.Sprintf("mount the directory that holds %s instead: azc replaces the file at each write", filepath.Base(path))}
}

func notRegularError(path string) error {
	return &UnsafePathError{Path: path, Problem: "is not a regular file", Fix: fmt.Sprintf("move %s away", path)}
}

// emptyDir reports whether dir is a directory with nothing in it, which
// os.Remove removes.
func emptyDir(dir string) bool {
	f, err := os.Open(dir)
	if err != nil {
		return false
	}
	defer f.Close()
	_, err = f.Readdirnames(1)
	return errors.Is(err, io.EOF)
}

// linkBackup makes backup a hard link to the file at path, through a
// temporary name so that backup always names a whole profile. A file left
// at the temporary name by a writer that died between the link and the
// rename is removed and the link made again.
func linkBackup(path, backup string) error {
	tmp := backup + ".tmp"
	err := os.Link(path, tmp)
	if errors.Is(err, fs.ErrExist) {
		_ = os.Remove(tmp)
		err = os.Link(path, tmp)
	}
	if err != nil {
		return err
	}
	err = renameOver(tmp, backup)
	// When tmp and backup already name one file (a writer died between
	// renaming tmp and renaming the new profile), the rename succeeds and
	// leaves tmp; otherwise tmp is gone and this finds nothing.
	_ = syscall.Unlink(tmp)
	return err
}

// checkStateDir is checkStateDirUnnamed for an error read on its own: one
// that does not say which directory it is about (open …: permission
// denied) is called the state directory's.
func checkStateDir(dir string) error {
	err := checkStateDirUnnamed(dir)
	var ue *UnsafePathError
	var ide *InsecureDirError
	if err != nil && !errors.As(err, &ue) && !errors.As(err, &ide) {
		return fmt.Errorf("state directory: %w", err)
	}
	return err
}

// checkStateDirUnnamed is checkDir for the state directory: a symbolic
// link's hint offers the directory it names as AZC_CONFIG_DIR, for a user
// who made the link (a dotfiles manager does). Its errors name the
// directory by its path alone, for a caller that already says it is the
// state directory (CheckFiles, whose check is named so).
func checkStateDirUnnamed(dir string) error {
	err := checkDir(dir)
	if errors.Is(err, syscall.ENOTDIR) {
		return fileAbove(dir, err)
	}
	var ue *UnsafePathError
	if errors.As(err, &ue) && ue.Problem == "is a symbolic link" {
		if real, rerr := filepath.EvalSymlinks(dir); rerr == nil {
			ue.Fix = fmt.Sprintf("if you made the link, set AZC_CONFIG_DIR=%s, the directory it names; otherwise remove the link %s", real, dir)
		}
	}
	return err
}

// fileAbove is err, the failure to look at the state directory dir
// because a directory on its way is not one (ENOTDIR), as the
// *UnsafePathError that names what is there instead; err when none is
// found (it was moved meanwhile).
func fileAbove(dir string, err error) error {
	for d := filepath.Dir(dir); d != filepath.Dir(d); d = filepath.Dir(d) {
		if fi, serr := os.Stat(d); serr == nil && !fi.IsDir() {
			return &UnsafePathError{
				Path:    d,
				Problem: fmt.Sprintf("is not a directory, and the state directory %s would be in it", dir),
				Fix:     fmt.Sprintf("move %s away, or set AZC_CONFIG_DIR to a directory of your own", termsafe.ShellWord(d)),
			}
		}
	}
	return err
}

// FileCheck is what CheckFiles found about one file of the state.
type FileCheck struct {
	Name string // "state directory", "profile file", "profile lock file"
	Path string
	// Err is why azc refuses the file (an *UnsafePathError,
	// *InsecureDirError or *TooLargeError) or could not look at it
	// (lstat …: permission denied), or nil. It names the file by its path
	// alone: Name says what the file is.
	Err error
	// Warn is what azc uses the file despite, for the user to look at (a
	// *LinkedError), or what is at a temporary name that the next write
	// removes (an *UnsafePathError), or a state directory the user
	// cannot write (an *UnwritableError: reads work, writes fail), or nil.
	Warn error
}

// CheckFiles checks the state directory dir, and profile.json and
// profile.lock in it, as a Store does before it uses them (`azc doctor`):
// not symbolic links, regular files (a directory) owned by the user, the
// directory not writable by others, profile.json within MaxFileSize. A
// file or state directory that does not exist yet passes: azc makes it.
// A state directory the user cannot write is in Warn.
// profile.json.bak, when there is one, is checked as profile.json is, and
// a directory where a write puts a file is reported; a symbolic link, FIFO,
// socket or empty directory at a temporary name is in Warn. profile.json or its
// backup with a name besides the two (a hard link from elsewhere) is in
// Warn (CheckLinks). A profile.json mounted on its own, which no write can
// replace, is refused where the system tells (Linux).
func CheckFiles(dir string) []FileCheck {
	dir = filepath.Clean(dir)
	checks := []FileCheck{{Name: "state directory", Path: dir}}
	if err := checkStateDirUnnamed(dir); errors.Is(err, fs.ErrNotExist) {
		return checks // azc makes it, with nothing in it yet
	} else if err != nil {
		checks[0].Err = err
		return checks
	}
	// Reads work in a directory the user cannot write; every write fails.
	checks[0].Warn = writableDir(dir)
	for _, c := range []FileCheck{{Name: "profile file", Path: filepath.Join(dir, FileName)}, {Name: "profile lock file", Path: filepath.Join(dir, LockName)}} {
		f, size, err := openState(c.Path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			c.Err = err
		default:
			c.Err = checkSize(c.Path, size)
			if c.Name == "profile file" {
				c.Warn = CheckLinks(f, c.Path, filepath.Join(dir, BackupName), filepath.Join(dir, BackupName+".tmp"))
				if c.Err == nil && mountedOnItsOwn(c.Path) {
					c.Err = mountPointError(c.Path) // every write fails
				}
			}
		}
		if f != nil {
			_ = f.Close()
		}
		if err == nil && c.Name == "profile lock file" {
			// A writer opens it for writing too.
			if lf, err := openLock(c.Path); err != nil {
				c.Err = err
			} else {
				_ = lf.Close()
			}
		}
		checks = append(checks, c)
	}
	// A directory where a write puts its temporary file or the backup
	// stops every write, but for an empty one at a temporary name, which
	// the write removes.
	for _, c := range []FileCheck{{Name: "profile temporary file", Path: filepath.Join(dir, FileName+".tmp")}, {Name: "profile backup", Path: filepath.Join(dir, BackupName)}, {Name: "profile temporary file", Path: filepath.Join(dir, BackupName+".tmp")}} {
		fi, err := os.Lstat(c.Path)
		temp := c.Name == "profile temporary file"
		if err == nil && fi.IsDir() && !(temp && emptyDir(c.Path)) {
			c.Err = notRegularError(c.Path)
			checks = append(checks, c)
		} else if temp && err == nil && !fi.Mode().IsRegular() {
			// No write's temporary file (UpdateTemps lists those): a
			// link, a FIFO, a socket or an empty directory someone left,
			// never written through; the next write removes it.
			problem, rm := "is not a regular file", "rm"
			switch {
			case fi.Mode()&fs.ModeSymlink != 0:
				problem = "is a symbolic link"
			case fi.IsDir():
				problem, rm = "is an empty directory", "rmdir"
			}
			c.Warn = &UnsafePathError{Path: c.Path, Problem: problem, Fix: fmt.Sprintf("nothing reads it, and the next write of the profile removes it; check who made it, then remove it with `%s %s`", rm, termsafe.ShellWord(c.Path))}
			checks = append(checks, c)
		} else if c.Name == "profile backup" && err == nil {
			// The backup a corrupt profile's hint offers to restore:
			// one that openState refuses is never offered.
			f, _, err := openState(c.Path)
			if f != nil {
				// one file with profile.json (a write stopped between its
				// link and its rename) has had its warning as that
				if !sameFileAt(f, filepath.Join(dir, FileName)) {
					c.Warn = CheckLinks(f, c.Path, filepath.Join(dir, FileName), c.Path+".tmp")
				}
				_ = f.Close()
			}
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				c.Err = err
			}
			if c.Err != nil || c.Warn != nil {
				checks = append(checks, c)
			}
		}
	}
	return checks
}

// copyBuffers hold the 32 KB buffers readState copies the file through
// and sameState compares it through: a writer reads the file, then
// compares it under the lock, and the compare finds the read's buffer
// already in memory (a buffer of its own would be fresh pages, or, on
// the stack, grow it).
var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// sameState reports whether the state file at path holds text (ok says
// that the file existed when text was read: readState gave a FileInfo). It reads the file through a small
// buffer rather than into a copy of its own: under profile.lock, this is
// how a writer checks that what it read before the lock is still the file.
func sameState(path, text string, ok bool) (bool, error) {
	f, size, err := openState(path)
	if errors.Is(err, fs.ErrNotExist) {
		return !ok, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	if !ok || size != int64(len(text)) {
		return false, nil
	}
	bp := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(bp)
	buf := *bp
	for {
		n, err := f.Read(buf)
		if n > len(text) || string(buf[:n]) != text[:n] {
			return false, nil
		}
		text = text[n:]
		if err == io.EOF {
			return text == "", nil
		}
		if err != nil {
			return false, err
		}
	}
}

// sameFileAt reports whether f, open, is the file at path (not a link
// followed): false when path names another file or nothing.
func sameFileAt(f *os.File, path string) bool {
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	li, err := os.Lstat(path)
	return err == nil && os.SameFile(fi, li)
}
