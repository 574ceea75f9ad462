package credstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func randomKey(t testing.TB) []byte {
	t.Helper()
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

func openFixed(t testing.TB, dir string, key []byte) *Store {
	t.Helper()
	s, err := Open(dir, Options{Backend: FixedKey("test-key", key)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPutGetDeleteUpdateRoundTrip(t *testing.T) {
	t.Parallel()
	s := openFixed(t, t.TempDir(), randomKey(t))
	const k = "azurecloud|tenant|user@example.com"
	if _, err := s.Get(k); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get of a missing blob = %v, want ErrNotFound", err)
	}
	if err := s.Put(k, []byte("cache-v1")); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(k); err != nil || string(got) != "cache-v1" {
		t.Fatalf("Get = %q, %v", got, err)
	}
	err := s.Update(k, func(old []byte) ([]byte, error) { return append(old, "+v2"...), nil })
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get(k); string(got) != "cache-v1+v2" {
		t.Fatalf("after Update Get = %q", got)
	}
	boom := errors.New("boom")
	if err := s.Update(k, func([]byte) ([]byte, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("Update with a failing fn = %v", err)
	}
	if got, _ := s.Get(k); string(got) != "cache-v1+v2" {
		t.Fatalf("a failed Update changed the blob: %q", got)
	}
	if err := s.Put(k, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(k); err != nil || got == nil || len(got) != 0 {
		t.Fatalf("an empty blob reads as %q, %v; want empty, non-nil", got, err)
	}
	if err := s.Update(k, func([]byte) ([]byte, error) { return nil, nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(k); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a nil Update result did not delete: %v", err)
	}
	for range 2 {
		if err := s.Delete(k); err != nil {
			t.Fatalf("Delete is not idempotent: %v", err)
		}
	}
	if s.Backend() != "test-key" || !s.Encrypted() {
		t.Fatalf("Backend, Encrypted = %q, %v", s.Backend(), s.Encrypted())
	}
}

func TestFilesArePrivate(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("mode bits do not describe Windows ACLs")
	}
	dir := t.TempDir()
	s := openFixed(t, dir, randomKey(t))
	if err := s.Put("k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	err := filepath.WalkDir(filepath.Join(dir, credentialsDir), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", p, fi.Mode().Perm(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpenRefusesADirectoryOthersCanReach(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("mode bits do not describe Windows ACLs")
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, credentialsDir), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, credentialsDir), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Open(dir, Options{Backend: FixedKey("k", randomKey(t))})
	var insecure *InsecureError
	if !errors.As(err, &insecure) {
		t.Fatalf("Open = %v, want *InsecureError", err)
	}
}

// noPlaintextOnDisk fails when any file under dir contains needle.
func noPlaintextOnDisk(t *testing.T, dir string, needle []byte) {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		if bytes.Contains(b, needle) {
			t.Errorf("%s contains the plaintext secret", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no files written")
	}
}

func TestNoBlobContainsThePlaintextSecret(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := openFixed(t, dir, randomKey(t))
	secretValue := []byte(`{"RefreshToken":{"x":{"secret":"rt-very-secret-refresh-token-0123456789"}}}`)
	if err := s.Put("account", secretValue); err != nil {
		t.Fatal(err)
	}
	if err := s.Update("account2", func([]byte) ([]byte, error) { return secretValue, nil }); err != nil {
		t.Fatal(err)
	}
	noPlaintextOnDisk(t, dir, []byte("rt-very-secret-refresh-token"))
}

func TestTamperedBlobsFailWithoutPanicking(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := openFixed(t, dir, randomKey(t))
	if err := s.Put("a", []byte("secret-a")); err != nil {
		t.Fatal(err)
	}
	orig, err := os.ReadFile(s.path("a"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range orig {
		b := bytes.Clone(orig)
		b[i] ^= 0x01
		if err := os.WriteFile(s.path("a"), b, 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := s.Get("a")
		if err == nil {
			t.Fatalf("flipping byte %d went unnoticed: %q", i, got)
		}
		if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrKeyLost) {
			t.Fatalf("flipping byte %d: %v, want ErrCorrupt or ErrKeyLost", i, err)
		}
	}
	for _, n := range []int{0, 3, plainHdr, sealedHdr, len(orig) - 1} {
		if err := os.WriteFile(s.path("a"), orig[:n], 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get("a"); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("truncated to %d bytes: %v, want ErrCorrupt", n, err)
		}
	}
	// A blob moved to another key's file must not decrypt (the key name is
	// authenticated).
	if err := os.WriteFile(s.path("b"), orig, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("b"); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("a blob moved to another key: %v, want ErrCorrupt", err)
	}
	if err := s.Update("b", func([]byte) ([]byte, error) { t.Fatal("fn called on a corrupt blob"); return nil, nil }); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Update of a corrupt blob = %v, want ErrCorrupt", err)
	}
}

func TestALostKeyReadsAsSignedOut(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := openFixed(t, dir, randomKey(t))
	if err := s.Put("acct", []byte("tokens")); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(dir, Options{Backend: FixedKey("other-key", randomKey(t))})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s2.Get("acct")
	var lost *KeyLostError
	if !errors.As(err, &lost) || !errors.Is(err, ErrKeyLost) || !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get under a new key = %v, want a *KeyLostError matching ErrKeyLost and ErrNotFound", err)
	}
	if lost.Backend != "test-key" || !strings.Contains(err.Error(), "sign in again") {
		t.Fatalf("KeyLostError = %+v (%v), want backend test-key and a way out", lost, err)
	}
	var seen []byte
	err = s2.Update("acct", func(old []byte) ([]byte, error) { seen = old; return []byte("new tokens"), nil })
	if err != nil || seen != nil {
		t.Fatalf("Update over a lost blob: err %v, old %q; want nil, nil", err, seen)
	}
	if got, err := s2.Get("acct"); err != nil || string(got) != "new tokens" {
		t.Fatalf("after signing in again Get = %q, %v", got, err)
	}
}

type unavailable struct{}

func (unavailable) Name() string { return "nothing" }
func (unavailable) LoadKey(KeyRef) ([]byte, error) {
	return nil, fmt.Errorf("%w: no bus", ErrUnavailable)
}
func (unavailable) StoreKey(KeyRef, []byte) error { return ErrUnavailable }

func TestFallbackToPlaintextWarnsOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	enc := openFixed(t, dir, randomKey(t))
	if err := enc.Put("sealed", []byte("x")); err != nil {
		t.Fatal(err)
	}
	var warnings []string
	s, err := Open(dir, Options{
		Warn:             func(m string) { warnings = append(warnings, m) },
		testOnlyPlatform: []KeyBackend{unavailable{}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "unencrypted") || !strings.Contains(warnings[0], "nothing: ") {
		t.Fatalf("warnings = %q, want one naming the fallback and what was tried", warnings)
	}
	if s.Encrypted() || s.Backend() != "plaintext" {
		t.Fatalf("Backend, Encrypted = %q, %v", s.Backend(), s.Encrypted())
	}
	if err := s.Put("p", []byte("plain")); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get("p"); err != nil || string(got) != "plain" {
		t.Fatalf("Get = %q, %v", got, err)
	}
	if fi, err := os.Stat(s.path("p")); err != nil || (runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600) {
		t.Fatalf("plaintext blob: %v, %v", fi.Mode(), err)
	}
	// A blob sealed before the fallback is never read as garbage.
	if _, err := s.Get("sealed"); !errors.Is(err, ErrKeyLost) {
		t.Fatalf("Get of a sealed blob in a plaintext store = %v, want ErrKeyLost", err)
	}
	// An encrypted store still reads the plaintext blob, so it upgrades on the next write.
	if got, err := enc.Get("p"); err != nil || string(got) != "plain" {
		t.Fatalf("encrypted store reading a plaintext blob = %q, %v", got, err)
	}
}

func TestRequireEncryptionRefusesAPlaintextStoreAndSealsAPlaintextBlob(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := Open(dir, Options{RequireEncryption: true, testOnlyPlatform: []KeyBackend{unavailable{}}, Warn: func(string) { t.Error("warned instead of failing") }})
	var req *EncryptionRequiredError
	if !errors.Is(err, ErrEncryptionRequired) || !errors.As(err, &req) || len(req.Tried) != 1 {
		t.Fatalf("Open = %v, want an EncryptionRequiredError listing what was tried", err)
	}
	if _, err := Open(dir, Options{RequireEncryption: true, Backend: Plaintext()}); !errors.Is(err, ErrEncryptionRequired) {
		t.Fatalf("explicit plaintext with RequireEncryption = %v", err)
	}
	p, err := Open(dir, Options{Backend: Plaintext(), Warn: func(string) { t.Error("explicit plaintext warned") }})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Put("k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	// A plaintext blob already there, once a key store is reachable, is
	// read and sealed: refusing it would leave it unencrypted for good.
	s, err := Open(dir, Options{RequireEncryption: true, Backend: FixedKey("k", randomKey(t))})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get("k"); err != nil || string(got) != "v" {
		t.Fatalf("reading a plaintext blob with RequireEncryption = %q, %v", got, err)
	}
	if r, err := s.Check(); err != nil || len(r.Plaintext) != 0 || r.Blobs != 1 {
		t.Fatalf("Check after the read = %+v, %v; want the blob sealed", r, err)
	}
}

func TestLockTimeoutNamesTheLockFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := Open(dir, Options{Backend: FixedKey("k", randomKey(t)), LockTimeout: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := s.Lock(context.Background(), "acct")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	err = s.Update("acct", func(b []byte) ([]byte, error) { return b, nil })
	var le *LockError
	if !errors.As(err, &le) || le.Path != s.LockPath("acct") || !strings.Contains(err.Error(), s.LockPath("acct")) {
		t.Fatalf("Update while locked = %v, want a LockError naming %s", err, s.LockPath("acct"))
	}
	// where the system says who holds it (Linux), the holder is named: this
	// process
	if self := fmt.Sprintf("held by pid %d (", os.Getpid()); runtime.GOOS == "linux" && !strings.Contains(err.Error(), self) {
		t.Errorf("Update while locked = %v, want it %s…)", err, self)
	}
	// Put works under the lock: auth writes the refreshed cache while holding it.
	if err := s.Put("acct", []byte("refreshed")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Lock(ctx, "acct"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Lock with a cancelled context = %v", err)
	}
}

// TestALockWaitEndedByItsCallersDeadlineSaysHowLongItWaited: auth bounds
// the wait for an account's lock by its own deadline, shorter than the
// store's timeout. The error says how long the wait was, in words (not
// the store's timeout, nor Go's "context deadline exceeded"), and its hint
// names the holder to wait for.
func TestALockWaitEndedByItsCallersDeadlineSaysHowLongItWaited(t *testing.T) {
	t.Parallel()
	s, err := Open(t.TempDir(), Options{Backend: FixedKey("k", randomKey(t)), LockTimeout: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := s.Lock(context.Background(), "acct")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err = s.Lock(ctx, "acct")
	var le *LockError
	if !errors.As(err, &le) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Lock past the caller's deadline = %v, want a LockError that is context.DeadlineExceeded", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "timed out after 1s") || strings.Contains(msg, "1h0m0s") || strings.Contains(msg, "deadline exceeded") {
		t.Errorf("Lock past the caller's deadline: %q, want it to say it timed out after 1s, in words", msg)
	}
	if h := le.Hint(); runtime.GOOS == "linux" && !strings.Contains(h, fmt.Sprintf("retry once pid %d (", os.Getpid())) || !strings.Contains(h, s.LockPath("acct")) {
		t.Errorf("hint %q, want it to name the holder and the lock file", h)
	}
}

func increment(old []byte) ([]byte, error) {
	n := 0
	if old != nil {
		var err error
		if n, err = strconv.Atoi(string(old)); err != nil {
			return nil, err
		}
	}
	return []byte(strconv.Itoa(n + 1)), nil
}

func TestConcurrentUpdatesLoseNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	key := randomKey(t)
	const goroutines, each = 16, 25
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for range goroutines {
		wg.Go(func() {
			s, err := Open(dir, Options{Backend: FixedKey("k", key)})
			if err != nil {
				errs <- err
				return
			}
			for range each {
				if err := s.Update("counter", increment); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got, err := openFixed(t, dir, key).Get("counter")
	if err != nil || string(got) != strconv.Itoa(goroutines*each) {
		t.Fatalf("counter = %q, %v; want %d", got, err, goroutines*each)
	}
}

// The helper process increments a counter; see
// TestConcurrentUpdatesAcrossProcessesLoseNothing.
const helperEnv = "AZC_CREDSTORE_TEST_HELPER"

func TestHelperProcess(t *testing.T) {
	spec := os.Getenv(helperEnv)
	if spec == "" {
		t.Skip("helper for TestConcurrentUpdatesAcrossProcessesLoseNothing")
	}
	dir, hexKey, _ := strings.Cut(spec, "|")
	key := make([]byte, 32)
	if _, err := fmt.Sscanf(hexKey, "%x", &key); err != nil {
		t.Fatal(err)
	}
	s := openFixed(t, dir, key)
	for range 25 {
		if err := s.Update("counter", increment); err != nil {
			t.Fatal(err)
		}
	}
}

func TestConcurrentUpdatesAcrossProcessesLoseNothing(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	key := randomKey(t)
	const procs = 8
	var wg sync.WaitGroup
	outs := make([][]byte, procs)
	errs := make([]error, procs)
	for i := range procs {
		wg.Go(func() {
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s|%x", helperEnv, dir, key))
			outs[i], errs[i] = cmd.CombinedOutput()
		})
	}
	s := openFixed(t, dir, key)
	for range 25 {
		if err := s.Update("counter", increment); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	for i := range procs {
		if errs[i] != nil {
			t.Fatalf("helper %d: %v\n%s", i, errs[i], outs[i])
		}
	}
	got, err := s.Get("counter")
	if want := strconv.Itoa((procs + 1) * 25); err != nil || string(got) != want {
		t.Fatalf("counter = %q, %v; want %s", got, err, want)
	}
}

func FuzzDecodeBlob(f *testing.F) {
	sl, err := newSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		f.Fatal(err)
	}
	sealed, _ := sl.seal("k", []byte("payload"))
	plain, _ := (*sealer)(nil).seal("k", []byte("payload"))
	f.Add(sealed)
	f.Add(plain)
	f.Add([]byte("azcb\x01"))
	f.Add([]byte("azcb\x02\x01"))
	s := &Store{sealer: sl}
	f.Fuzz(func(t *testing.T, raw []byte) {
		b, err := decodeBlob(raw)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("decode error %v does not match ErrCorrupt", err)
			}
			return
		}
		if b.alg != algPlain && b.alg != algAESGCM {
			t.Fatalf("decoded unknown alg %d", b.alg)
		}
		out, err := s.open("k", raw)
		if err == nil && b.alg == algAESGCM && !bytes.Equal(raw, sealed) && string(out) != "payload" {
			t.Fatalf("forged blob opened: %q", out)
		}
	})
}

// TestAWriteRemovesTheTemporaryFilesOfStoppedWriters: a temporary file
// that a writer killed between creating it and renaming it left in the
// store's directory (it may hold a credential blob, plaintext without a
// key store) is removed by the store's first write once it is old; it
// stayed forever. A young one, which a running writer may still rename,
// stays, and so does every other file; reads never look.
func TestAWriteRemovesTheTemporaryFilesOfStoppedWriters(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := Open(dir, Options{Backend: Plaintext()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put("k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	blob := filepath.Base(s.path("k"))
	long := time.Now().Add(-48 * time.Hour)
	file := func(name string, mtime time.Time) string {
		t.Helper()
		p := filepath.Join(s.Dir(), name)
		if err := os.WriteFile(p, []byte("azcb"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
		return p
	}
	stale := file("."+blob+".tmp3k9zq1x", long)
	staleMeta := file(".meta.json.tmp0", long)
	young := file("."+blob+".tmpz1", time.Now())
	notTemp := file(".notes.tmp", long)
	notTemp2 := file(blob+".tmp12", long)

	// A new Store (a new command) reads without looking.
	s, err = Open(dir, Options{Backend: Plaintext()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("k"); err != nil {
		t.Fatal(err)
	}
	exists := func(p string) bool { _, err := os.Lstat(p); return err == nil }
	if !exists(stale) {
		t.Fatalf("Open and Get removed %s: reads must not look", stale)
	}
	if err := s.Put("other", []byte("v")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{stale, staleMeta} {
		if exists(p) {
			t.Errorf("%s, two days old, is still there after a write", p)
		}
	}
	for _, p := range []string{young, notTemp, notTemp2, s.path("k"), s.path("other")} {
		if !exists(p) {
			t.Errorf("%s was removed", p)
		}
	}
	// Once a Store: the next write does not look again.
	again := file("."+blob+".tmpabc", long)
	if err := s.Put("k", []byte("w")); err != nil {
		t.Fatal(err)
	}
	if !exists(again) {
		t.Errorf("the second write of one Store looked again and removed %s", again)
	}
	// A store whose directory goes whole with its owner (a session's)
	// leaves them.
	s, err = Open(dir, Options{Backend: Plaintext(), LeaveTemps: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put("k", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if !exists(again) {
		t.Errorf("a write of a store opened with LeaveTemps removed %s", again)
	}
}

// TestAWriteMeasuresTheAgeOfTemporaryFilesOnTheirFileSystemsClock: a
// temporary file's age is told from its modification time, which the file
// system's clock sets (an NFS server's for a home directory on NFS); on a
// machine whose own clock is hours ahead of that, every temporary file
// looked hours old, and the store's first write removed the one a writer
// of another process was about to rename, whose write then failed.
func TestAWriteMeasuresTheAgeOfTemporaryFilesOnTheirFileSystemsClock(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ahead := func() time.Time { return time.Now().Add(3 * time.Hour) }
	s, err := Open(dir, Options{Backend: Plaintext(), testOnlyNow: ahead})
	if err != nil {
		t.Fatal(err)
	}
	// Another writer's temporary file, created just now (by the file
	// system's clock), which that writer has yet to rename.
	running := filepath.Join(s.Dir(), "."+filepath.Base(s.path("other"))+".tmp5x")
	if err := os.WriteFile(running, []byte("azcb"), 0o600); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(s.Dir(), "."+filepath.Base(s.path("k"))+".tmp7q")
	if err := os.WriteFile(stale, []byte("azcb"), 0o600); err != nil {
		t.Fatal(err)
	}
	long := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(stale, long, long); err != nil {
		t.Fatal(err)
	}
	// The next command's store, whose first write looks.
	if s, err = Open(dir, Options{Backend: Plaintext(), testOnlyNow: ahead}); err != nil {
		t.Fatal(err)
	}
	if err := s.Put("k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(running); err != nil {
		t.Errorf("the temporary file of a running write was removed: %v", err)
	}
	if _, err := os.Lstat(stale); err == nil {
		t.Errorf("%s, two days old by the file system's clock, is still there after a write", stale)
	}
}

// TestABlobWhoseKeyStoreIsUnreachableSaysSoNotSignInAgain: the key store
// that holds a blob's data key cannot be reached by this process (keyctl
// refused by a container's seccomp profile, as the store falls back to
// plaintext), though the key is there. The blob reads as signed out
// (ErrKeyLost), and the error says the key store is unreachable here and
// why, not that the key is gone and to sign in again: signing in again
// here would replace the sealed blob by a plaintext one. Where the key
// store answers and has another key (a reboot emptied the keyring), the
// key is gone and the error says so.
func TestABlobWhoseKeyStoreIsUnreachableSaysSoNotSignInAgain(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sealed, err := Open(dir, Options{testOnlyPlatform: []KeyBackend{FixedKey(kernelKeyringName, randomKey(t))}})
	if err != nil {
		t.Fatal(err)
	}
	if err := sealed.Put("acct", []byte("tokens")); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir, Options{testOnlyPlatform: []KeyBackend{unreachable{kernelKeyringName}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Get("acct")
	if !errors.Is(err, ErrKeyLost) || !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get = %v, want ErrKeyLost", err)
	}
	msg := err.Error()
	if strings.Contains(msg, "no longer available") || strings.Contains(msg, "sign in again") ||
		!strings.Contains(msg, "cannot reach") || !strings.Contains(msg, "keyctl refused") {
		t.Errorf("Get's error %q: want it to say the key store is unreachable here and why", msg)
	}
	r, err := s.Check()
	if err != nil || len(r.KeyLost) != 1 || !strings.Contains(r.KeyLost[0].Error(), "cannot reach") {
		t.Errorf("Check = %+v, %v; want the blob whose key store is unreachable", r, err)
	} else if msg, path := r.KeyLost[0].Error(), s.path("acct"); !strings.HasPrefix(msg, "the credentials in "+path+" were") {
		// Check knows the file, not its account: it names the file as one
		t.Errorf("Check's error %q: want it to name the file %s as the file the credentials are in", msg, path)
	}

	// the key store answers, with another key: the blob's key is gone
	other, err := Open(dir, Options{testOnlyPlatform: []KeyBackend{FixedKey(kernelKeyringName, randomKey(t))}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Get("acct"); !errors.Is(err, ErrKeyLost) || !strings.Contains(err.Error(), "no longer available") || !strings.Contains(err.Error(), "sign in again") {
		t.Errorf("Get with the key gone = %v, want it to say so", err)
	}
}

// unreachable is a key store this process cannot use, named as a real one.
type unreachable struct{ name string }

func (u unreachable) Name() string { return u.name }
func (unreachable) LoadKey(KeyRef) ([]byte, error) {
	return nil, fmt.Errorf("%w: keyctl refused: operation not permitted", ErrUnavailable)
}
func (unreachable) StoreKey(KeyRef, []byte) error { return ErrUnavailable }

// TestABlobSealedUnderAnotherReachableKeyStoreIsRead: a blob sealed while
// one key store held the data key (the kernel keyring, in an ssh session
// without a session bus) is read by a store that uses another (the Secret
// Service, at the desktop), whose platform list also has the first: its
// key is still there, so the blob is not lost. Get opens it with that key
// and seals it again under the store's own, as it seals a plaintext blob;
// Check counts it as readable. It read as "no longer available: sign in
// again", and signing in at the desktop made the ssh session's blob read
// as lost in turn.
func TestABlobSealedUnderAnotherReachableKeyStoreIsRead(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	keyring := FixedKey(kernelKeyringName, randomKey(t))
	ssh, err := Open(dir, Options{testOnlyPlatform: []KeyBackend{keyring}})
	if err != nil {
		t.Fatal(err)
	}
	if err := ssh.Put("acct", []byte("tokens")); err != nil {
		t.Fatal(err)
	}
	desktop, err := Open(dir, Options{testOnlyPlatform: []KeyBackend{FixedKey(SecretServiceName, randomKey(t)), keyring}})
	if err != nil {
		t.Fatal(err)
	}
	if desktop.Backend() != SecretServiceName {
		t.Fatalf("Backend = %q", desktop.Backend())
	}
	if r, err := desktop.Check("acct"); err != nil || len(r.KeyLost) != 0 || len(r.Damaged) != 0 {
		t.Fatalf("Check = %+v, %v; want the blob readable", r, err)
	}
	if got, err := desktop.Get("acct"); err != nil || string(got) != "tokens" {
		t.Fatalf("Get of a blob sealed under the other key store's key = %q, %v", got, err)
	}
	raw, err := os.ReadFile(desktop.path("acct"))
	if err != nil {
		t.Fatal(err)
	}
	if b, err := decodeBlob(raw); err != nil || b.keyID != desktop.sealer.id {
		t.Fatalf("the blob after the read: %v; want it sealed under the store's own key", err)
	}
	// and back in the ssh session, without the Secret Service
	again, err := Open(dir, Options{testOnlyPlatform: []KeyBackend{keyring}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = again.Get("acct")
	var lost *KeyLostError
	if !errors.As(err, &lost) || lost.Unreachable == "" || strings.Contains(err.Error(), "sign in again") {
		t.Fatalf("Get without the Secret Service = %v; want it to say the key store is out of reach", err)
	}
}

// TestABlobOfAnotherKeyStoreThatRefusesThisProcessIsOutOfReach: the key
// store that meta.json says held a blob's key is on the platform's list
// but refuses this process when the blob is read (keyctl refused): the
// blob is out of reach, not lost, as when Open found the store refused.
func TestABlobOfAnotherKeyStoreThatRefusesThisProcessIsOutOfReach(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sealed, err := Open(dir, Options{testOnlyPlatform: []KeyBackend{FixedKey(kernelKeyringName, randomKey(t))}})
	if err != nil {
		t.Fatal(err)
	}
	if err := sealed.Put("acct", []byte("tokens")); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir, Options{testOnlyPlatform: []KeyBackend{FixedKey(SecretServiceName, randomKey(t)), unreachable{kernelKeyringName}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Get("acct")
	var lost *KeyLostError
	if !errors.As(err, &lost) || !strings.Contains(lost.Unreachable, "keyctl refused") {
		t.Fatalf("Get = %v; want the key store out of reach, and why", err)
	}
}

// TestDropUnnamedKeepsABlobNamedOnceItsLockIsHeld: DropUnnamed asks which
// keys are named again under each blob's lock, so a blob that a sign-in
// stored and then named (its profile written while it held the lock) is
// kept, and only blobs still named by no key go.
func TestDropUnnamedKeepsABlobNamedOnceItsLockIsHeld(t *testing.T) {
	t.Parallel()
	s, err := Open(t.TempDir(), Options{Backend: FixedKey("k", randomKey(t))})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"e|t|signing-in", "e|t|gone", "e|t|named"} {
		if err := s.Put(k, []byte("cache")); err != nil {
			t.Fatal(err)
		}
	}
	asked := 0
	n, err := s.DropUnnamed(context.Background(), func() ([]string, error) {
		asked++
		if asked == 1 {
			return []string{"e|t|named"}, nil // before the sign-in wrote its profile
		}
		return []string{"e|t|named", "e|t|signing-in"}, nil
	})
	if err != nil || n != 1 {
		t.Fatalf("DropUnnamed = %d, %v; want 1", n, err)
	}
	for k, want := range map[string]bool{"e|t|signing-in": true, "e|t|gone": false, "e|t|named": true} {
		if _, err := s.Get(k); (err == nil) != want {
			t.Errorf("Get(%q) after DropUnnamed: %v; want kept %v", k, err, want)
		}
	}
}

// TestRequireEncryptionEnvTakesEveryTrueSpelling: AZC_REQUIRE_ENCRYPTION=true
// (or yes, on) requires encryption as 1 does, where only "1" did and every
// other value stored credentials unencrypted without a word; a value that
// is no boolean is an error naming the variable.
func TestRequireEncryptionEnvTakesEveryTrueSpelling(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]bool{"": false, "1": true, "true": true, "TRUE": true, " yes ": true, "On": true, "0": false, "false": false, "no": false, "off": false} {
		got, err := RequireEncryptionEnv(func(string) string { return v })
		if err != nil || got != want {
			t.Errorf("AZC_REQUIRE_ENCRYPTION=%q: %v, %v; want %v", v, got, err, want)
		}
	}
	for _, v := range []string{"2", "yes-please", "required"} {
		_, err := RequireEncryptionEnv(func(string) string { return v })
		var ee *EnvError
		if !errors.As(err, &ee) || !strings.Contains(err.Error(), "AZC_REQUIRE_ENCRYPTION") {
			t.Errorf("AZC_REQUIRE_ENCRYPTION=%q: error %v, want an *EnvError naming the variable", v, err)
		}
	}
}

// TestAPlaintextBlobIsNotSealedWhileItsLockIsHeld: the read that would
// seal a plaintext blob leaves it as it is while another holds the blob's
// lock (a sign-in that is replacing it: a seal then could put back the
// old credentials over the new), and seals it on a read once the lock is
// free.
func TestAPlaintextBlobIsNotSealedWhileItsLockIsHeld(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p, err := Open(dir, Options{Backend: Plaintext()})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Put("k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir, Options{Backend: FixedKey("k", randomKey(t))})
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := p.Lock(context.Background(), "k")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get("k"); err != nil || string(got) != "v" {
		t.Fatalf("Get while the lock is held = %q, %v", got, err)
	}
	if r, err := s.Check(); err != nil || len(r.Plaintext) != 1 {
		t.Fatalf("Check after a read while the lock is held = %+v, %v; want the blob left plaintext", r, err)
	}
	unlock()
	if got, err := s.Get("k"); err != nil || string(got) != "v" {
		t.Fatalf("Get once the lock is free = %q, %v", got, err)
	}
	if r, err := s.Check(); err != nil || len(r.Plaintext) != 0 || r.Blobs != 1 {
		t.Fatalf("Check after a read once the lock is free = %+v, %v; want the blob sealed", r, err)
	}
}

// TestAPlaintextBlobReadUnderItsOwnLockIsSealedWhenTheLockIsLetGo: a
// token request reads the blob while it holds the blob's lock (so that N
// processes refresh once), where the read cannot take the lock to seal it;
// a plaintext blob read so is sealed before the lock is let go, or it
// would stay plaintext for good for a caller whose every read is locked
// (a Go program's GetToken, `context list --refresh`).
func TestAPlaintextBlobReadUnderItsOwnLockIsSealedWhenTheLockIsLetGo(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"Lock", "Update that fails"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			p, err := Open(dir, Options{Backend: Plaintext()})
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Put("k", []byte("v")); err != nil {
				t.Fatal(err)
			}
			s, err := Open(dir, Options{Backend: FixedKey("k", randomKey(t))})
			if err != nil {
				t.Fatal(err)
			}
			read := func() {
				if got, err := s.Get("k"); err != nil || string(got) != "v" {
					t.Fatalf("Get under the lock = %q, %v", got, err)
				}
			}
			if how == "Lock" {
				unlock, err := s.Lock(context.Background(), "k")
				if err != nil {
					t.Fatal(err)
				}
				read()
				unlock()
			} else {
				stop := errors.New("stop")
				if err := s.Update("k", func(old []byte) ([]byte, error) { return nil, stop }); err != stop {
					t.Fatalf("Update = %v, want fn's error", err)
				}
			}
			if r, err := s.Check(); err != nil || len(r.Plaintext) != 0 || r.Blobs != 1 {
				t.Fatalf("Check once the lock is let go = %+v, %v; want the blob sealed", r, err)
			}
			if got, err := s.Get("k"); err != nil || string(got) != "v" {
				t.Fatalf("Get after the seal = %q, %v", got, err)
			}
		})
	}
}
