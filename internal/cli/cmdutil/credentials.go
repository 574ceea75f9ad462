package cmdutil

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/profile"
)

// UserStoreUnmade reports whether the user's credential store was never
// made (no sign-in yet; contexts imported without their tokens): it holds
// no blob, and opening it (UserBlobs) would make it and a data key, which
// a command that only reads or finds nothing to do must not.
func UserStoreUnmade(f *Factory) bool {
	_, err := os.Lstat(credstore.Dir(f.StateDir))
	return errors.Is(err, fs.ErrNotExist)
}

// UserBlobs opens the user's encrypted credential store in the state
// directory, with AZC_REQUIRE_ENCRYPTION honoured and the plaintext
// fallback warned about once on stderr: once in the invocation, however
// often its command opens the store (storeWarnings). In azc, where the
// data key belongs in the desktop's key store, whose client only azc-full
// links, its error matches ErrNeedFull: the command goes to azc-full.
func UserBlobs(f *Factory) (*credstore.Store, error) {
	require, err := RequireEncryption(f)
	if err != nil {
		return nil, err
	}
	s, err := credstore.Open(f.StateDir, credstore.Options{
		Env:               f.Getenv,
		Desktop:           f.Desktop,
		RequireEncryption: require,
		Warn: func(msg string) {
			if f.storeWarnings == nil || f.storeWarnings.first(msg) {
				Warn(f.IOStreams, msg)
			}
		},
		Logger: f.Logger,
	})
	if errors.Is(err, credstore.ErrDesktopNotLinked) && f.ExecFull != nil {
		return nil, fmt.Errorf("%w: %w", ErrNeedFull, err)
	}
	return s, err
}

// warnings is the set of the credential store's warnings one invocation
// has given (Factory.storeWarnings), shared by the Factory's copies
// (WithStderr): a command opens the store more than once (a removal
// probes the accounts' locks, drops their blobs, then those of ended
// shells), and each opening would say again that it keeps the
// credentials unencrypted.
type warnings struct {
	mu   sync.Mutex
	said map[string]bool
}

// first reports whether msg is said for the first time, and notes it.
func (w *warnings) first(msg string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.said[msg] {
		return false
	}
	if w.said == nil {
		w.said = map[string]bool{}
	}
	w.said[msg] = true
	return true
}

// RequireEncryption reads AZC_REQUIRE_ENCRYPTION: a value that is not a
// boolean is an exit-2 error naming it.
func RequireEncryption(f *Factory) (bool, error) {
	require, err := credstore.RequireEncryptionEnv(f.Getenv)
	if err != nil {
		return false, WithHint(err, ExitUsage, "set "+credstore.RequireEncryptionVar+"=1 to refuse to keep credentials unencrypted, or unset it")
	}
	return require, nil
}

// Blobs returns the credential blobs of scope: the user's encrypted store
// for the user scope; the session's own store for the process scope, so that
// nothing of a process-scope sign-in reaches disk outside the session.
func Blobs(f *Factory, st *azc.State, scope profile.Scope) (credstore.Blobs, error) {
	if scope != profile.ScopeProcess {
		return UserBlobs(f)
	}
	if !st.HasSession() {
		return nil, WithHint(azc.ErrNoSession, ExitUsage, NoSessionHint)
	}
	b := st.SessionBlobs()
	if b == nil {
		return nil, Errorf("the session keeps no credential store; use --scope user")
	}
	return b, nil
}

// ResolveContext finds the context ref names (the default chain when ref is
// empty), the scope whose credential store holds its account's tokens
// (azc.Entry.Credentials) and the merged profile it was found in (for its
// account and environment), from one read of the state.
func ResolveContext(st *azc.State, ref string) (*profile.Profile, *profile.Context, profile.Scope, error) {
	p, e, err := st.ResolveEntry(ref)
	if err != nil {
		return nil, nil, 0, err
	}
	return p, &e.Context, e.Credentials, nil
}

// ScopeProfile reads scope's own profile without locking: profile.json for
// the user scope, the session's for the process scope.
func ScopeProfile(st *azc.State, scope profile.Scope) (*profile.Profile, error) {
	if scope != profile.ScopeProcess {
		return st.Store().Load()
	}
	if !st.HasSession() {
		return nil, azc.ErrNoSession
	}
	return st.Session().Load()
}
