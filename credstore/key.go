package credstore

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/azcontext/azc/profile"
)

// Backend names, as Store.Backend reports them.
const (
	kernelKeyringName = "linux-keyring"
	// SecretServiceName names the freedesktop Secret Service (package
	// desktopkey's backend on Linux).
	SecretServiceName = "secret-service"
	// KeychainName names the macOS login Keychain (package desktopkey's
	// backend on macOS).
	KeychainName  = "keychain"
	dpapiName     = "dpapi"
	plaintextName = "plaintext"
)

// KeyBackend keeps a store's 32-byte data key in an OS key store. The
// store serialises LoadKey-then-StoreKey under its own lock, so backends
// need no locking of their own.
type KeyBackend interface {
	// Name names the backend for diagnostics, e.g. "linux-keyring".
	Name() string
	// LoadKey returns the data key for ref, ErrNoKey when there is none,
	// or an error wrapping ErrUnavailable when the key store cannot be
	// used on this machine.
	LoadKey(ref KeyRef) ([]byte, error)
	// StoreKey saves a new data key for ref.
	StoreKey(ref KeyRef, key []byte) error
}

// KeyRef names the data key of one store.
type KeyRef struct {
	// ID is stable for a state directory: "azc:datakey:<hash of its path>".
	ID string
	// Dir is the store's credentials directory, for backends that keep a
	// protected key file beside the blobs (DPAPI).
	Dir string
}

var (
	// ErrNoKey is returned by KeyBackend.LoadKey when no key exists yet.
	ErrNoKey = errors.New("no data key")
	// ErrUnavailable is wrapped by KeyBackend errors when the key store
	// cannot be used here (no session bus, keyctl refused, …).
	ErrUnavailable = errors.New("key store unavailable")
	// ErrDamagedKey is wrapped by KeyBackend.LoadKey errors when the key
	// store holds the data key's entry but no 32-byte key in it (another
	// program wrote it, or damaged it). Open fails with it: the key store
	// works, so it never falls back to storing secrets unencrypted.
	ErrDamagedKey = errors.New("the data key is damaged")
	// ErrNotFound is returned by Get for a key with no blob. A blob whose
	// data key is lost also matches it (see KeyLostError).
	ErrNotFound = errors.New("credential not found")
	// ErrKeyLost is matched by *KeyLostError.
	ErrKeyLost = errors.New("credential data key lost")
	// ErrEncryptionRequired is matched by *EncryptionRequiredError.
	ErrEncryptionRequired = errors.New("encryption required but no OS key store is available")
)

// ErrDesktopNotLinked is matched by *DesktopNotLinkedError.
var ErrDesktopNotLinked = errors.New("the desktop's key store has no client in this program")

// DesktopNotLinkedError is Open's error where the platform's key stores
// begin with the desktop's (the Secret Service where a session bus is
// set, the macOS Keychain) and Options.Desktop gives no client for it: the
// program can neither read blobs sealed there nor seal new ones in
// another key store without leaving those behind. azc's fast binary, which
// links no D-Bus client, hands the command to azc-full on it.
type DesktopNotLinkedError struct {
	Backend string // SecretServiceName or KeychainName
}

func (e *DesktopNotLinkedError) Error() string {
	return fmt.Sprintf("the data key belongs in %s, and this program links no client for it (credstore.Options.Desktop: desktopkey.Backend())", storeName(e.Backend))
}

// storeName names the key store of backend as people name it.
func storeName(backend string) string {
	if where := map[string]string{
		kernelKeyringName: "the Linux kernel keyring",
		SecretServiceName: "the Secret Service",
		KeychainName:      "the macOS Keychain",
		dpapiName:         "the DPAPI-protected key file",
	}[backend]; where != "" {
		return where
	}
	if backend != "" {
		return backend
	}
	return "an OS key store"
}

// Is makes the error match ErrDesktopNotLinked.
func (e *DesktopNotLinkedError) Is(target error) bool { return target == ErrDesktopNotLinked }

// KeyLostError reports a blob sealed under a data key that no longer
// exists, typically a kernel-keyring key that did not survive a reboot,
// or that the key store holding it cannot give this process (Unreachable).
// It matches ErrKeyLost and ErrNotFound: callers treat the account as
// signed out and ask the user to sign in again, or, when the key store is
// unreachable, to run azc where it is.
type KeyLostError struct {
	Key     string // the blob's key name (an account key, not a secret)
	Path    string // the blob's file, when its key is not known (Check)
	Backend string // the backend that held the lost key, "" when unknown
	// Unreachable, when set, says why Backend, which may still hold the
	// key, could not be used by this process (keyctl refused by a
	// container's seccomp profile, …): the key is not known to be gone,
	// and a sign-in here would store the credentials unencrypted.
	Unreachable string
}

func (e *KeyLostError) Error() string {
	what, where := fmt.Sprintf("the credentials for %q", e.Key), storeName(e.Backend)
	if e.Key == "" {
		what = "the credentials in " + e.Path
	}
	if e.Unreachable != "" {
		return fmt.Sprintf("%s were encrypted with a data key kept in %s, which azc cannot reach in this process (%s)", what, where, e.Unreachable)
	}
	if e.Backend == kernelKeyringName {
		where += " (its keys do not survive a reboot, and each is named for the state directory's path: a directory moved or renamed finds none)"
	}
	return fmt.Sprintf("%s were encrypted with a data key that is no longer available in %s: sign in again", what, where)
}

// Hint is the way out: sign in again, or, when the key store is only
// unreachable here, run azc where it is reachable.
func (e *KeyLostError) Hint() string {
	if e.Unreachable != "" {
		return "run azc where that key store can be reached (outside the container or sandbox that refuses it), as when the account signed in; `azc login` here would store its credentials unencrypted"
	}
	return "sign in again with `azc login`"
}

// Is makes a lost key read as both ErrKeyLost and ErrNotFound.
func (e *KeyLostError) Is(target error) bool { return target == ErrKeyLost || target == ErrNotFound }

// EncryptionRequiredError reports that Options.RequireEncryption refused a
// plaintext store. Tried lists why each OS key store was unusable.
type EncryptionRequiredError struct {
	Dir   string
	Tried []string
}

func (e *EncryptionRequiredError) Error() string {
	msg := fmt.Sprintf("refusing to store credentials in %s unencrypted: no OS key store is available", e.Dir)
	for _, t := range e.Tried {
		msg += "; " + t
	}
	return msg
}

// Is matches ErrEncryptionRequired.
func (e *EncryptionRequiredError) Is(target error) bool { return target == ErrEncryptionRequired }

// RequireEncryptionVar is the environment variable that, set to 1, makes
// the commands open their credential store with
// Options.RequireEncryption.
const RequireEncryptionVar = "AZC_REQUIRE_ENCRYPTION"

// RequireEncryptionEnv reads RequireEncryptionVar through getenv: unset or
// empty is false; 1, true, yes and on (in any case) are true; 0, false, no
// and off are false. Any other value is an *EnvError rather than false, so
// that a value meant to refuse plaintext never lets credentials be stored
// unencrypted.
func RequireEncryptionEnv(getenv func(string) string) (bool, error) {
	v := strings.TrimSpace(getenv(RequireEncryptionVar))
	switch strings.ToLower(v) {
	case "":
		return false, nil
	case "1", "true", "t", "yes", "on":
		return true, nil
	case "0", "false", "f", "no", "off":
		return false, nil
	}
	return false, &EnvError{Name: RequireEncryptionVar, Value: v}
}

// EnvError is an environment variable whose value azc cannot take.
type EnvError struct {
	Name, Value string
}

func (e *EnvError) Error() string {
	return fmt.Sprintf("invalid %s=%s: want 1 or 0 (true or false)", e.Name, profile.QuoteShort(e.Value))
}

// InsecureError reports a credentials directory that other users can
// reach.
type InsecureError struct {
	Path string
	Mode fs.FileMode
}

func (e *InsecureError) Error() string {
	return fmt.Sprintf("refusing to use %s: its mode %s lets other users in (chmod 700 it)", e.Path, profile.ModeText(e.Mode))
}

// FixedKey returns a backend that always yields key, named name. Sessions
// use it with the key carried in AZC_SESSION; tests use it too. The key is
// copied.
func FixedKey(name string, key []byte) KeyBackend {
	return fixedKey{name: name, key: append([]byte(nil), key...)}
}

type fixedKey struct {
	name string
	key  []byte
}

// Format prints the backend by its name in every verb, never its key: a
// program that prints its Options would otherwise show a session's key.
func (f fixedKey) Format(s fmt.State, _ rune) { _, _ = fmt.Fprintf(s, "FixedKey(%q)", f.name) }

func (f fixedKey) Name() string                   { return f.name }
func (f fixedKey) LoadKey(KeyRef) ([]byte, error) { return append([]byte(nil), f.key...), nil }
func (f fixedKey) StoreKey(KeyRef, []byte) error {
	return errors.New("a fixed key cannot be replaced")
}

// Plaintext returns the backend that stores blobs unencrypted (0600). Chosen
// explicitly it gives no warning; Open still refuses it when
// Options.RequireEncryption is set.
func Plaintext() KeyBackend { return plaintext{} }

type plaintext struct{}

func (plaintext) Name() string                   { return plaintextName }
func (plaintext) LoadKey(KeyRef) ([]byte, error) { return nil, nil }
func (plaintext) StoreKey(KeyRef, []byte) error  { return nil }
