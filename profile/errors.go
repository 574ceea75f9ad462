package profile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/azcontext/azc/internal/termsafe"
)

// Sentinel errors. Each is returned wrapped; test with errors.Is.
var (
	// ErrNameTaken reports that a context name is already used by another
	// context and the change was not forced.
	ErrNameTaken = errors.New("context name already in use")
	// ErrInvalidName reports a context name azc cannot use: empty, padded
	// with spaces, or the reserved "-".
	ErrInvalidName = errors.New("invalid context name")
	// ErrNoPrevious reports that "use -" has no previous context to return to.
	ErrNoPrevious = errors.New("no previous context")
	// ErrInterrupted: a write waiting for profile.lock was interrupted
	// (Options.Interrupt) and made no change.
	ErrInterrupted = errors.New("interrupted while waiting for the profile lock; nothing was changed")
	// ErrBuiltinEnvironment reports an attempt to change or remove a
	// built-in environment.
	ErrBuiltinEnvironment = errors.New("built-in environment cannot be changed")
	// ErrEnvironmentInUse reports an attempt to remove an environment that
	// contexts still use.
	ErrEnvironmentInUse = errors.New("environment in use")
	// ErrUnknownFormat reports import data in none of the formats azc reads.
	ErrUnknownFormat = errors.New("unknown context file format")
	// ErrInvalidContext reports a context that lacks what every context
	// needs, an account and a tenant, or holds a subscription id or storage
	// account azc exec could not export (CheckExported).
	ErrInvalidContext = errors.New("invalid context")
)

// CorruptError reports a profile file that cannot be used: it does not
// parse, breaks an invariant, or was written by a newer azc. The file is
// never overwritten while it is in this state.
type CorruptError struct {
	Path string // the profile file
	Err  error  // why it cannot be used
	// Backup is the last good copy (profile.json.bak) when one exists, else "".
	Backup string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("profile %s is unusable: %v", e.Path, e.Err)
}

func (e *CorruptError) Unwrap() error { return e.Err }

// Hint says how to get out: upgrade azc for a newer format, else restore
// the backup, or edit what is named (an environment's name), or move the
// file away.
func (e *CorruptError) Hint() string {
	var nv *NewerVersionError
	if errors.As(e.Err, &nv) {
		return fmt.Sprintf("upgrade azc to read it, or move %s away to start empty", e.Path)
	}
	var dup *DuplicateNameError
	if errors.As(e.Err, &dup) {
		if dup.BuiltIn {
			return fmt.Sprintf("edit %s to %s; azc changes nothing until then", e.Path, dup.Fix())
		}
		return fmt.Sprintf("edit %s to %s (in a file azc wrote, each is on a line of its own); azc changes nothing until then", e.Path, dup.Fix())
	}
	var dk *DuplicateKeyError
	if errors.As(e.Err, &dk) {
		of := ""
		if dk.In != "" {
			of = " of " + dk.In
		}
		return fmt.Sprintf("edit %s to keep one of the two %s members%s; azc changes nothing until then", e.Path, QuoteShort(dk.First), of)
	}
	if e.Backup != "" {
		return fmt.Sprintf("restore the last good copy with `cp %s %s`, or move %s away to start empty", termsafe.ShellWord(e.Backup), termsafe.ShellWord(e.Path), e.Path)
	}
	if errors.As(e.Err, new(errInvalidEnvironmentName)) {
		// the name is also the start of the account keys of that cloud's
		// accounts and contexts, whose credentials are kept by their keys
		return fmt.Sprintf("edit %s to rename the environment where the file names it (in its environments, and in the environment and the account keys of its contexts and accounts), then sign its accounts in again; or move %s away to start empty; azc changes nothing until then", e.Path, e.Path)
	}
	return fmt.Sprintf("fix the file by hand, or move %s away to start empty", e.Path)
}

// DuplicateKeyError is the Err of a CorruptError for a profile one of
// whose objects gives a member twice (a hand-edited file): which of the
// two azc should read is not known, and reading one would lose the other
// at the next write.
type DuplicateKeyError struct {
	// First and Second are the key as spelt the first and the second time
	// ("Contexts" and "contexts" are one key, as encoding/json reads them).
	// A hand-made file's key may be megabytes long: Error and
	// CorruptError's hint quote it with QuoteShort.
	First, Second string
	// In is where the object is, as a path of keys and indexes
	// ("contexts[2].tenant"); "" for the top-level object.
	In string
}

func (e *DuplicateKeyError) Error() string {
	in := "it"
	if e.In != "" {
		in = e.In
	}
	if e.First == e.Second {
		return fmt.Sprintf("the key %s is in %s twice", QuoteShort(e.First), in)
	}
	if e.In == "" {
		return fmt.Sprintf("the keys %s and %s are one key (keys are compared ignoring case)", QuoteShort(e.First), QuoteShort(e.Second))
	}
	return fmt.Sprintf("the keys %s and %s of %s are one key (keys are compared ignoring case)", QuoteShort(e.First), QuoteShort(e.Second), e.In)
}

// NewerVersionError is the Err of a CorruptError for a profile written by a
// newer azc, whose format this build does not know.
type NewerVersionError struct {
	Version int // the file's version
	Max     int // the newest version this build reads
}

func (e *NewerVersionError) Error() string {
	return fmt.Sprintf("format version %d is newer than this azc reads (%d)", e.Version, e.Max)
}

// Hint says how to get out, for a file that is not the profile (an
// export to import): a CorruptError's hint comes first for the profile.
func (e *NewerVersionError) Hint() string { return "upgrade azc to read it" }

// LockTimeoutError reports that the profile lock could not be taken in time.
type LockTimeoutError struct {
	Path    string        // the lock file
	Timeout time.Duration // how long Update waited
	// Holder names the process that held the lock when the wait ended
	// ("pid 1234 (azc)", LockHolder), or is "" where the system does not
	// tell.
	Holder string
}

func (e *LockTimeoutError) Error() string {
	if e.Holder != "" {
		return fmt.Sprintf("timed out after %s waiting for the lock %s, held by %s", e.Timeout, e.Path, e.Holder)
	}
	return fmt.Sprintf("timed out after %s waiting for the lock %s; another process is holding it", e.Timeout, e.Path)
}

// Hint is the way out of a lock wait that timed out: wait for the holder,
// or end it, never remove the lock file. The credential store's lock
// waits give it too (credstore.LockError).
func (e *LockTimeoutError) Hint() string {
	if e.Holder != "" {
		return "retry once " + e.Holder + " is done; should it never be, end it: the lock goes with the process that holds it (leave " + e.Path + " in place)"
	}
	return "retry; if no azc process is running, check who holds " + e.Path
}

// LockReplacedError reports that profile.lock was removed or replaced while
// a writer held it: another writer could then lock the new file and write
// meanwhile, so the writer that held the old one writes nothing.
type LockReplacedError struct {
	Path string // the lock file
}

func (e *LockReplacedError) Error() string {
	return fmt.Sprintf("%s was removed or replaced while azc held it; nothing was written", e.Path)
}

// Hint says what to do: the command again, and the lock file left alone.
func (e *LockReplacedError) Hint() string {
	return "run the command again; leave profile.lock in place (it is never stale: the lock goes with the process that holds it)"
}

// InsecureDirError reports a directory of azc's state, or of a shell's
// session, that other users can write to; azc refuses to use it.
type InsecureDirError struct {
	Path string
	Mode fs.FileMode
	// Variable is the environment variable that chose the directory, for
	// the hint; "" means AZC_CONFIG_DIR.
	Variable string
}

func (e *InsecureDirError) Error() string {
	return fmt.Sprintf("directory %s is writable by other users (mode %s)", e.Path, ModeText(e.Mode))
}

// Hint says how to fix the permissions, or, for a directory all users
// share (the sticky bit, as on /tmp), to use one of one's own.
func (e *InsecureDirError) Hint() string {
	if e.Mode&fs.ModeSticky != 0 {
		v := e.Variable
		if v == "" {
			v = "AZC_CONFIG_DIR"
		}
		return fmt.Sprintf("%s is shared by every user: point %s at a directory of your own", e.Path, v)
	}
	return fmt.Sprintf("run `chmod 700 %s`", termsafe.ShellWord(e.Path))
}

// NotFoundError reports that a reference matched nothing.
type NotFoundError struct {
	Kind string // "context", "environment", "account"
	Ref  string
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("%s %s not found", e.Kind, QuoteShort(e.Ref))
}

// maxQuoted is how many bytes of a value given to azc an error quotes.
const maxQuoted = 80

// QuoteShort is s as an error quotes a value given to azc (a reference,
// a flag's value, a key of a hand-edited file), which may be megabytes
// long: in Go's double quotes, whole when it is at most 80 bytes, else
// its first 80 (fewer when a character crosses the 80th byte) followed
// by "… (N bytes)".
func QuoteShort(s string) string { return quoteShortBy(s, strconv.Quote) }

// quoteShortBy is QuoteShort quoting by quote (strconv.QuoteToASCII for
// names that look alike printed).
func quoteShortBy(s string, quote func(string) string) string {
	if head, cut := cutQuoted(s); cut {
		return fmt.Sprintf("%s… (%d bytes)", quote(head), len(s))
	}
	return quote(s)
}

// cutQuoted is the part of s an error quotes: s when it is at most
// maxQuoted bytes, else its first maxQuoted bytes, fewer when a character
// crosses the last, and cut true.
func cutQuoted(s string) (head string, cut bool) {
	if len(s) <= maxQuoted {
		return s, false
	}
	n := maxQuoted
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n], true
}

// AmbiguousError reports that a reference matched more than one context.
type AmbiguousError struct {
	Ref        string
	Candidates []string // the names of the matching contexts
	// Kind is what Ref was taken as: "subscription" for --subscription
	// (SubscriptionIndex), "tenant" for --tenant; "" for a context
	// reference (Find).
	Kind string
}

// maxListed is how many names QuoteList lists (an AmbiguousError's
// candidates, the contexts that use an environment); the rest are counted,
// so that an error about thousands of contexts is one short line.
const maxListed = 10

func (e *AmbiguousError) Error() string {
	if e.Kind != "" && e.Kind != "context" {
		return fmt.Sprintf("%s %s is ambiguous: contexts %s hold it", e.Kind, QuoteShort(e.Ref), QuoteList(e.Candidates))
	}
	return fmt.Sprintf("context %s is ambiguous: it matches %s", QuoteShort(e.Ref), QuoteList(e.Candidates))
}

// QuoteList quotes the first ten names (QuoteShort), comma-separated, and
// counts the rest: `"a", "b" and 3 more`. Errors and azc doctor's
// warnings list contexts with it, so that each stays one short line at
// thousands of contexts.
func QuoteList(names []string) string {
	more := ""
	if len(names) > maxListed {
		names, more = names[:maxListed], fmt.Sprintf(" and %d more", len(names)-maxListed)
	}
	return strings.Join(quoteAll(names), ", ") + more
}

func quoteAll(s []string) []string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = QuoteShort(v)
	}
	return q
}

// ReplacedWhileLockedError reports that profile.json was replaced while
// azc held profile.lock, by a program that does not take the lock (or
// took a profile.lock put in place of the one held): the change was made
// on the file as it was, so nothing was written.
type ReplacedWhileLockedError struct {
	Path string // profile.json
}

func (e *ReplacedWhileLockedError) Error() string {
	return fmt.Sprintf("%s was replaced by another program while azc held profile.lock; nothing was written", e.Path)
}

// Hint says what to do: the command again.
func (e *ReplacedWhileLockedError) Hint() string {
	return "run the command again; a program that writes profile.json should not (azc's commands change it), or leave profile.lock in place"
}

// UnwritableError is a file azc must create or change in a directory the
// user cannot write: one on a read-only file system (a read-only mount), or
// one whose mode or owner lets the user read but not create. Nothing was
// written. It is the one error of every write that fails so (the profile's,
// its lock's, the credential store's and its data key's lock), so that none
// reads as another cause, such as a missing key store.
type UnwritableError struct {
	Path       string // the file or directory azc was creating or changing
	Dir        string // the directory that cannot be written
	ReadOnlyFS bool   // Dir is on a read-only file system
	Exists     bool   // Path is there: azc could not open it for writing
	// Variable is the environment variable that chose the directory, for
	// the hint; "" means AZC_CONFIG_DIR.
	Variable string
	// Then is the step after setting Variable, for the hint ("" for none):
	// a shell's session stays where it was made.
	Then string
	Err  error
}

func (e *UnwritableError) Error() string {
	why := "is not writable by you"
	if e.ReadOnlyFS {
		why = "is on a read-only file system"
	}
	op := "create"
	if e.Exists {
		op = "write"
	}
	return fmt.Sprintf("cannot %s %s: the directory %s %s", op, e.Path, e.Dir, why)
}

func (e *UnwritableError) Unwrap() error { return e.Err }

// Hint is the way out: make the directory writable, or use another one.
func (e *UnwritableError) Hint() string {
	fix := fmt.Sprintf("give yourself write access to it (`chmod u+w %s`, as its owner)", termsafe.ShellWord(e.Dir))
	if e.ReadOnlyFS {
		fix = "mount it read-write"
	}
	v := e.Variable
	if v == "" {
		v = "AZC_CONFIG_DIR"
	}
	then := ""
	if e.Then != "" {
		then = ", then " + e.Then
	}
	return fmt.Sprintf("%s, or set %s to a directory you can write%s; commands that only read work as they are", fix, v, then)
}

// Unwritable is err, the failure to create or change path, as an
// *UnwritableError when its cause is a directory that cannot be written: a
// read-only file system, or permission denied to create path, which does
// not exist. Any other err is returned as it is (a file of the user's that
// its mode denies them is named by the open that failed, with its chmod).
func Unwritable(path string, err error) error {
	if err == nil {
		return nil
	}
	var ue *UnwritableError
	if errors.As(err, &ue) {
		return err
	}
	ro := errors.Is(err, syscall.EROFS)
	_, lerr := os.Lstat(path)
	exists := lerr == nil
	if !ro && (!errors.Is(err, fs.ErrPermission) || !errors.Is(lerr, fs.ErrNotExist)) {
		return err
	}
	dir := filepath.Dir(path)
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Op == "mkdir" {
		dir = filepath.Dir(pe.Path)
	}
	return &UnwritableError{Path: path, Dir: dir, ReadOnlyFS: ro, Exists: exists, Err: err}
}

// ErrorAt is err from op (a verb: "read", "lock") on the file at path,
// the path named once: err itself when its message names path already
// (an *fs.PathError of it, or this package's errors about the file: a
// link, another user's, too large, in a directory azc cannot write), else
// "op path: err".
func ErrorAt(op, path string, err error) error {
	if strings.Contains(err.Error(), path) {
		return err
	}
	return fmt.Errorf("%s %s: %w", op, path, err)
}

// ModeText is m's permission bits as chmod takes them: octal, with the
// set-user-id, set-group-id and sticky bits ("0600", "1777"). Every
// message that shows a mode shows it so.
func ModeText(m fs.FileMode) string {
	n := uint32(m.Perm())
	for _, b := range []struct {
		mode fs.FileMode
		bit  uint32
	}{{fs.ModeSetuid, 0o4000}, {fs.ModeSetgid, 0o2000}, {fs.ModeSticky, 0o1000}} {
		if m&b.mode != 0 {
			n |= b.bit
		}
	}
	return fmt.Sprintf("%04o", n)
}
