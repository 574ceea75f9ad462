package cmdutil

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/azcontext/azc/auth"
	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/session"
)

// TestAnErrorsOwnHintIsShown: an error that says what to do (Hint) gives
// azc's one hint, however deep it is wrapped, unless the command gave its
// own.
func TestAnErrorsOwnHintIsShown(t *testing.T) {
	t.Parallel()
	refused := fmt.Errorf("exec: get a token for ARM: %w", &auth.AADError{Op: "refresh", Code: "temporarily_unavailable", Status: 503})
	if _, hints := Classify(refused); len(hints) != 1 || hints[0] != refused.(interface{ Unwrap() error }).Unwrap().(*auth.AADError).Hint() {
		t.Errorf("hints %q, want the refusal's own", hints)
	}
	own := WithHint(refused, ExitFailure, "the command's own")
	if _, hints := Classify(own); len(hints) != 1 || hints[0] != "the command's own" {
		t.Errorf("hints %q, want the command's own only", hints)
	}
}

// TestADamagedSessionBlobHintsAtANewSession: a session whose own state
// (its selection) is damaged is a damaged session, whose way out is a new
// one: its hint was `azc logout azc-session:selection`, the damaged
// account blob's, which no account matches.
func TestADamagedSessionBlobHintsAtANewSession(t *testing.T) {
	t.Parallel()
	rt := t.TempDir()
	s, _, err := session.New(rt, os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	files := func() map[string]bool {
		t.Helper()
		entries, err := os.ReadDir(s.StoreDir())
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]bool{}
		for _, e := range entries {
			m[e.Name()] = true
		}
		return m
	}
	before := files()
	if err := s.UpdateSelections(func(sel *session.Selections) error {
		sel.Current = &session.Selection{Context: profile.Context{Name: "dev", Account: "a", Environment: "AzureCloud", Tenant: profile.Tenant{ID: "t"}}}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	damaged := 0
	for n := range files() {
		if !before[n] && !strings.HasSuffix(n, ".lock") {
			if err := os.WriteFile(filepath.Join(s.StoreDir(), n), []byte("azcb"), 0o600); err != nil {
				t.Fatal(err)
			}
			damaged++
		}
	}
	if damaged != 1 {
		t.Fatalf("the selection wrote %d blobs, want 1", damaged)
	}
	_, err = s.Selections()
	if !errors.Is(err, session.ErrDamaged) {
		t.Fatalf("Selections of a damaged selection: %v, want session.ErrDamaged", err)
	}
	if _, hints := Classify(fmt.Errorf("this shell's session: %w", err)); len(hints) != 1 || !strings.Contains(hints[0], "start a new session") {
		t.Errorf("hints %q, want a new session's", hints)
	}
}

// TestAKeyStoreUnreachableHereHintsAtRunningAzcWhereItIs: an account whose
// blob's data key is in a key store this process cannot reach (keyctl
// refused in a container) reads as signed out; the hint is to run azc where
// the key store is reachable, not the command's "sign in again", which
// would store the account's credentials unencrypted here.
func TestAKeyStoreUnreachableHereHintsAtRunningAzcWhereItIs(t *testing.T) {
	t.Parallel()
	lost := &credstore.KeyLostError{Key: "azurecloud|t|a@example.com", Backend: "linux-keyring", Unreachable: "keyctl refused"}
	err := WithHint(fmt.Errorf("get a token: %w: %w", auth.ErrNotSignedIn, lost), ExitInteraction, "sign in again with `azc login`")
	if _, hints := Classify(err); len(hints) != 1 || hints[0] != lost.Hint() || !strings.Contains(hints[0], "can be reached") {
		t.Errorf("hints %q, want the unreachable key store's", hints)
	}
	lost.Unreachable = ""
	if _, hints := Classify(err); len(hints) != 1 || hints[0] != "sign in again with `azc login`" {
		t.Errorf("hints %q, want the command's own for a key that is gone", hints)
	}
}

// TestADirectoryAzcCannotWriteHintsAtItBeforeTheCommandsWayOut: a
// command whose write failed because the state directory cannot be
// written (a read-only mount) hints at the directory, not at its own way
// out ("sign in again"), which would fail the same way.
func TestADirectoryAzcCannotWriteHintsAtItBeforeTheCommandsWayOut(t *testing.T) {
	t.Parallel()
	uw := &profile.UnwritableError{Path: "/ro/credentials/x.lock", Dir: "/ro/credentials", ReadOnlyFS: true}
	err := WithHint(fmt.Errorf("list tenants: lock the credentials of a@example.com: %w", uw), ExitFailure, "sign in again with `azc login`, then retry")
	if _, hints := Classify(err); len(hints) != 1 || hints[0] != uw.Hint() || !strings.Contains(hints[0], "AZC_CONFIG_DIR") {
		t.Errorf("hints %q, want the directory's way out", hints)
	}
}

// TestALockTimeoutHintsAtItsHolder: a wait for profile.lock that timed out
// names, in its hint, the process that held the lock when the system says
// which (Linux), and to end it rather than remove the lock file; without
// one it says to check who holds the file.
func TestALockTimeoutHintsAtItsHolder(t *testing.T) {
	t.Parallel()
	held := &profile.LockTimeoutError{Path: "/s/profile.lock", Timeout: time.Second, Holder: "pid 42 (azc)"}
	if _, hints := Classify(fmt.Errorf("write profile: %w", held)); len(hints) != 1 || !strings.Contains(hints[0], "retry once pid 42 (azc) is done") || !strings.Contains(hints[0], "leave /s/profile.lock in place") {
		t.Errorf("hints %q, want the holder named", hints)
	}
	held.Holder = ""
	if _, hints := Classify(held); len(hints) != 1 || !strings.Contains(hints[0], "check who holds /s/profile.lock") {
		t.Errorf("hints %q, want to check who holds the lock", hints)
	}
}
