package credstore

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// kernelKeyringOrSkip skips when the kernel refuses keyctl (a container's
// seccomp profile, a kernel without keys).
func kernelKeyringOrSkip(t *testing.T) {
	t.Helper()
	_, err := KernelKeyring().LoadKey(KeyRef{ID: "azc:datakey:probe-that-does-not-exist"})
	if errors.Is(err, ErrUnavailable) {
		t.Skipf("the kernel refuses keyctl here, so the kernel keyring cannot be tested: %v", err)
	}
	if !errors.Is(err, ErrNoKey) {
		t.Fatalf("probe: %v", err)
	}
}

// dropKernelKey unlinks the store's data key from @u, as a reboot would.
func dropKernelKey(t *testing.T, dir string) {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	ring, err := unix.KeyctlGetKeyringID(unix.KEY_SPEC_USER_KEYRING, false)
	if err != nil {
		t.Fatal(err)
	}
	ref, given := keyRefsFor(abs)
	for _, r := range []*KeyRef{&ref, given} {
		if r == nil {
			continue
		}
		id, err := unix.KeyctlSearch(ring, "user", r.ID, 0)
		if errors.Is(err, unix.ENOKEY) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := unix.KeyctlInt(unix.KEYCTL_UNLINK, id, ring, 0, 0); err != nil {
			t.Fatal(err)
		}
	}
}

func TestKernelKeyringHoldsTheDataKey(t *testing.T) {
	t.Parallel()
	kernelKeyringOrSkip(t)
	dir := t.TempDir()
	t.Cleanup(func() { dropKernelKey(t, dir) })

	s, err := Open(dir, Options{Backend: KernelKeyring()})
	if err != nil {
		t.Fatal(err)
	}
	if s.Backend() != "linux-keyring" || !s.Encrypted() {
		t.Fatalf("Backend, Encrypted = %q, %v", s.Backend(), s.Encrypted())
	}
	token := []byte("at-kernel-keyring-secret-token-value")
	if err := s.Put("acct", token); err != nil {
		t.Fatal(err)
	}
	noPlaintextOnDisk(t, dir, token)

	// Another open (another process, in real use) finds the same key.
	s2, err := Open(dir, Options{Backend: KernelKeyring()})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s2.Get("acct"); err != nil || string(got) != string(token) {
		t.Fatalf("second open Get = %q, %v", got, err)
	}

	// After a "reboot" the blob reads as signed out, never as garbage or plaintext.
	dropKernelKey(t, dir)
	var warned bool
	s3, err := Open(dir, Options{Backend: KernelKeyring(), Warn: func(string) { warned = true }})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s3.Get("acct")
	var lost *KeyLostError
	if !errors.As(err, &lost) || lost.Backend != "linux-keyring" || !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after the key vanished = %v, want a KeyLostError naming linux-keyring", err)
	}
	if warned || !s3.Encrypted() {
		t.Fatal("a lost key fell back to plaintext")
	}
	t.Logf("after a reboot the user sees: %v", err)
}

func TestAutoDetectPicksTheKernelKeyringWithoutASessionBus(t *testing.T) {
	t.Parallel()
	kernelKeyringOrSkip(t)
	dir := t.TempDir()
	t.Cleanup(func() { dropKernelKey(t, dir) })
	s, err := Open(dir, Options{Env: func(string) string { return "" }, Warn: func(m string) { t.Errorf("warned: %s", m) }})
	if err != nil {
		t.Fatal(err)
	}
	if s.Backend() != "linux-keyring" {
		t.Fatalf("Backend = %q, want linux-keyring", s.Backend())
	}
}

// TestWithASessionBusTheDesktopsKeyStoreComesFirst: where a session bus is
// set, the platform's list begins with the Secret Service, Options.Desktop.
// Without a client for it, Open fails before it creates anything, with an
// error that names the store (azc's fast binary hands the command over on
// it): going on with the kernel keyring would seal new blobs under a
// second key and read those sealed in the Secret Service as lost.
func TestWithASessionBusTheDesktopsKeyStoreComesFirst(t *testing.T) {
	t.Parallel()
	bus := func(k string) string {
		if k == "DBUS_SESSION_BUS_ADDRESS" {
			return "unix:path=/run/user/1000/bus"
		}
		return ""
	}
	dir := t.TempDir()
	_, err := Open(dir, Options{Env: bus})
	var nl *DesktopNotLinkedError
	if !errors.As(err, &nl) || !errors.Is(err, ErrDesktopNotLinked) || nl.Backend != SecretServiceName {
		t.Fatalf("Open without a desktop client = %v, want a *DesktopNotLinkedError for %s", err, SecretServiceName)
	}
	// a library's caller may print it: the store is named as people name it
	if !strings.Contains(err.Error(), "the Secret Service") || strings.Contains(err.Error(), SecretServiceName) {
		t.Errorf("Open without a desktop client: %q does not name the Secret Service", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("Open that failed left %d entries in the state directory", len(entries))
	}
	s, err := Open(dir, Options{Env: bus, Desktop: FixedKey(SecretServiceName, randomKey(t))})
	if err != nil {
		t.Fatal(err)
	}
	if s.Backend() != SecretServiceName {
		t.Fatalf("Backend = %q, want %s", s.Backend(), SecretServiceName)
	}
}

// TestAPlaintextBlobIsSealedOnceTheKernelKeyringIsReachable writes a blob
// while no key store is reachable (plaintext), then reads it through a
// store whose data key is in the kernel keyring, with and without
// RequireEncryption (AZC_REQUIRE_ENCRYPTION=1): the read returns it and
// leaves it sealed on disk, and Check reports a plaintext blob before and
// none after.
func TestAPlaintextBlobIsSealedOnceTheKernelKeyringIsReachable(t *testing.T) {
	t.Parallel()
	kernelKeyringOrSkip(t)
	for _, require := range []bool{false, true} {
		dir := t.TempDir()
		t.Cleanup(func() { dropKernelKey(t, dir) })
		token := []byte("rt-written-while-no-key-store-was-reachable")

		plain, err := Open(dir, Options{testOnlyPlatform: []KeyBackend{unavailable{}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := plain.Put("acct", token); err != nil {
			t.Fatal(err)
		}
		if r, err := plain.Check(); err != nil || len(r.Plaintext) != 1 || r.Blobs != 1 || len(r.Unsafe) != 0 {
			t.Fatalf("Check of the plaintext store = %+v, %v", r, err)
		}

		s, err := Open(dir, Options{Backend: KernelKeyring(), RequireEncryption: require})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := s.Get("acct"); err != nil || string(got) != string(token) {
			t.Fatalf("RequireEncryption %v: Get = %q, %v", require, got, err)
		}
		noPlaintextOnDisk(t, dir, token)
		if r, err := s.Check(); err != nil || len(r.Plaintext) != 0 || r.Blobs != 1 {
			t.Fatalf("RequireEncryption %v: Check after the read = %+v, %v", require, r, err)
		}
		if got, err := s.Get("acct"); err != nil || string(got) != string(token) {
			t.Fatalf("RequireEncryption %v: Get of the sealed blob = %q, %v", require, got, err)
		}
	}
}

// TestADamagedKernelKeyFailsOpenRatherThanStoringPlaintext: a data key the
// kernel keyring holds but that is no 32-byte key (another program wrote
// it, or damaged it) fails Open with ErrDamagedKey naming it: the keyring
// works, so the store never falls back to keeping new secrets unencrypted.
func TestADamagedKernelKeyFailsOpenRatherThanStoringPlaintext(t *testing.T) {
	t.Parallel()
	kernelKeyringOrSkip(t)
	dir := t.TempDir()
	t.Cleanup(func() { dropKernelKey(t, dir) })
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := keyRefsFor(abs)
	if err := KernelKeyring().StoreKey(ref, []byte("sixteen byte key")); err != nil {
		t.Fatal(err)
	}
	warned := ""
	s, err := Open(dir, Options{Env: func(string) string { return "" }, Warn: func(msg string) { warned = msg }})
	if !errors.Is(err, ErrDamagedKey) || !strings.Contains(err.Error(), ref.ID) {
		t.Fatalf("Open over a damaged key: %v (backend %q, warning %q), want ErrDamagedKey naming %s", err, backendOf(s), warned, ref.ID)
	}
}
