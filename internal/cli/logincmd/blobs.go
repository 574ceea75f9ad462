package logincmd

import (
	"errors"
	"fmt"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/auth"
	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/profile"
)

// openBlobs returns the credential blobs of scope: the encrypted
// credential store for the user scope; the session's own store for the
// process scope, so that nothing of a process-scope sign-in reaches disk
// outside the session.
func openBlobs(f *cmdutil.Factory, st *azc.State, scope profile.Scope) (auth.Blobs, error) {
	if scope == profile.ScopeProcess {
		if !st.HasSession() {
			return nil, cmdutil.WithHint(azc.ErrNoSession, cmdutil.ExitUsage,
				"start one with `azc shell`, or `eval \"$(azc init bash)\"`; or use --scope user")
		}
		b := st.SessionBlobs()
		if b == nil {
			return nil, cmdutil.Errorf("the session keeps no credential store; use --scope user")
		}
		return b, nil
	}
	s, err := credstore.Open(f.StateDir, credstore.Options{
		Env:               f.Getenv,
		RequireEncryption: f.Getenv("AZC_REQUIRE_ENCRYPTION") == "1",
		Warn:              func(msg string) { fmt.Fprintln(f.IOStreams.ErrOut, "azc: warning: "+msg) },
		Logger:            f.Logger,
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// blobNotFound is the store's "no such blob" (a lost key reads as one too:
// the account is then signed out, never crashed).
func blobNotFound(err error) bool { return errors.Is(err, credstore.ErrNotFound) }
