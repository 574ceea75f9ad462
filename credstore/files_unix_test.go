//go:build unix

package credstore

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/azcontext/azc/profile"
)

// TestUnsafeCredentialFilesAreRefused replaces the store's files by what
// an attacker with a foothold would plant: each use fails with an error
// naming the path, and Check reports each file.
func TestUnsafeCredentialFilesAreRefused(t *testing.T) {
	t.Parallel()
	secretKey := FixedKey("test", make([]byte, 32))
	open := func(t *testing.T, dir string) *Store {
		t.Helper()
		s, err := Open(dir, Options{Backend: secretKey})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	unsafe := func(t *testing.T, err error, path string) {
		t.Helper()
		var ue *profile.UnsafePathError
		if !errors.As(err, &ue) || ue.Path != path || !strings.Contains(err.Error(), path) {
			t.Fatalf("error %v, want an *UnsafePathError naming %s", err, path)
		}
	}
	cases := []struct {
		name  string
		plant func(t *testing.T, s *Store) (path string)
		use   func(s *Store) error
	}{
		{"a blob that is a symbolic link", func(t *testing.T, s *Store) string {
			elsewhere := filepath.Join(t.TempDir(), "blob")
			if err := os.Rename(s.path("acct"), elsewhere); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(elsewhere, s.path("acct")); err != nil {
				t.Fatal(err)
			}
			return s.path("acct")
		}, func(s *Store) error { _, err := s.Get("acct"); return err }},
		{"a blob that is a directory", func(t *testing.T, s *Store) string {
			if err := os.Remove(s.path("acct")); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(s.path("acct"), 0o700); err != nil {
				t.Fatal(err)
			}
			return s.path("acct")
		}, func(s *Store) error { _, err := s.Get("acct"); return err }},
		{"a lock file that is a symbolic link", func(t *testing.T, s *Store) string {
			if err := os.Symlink(filepath.Join(t.TempDir(), "target"), s.LockPath("acct")); err != nil {
				t.Fatal(err)
			}
			return s.LockPath("acct")
		}, func(s *Store) error {
			unlock, err := s.Lock(t.Context(), "acct")
			if err == nil {
				unlock()
			}
			return err
		}},
		{"a blob another user owns", func(t *testing.T, s *Store) string {
			if os.Geteuid() != 0 {
				t.Skip("only root can give a file away")
			}
			if err := os.Chown(s.path("acct"), 65534, 65534); err != nil {
				t.Fatal(err)
			}
			return s.path("acct")
		}, func(s *Store) error { _, err := s.Get("acct"); return err }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := open(t, t.TempDir())
			if err := s.Put("acct", []byte("secret")); err != nil {
				t.Fatal(err)
			}
			path := tc.plant(t, s)
			unsafe(t, tc.use(s), path)
			r, err := s.Check()
			if err != nil || len(r.Unsafe) != 1 {
				t.Fatalf("Check = %+v, %v", r, err)
			}
			unsafe(t, r.Unsafe[0], path)
		})
	}

	t.Run("a credentials directory that is a symbolic link", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		elsewhere := t.TempDir()
		if err := os.Symlink(elsewhere, filepath.Join(dir, credentialsDir)); err != nil {
			t.Fatal(err)
		}
		_, err := Open(dir, Options{Backend: secretKey})
		unsafe(t, err, filepath.Join(dir, credentialsDir))
	})
}

// TestABlobOverTheCapIsRefused: a blob file larger than profile.MaxFileSize
// is refused as a damaged blob, with its path and account, before it is
// read whole (a sparse file), and a
// Put of more than that writes nothing: the store never writes a blob it
// would then refuse to read.
func TestABlobOverTheCapIsRefused(t *testing.T) {
	t.Parallel()
	s := openFixed(t, t.TempDir(), randomKey(t))
	const k = "azurecloud|tenant|user@example.com"
	if err := s.Put(k, []byte("cache-v1")); err != nil {
		t.Fatal(err)
	}
	var tl *profile.TooLargeError
	if err := s.Put(k, make([]byte, profile.MaxFileSize)); !errors.As(err, &tl) || tl.Path != s.path(k) || !tl.Write {
		t.Fatalf("Put over the cap: %v", err)
	}
	if got, err := s.Get(k); err != nil || string(got) != "cache-v1" {
		t.Fatalf("after the refused Put, Get = %.20q, %v", got, err)
	}
	if err := os.Truncate(s.path(k), profile.MaxFileSize+1); err != nil {
		t.Fatal(err)
	}
	// A blob is azc's own file, not one the user named: it is damaged,
	// and its way out is the damaged blob's (sign the account out), not
	// TooLargeError's "check that it is the file you meant".
	var ce *CorruptError
	_, err := s.Get(k)
	if !errors.As(err, &ce) || ce.Key != k || ce.Path != s.path(k) || !errors.Is(err, ErrCorrupt) || errors.As(err, &tl) ||
		!strings.Contains(err.Error(), "larger than 64 MiB") {
		t.Fatalf("Get of a blob over the cap: %v", err)
	}
}

// TestALockThatCannotBeTakenNamesTheAccountAndTheFile: LockKeys' error
// names the account by its id (or the name the caller gives it) and the
// lock file by its path, never by the internal account key.
func TestALockThatCannotBeTakenNamesTheAccountAndTheFile(t *testing.T) {
	t.Parallel()
	s, err := Open(t.TempDir(), Options{Backend: FixedKey("test", make([]byte, 32))})
	if err != nil {
		t.Fatal(err)
	}
	const key = "azurecloud|aaaaaaaa-0000-0000-0000-000000000001|alice@contoso.com"
	if err := s.Put(key, []byte("fake-secret-ABC")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(t.TempDir(), "target"), s.LockPath(key)); err != nil {
		t.Fatal(err)
	}
	_, err = LockKeys(t.Context(), s, []string{"azurecloud|aaaaaaaa-0000-0000-0000-000000000001|bob@contoso.com", key})
	var le *AccountLockError
	var ue *profile.UnsafePathError
	if !errors.As(err, &le) || le.Key != key || !errors.As(err, &ue) {
		t.Fatalf("error %v, want an *AccountLockError for %s around an *UnsafePathError", err, key)
	}
	want := "lock the credentials of account alice@contoso.com: " + s.LockPath(key) + " is a symbolic link"
	if err.Error() != want {
		t.Fatalf("error %q\nwant       %q", err, want)
	}
	le.Name = "Alice@Contoso.com (AzureCloud)"
	if got := err.Error(); !strings.HasPrefix(got, "lock the credentials of account Alice@Contoso.com (AzureCloud): ") || strings.Contains(got, "azurecloud|") || strings.Contains(got, "fake-secret") {
		t.Fatalf("error %q: want the given name, no key, no secret", got)
	}
}

// TestUnsafeKeyFilesFailOpen plants what the store reads or locks while it
// opens, before any blob: meta.json (a symbolic link, a FIFO with no
// writer, a file another user owns) and datakey.lock (a symbolic link,
// while the key is yet to be made). Open fails with an error naming the
// file, neither following the link, waiting on the FIFO, nor falling back
// to storing secrets unencrypted.
func TestUnsafeKeyFilesFailOpen(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		file  string
		plant func(t *testing.T, path string)
	}{
		{"meta.json a symbolic link", "meta.json", func(t *testing.T, path string) {
			elsewhere := filepath.Join(t.TempDir(), "meta.json")
			if err := os.Rename(path, elsewhere); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(elsewhere, path); err != nil {
				t.Fatal(err)
			}
		}},
		{"meta.json a FIFO", "meta.json", func(t *testing.T, path string) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			if err := syscall.Mkfifo(path, 0o600); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
		}},
		{"meta.json another user's", "meta.json", func(t *testing.T, path string) {
			if os.Geteuid() != 0 {
				t.Skip("only root can give a file away")
			}
			if err := os.Chown(path, 65534, 65534); err != nil {
				t.Fatal(err)
			}
		}},
		{"datakey.lock a symbolic link", "datakey.lock", func(t *testing.T, path string) {
			if err := os.Symlink(filepath.Join(t.TempDir(), "target"), path); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			backend := &memBackend{keys: map[string][]byte{}}
			if _, err := Open(dir, Options{Backend: FixedKey("test", make([]byte, 32))}); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, credentialsDir, tc.file)
			_ = os.Remove(path)
			if tc.file == "meta.json" {
				if err := os.WriteFile(path, []byte(`{"version":1,"backend":"mem"}`), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			tc.plant(t, path)
			planted, err := os.Lstat(path)
			if err != nil {
				t.Fatal(err)
			}
			var warned []string
			s, err := Open(dir, Options{Warn: func(m string) { warned = append(warned, m) }, testOnlyPlatform: []KeyBackend{backend, plaintext{}}})
			var ue *profile.UnsafePathError
			if !errors.As(err, &ue) || ue.Path != path || !strings.Contains(err.Error(), path) {
				t.Fatalf("Open = %v (backend %q, warnings %q), want an *UnsafePathError naming %s", err, backendOf(s), warned, path)
			}
			if fi, err := os.Lstat(path); err != nil || !os.SameFile(fi, planted) {
				t.Errorf("%s replaced (%v)", path, err)
			}
		})
	}
}

func backendOf(s *Store) string {
	if s == nil {
		return ""
	}
	return s.Backend()
}

// TestCheckNamesBlobsAzcCannotRead: a blob file that is not an azc blob
// (damaged, truncated, written by something else) or that is over
// profile.MaxFileSize makes every read of its account fail; Check (`azc
// doctor`) names each such file with what is wrong, as it names the
// plaintext ones. It reported them as good blobs.
func TestCheckNamesBlobsAzcCannotRead(t *testing.T) {
	t.Parallel()
	s := openFixed(t, t.TempDir(), randomKey(t))
	for _, k := range []string{"good", "damaged", "huge"} {
		if err := s.Put(k, []byte("cache of "+k)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(s.path("damaged"), []byte("{\"not\": \"a blob\"}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(s.path("huge"), profile.MaxFileSize+1); err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(s.Dir(), strings.Repeat("ab", 32))
	if err := os.WriteFile(truncated, []byte("azcb\x01\x01short"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := s.Check()
	if err != nil || len(r.Unsafe) != 0 || r.Blobs != 4 {
		t.Fatalf("Check = %+v, %v; want 4 blobs, none unsafe", r, err)
	}
	want := map[string]string{s.path("damaged"): "bad header", s.path("huge"): "larger than 64 MiB", truncated: "truncated"}
	for _, e := range r.Damaged {
		for path, what := range want {
			if strings.Contains(e.Error(), path) && strings.Contains(e.Error(), what) {
				delete(want, path)
			}
		}
	}
	if len(want) != 0 || len(r.Damaged) != 3 {
		t.Fatalf("Check's damaged blobs %v; missing %v", r.Damaged, want)
	}
}

// TestCheckAuthenticatesTheBlobsOfTheKeysItIsGiven: a blob whose bytes
// changed after it was written (a flipped bit in the ciphertext, or in a
// plaintext blob's payload) keeps the blob format, so only authenticating
// it, which needs its key, tells it is damaged. Every read of its account
// fails; Check, given the accounts' keys (`azc doctor` gives the
// profile's), names it with its account, as Get does, and a plaintext one
// among the plaintext blobs too. It was reported as a good blob.
func TestCheckAuthenticatesTheBlobsOfTheKeysItIsGiven(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	plain, err := Open(dir, Options{Backend: Plaintext()})
	if err != nil {
		t.Fatal(err)
	}
	if err := plain.Put("plain", []byte("cache of plain")); err != nil {
		t.Fatal(err)
	}
	s := openFixed(t, dir, randomKey(t))
	for _, k := range []string{"good", "sealed"} {
		if err := s.Put(k, []byte("cache of "+k)); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"plain", "sealed"} {
		raw, err := os.ReadFile(s.path(k))
		if err != nil {
			t.Fatal(err)
		}
		raw[len(raw)-3] ^= 1 // in the payload, or the tag
		if err := os.WriteFile(s.path(k), raw, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(k); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("Get(%s) of a changed blob: %v, want ErrCorrupt", k, err)
		}
	}
	r, err := s.Check("good", "plain", "sealed", "absent")
	if err != nil || r.Blobs != 3 {
		t.Fatalf("Check = %+v, %v; want 3 blobs", r, err)
	}
	want := map[string]bool{"plain": true, "sealed": true}
	for _, e := range r.Damaged {
		var ce *CorruptError
		if errors.As(e, &ce) && want[ce.Key] && ce.Path == s.path(ce.Key) {
			delete(want, ce.Key)
		}
	}
	if len(want) != 0 || len(r.Damaged) != 2 {
		t.Fatalf("Check's damaged blobs %v; missing %v", r.Damaged, want)
	}
	// damaged, the plaintext blob holds its secrets in the clear all the
	// same, and no read will ever seal it
	if len(r.Plaintext) != 1 || r.Plaintext[0] != s.path("plain") {
		t.Errorf("Check's plaintext blobs %v, want the damaged plaintext one, %s", r.Plaintext, s.path("plain"))
	}
}

// TestACredentialsDirectoryThatIsNoDirectoryIsNamed: a credentials
// directory that is a file, a FIFO or a symbolic link to nothing fails
// Open with an *profile.UnsafePathError naming it and saying what to do,
// as the state directory's does; it said "mkdir …: not a directory" or
// "file exists", with no way out.
func TestACredentialsDirectoryThatIsNoDirectoryIsNamed(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"file", "fifo", "dangling link"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, credentialsDir)
			var err error
			switch kind {
			case "file":
				err = os.WriteFile(path, nil, 0o600)
			case "fifo":
				err = syscall.Mkfifo(path, 0o600)
			default:
				err = os.Symlink(filepath.Join(dir, "gone"), path)
			}
			if err != nil {
				t.Fatal(err)
			}
			_, err = Open(dir, Options{Backend: FixedKey("test", make([]byte, 32))})
			var ue *profile.UnsafePathError
			if !errors.As(err, &ue) || ue.Path != path || ue.Hint() == "" {
				t.Fatalf("Open = %v, want an *profile.UnsafePathError naming %s with a hint", err, path)
			}
		})
	}
}
