package session_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/secret"
	"github.com/azcontext/azc/session"
)

var (
	_ azc.Session = (*session.Session)(nil)
	_             = func(s *session.Session) credstore.Blobs { return s.Blobs() }
)

const helperEnv = "AZC_SESSION_TEST_HELPER"

// TestMain lets the test binary stand in for a shell that lives until its
// stdin closes.
func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "wait-stdin":
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	case "umask":
		os.Exit(umaskHelper())
	}
	os.Exit(m.Run())
}

// shell starts a stand-in owner process; end makes it exit and waits.
func shell(t *testing.T) (pid int, end func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), helperEnv+"=wait-stdin")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	end = func() {
		once.Do(func() {
			_ = in.Close()
			_ = cmd.Wait()
		})
	}
	t.Cleanup(end)
	return cmd.Process.Pid, end
}

func newSession(t *testing.T, rt string) (*session.Session, secret.String) {
	t.Helper()
	s, env, err := session.New(rt, os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	return s, env
}

func TestASessionKeepsItsOwnProfile(t *testing.T) {
	t.Parallel()
	rt := t.TempDir()
	s, env := newSession(t, rt)
	p, err := s.Load()
	if err != nil || len(p.Contexts) != 0 || p.Version != profile.FormatVersion {
		t.Fatalf("a new session's profile = %+v, %v", p, err)
	}
	off := false
	p, err = s.Update(func(p *profile.Profile) error {
		p.Contexts = append(p.Contexts, profile.Context{Name: "dev", Account: "a", Environment: "AzureCloud", Tenant: profile.Tenant{ID: "t"}})
		p.DefaultContext = "dev"
		p.Settings.Autosave = &off
		return nil
	})
	if err != nil || p.Generation != 1 {
		t.Fatalf("Update = %+v, %v", p, err)
	}
	// Another process of the same shell opens it from the environment.
	s2, err := session.Open(rt, env)
	if err != nil {
		t.Fatal(err)
	}
	if s2.ID() != s.ID() || !strings.HasPrefix(env.Reveal(), s.ID()+".") {
		t.Fatalf("ids %q, %q from %s", s.ID(), s2.ID(), env)
	}
	p2, err := s2.Load()
	if err != nil || p2.DefaultContext != "dev" || p2.Settings.Autosave == nil || *p2.Settings.Autosave {
		t.Fatalf("second handle Load = %+v, %v", p2, err)
	}
	boom := errors.New("boom")
	if _, err := s2.Update(func(*profile.Profile) error { return boom }); err != boom {
		t.Fatalf("a failing fn's error = %v, want it unchanged", err)
	}
	// Another session sees none of it.
	other, _ := newSession(t, rt)
	if p, _ := other.Load(); p.DefaultContext != "" || len(p.Contexts) != 0 {
		t.Fatalf("another session sees %+v", p)
	}
}

// TestLoadGivesACopyOfTheCurrentProfile: Load decodes the session's
// profile only when it changed, and still gives each caller a profile of
// its own, and another handle's change.
func TestLoadGivesACopyOfTheCurrentProfile(t *testing.T) {
	t.Parallel()
	rt := t.TempDir()
	s, env := newSession(t, rt)
	if _, err := s.Update(func(p *profile.Profile) error {
		p.Contexts = append(p.Contexts, profile.Context{Name: "dev", Account: "a", Environment: "AzureCloud",
			Tenant: profile.Tenant{ID: "t"}, Subscription: &profile.Subscription{ID: "s"}, Properties: map[string]string{"k": "v"}})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		p, err := s.Load()
		if err != nil {
			t.Fatal(err)
		}
		if c := p.Contexts[0]; c.Name != "dev" || c.Subscription.ID != "s" || c.Properties["k"] != "v" {
			t.Fatalf("Load = %+v, want dev as written", c)
		}
		c := &p.Contexts[0]
		c.Name, c.Subscription.ID, c.Properties["k"] = "changed", "changed", "changed"
	}
	s2, err := session.Open(rt, env)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Update(func(p *profile.Profile) error {
		p.Contexts[0].Name = "prod"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if p, err := s.Load(); err != nil || p.Contexts[0].Name != "prod" {
		t.Fatalf("after another handle's Update, Load = %+v, %v; want prod", p.Contexts, err)
	}
}

func TestConcurrentUpdatesLoseNothing(t *testing.T) {
	t.Parallel()
	rt := t.TempDir()
	s, env := newSession(t, rt)
	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			h, err := session.Open(rt, env)
			if err != nil {
				t.Error(err)
				return
			}
			_, err = h.Update(func(p *profile.Profile) error {
				p.Contexts = append(p.Contexts, profile.Context{Name: "c" + string(rune('a'+i)), Account: "a", Environment: "AzureCloud", Tenant: profile.Tenant{ID: "t"}})
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if p, err := s.Load(); err != nil || len(p.Contexts) != n || p.Generation != n {
		t.Fatalf("after %d updates: %d contexts, generation %d, %v", n, len(p.Contexts), p.Generation, err)
	}
}

func TestNothingOnDiskIsReadableWithoutTheKey(t *testing.T) {
	t.Parallel()
	rt := t.TempDir()
	s, env := newSession(t, rt)
	if _, err := s.Update(func(p *profile.Profile) error {
		p.Contexts = append(p.Contexts, profile.Context{Name: "very-private-context-name", Account: "a", Environment: "AzureCloud", Tenant: profile.Tenant{ID: "t"}})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Blobs().Put("acct", []byte("refresh-token-that-must-stay-secret")); err != nil {
		t.Fatal(err)
	}
	_, key, err := session.ParseEnv(env)
	if err != nil {
		t.Fatal(err)
	}
	encodedKey := base64.RawURLEncoding.EncodeToString(key)
	files := 0
	err = filepath.WalkDir(rt, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if p != rt && runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %v", p, fi.Mode().Perm())
		}
		if d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files++
		for _, needle := range []string{"very-private-context-name", "refresh-token-that-must-stay", encodedKey} {
			if bytes.Contains(b, []byte(needle)) {
				t.Errorf("%s contains %q in the clear", p, needle)
			}
		}
		return nil
	})
	if err != nil || files == 0 {
		t.Fatalf("walk: %v, %d files", err, files)
	}
}

func TestSessionBlobsAreApartFromTheProfileAndEndWithIt(t *testing.T) {
	t.Parallel()
	rt := t.TempDir()
	s, env := newSession(t, rt)
	b := s.Blobs()
	if _, err := b.Get("azc-session:profile"); !errors.Is(err, credstore.ErrNotFound) {
		t.Fatalf("the session profile is reachable as a blob: %v", err)
	}
	if err := b.Update("acct", func(old []byte) ([]byte, error) { return append(old, "x"...), nil }); err != nil {
		t.Fatal(err)
	}
	if got, err := b.Get("acct"); err != nil || string(got) != "x" {
		t.Fatalf("Get = %q, %v", got, err)
	}
	if err := s.End(); err != nil {
		t.Fatal(err)
	}
	if _, err := session.Open(rt, env); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("Open after End = %v, want ErrNotFound", err)
	}
	if _, err := s.Load(); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("Load after End = %v, want ErrNotFound", err)
	}
	if _, err := s.Update(func(*profile.Profile) error { return nil }); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("Update after End = %v, want ErrNotFound", err)
	}
}

func TestOpenFailsClearly(t *testing.T) {
	t.Parallel()
	rt := t.TempDir()
	_, env := newSession(t, rt)
	id, key, _ := session.ParseEnv(env)
	wrongKey := bytes.Clone(key)
	wrongKey[0] ^= 1
	b64 := base64.RawURLEncoding.EncodeToString
	pid, end := shell(t)
	dead, deadEnv, err := session.New(rt, pid)
	if err != nil {
		t.Fatal(err)
	}
	end()
	for _, tc := range []struct {
		name  string
		value string
		want  error
	}{
		{"an empty value is malformed", "", session.ErrMalformed},
		{"a value without a dot is malformed", id, session.ErrMalformed},
		{"a short id is malformed", "abc." + b64(key), session.ErrMalformed},
		{"an upper-case id is malformed", strings.ToUpper(id) + "." + b64(key), session.ErrMalformed},
		{"a short key is malformed", id + "." + b64(key[:16]), session.ErrMalformed},
		{"a padded key is malformed", id + "." + base64.URLEncoding.EncodeToString(key), session.ErrMalformed},
		{"a path in the id is malformed", "../../../etc/passwd." + b64(key), session.ErrMalformed},
		{"an unknown id is not found", strings.Repeat("0", 32) + "." + b64(key), session.ErrNotFound},
		{"a wrong key does not open it", id + "." + b64(wrongKey), session.ErrWrongKey},
		{"a session whose shell exited is expired", deadEnv.Reveal(), session.ErrExpired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := session.Open(rt, secret.New(tc.value))
			if !errors.Is(err, tc.want) {
				t.Fatalf("Open = %v, want %v", err, tc.want)
			}
			if _, k, _ := strings.Cut(tc.value, "."); len(k) > 8 && strings.Contains(err.Error(), k) {
				t.Fatalf("the error reveals the key: %v", err)
			}
		})
	}
	_ = dead
}

// TestADamagedOwnerRecordIsNamed: a session whose owner record is not
// JSON, or holds a value of the wrong type, fails to open with an error
// that names the file and says what is wrong in JSON's words, not Go's.
func TestADamagedOwnerRecordIsNamed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ data, want string }{
		{"garbage", "invalid character"},
		{`{"pid":"1234"}`, "pid: found a string, want a number"},
		{`[1]`, "found an array, want an object"},
	} {
		rt := t.TempDir()
		s, env := newSession(t, rt)
		path := filepath.Join(s.Dir(), "owner.json")
		if err := os.WriteFile(path, []byte(tc.data), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := session.Open(rt, env)
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "Go ") {
			t.Errorf("%s: Open = %v, want an error naming %s and saying %q", tc.data, err, path, tc.want)
		}
	}
}

func TestGCRemovesSessionsWhoseShellIsGone(t *testing.T) {
	t.Parallel()
	rt := t.TempDir()
	live, liveEnv := newSession(t, rt)
	pid, end := shell(t)
	_, deadEnv, err := session.New(rt, pid)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := session.GC(rt, nil); err != nil || n != 0 {
		t.Fatalf("GC with both shells alive removed %d, %v", n, err)
	}
	end()
	if n, err := session.GC(rt, nil); err != nil || n != 1 {
		t.Fatalf("GC removed %d, %v; want 1", n, err)
	}
	if _, err := session.Open(rt, deadEnv); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("the dead shell's session: %v", err)
	}
	if _, err := session.Open(rt, liveEnv); err != nil {
		t.Fatalf("the live session was collected: %v", err)
	}
	if n, err := session.GC(rt, func(p int) bool { return p != live.Owner().PID }); err != nil || n != 1 {
		t.Fatalf("GC with an injected liveness check removed %d, %v", n, err)
	}
	if n, err := session.GC(filepath.Join(rt, "missing"), nil); err != nil || n != 0 {
		t.Fatalf("GC of a missing dir = %d, %v", n, err)
	}
}

func TestAReusedPIDIsNotTheOwner(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" && runtime.GOOS != "windows" {
		t.Skip("start times are recorded on Linux and Windows only")
	}
	me, err := session.OwnerOf(os.Getpid())
	if err != nil || !me.Alive() || me.Start == "" {
		t.Fatalf("OwnerOf(self) = %+v, %v", me, err)
	}
	reused := me
	reused.Start += "0"
	if reused.Alive() {
		t.Fatal("a pid with another start time counts as the owner")
	}
}

// noPID is a pid no process has: above the largest Linux gives
// (PID_MAX_LIMIT, 4,194,304), and the largest of the BSDs and macOS.
const noPID = 4_194_305

// TestNoProcessIsSaidToBeNone: the owner of a session that no process
// is names the pid and matches ErrNoProcess: `azc session start --pid
// 999999` said "open /proc/999999/stat: no such file or directory".
func TestNoProcessIsSaidToBeNone(t *testing.T) {
	t.Parallel()
	_, err := session.OwnerOf(noPID)
	if !errors.Is(err, session.ErrNoProcess) || err.Error() != "no process 4194305 is running" {
		t.Errorf("OwnerOf(%d) = %v, want no process 4194305 is running (ErrNoProcess)", noPID, err)
	}
	if _, _, err := session.New(t.TempDir(), noPID); !errors.Is(err, session.ErrNoProcess) {
		t.Errorf("New(%d) = %v, want ErrNoProcess", noPID, err)
	}
}

func TestAnOwnerEnclosesItsDescendantsOnly(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("parents are read on Linux only")
	}
	me, err := session.OwnerOf(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	child, _ := shell(t)
	other, err := session.OwnerOf(child)
	if err != nil {
		t.Fatal(err)
	}
	if !me.Encloses(os.Getpid()) || !me.Encloses(child) {
		t.Fatal("an owner does not enclose itself or its child")
	}
	if other.Encloses(os.Getpid()) || other.Encloses(1) || me.Encloses(1) {
		t.Fatal("an owner encloses its parent or pid 1")
	}
}

// TestRuntimeDirIgnoresARelativeXDGRuntimeDir: a relative XDG_RUNTIME_DIR
// is no runtime directory (the XDG Base Directory specification: such a
// path is invalid and ignored, as exec's private directory ignores it).
// Taken, it put a shell's session under the directory the shell started
// in, and after a cd every command of the shell failed with "session not
// found".
func TestRuntimeDirIgnoresARelativeXDGRuntimeDir(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	for _, xdg := range []string{"run", "./run", "run/user/1000"} {
		if got, want := session.RuntimeDir(xdg, tmp, 1000), filepath.Join(tmp, "azc-1000"); got != want {
			t.Errorf("RuntimeDir(%q) = %q, want %q", xdg, got, want)
		}
	}
}

// TestASessionIsNotMadeUnderARelativeDirectory: a relative runtime
// directory (a relative TMPDIR; a relative XDG_RUNTIME_DIR is ignored)
// would name another directory after a cd, where every command of the
// shell would then fail with "session not found": New refuses it, saying
// so and how to set TMPDIR, and makes nothing, as a relative
// AZC_CONFIG_DIR is refused.
func TestASessionIsNotMadeUnderARelativeDirectory(t *testing.T) {
	tmp := filepath.Join(t.TempDir(), "tmpd")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Dir(tmp))
	rt := session.RuntimeDir("", "tmpd", os.Getuid())
	_, _, err := session.New(rt, os.Getpid())
	var ue *profile.UnsafePathError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "not an absolute path") || !strings.Contains(ue.Hint(), "TMPDIR") {
		t.Fatalf("New(%q) = %v, want a refusal naming the relative path, with a hint naming TMPDIR", rt, err)
	}
	if entries, _ := os.ReadDir(tmp); len(entries) > 0 {
		t.Errorf("New under a relative directory made %s", entries[0].Name())
	}
}

func TestRuntimeDirFallsBackToAPrivateTempDir(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	if got := session.RuntimeDir("/run/user/1000", tmp, 1000); got != "/run/user/1000" {
		t.Fatalf("RuntimeDir with XDG = %q", got)
	}
	rt := session.RuntimeDir("", tmp, 1000)
	if rt != filepath.Join(tmp, "azc-1000") {
		t.Fatalf("RuntimeDir without XDG = %q", rt)
	}
	newSession(t, rt)
	if runtime.GOOS == "windows" {
		return
	}
	fi, err := os.Stat(rt)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("the fallback dir: %v, %v", fi.Mode(), err)
	}
	open := filepath.Join(tmp, "shared")
	if err := os.Mkdir(open, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o777); err != nil {
		t.Fatal(err)
	}
	if _, _, err := session.New(open, os.Getpid()); err == nil || !strings.Contains(err.Error(), "other users") {
		t.Fatalf("New in a world-writable dir = %v, want a refusal", err)
	}
}

func FuzzParseEnv(f *testing.F) {
	f.Add("0123456789abcdef0123456789abcdef." + base64.RawURLEncoding.EncodeToString(make([]byte, 32)))
	f.Add("")
	f.Add(".")
	f.Add("x.y.z")
	f.Fuzz(func(t *testing.T, v string) {
		id, key, err := session.ParseEnv(secret.New(v))
		if err != nil {
			if !errors.Is(err, session.ErrMalformed) {
				t.Fatalf("error %v does not match ErrMalformed", err)
			}
			if _, k, _ := strings.Cut(v, "."); len(k) > 4 && strings.Contains(err.Error(), k) {
				t.Fatalf("error reveals the key: %v", err)
			}
			return
		}
		if len(id) != 32 || len(key) != 32 || strings.ContainsAny(id, "./\\") {
			t.Fatalf("accepted id %q, key of %d bytes", id, len(key))
		}
		if back := id + "." + base64.RawURLEncoding.EncodeToString(key); back != v {
			t.Fatalf("round trip %q != %q", back, v)
		}
	})
}

// TestADamagedBlobIsNamedByItsAccountKey: the session keeps an account's
// blob under a name of its own, but an error about the blob names the
// account key it was asked for, as the user's store does: the way out
// azc prints for a damaged blob is `azc logout KEY`, which knows no other
// name.
func TestADamagedBlobIsNamedByItsAccountKey(t *testing.T) {
	t.Parallel()
	s, _ := newSession(t, t.TempDir())
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
	const key = "azurecloud|t1|alice@contoso.test"
	b := s.Blobs()
	if err := b.Put(key, []byte("{}")); err != nil {
		t.Fatal(err)
	}
	var blob string
	for n := range files() {
		if !before[n] && !strings.HasSuffix(n, ".lock") {
			blob = filepath.Join(s.StoreDir(), n)
		}
	}
	if err := os.WriteFile(blob, []byte("azcb"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, op := range []func() error{
		func() error { _, err := b.Get(key); return err },
		func() error { return b.Update(key, func(old []byte) ([]byte, error) { return old, nil }) },
	} {
		var ce *credstore.CorruptError
		if err := op(); !errors.As(err, &ce) || ce.Key != key {
			t.Errorf("the damaged blob's error %v; want a *credstore.CorruptError naming key %q", err, key)
		}
	}
}

// TestGCRemovesACreationLeftByAKilledStart: `azc session start` killed
// while it builds the session in its hidden .new-* directory leaves the
// directory (empty, or with an owner that is the live shell); GC took one
// without an owner for a creation running now and one of a live owner for
// a live session, and kept both for good. One older than
// profile.StaleTempAge (a creation takes milliseconds) is removed; a young
// one, a creation that may be running, is not.
func TestGCRemovesACreationLeftByAKilledStart(t *testing.T) {
	t.Parallel()
	rt := t.TempDir()
	newSession(t, rt) // makes the sessions directory, and a live session GC keeps
	base := filepath.Join(rt, "azc", "sessions")
	old := time.Now().Add(-2 * profile.StaleTempAge)
	var left []string
	for _, name := range []string{".new-1", ".new-2", ".new-young"} {
		d := filepath.Join(base, name)
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if name == ".new-2" { // the live shell's owner record, written before the kill
			live, err := os.ReadFile(filepath.Join(base, onlySession(t, base), "owner.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(d, "owner.json"), live, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if name != ".new-young" {
			if err := os.Chtimes(d, old, old); err != nil {
				t.Fatal(err)
			}
			left = append(left, d)
		}
	}
	if n, err := session.GC(rt, nil); err != nil || n != 2 {
		t.Errorf("GC removed %d, %v; want the 2 old creations", n, err)
	}
	for _, d := range left {
		if _, err := os.Lstat(d); err == nil {
			t.Errorf("GC left %s", d)
		}
	}
	if _, err := os.Lstat(filepath.Join(base, ".new-young")); err != nil {
		t.Errorf("GC removed a creation that may be running: %v", err)
	}
}

// onlySession is the name of the one session directory in base.
func onlySession(t *testing.T, base string) string {
	t.Helper()
	entries, err := os.ReadDir(base)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") {
			return e.Name()
		}
	}
	t.Fatal("no session")
	return ""
}

// TestANoOpChangeWritesNothing: an Update or UpdateSelections that changes
// nothing (`azc use` of the context the shell already uses) writes no
// file of the session, and the generation stays, as the profile's
// Store.Update does: no change, no write. (Each rewrote its file.)
func TestANoOpChangeWritesNothing(t *testing.T) {
	t.Parallel()
	rt := t.TempDir()
	s, _ := newSession(t, rt)
	c := profile.Context{Name: "dev", Account: "a", Environment: "AzureCloud", Tenant: profile.Tenant{ID: "t"}}
	if _, err := s.Update(func(p *profile.Profile) error {
		p.Contexts = append(p.Contexts, c)
		p.DefaultContext = "dev"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sel := &session.Selection{Context: c}
	if err := s.UpdateSelections(func(sels *session.Selections) error { sels.Current = sel; return nil }); err != nil {
		t.Fatal(err)
	}
	// every file of the session, as the file system has it
	files := func() map[string]fs.FileInfo {
		t.Helper()
		m := map[string]fs.FileInfo{}
		err := filepath.WalkDir(rt, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			fi, err := os.Lstat(p)
			m[p] = fi
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	before := files()
	p, err := s.Update(func(p *profile.Profile) error {
		p.DefaultContext = "dev"
		return nil
	})
	if err != nil || p.Generation != 1 || p.DefaultContext != "dev" {
		t.Fatalf("a no-op Update = %+v, %v; want generation 1 and the profile", p, err)
	}
	if err := s.UpdateSelections(func(sels *session.Selections) error {
		sels.Current = &session.Selection{Context: c}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	after := files()
	for path, fi := range after {
		if old, ok := before[path]; !ok || !os.SameFile(old, fi) || !old.ModTime().Equal(fi.ModTime()) {
			t.Errorf("%s was written by a change that changed nothing", path)
		}
	}
	if len(after) != len(before) {
		t.Errorf("%d files before, %d after", len(before), len(after))
	}
	if sels, err := s.Selections(); err != nil || sels.Current == nil || sels.Current.Context.Name != "dev" {
		t.Errorf("Selections = %+v, %v", sels, err)
	}
	// a change is still written
	if p, err := s.Update(func(p *profile.Profile) error { p.DefaultContext = ""; return nil }); err != nil || p.Generation != 2 {
		t.Fatalf("a change: %+v, %v; want generation 2", p, err)
	}
}
