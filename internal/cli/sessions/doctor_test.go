package sessions

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/session"
)

// TestDoctorReportsEveryProblemOfTheCredentialFiles: `azc doctor` names
// each credential file that azc refuses, each blob it cannot read, and
// each blob left unencrypted, all of them: a file refused hid the
// plaintext blobs, and a damaged blob was reported as good.
func TestDoctorReportsEveryProblemOfTheCredentialFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	plain, err := credstore.Open(dir, credstore.Options{Backend: credstore.Plaintext()})
	if err != nil {
		t.Fatal(err)
	}
	if err := plain.Put("azurecloud|t|plain@example.com", []byte("cache")); err != nil {
		t.Fatal(err)
	}
	cs := sealedStore(t, dir, "test-key")
	if err := cs.Put("azurecloud|t|sealed@example.com", []byte("cache")); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(cs.Dir(), strings.Repeat("01", 32)+".lock")
	if err := os.Symlink(filepath.Join(dir, "elsewhere"), link); err != nil {
		t.Fatal(err)
	}
	damaged := filepath.Join(cs.Dir(), strings.Repeat("cd", 32))
	if err := os.WriteFile(damaged, []byte("not a blob"), 0o600); err != nil {
		t.Fatal(err)
	}
	var got []Check
	credentialFiles(cs, nil, func(name, status, format string, a ...any) {
		got = append(got, Check{Name: name, Status: status, Detail: fmt.Sprintf(format, a...)})
	})
	for _, want := range []struct{ status, detail string }{
		{"fail", link + " is a symbolic link"},
		{"fail", damaged + ": credential blob is corrupt"},
		{"warn", "1 of 3 blobs are unencrypted"},
	} {
		found := false
		for _, c := range got {
			found = found || c.Name == "credential files" && c.Status == want.status && strings.Contains(c.Detail, want.detail)
		}
		if !found {
			t.Errorf("doctor's credential files %+v: no %s line with %q", got, want.status, want.detail)
		}
	}
}

// TestDoctorNamesADamagedPlaintextBlobAsUnencrypted: a plaintext blob
// whose bytes changed holds its account's secrets in the clear all the
// same, and no read seals it (every read fails); doctor names it as
// unencrypted, with the sign-out that removes it, and does not promise
// that a read encrypts it. It was named only as corrupt, and doctor said
// no blob was unencrypted.
func TestDoctorNamesADamagedPlaintextBlobAsUnencrypted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	plain, err := credstore.Open(dir, credstore.Options{Backend: credstore.Plaintext()})
	if err != nil {
		t.Fatal(err)
	}
	const acct = "azurecloud|t|plain@example.com"
	if err := plain.Put(acct, []byte("cache of a refresh token")); err != nil {
		t.Fatal(err)
	}
	cs := sealedStore(t, dir, "test-key")
	entries, err := os.ReadDir(cs.Dir())
	if err != nil {
		t.Fatal(err)
	}
	blob := ""
	for _, e := range entries {
		if len(e.Name()) == 64 {
			blob = filepath.Join(cs.Dir(), e.Name())
		}
	}
	raw, err := os.ReadFile(blob)
	if err != nil {
		t.Fatal(err)
	}
	raw[len(raw)-3] ^= 1 // in the payload
	if err := os.WriteFile(blob, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	var got []Check
	credentialFiles(cs, []string{acct}, func(name, status, format string, a ...any) {
		got = append(got, Check{Name: name, Status: status, Detail: fmt.Sprintf(format, a...)})
	})
	unencrypted := false
	for _, c := range got {
		if c.Name == "credential files" && c.Status == "warn" && strings.Contains(c.Detail, "unencrypted") && strings.Contains(c.Detail, blob) {
			unencrypted = true
			if strings.Contains(c.Detail, "encrypted the next time") || !strings.Contains(c.Detail, "azc logout") {
				t.Errorf("doctor's line %q: a damaged blob is never read to be encrypted; want the sign-out that removes it", c.Detail)
			}
		}
	}
	if !unencrypted {
		t.Errorf("doctor's credential files %+v: no warn line naming %s unencrypted", got, blob)
	}
}

// TestDoctorReportsADamagedSessionBlob: a blob of the session's store that
// azc cannot read (an account's tokens from a sign-in in this shell) fails
// doctor's "session files" check, naming it; it said every file was fine.
func TestDoctorReportsADamagedSessionBlob(t *testing.T) {
	t.Parallel()
	rt := t.TempDir()
	sess, _, err := session.New(rt, os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	damaged := filepath.Join(sess.Dir(), "credentials", strings.Repeat("ef", 32))
	if err := os.WriteFile(damaged, []byte("azcb"), 0o600); err != nil {
		t.Fatal(err)
	}
	var got []Check
	sessionFiles(sess, func(name, status, format string, a ...any) {
		got = append(got, Check{Name: name, Status: status, Detail: fmt.Sprintf(format, a...)})
	})
	found := false
	for _, c := range got {
		found = found || c.Name == "session files" && c.Status == "fail" && strings.Contains(c.Detail, damaged)
	}
	if !found {
		t.Errorf("doctor's session files %+v: no fail line naming %s", got, damaged)
	}
}

// TestDoctorReportsBlobsWhoseDataKeyIsGone: blobs sealed under a data key
// the key store no longer has (the kernel keyring after a reboot) read as
// signed out; doctor names them and says to sign in again. It said the
// credential files were ok.
func TestDoctorReportsBlobsWhoseDataKeyIsGone(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for i, acct := range []string{"azurecloud|t|before@example.com", "azurecloud|t|after@example.com"} {
		cs := sealedStore(t, dir, fmt.Sprintf("key-%d", i))
		if err := cs.Put(acct, []byte("cache")); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			continue
		}
		if _, err := cs.Get("azurecloud|t|before@example.com"); !errors.Is(err, credstore.ErrKeyLost) {
			t.Fatalf("Get of a blob sealed under the lost key: %v, want ErrKeyLost", err)
		}
		var got []Check
		credentialFiles(cs, nil, func(name, status, format string, a ...any) {
			got = append(got, Check{Name: name, Status: status, Detail: fmt.Sprintf(format, a...)})
		})
		found := false
		for _, c := range got {
			found = found || c.Name == "credential files" && c.Status == "warn" &&
				strings.Contains(c.Detail, "1 of 2 blobs") && strings.Contains(c.Detail, "sign in again") &&
				strings.Contains(c.Detail, cs.Dir())
		}
		if !found {
			t.Errorf("doctor's credential files %+v: no warning of the blob whose data key is gone", got)
		}
	}
}

// TestDoctorReportsSessionBlobsWhoseDataKeyIsGone: a blob of the session's
// store sealed under a key that is not the session's reads as signed out
// (session.ErrWrongKey's account); doctor's "session files" check names
// it, as the credential files' check does the user's.
func TestDoctorReportsSessionBlobsWhoseDataKeyIsGone(t *testing.T) {
	t.Parallel()
	sess, _, err := session.New(t.TempDir(), os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	other, err := credstore.Open(sess.Dir(), credstore.Options{Backend: credstore.FixedKey("other", make([]byte, 32)), LeaveTemps: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Put("azurecloud|t|a@example.com", []byte("cache")); err != nil {
		t.Fatal(err)
	}
	var got []Check
	sessionFiles(sess, func(name, status, format string, a ...any) {
		got = append(got, Check{Name: name, Status: status, Detail: fmt.Sprintf(format, a...)})
	})
	found := false
	for _, c := range got {
		found = found || c.Name == "session files" && c.Status == "warn" &&
			strings.Contains(c.Detail, "1 of 2 blobs read as signed out") && strings.Contains(c.Detail, sess.StoreDir())
	}
	if !found {
		t.Errorf("doctor's session files %+v: no warning of the blob sealed under another key", got)
	}
}

// TestDoctorNamesTheAccountOfABlobItCannotDecode: a blob of an account
// of the profile that is damaged fails every read of its account, and
// doctor fails its credential files check, naming the file and that
// account's logout. A blob whose ciphertext changed after it was written
// (one flipped bit) is in the blob format and fails its authentication
// (doctor said ok); one not in the blob format at all (emptied, cut within
// its header, overwritten, over the cap) got a bare `azc logout`, which
// signs out the current context's account: with another account's context
// current, following it signed out the wrong account and left the damaged
// blob (found by running doctor on a state directory whose blob was
// truncated to 0 and 6 bytes).
func TestDoctorNamesTheAccountOfABlobItCannotDecode(t *testing.T) {
	t.Parallel()
	const acct = "azurecloud|t|alice@example.com"
	for name, damage := range map[string]func(path string) error{
		"a bit flipped": func(path string) error {
			raw, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			raw[len(raw)-1] ^= 1
			return os.WriteFile(path, raw, 0o600)
		},
		"empty":             func(path string) error { return os.Truncate(path, 0) },
		"cut in its header": func(path string) error { return os.Truncate(path, 6) },
		"not a blob":        func(path string) error { return os.WriteFile(path, []byte(`{"not":"a blob"}`), 0o600) },
		"over the cap":      func(path string) error { return os.Truncate(path, 64<<20+1) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			cs := sealedStore(t, dir, "test-key")
			if err := cs.Put(acct, []byte("cache")); err != nil {
				t.Fatal(err)
			}
			var path string
			if err := filepath.WalkDir(cs.Dir(), func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() && len(d.Name()) == 64 {
					path = p
				}
				return err
			}); err != nil || path == "" {
				t.Fatalf("no blob file (%v)", err)
			}
			if err := damage(path); err != nil {
				t.Fatal(err)
			}
			if _, err := cs.Get(acct); !errors.Is(err, credstore.ErrCorrupt) {
				t.Fatalf("Get of the damaged blob: %v, want ErrCorrupt", err)
			}
			var got []Check
			credentialFiles(cs, []string{acct}, func(name, status, format string, a ...any) {
				got = append(got, Check{Name: name, Status: status, Detail: fmt.Sprintf(format, a...)})
			})
			found := false
			for _, c := range got {
				found = found || c.Name == "credential files" && c.Status == "fail" &&
					strings.Contains(c.Detail, path) && strings.Contains(c.Detail, "azc logout '"+acct+"'")
			}
			if !found {
				t.Errorf("doctor's credential files %+v: no fail line naming %s and its account's logout", got, path)
			}
		})
	}
}

// TestDoctorFailsAStateDirectoryItCannotName: with no state directory to
// check (a relative AZC_CONFIG_DIR, no HOME) doctor fails the state
// directory with the reason; it said "ok" of ".", profile.json and
// profile.lock, paths in whatever directory doctor ran in.
func TestDoctorFailsAStateDirectoryItCannotName(t *testing.T) {
	t.Parallel()
	for _, env := range []map[string]string{{"AZC_CONFIG_DIR": "relative"}, {}} {
		ios, _, _, _ := cmdutil.Test()
		f := cmdutil.NewFactory(ios, func(k string) string { return env[k] }, "v0-test")
		r := diagnose(f)
		stateDir := false
		for _, c := range r.Checks {
			if c.Name == "state directory" {
				stateDir = c.Status == "fail" && strings.Contains(c.Detail, "AZC_CONFIG_DIR")
			}
			if c.Status == "ok" && (c.Detail == "." || c.Detail == "profile.json" || c.Detail == "profile.lock") {
				t.Errorf("env %v: %s %q", env, c.Status, c.Detail)
			}
		}
		if !stateDir {
			t.Errorf("env %v: checks %+v, want the state directory failed, naming AZC_CONFIG_DIR", env, r.Checks)
		}
	}
}

// TestDoctorWarnsOfAStateDirectoryInADirectoryOthersCanWriteTo: in a
// directory every user can write to without the sticky bit (a mode 0777
// shared directory), or one another user owns, that user can move the
// state directory away and put one of theirs in its place between azc's
// check and its use; doctor warns of it, naming the nearest such
// directory, however far above the state directory it is. /tmp (sticky)
// and root's directories are no such directories.
func TestDoctorWarnsOfAStateDirectoryInADirectoryOthersCanWriteTo(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("Unix modes")
	}
	for _, tc := range []struct {
		mode  os.FileMode
		owner int // -1: the user
		below string
		warn  bool
	}{
		{0o777, -1, "", true}, {0o777 | os.ModeSticky, -1, "", false}, {0o755, -1, "", false},
		{0o777, -1, "a/b", true}, {0o755, 65534, "", true}, {0o755, 65534, "a", true}, {0o755, 0, "", false},
	} {
		if tc.owner >= 0 && os.Geteuid() != 0 {
			t.Logf("owner %d: only root can give a directory away", tc.owner)
			continue
		}
		parent := filepath.Join(t.TempDir(), "shared")
		if err := os.MkdirAll(filepath.Join(parent, tc.below), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(parent, tc.mode); err != nil {
			t.Fatal(err)
		}
		if tc.owner >= 0 {
			if err := os.Chown(parent, tc.owner, tc.owner); err != nil {
				t.Fatal(err)
			}
		}
		state := filepath.Join(parent, tc.below, "azc")
		ios, _, _, _ := cmdutil.Test()
		f := cmdutil.NewFactory(ios, func(k string) string { return map[string]string{"AZC_CONFIG_DIR": state}[k] }, "v0-test")
		warned := false
		for _, c := range diagnose(f).Checks {
			warned = warned || c.Status == "warn" && (strings.HasPrefix(c.Detail, parent+" ") || strings.HasPrefix(c.Detail, parent+", "))
		}
		if warned != tc.warn {
			t.Errorf("parent mode %v, owner %d, state directory %s below it: warned %v, want %v", tc.mode, tc.owner, filepath.Join(tc.below, "azc"), warned, tc.warn)
		}
	}
}

// TestDoctorNamesThePlaintextBlobsOfAStoreItRefuses: where
// AZC_REQUIRE_ENCRYPTION=1 and no key store is reachable, the credential
// store is refused, and doctor still names each blob left unencrypted on
// disk: it said only that the store was refused, as if nothing were kept
// in the clear.
func TestDoctorNamesThePlaintextBlobsOfAStoreItRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	plain, err := credstore.Open(dir, credstore.Options{Backend: credstore.Plaintext()})
	if err != nil {
		t.Fatal(err)
	}
	if err := plain.Put("azurecloud|t|plain@example.com", []byte("cache")); err != nil {
		t.Fatal(err)
	}
	var got []Check
	plaintextBlobs(dir, func(name, status, format string, a ...any) {
		got = append(got, Check{Name: name, Status: status, Detail: fmt.Sprintf(format, a...)})
	})
	if len(got) != 1 || got[0].Name != "credential files" || got[0].Status != "warn" || !strings.Contains(got[0].Detail, "1 blob is unencrypted") || !strings.Contains(got[0].Detail, plain.Dir()) {
		t.Errorf("doctor's credential files %+v: want a warn line naming the plaintext blob", got)
	}
}

// TestDoctorSaysHowPlaintextBlobsOfAStoreWithoutAKeyStoreGetEncrypted:
// where no key store is reachable, doctor names each blob stored in the
// clear and the way out, as it does where one is: they are encrypted the
// next time azc reads them where a key store is reachable. It named them
// and stopped there.
func TestDoctorSaysHowPlaintextBlobsOfAStoreWithoutAKeyStoreGetEncrypted(t *testing.T) {
	t.Parallel()
	plain, err := credstore.Open(t.TempDir(), credstore.Options{Backend: credstore.Plaintext()})
	if err != nil {
		t.Fatal(err)
	}
	if err := plain.Put("azurecloud|t|plain@example.com", []byte("cache")); err != nil {
		t.Fatal(err)
	}
	var got []Check
	credentialFiles(plain, nil, func(name, status, format string, a ...any) {
		got = append(got, Check{Name: name, Status: status, Detail: fmt.Sprintf(format, a...)})
	})
	found := false
	for _, c := range got {
		found = found || c.Name == "credential files" && c.Status == "warn" && strings.Contains(c.Detail, plain.Dir()) &&
			strings.HasSuffix(c.Detail, "each is encrypted the next time azc reads it where a key store is reachable (azc doctor says which it uses)")
	}
	if !found {
		t.Errorf("doctor's credential files %+v: no warn line naming the plaintext blob and how it gets encrypted", got)
	}
}

// TestDoctorPromisesNoSealOfABlobBehindARefusedLockFile: a plaintext blob
// is encrypted by the read that holds its lock, so while its lock file is
// refused (a symbolic link here) no read will encrypt it: doctor says so
// and points to the lock file's own line, rather than that the next read
// encrypts it.
func TestDoctorPromisesNoSealOfABlobBehindARefusedLockFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	plain, err := credstore.Open(dir, credstore.Options{Backend: credstore.Plaintext()})
	if err != nil {
		t.Fatal(err)
	}
	const key = "azurecloud|t|plain@example.com"
	if err := plain.Put(key, []byte("cache")); err != nil {
		t.Fatal(err)
	}
	sealed, err := credstore.Open(dir, credstore.Options{Backend: credstore.FixedKey("test-key", bytes.Repeat([]byte{7}, 32))})
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := credstore.PlaintextBlobs(dir)
	if err != nil || len(blobs) != 1 {
		t.Fatalf("plaintext blobs %q, %v: want one", blobs, err)
	}
	lock := blobs[0] + ".lock"
	if err := os.Remove(lock); err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(t.TempDir(), "elsewhere"), lock); err != nil {
		t.Fatal(err)
	}
	var got []Check
	credentialFiles(sealed, []string{key}, func(name, status, format string, a ...any) {
		got = append(got, Check{Name: name, Status: status, Detail: fmt.Sprintf(format, a...)})
	})
	refused, promised, told := false, false, false
	for _, c := range got {
		refused = refused || c.Status == "fail" && strings.Contains(c.Detail, lock)
		promised = promised || strings.Contains(c.Detail, "encrypted the next time azc reads it")
		told = told || c.Status == "warn" && strings.Contains(c.Detail, blobs[0]) && strings.Contains(c.Detail, "lock file")
	}
	if !refused || promised || !told {
		t.Errorf("doctor's credential files %+v: want the lock file refused, the blob named with its lock file, and no promise that a read encrypts it", got)
	}
}

// TestDoctorReportsTheDesktopsKeyStore: where a session bus is set, doctor
// opens the store with the desktop's client it is given (azc-full's
// desktopkey.Backend()) and reports the data key in the Secret Service;
// without one it fails the store's check, naming the Secret Service.
func TestDoctorReportsTheDesktopsKeyStore(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("a session bus puts the Secret Service first on Linux")
	}
	for _, linked := range []bool{true, false} {
		env := map[string]string{"AZC_CONFIG_DIR": filepath.Join(t.TempDir(), "azc"), "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/bus"}
		// a store a sign-in made: doctor opens none where none is
		if err := os.MkdirAll(credstore.Dir(env["AZC_CONFIG_DIR"]), 0o700); err != nil {
			t.Fatal(err)
		}
		ios, _, _, _ := cmdutil.Test()
		f := cmdutil.NewFactory(ios, func(k string) string { return env[k] }, "v0-test")
		if linked {
			f.Desktop = credstore.FixedKey(credstore.SecretServiceName, bytes.Repeat([]byte{7}, 32))
		}
		r := diagnose(f)
		var store Check
		for _, c := range r.Checks {
			if c.Name == "credential store" {
				store = c
			}
		}
		switch {
		case linked && (r.KeyBackend != credstore.SecretServiceName || store.Status != "ok"):
			t.Errorf("with the desktop's client: backend %q, check %+v", r.KeyBackend, store)
		case !linked && (store.Status != "fail" || !strings.Contains(store.Detail, "the Secret Service")):
			t.Errorf("without the desktop's client: check %+v, want it failed naming the Secret Service", store)
		}
	}
}

// TestDoctorSaysWhatToDoWithAFileWhereTheSessionsGo: a file where azc
// keeps shell sessions ($XDG_RUNTIME_DIR/azc, or its sessions directory)
// is named as a session start names it, with the way out, once, by the
// session check of a shell without one, not only as "sessions: open …:
// not a directory".
func TestDoctorSaysWhatToDoWithAFileWhereTheSessionsGo(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"azc", filepath.Join("azc", "sessions")} {
		run := t.TempDir()
		if err := os.MkdirAll(filepath.Join(run, "azc"), 0o700); err != nil {
			t.Fatal(err)
		}
		if file == "azc" {
			if err := os.Remove(filepath.Join(run, "azc")); err != nil {
				t.Fatal(err)
			}
		}
		path := filepath.Join(run, file)
		if err := os.WriteFile(path, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		env := map[string]string{"AZC_CONFIG_DIR": t.TempDir(), "XDG_RUNTIME_DIR": run}
		ios, _, _, _ := cmdutil.Test()
		f := cmdutil.NewFactory(ios, func(k string) string { return env[k] }, "v0-test")
		var got []string
		for _, c := range diagnose(f).Checks {
			if c.Status == "fail" {
				got = append(got, c.Name+": "+c.Detail)
			}
		}
		want := "session: none in this shell, and none can start: " + path + " is not a directory; move " + path + " away; azc creates the directory"
		if len(got) != 1 || got[0] != want {
			t.Errorf("a file at %s: doctor fails %q, want %q", file, got, want)
		}
	}
}

// TestDoctorNamesAFileAtCABundlesOnce: ca-bundles that is a file fails the
// CA bundles check, with the way out, and nothing else (not the search for
// temporary files too, with the raw "not a directory").
func TestDoctorNamesAFileAtCABundlesOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ca-bundles"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"AZC_CONFIG_DIR": dir, "XDG_RUNTIME_DIR": t.TempDir()}
	ios, _, _, _ := cmdutil.Test()
	f := cmdutil.NewFactory(ios, func(k string) string { return env[k] }, "v0-test")
	var got []string
	for _, c := range diagnose(f).Checks {
		if c.Status == "fail" {
			got = append(got, c.Name+": "+c.Detail)
		}
	}
	path := filepath.Join(dir, "ca-bundles")
	if want := "CA bundles: " + path + " is not a directory; move " + path + " away; azc creates the directory"; len(got) != 1 || got[0] != want {
		t.Errorf("doctor fails %q, want only %q", got, want)
	}
}

// TestDoctorDoesNotRepeatARefusedStateDirectoryAsCABundles: a state
// directory doctor refuses (here a path through a file) fails its own
// check; the CA bundles inside it are not checked again (they failed too,
// with the same raw lstat error under another name).
func TestDoctorDoesNotRepeatARefusedStateDirectoryAsCABundles(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"AZC_CONFIG_DIR": filepath.Join(file, "azc"), "XDG_RUNTIME_DIR": t.TempDir()}
	ios, _, _, _ := cmdutil.Test()
	f := cmdutil.NewFactory(ios, func(k string) string { return env[k] }, "v0-test")
	state := false
	for _, c := range diagnose(f).Checks {
		state = state || c.Name == "state directory" && c.Status == "fail"
		if c.Name == "CA bundles" {
			t.Errorf("doctor checked the CA bundles of a refused state directory: %s %s", c.Status, c.Detail)
		}
	}
	if !state {
		t.Error("doctor did not fail the state directory")
	}
}

// sealedStore opens the credential store in dir with a data key of its
// own, named keyID, made at random.
func sealedStore(t *testing.T, dir, keyID string) *credstore.Store {
	t.Helper()
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	cs, err := credstore.Open(dir, credstore.Options{Backend: credstore.FixedKey(keyID, key)})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// TestDoctorWarnsOfBlobsOthersCanRead: a blob whose mode lets group or
// others read it (a backup restored with umask 022, a copy without -p)
// is named, with the chmod that fixes it; azc writes each 0600. A
// plaintext blob so is its account's secrets for any user who can reach
// the directory.
func TestDoctorWarnsOfBlobsOthersCanRead(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("Unix modes")
	}
	dir := t.TempDir()
	cs, err := credstore.Open(dir, credstore.Options{Backend: credstore.Plaintext()})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"azurecloud|t|open@example.com", "azurecloud|t|closed@example.com"} {
		if err := cs.Put(k, []byte("cache")); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(cs.Dir())
	if err != nil {
		t.Fatal(err)
	}
	var open []string
	for _, e := range entries {
		if p := filepath.Join(cs.Dir(), e.Name()); len(e.Name()) == 64 && len(open) == 0 { // a blob's name
			if err := os.Chmod(p, 0o644); err != nil {
				t.Fatal(err)
			}
			open = append(open, p)
		}
	}
	var got []Check
	credentialFiles(cs, nil, func(name, status, format string, a ...any) {
		got = append(got, Check{Name: name, Status: status, Detail: fmt.Sprintf(format, a...)})
	})
	found := false
	for _, c := range got {
		found = found || c.Name == "credential files" && c.Status == "warn" && strings.Contains(c.Detail, "1 of 2 blobs can be read by other users") && strings.Contains(c.Detail, "chmod 600 "+open[0])
	}
	if !found {
		t.Errorf("doctor's credential files %+v: no warning naming %s with its chmod", got, open[0])
	}
}

// TestDoctorNamesTheAccountsWhoseDataKeyIsGone: a blob sealed under a
// data key that is gone (a kernel-keyring key after a reboot, a state
// directory moved) reads as signed out, and `azc token` says so with the
// account's sign-in; doctor's account check said "every account of the
// profile's contexts has its credentials" beside the credential files'
// warning, which named the blob's path and no command. It names the
// account, its contexts and the sign-in that fixes it.
func TestDoctorNamesTheAccountsWhoseDataKeyIsGone(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const acct = "azurecloud|t|bob@example.com"
	if err := sealedStore(t, dir, "key-0").Put(acct, []byte("cache")); err != nil {
		t.Fatal(err)
	}
	cs := sealedStore(t, dir, "key-1")
	if has, err := cs.Has(acct); has || !errors.Is(err, credstore.ErrKeyLost) {
		t.Errorf("Has of a blob sealed under a lost key: %v, %v; want false and ErrKeyLost", has, err)
	}
	p := &profile.Profile{
		Accounts: []profile.Account{{ID: "bob@example.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "t"}},
		Contexts: []profile.Context{{Name: "Dev", Account: acct, Environment: "AzureCloud", Tenant: profile.Tenant{ID: "t"}}},
	}
	var got []Check
	missingCredentials(cs, p, func() (*profile.Profile, error) { return p, nil }, func(name, status, format string, a ...any) {
		got = append(got, Check{Name: name, Status: status, Detail: fmt.Sprintf(format, a...)})
	})
	want := []Check{{Name: "account credentials", Status: "warn", Detail: "account bob@example.com reads as signed out: its credentials were encrypted with a data key that is gone (see credential files), so its 1 context (\"Dev\") cannot get a token: sign it in again with `azc login`, or remove it and its contexts with `azc logout bob@example.com`"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("doctor's account credentials (-want +got):\n%s", diff)
	}

	// the context AZC_CONTEXT names, the same
	st, err := azc.Open(azc.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Update(profile.ScopeUser, func(q *profile.Profile) error {
		q.Accounts, q.Contexts = p.Accounts, p.Contexts
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	got = nil
	currentCredentials(st, "Dev", "", cs, func(name, status, format string, a ...any) {
		got = append(got, Check{Name: name, Status: status, Detail: fmt.Sprintf(format, a...)})
	})
	want = []Check{{Name: "current context", Status: "warn", Detail: "the context AZC_CONTEXT names, \"Dev\" uses account bob@example.com, which reads as signed out: its credentials were encrypted with a data key that is gone (see credential files), so it cannot get a token: sign it in again with `azc login --tenant t`, or set AZC_CONTEXT to another context"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("doctor's current context (-want +got):\n%s", diff)
	}
}

// TestDoctorGivesEachDamagedSessionBlobItsWayOut: a damaged blob of the
// session's own state (its profile, its selection) fails "session files"
// with the way out of a damaged session, a new one: the hint was
// `azc logout --scope process`, which fails there as every command does.
// A damaged blob of an account the session's profile names gets that
// account's logout: a bare one signs out the current context's account,
// which may be another.
func TestDoctorGivesEachDamagedSessionBlobItsWayOut(t *testing.T) {
	t.Parallel()
	const acct = "azurecloud|t|a@example.com"
	for name, damage := range map[string]func(t *testing.T, sess *session.Session) string{
		"its profile": func(t *testing.T, sess *session.Session) string { return "start a new session" },
		"its selection": func(t *testing.T, sess *session.Session) string {
			if err := sess.UpdateSelections(func(s *session.Selections) error {
				s.Current = &session.Selection{Context: profile.Context{Name: "dev"}}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			return "start a new session"
		},
		"an account's": func(t *testing.T, sess *session.Session) string {
			if _, err := sess.Update(func(p *profile.Profile) error {
				p.Accounts = append(p.Accounts, profile.Account{ID: "a@example.com", Type: profile.UserAccount, Environment: "azurecloud", HomeTenantID: "t"})
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if err := sess.Blobs().Put(acct, []byte("cache")); err != nil {
				t.Fatal(err)
			}
			return "azc logout --scope process '" + acct + "'"
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sess, _, err := session.New(t.TempDir(), os.Getpid())
			if err != nil {
				t.Fatal(err)
			}
			before := blobFiles(t, sess.StoreDir())
			want := damage(t, sess)
			var target string
			for _, p := range blobFiles(t, sess.StoreDir()) {
				if !slices.Contains(before, p) || name == "its profile" {
					target = p
				}
			}
			if err := os.WriteFile(target, []byte("garbage"), 0o600); err != nil {
				t.Fatal(err)
			}
			var got []Check
			sessionFiles(sess, func(name, status, format string, a ...any) {
				got = append(got, Check{Name: name, Status: status, Detail: fmt.Sprintf(format, a...)})
			})
			if len(got) != 1 || got[0].Status != "fail" || !strings.Contains(got[0].Detail, target) || !strings.Contains(got[0].Detail, want) {
				t.Errorf("doctor's session files %+v: want one fail line naming %s and %q", got, target, want)
			}
		})
	}
}

// blobFiles lists the blob files of the credential store in dir.
func blobFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if len(e.Name()) == 64 {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out
}

// TestDoctorSaysWhyNoSessionCanStart: in a shell without a session, a
// runtime directory that a session start refuses (others can write to it,
// or to azc's directories in it) or cannot make fails doctor's session check with the
// reason and the way out; doctor said "ok: none in this shell (start one
// with …)", a start that would fail.
func TestDoctorSaysWhyNoSessionCanStart(t *testing.T) {
	t.Parallel()
	for name, mode := range map[string]map[string]os.FileMode{
		"the runtime directory": {"": 0o777},
		"its sessions":          {"": 0o700, "azc": 0o700, "azc/sessions": 0o755},
		// XDG_RUNTIME_DIR names a directory no one made, in a parent
		// that is not there: the start's mkdir fails
		"a runtime directory that cannot be made": nil,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			run := t.TempDir()
			if mode == nil {
				run = filepath.Join(run, "gone", "run")
			}
			for _, d := range []string{"", "azc", "azc/sessions"} {
				m, ok := mode[d]
				if !ok {
					continue
				}
				if err := os.MkdirAll(filepath.Join(run, d), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(filepath.Join(run, d), m); err != nil {
					t.Fatal(err)
				}
			}
			env := map[string]string{"AZC_CONFIG_DIR": t.TempDir(), "XDG_RUNTIME_DIR": run}
			ios, _, _, _ := cmdutil.Test()
			f := cmdutil.NewFactory(ios, func(k string) string { return env[k] }, "v0-test")
			_, _, startErr := session.New(run, os.Getpid())
			if startErr == nil {
				t.Fatal("a session start in the refused runtime directory succeeded")
			}
			var got []string
			for _, c := range diagnose(f).Checks {
				if c.Status != "ok" {
					got = append(got, c.Name+": "+c.Detail)
				}
			}
			msg := strings.TrimPrefix(startErr.Error(), "new session: ")
			if len(got) != 1 || !strings.HasPrefix(got[0], "session: ") || !strings.Contains(got[0], msg) {
				t.Errorf("doctor's problems %q, want one session check naming %q", got, msg)
			}
		})
	}
}
