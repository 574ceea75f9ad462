package profile_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/azcontext/azc/profile"
)

func openStore(t testing.TB) *profile.Store {
	t.Helper()
	dir := stateDir(t)
	s, err := profile.Open(dir, profile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLoadOfMissingProfileIsEmpty(t *testing.T) {
	t.Parallel()
	p, err := openStore(t).Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Contexts) != 0 || p.Version != profile.FormatVersion || p.Generation != 0 {
		t.Errorf("Load() = %+v, want an empty profile", p)
	}
}

func TestUpdateWritesAndBumpsGeneration(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	for want := uint64(1); want <= 3; want++ {
		p, err := s.Update(func(p *profile.Profile) error {
			_, err := p.UpsertContext(testContext(fmt.Sprint("sub ", want), "s1"), profile.UpsertOptions{})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if p.Generation != want {
			t.Errorf("generation = %d, want %d", p.Generation, want)
		}
	}
	p, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if p.Generation != 3 || len(p.Contexts) != 1 {
		t.Errorf("Load() = generation %d, %d contexts; want 3, 1", p.Generation, len(p.Contexts))
	}
	if runtime.GOOS != "windows" {
		for _, name := range []string{profile.FileName, profile.LockName, profile.BackupName} {
			fi, err := os.Stat(filepath.Join(filepath.Dir(s.Path()), name))
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s mode = %v, want 0600", name, fi.Mode().Perm())
			}
		}
		fi, err := os.Stat(filepath.Dir(s.Path()))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o700 {
			t.Errorf("dir mode = %v, want 0700", fi.Mode().Perm())
		}
	}
}

func TestUpdateKeepsThePreviousGoodCopyAsBackup(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	for _, sub := range []string{"a", "b"} {
		if _, err := s.Update(func(p *profile.Profile) error {
			_, err := p.UpsertContext(testContext(sub, sub), profile.UpsertOptions{})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	bak, err := os.ReadFile(filepath.Join(filepath.Dir(s.Path()), profile.BackupName))
	if err != nil {
		t.Fatal(err)
	}
	p, err := profile.Decode(bak)
	if err != nil {
		t.Fatal(err)
	}
	if p.Generation != 1 || len(p.Contexts) != 1 {
		t.Errorf("backup holds generation %d with %d contexts, want 1 with 1", p.Generation, len(p.Contexts))
	}
}

func TestUpdateWritesNothingWhenFnFails(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	boom := errors.New("boom")
	_, err := s.Update(func(p *profile.Profile) error {
		_, _ = p.UpsertContext(testContext("a", "a"), profile.UpsertOptions{})
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update() error = %v, want boom", err)
	}
	if _, err := os.Stat(s.Path()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("profile written after a failed update: %v", err)
	}
}

// A change that leaves two contexts of one name, or a name no context may
// have, is refused before anything is written: azc never writes a
// profile it would then refuse to read.
func TestUpdateNeverWritesAProfileDecodeRefuses(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		names   []string
		wantErr func(error) bool
	}{
		{"two contexts of one name", []string{"\u03c3", "\u03c2"}, func(err error) bool { var d *profile.DuplicateNameError; return errors.As(err, &d) }},
		{"an empty name", []string{"a", ""}, func(err error) bool { return errors.Is(err, profile.ErrInvalidName) }},
		{"a padded name", []string{" a"}, func(err error) bool { return errors.Is(err, profile.ErrInvalidName) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := openStore(t)
			if _, err := s.Update(func(p *profile.Profile) error {
				_, err := p.UpsertContext(testContext("first", "first"), profile.UpsertOptions{})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			before, err := os.ReadFile(s.Path())
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Update(func(p *profile.Profile) error {
				for i, n := range tt.names {
					c := testContext(n, fmt.Sprint(i))
					c.Name = n
					p.Contexts = append(p.Contexts, c)
				}
				return nil
			})
			if !tt.wantErr(err) {
				t.Fatalf("Update() error = %v", err)
			}
			if after, err := os.ReadFile(s.Path()); err != nil || !bytes.Equal(after, before) {
				t.Errorf("profile changed (%v):\n%s", err, after)
			}
			if _, err := s.Load(); err != nil {
				t.Errorf("Load() after the refused change: %v", err)
			}
		})
	}
}

func TestCorruptProfileIsNeverOverwritten(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		data string
	}{
		{"a truncated file", `{"version":1,"contexts":[{"name":"a"`},
		{"an empty file", ``},
		{"a file of a newer format", `{"version":99,"generation":4}`},
		{"a file without a version", `{"generation":4}`},
		{"a file with duplicate names", `{"version":1,"contexts":[{"name":"A"},{"name":"a"}]}`},
		{"a file that is not JSON", "\x00\x01garbage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := openStore(t)
			if err := os.WriteFile(s.Path(), []byte(tt.data), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := s.Update(func(p *profile.Profile) error {
				t.Error("fn called on a corrupt profile")
				return nil
			})
			var ce *profile.CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("Update() error = %v, want *CorruptError", err)
			}
			if ce.Path != s.Path() || ce.Hint() == "" {
				t.Errorf("CorruptError = %+v, want path %s and a hint", ce, s.Path())
			}
			if _, err := s.Load(); !errors.As(err, &ce) {
				t.Errorf("Load() error = %v, want *CorruptError", err)
			}
			got, err := os.ReadFile(s.Path())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, []byte(tt.data)) {
				t.Errorf("profile changed: %q, want %q", got, tt.data)
			}
		})
	}
}

func TestCorruptErrorOffersTheBackup(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	for _, sub := range []string{"a", "b"} {
		if _, err := s.Update(func(p *profile.Profile) error {
			_, err := p.UpsertContext(testContext(sub, sub), profile.UpsertOptions{})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(s.Path(), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := s.Load()
	var ce *profile.CorruptError
	if !errors.As(err, &ce) || ce.Backup == "" {
		t.Fatalf("Load() error = %#v, want a *CorruptError naming the backup", err)
	}
	// A backup azc would refuse as profile.json (here a link to a file
	// of the user's) is not offered to be copied over it.
	if runtime.GOOS == "windows" {
		return
	}
	bak := filepath.Join(filepath.Dir(s.Path()), profile.BackupName)
	elsewhere := filepath.Join(t.TempDir(), "elsewhere.json")
	if err := os.Rename(bak, elsewhere); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(elsewhere, bak); err != nil {
		t.Fatal(err)
	}
	_, err = s.Load()
	if !errors.As(err, &ce) || ce.Backup != "" || strings.Contains(ce.Hint(), profile.BackupName) {
		t.Fatalf("Load() error = %#v (hint %q), want a *CorruptError offering no backup", err, ce.Hint())
	}
}

func TestOpenRefusesADirectoryOthersCanWrite(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("mode bits do not guard directories on Windows")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	_, err := profile.Open(dir, profile.Options{})
	var ie *profile.InsecureDirError
	if !errors.As(err, &ie) || ie.Path != dir {
		t.Fatalf("Open() error = %v, want *InsecureDirError for %s", err, dir)
	}
	if want := "run `chmod 700 " + dir + "`"; ie.Hint() != want {
		t.Errorf("hint %q, want %q", ie.Hint(), want)
	}
}

// TestASharedDirectoryIsNotToBeChmodded: a state directory that is a
// shared one, such as /tmp (other users may write, the sticky bit set),
// gets a hint to use a directory of one's own, not to chmod it.
func TestASharedDirectoryIsNotToBeChmodded(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("mode bits do not guard directories on Windows")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o777|fs.ModeSticky); err != nil {
		t.Fatal(err)
	}
	_, err := profile.Open(dir, profile.Options{})
	var ie *profile.InsecureDirError
	if !errors.As(err, &ie) {
		t.Fatalf("Open() error = %v, want *InsecureDirError for %s", err, dir)
	}
	if h := ie.Hint(); strings.Contains(h, "chmod") || !strings.Contains(h, "AZC_CONFIG_DIR") {
		t.Errorf("hint %q for a shared directory, want one to use a directory of your own", h)
	}
}

func testContext(subName, subID string) profile.Context {
	a := profile.Account{ID: "user@contoso.com", Type: profile.UserAccount, Environment: "AzureCloud", HomeTenantID: "t1"}
	return profile.Context{
		Account:      a.Key(),
		Tenant:       profile.Tenant{ID: "t1", DefaultDomain: "contoso.com"},
		Subscription: &profile.Subscription{ID: subID, Name: subName, TenantID: "t1"},
	}
}

func TestUpdateThatChangesNothingWritesNothing(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	if _, err := s.Update(func(p *profile.Profile) error {
		_, err := p.UpsertContext(testContext("a", "a"), profile.UpsertOptions{MakeDefault: true})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Update(func(p *profile.Profile) error {
		_, err := p.SetDefault("a")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if p.Generation != 1 || !os.SameFile(before, after) {
		t.Errorf("a no-op update wrote: generation %d, same file %v", p.Generation, os.SameFile(before, after))
	}
}

func TestSetDefaultWritesWhatUpdateWrites(t *testing.T) {
	t.Parallel()
	viaUpdate, viaSetDefault := openStore(t), openStore(t)
	for _, s := range []*profile.Store{viaUpdate, viaSetDefault} {
		if _, err := s.Update(func(p *profile.Profile) error {
			for _, sub := range []string{"a", "b", "c"} {
				if _, err := p.UpsertContext(testContext("sub "+sub, sub), profile.UpsertOptions{MakeDefault: sub == "a"}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	for _, ref := range []string{"sub b", "SUB B", "-", "-", "sub c", "c", "nope", "sub", "-"} {
		var want profile.Context
		_, werr := viaUpdate.Update(func(p *profile.Profile) error {
			c, err := p.SetDefault(ref)
			want = c
			return err
		})
		got, gerr := viaSetDefault.SetDefault(ref)
		if fmt.Sprint(werr) != fmt.Sprint(gerr) || got.Name != want.Name {
			t.Fatalf("SetDefault(%q) = %q, %v; Update gave %q, %v", ref, got.Name, gerr, want.Name, werr)
		}
		for _, name := range []string{profile.FileName, profile.BackupName} {
			w, err := os.ReadFile(filepath.Join(filepath.Dir(viaUpdate.Path()), name))
			if err != nil {
				t.Fatal(err)
			}
			g, err := os.ReadFile(filepath.Join(filepath.Dir(viaSetDefault.Path()), name))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(w, g) {
				t.Fatalf("after SetDefault(%q), %s is\n%s\nwant\n%s", ref, name, g, w)
			}
		}
	}
}

func TestSetDefaultLeavesACorruptProfileAlone(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	bad := []byte(`{"version":1,"contexts":[{"name":"a"},{"name":"A"}]}`)
	if err := os.WriteFile(s.Path(), bad, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := s.SetDefault("a")
	var ce *profile.CorruptError
	if !errors.As(err, &ce) || ce.Path != s.Path() {
		t.Fatalf("SetDefault = %v, want a *CorruptError naming %s", err, s.Path())
	}
	if got, _ := os.ReadFile(s.Path()); !bytes.Equal(got, bad) {
		t.Errorf("profile changed to %s", got)
	}
}

// TestLockWaitOutlastsBusyWriters: the lock timeout measures a stall. A
// waiter whose timeout is shorter than the queue ahead of it still gets
// the lock while the holders keep writing profile.json.
func TestLockWaitOutlastsBusyWriters(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	// A timeout of 4 s, outlasted three times: a test binary that gets no
	// CPU for a second or two (go test -race of every package at once, on
	// two CPUs at load 8: 2 s failed there) stalls its own holder too,
	// which a waiter must take for a stall.
	const timeout = 4 * time.Second
	waiter, err := profile.Open(filepath.Dir(s.Path()), profile.Options{LockTimeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update(func(p *profile.Profile) error { p.DefaultContext = "x"; return nil }); err != nil {
		t.Fatal(err)
	}
	other, err := profile.Open(filepath.Dir(s.Path()), profile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	var start time.Time
	var waited time.Duration
	runs := 0
	_, err = s.Update(func(p *profile.Profile) error {
		runs++
		if runs == 1 {
			// Before the lock: a change by another writer, so that fn runs
			// again, holding the lock.
			_, err := other.Update(func(p *profile.Profile) error { p.DefaultContext = "y"; return nil })
			return err
		}
		start = time.Now()
		go func() {
			_, err := waiter.Update(func(p *profile.Profile) error {
				return p.SetEnvironment(profile.Environment{Name: "Waiter", AuthorityHost: "https://127.0.0.1:1/", ARMEndpoint: "https://127.0.0.1:1/", ARMAudience: "https://127.0.0.1:1/"})
			})
			waited = time.Since(start)
			done <- err
		}()
		// The holder keeps "writing" for three timeouts: each replacement
		// of profile.json (as a writer's rename does) shows progress. A
		// write every 100 ms leaves a loaded machine ample slack.
		for i := range int(3 * timeout / (100 * time.Millisecond)) {
			time.Sleep(100 * time.Millisecond)
			data, err := os.ReadFile(s.Path())
			if err != nil {
				return err
			}
			tmp := filepath.Join(filepath.Dir(s.Path()), fmt.Sprintf("busy-%d", i))
			if err := os.WriteFile(tmp, data, 0o600); err != nil {
				return err
			}
			if err := os.Rename(tmp, s.Path()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if runs != 2 {
		t.Fatalf("the holder's fn ran %d times, want twice (before the lock and holding it)", runs)
	}
	if err := <-done; err != nil {
		t.Fatalf("a waiter behind busy writers failed: %v", err)
	}
	if waited < 3*timeout {
		t.Fatalf("the waiter got the lock after %v, while it was held for %v", waited, 3*timeout)
	}
}

// TestSettingsReadsWhatLoadReads checks Settings against Load on profiles
// whose header fits the first bytes Settings reads and on one whose
// accounts push the contexts far beyond them, and that it calls a corrupt
// profile corrupt.
func TestSettingsReadsWhatLoadReads(t *testing.T) {
	t.Parallel()
	for _, accounts := range []int{1, 400} {
		s := openStore(t)
		off := false
		_, err := s.Update(func(p *profile.Profile) error {
			p.Settings.Autosave = &off
			for i := range accounts {
				p.UpsertAccount(profile.Account{ID: fmt.Sprintf("user%04d@contoso.com", i), Type: "user", Environment: "AzureCloud", HomeTenantID: "tenant"})
			}
			for i := range 200 {
				if _, err := p.UpsertContext(testContext(fmt.Sprintf("sub-%03d", i), fmt.Sprintf("%08d-0000-0000-0000-000000000000", i)), profile.UpsertOptions{}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Settings()
		if err != nil || got.Autosave == nil || *got.Autosave {
			t.Errorf("%d accounts: Settings() = %+v, %v; want autosave false", accounts, got, err)
		}
		// the settings are the caller's: a change to them is not the
		// next read's
		*got.Autosave = true
		if again, err := s.Settings(); err != nil || again.Autosave == nil || *again.Autosave {
			t.Errorf("%d accounts: Settings() after a change to the last = %+v, %v; want autosave false", accounts, again, err)
		}
	}
	s := openStore(t)
	if err := os.MkdirAll(filepath.Dir(s.Path()), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.Path(), []byte(`{"version":1,"settings":{"autosave":tru`), 0o600); err != nil {
		t.Fatal(err)
	}
	var ce *profile.CorruptError
	if _, err := s.Settings(); !errors.As(err, &ce) {
		t.Errorf("Settings() of a corrupt profile: %v, want a *CorruptError", err)
	}
}

// TestSetDefaultAfterSettingsSeesAReplacedFile: `azc use` reads the
// settings (the scope) and then switches, sharing one skim of the file;
// when another process replaced the file in between, the switch reads the
// new one.
func TestSetDefaultAfterSettingsSeesAReplacedFile(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	if _, err := s.Update(func(p *profile.Profile) error {
		_, err := p.UpsertContext(testContext("a", "00000000-0000-0000-0000-000000000001"), profile.UpsertOptions{})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Settings(); err != nil {
		t.Fatal(err)
	}
	other, err := profile.Open(filepath.Dir(s.Path()), profile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Update(func(p *profile.Profile) error {
		_, err := p.UpsertContext(testContext("b", "00000000-0000-0000-0000-000000000002"), profile.UpsertOptions{})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	c, err := s.SetDefault("b")
	if err != nil || c.Name != "b" {
		t.Fatalf("SetDefault(b) after another process added it = %+v, %v", c, err)
	}
	p, err := s.Load()
	if err != nil || p.DefaultContext != "b" || len(p.Contexts) != 2 {
		t.Fatalf("Load() = %+v, %v; want both contexts, b the default", p, err)
	}
}

// TestAViewsProfileAndUpdatesShareNothing: the Store decodes the file a
// View's Profile and the next Update read once, yet what each hands out is
// its caller's: a change to one is seen by neither the other nor the file.
func TestAViewsProfileAndUpdatesShareNothing(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	if _, err := s.Update(func(p *profile.Profile) error {
		for _, sub := range []string{"a", "b", "c"} {
			c := testContext(sub, sub)
			c.Properties = map[string]string{"k": sub}
			if _, err := p.UpsertContext(c, profile.UpsertOptions{MakeDefault: true}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	scribble := func(p *profile.Profile, mark string) {
		p.Contexts[0].Properties["k"] = mark
		p.Contexts[1].Subscription.Name = mark
		p.Contexts[2].Name = mark
		p.Accounts = append(p.Accounts, profile.Account{ID: mark})
	}
	unscribbled := func(p *profile.Profile) error {
		if p.Contexts[0].Properties["k"] != want.Contexts[0].Properties["k"] ||
			p.Contexts[1].Subscription.Name != want.Contexts[1].Subscription.Name ||
			p.Contexts[2].Name != want.Contexts[2].Name || len(p.Accounts) != len(want.Accounts) {
			return fmt.Errorf("the profile holds another caller's change: %+v", p)
		}
		return nil
	}

	v, err := s.View()
	if err != nil {
		t.Fatal(err)
	}
	vp, err := v.Profile()
	if err != nil {
		t.Fatal(err)
	}
	scribble(vp, "view")
	got, err := s.Update(func(p *profile.Profile) error {
		if err := unscribbled(p); err != nil {
			return err
		}
		p.Contexts[0].Properties["other"] = "x"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	scribble(got, "update")
	if _, err := s.Update(func(p *profile.Profile) error {
		if err := unscribbled(p); err != nil {
			return err
		}
		delete(p.Contexts[0].Properties, "other")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// A View of the file as it is now, decoded twice in one Store.
	for range 2 {
		v, err := s.View()
		if err != nil {
			t.Fatal(err)
		}
		p, err := v.Profile()
		if err != nil {
			t.Fatal(err)
		}
		if err := unscribbled(p); err != nil {
			t.Fatal(err)
		}
		if p.Generation != want.Generation+2 || len(p.Contexts[0].Properties) != 1 {
			t.Errorf("generation %d, properties %v; want %d, one", p.Generation, p.Contexts[0].Properties, want.Generation+2)
		}
		scribble(p, "again")
	}
}

// TestEveryPathReadsAFileWithTwoByteOrderMarksAlike: a profile.json that
// begins with two UTF-8 byte order marks (a tool that writes a mark before
// text that already has one) is read alike by Load, View, SetDefault and
// Update, each taking off every mark: `context show` must not answer from
// a file that `use` refuses.
func TestEveryPathReadsAFileWithTwoByteOrderMarksAlike(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	bom := "\xef\xbb\xbf"
	text := bom + bom + `{"version":1,"defaultContext":"a","contexts":[{"name":"a","account":"k","tenant":{"id":"t"}},{"name":"b","account":"k","tenant":{"id":"u"}}]}`
	if err := os.WriteFile(s.Path(), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	_, lerr := s.Load()
	v, verr := s.View()
	if fmt.Sprint(lerr) != fmt.Sprint(verr) {
		t.Fatalf("Load: %v; View: %v", lerr, verr)
	}
	if verr == nil {
		if c, err := v.Find("b"); err != nil || c.Tenant.ID != "u" {
			t.Fatalf("View.Find(b) = %v, %v", c, err)
		}
	}
	_, serr := s.SetDefault("b")
	if fmt.Sprint(serr) != fmt.Sprint(lerr) {
		t.Fatalf("SetDefault(b): %v; Load: %v", serr, lerr)
	}
	_, uerr := s.Update(func(p *profile.Profile) error { _, err := p.SetDefault("a"); return err })
	if fmt.Sprint(uerr) != fmt.Sprint(lerr) {
		t.Fatalf("Update: %v; Load: %v", uerr, lerr)
	}
}

// TestTwoEnvironmentsOfOneNameAreADuplicate: a profile.json (edited by
// hand) with two custom environments whose names are the same under
// SameName, or one named as a built-in, is refused by every read as two
// contexts of one name are, with the path and the way out (for one named
// as a built-in, to change that one): read, a context naming "LAB" would
// get the endpoints of "lab", the first of the two.
func TestTwoEnvironmentsOfOneNameAreADuplicate(t *testing.T) {
	t.Parallel()
	env := func(name, host string) string {
		return `{"name":"` + name + `","authorityHost":"https://` + host + `/","armEndpoint":"https://` + host + `/","armAudience":"x"}`
	}
	for _, envs := range [][2]string{{"lab", "LAB"}, {"la\u212a", "lak"}, {"AzureU\u017fGovernment", "other"}} {
		t.Run(envs[0], func(t *testing.T) {
			t.Parallel()
			s := openStore(t)
			text := "{\n  \"version\": 1,\n  \"generation\": 1,\n  \"environments\": [\n    " + env(envs[0], "a.test") + ",\n    " + env(envs[1], "b.test") +
				"\n  ],\n  \"contexts\": [\n    {\"name\":\"c\",\"account\":\"lab|t|u\",\"environment\":\"" + envs[1] + "\",\"tenant\":{\"id\":\"t\"}}\n  ]\n}\n"
			if err := os.WriteFile(s.Path(), []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			check := func(what string, err error) {
				t.Helper()
				var ce *profile.CorruptError
				var dup *profile.DuplicateNameError
				if !errors.As(err, &ce) || ce.Path != s.Path() || !errors.As(err, &dup) ||
					!strings.Contains(err.Error(), "environment") || !strings.Contains(ce.Hint(), "environment") {
					t.Fatalf("%s: %v, want a *CorruptError naming %s of two environments of one name", what, err, s.Path())
				}
				// the one named as a built-in is the one to change: the
				// built-in one is on no line of the file
				if builtIn := envs[0] == "AzureU\u017fGovernment"; dup.BuiltIn != builtIn || builtIn && !strings.Contains(ce.Hint(), strconv.Quote(envs[0])) {
					t.Fatalf("%s: %v, hint %q: want the custom environment named as the one to change", what, err, ce.Hint())
				}
			}
			_, err := s.Load()
			check("Load", err)
			_, err = s.View()
			check("View", err)
			_, err = s.ViewKeeping("c")
			check("ViewKeeping", err)
			_, err = s.Settings()
			check("Settings", err)
			_, err = s.SetDefault("c")
			check("SetDefault", err)
			_, err = s.Update(func(*profile.Profile) error { return nil })
			check("Update", err)
		})
	}
}

// TestAnEnvironmentNameAzcCannotKeepIsRefused: a profile.json (edited by
// hand) with a custom environment whose name azc would not store (empty,
// white space around it: environment add trims and refuses them, import
// refuses them; "|", which would make two accounts' keys one) is refused
// by every read, as a context of
// such a name is, naming the environment, with the hint of what to edit:
// "lab " beside "lab" would list as two "lab" rows, and `environment
// remove "lab "` would remove "lab".
func TestAnEnvironmentNameAzcCannotKeepIsRefused(t *testing.T) {
	t.Parallel()
	env := func(name, host string) string {
		return `{"name":"` + name + `","authorityHost":"https://` + host + `/","armEndpoint":"https://` + host + `/","armAudience":"x"}`
	}
	for _, name := range []string{"lab ", " lab", "", "lab\\t", "lab|west"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := openStore(t)
			text := "{\n  \"version\": 1,\n  \"generation\": 1,\n  \"environments\": [\n    " + env("lab", "a.test") + ",\n    " + env(name, "b.test") +
				"\n  ],\n  \"contexts\": [\n    {\"name\":\"c\",\"account\":\"lab|t|u\",\"environment\":\"lab\",\"tenant\":{\"id\":\"t\"}}\n  ]\n}\n"
			if err := os.WriteFile(s.Path(), []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			check := func(what string, err error) {
				t.Helper()
				var ce *profile.CorruptError
				if !errors.As(err, &ce) || ce.Path != s.Path() || !errors.Is(err, profile.ErrInvalidName) || !strings.Contains(err.Error(), "environment") {
					t.Fatalf("%s: %v, want a *CorruptError naming %s of an invalid environment name", what, err, s.Path())
				}
				// the way out names what to edit: the name is also in
				// the contexts and the account keys of that cloud
				if h := ce.Hint(); !strings.Contains(h, "rename the environment") || !strings.Contains(h, "account keys") {
					t.Fatalf("%s: hint %q, want what to edit", what, h)
				}
			}
			_, err := s.Load()
			check("Load", err)
			_, err = s.View()
			check("View", err)
			_, err = s.ViewKeeping("c")
			check("ViewKeeping", err)
			_, err = s.Settings()
			check("Settings", err)
			_, err = s.SetDefault("c")
			check("SetDefault", err)
			_, err = s.Update(func(*profile.Profile) error { return nil })
			check("Update", err)
			if _, err := profile.Decode([]byte(text)); !errors.Is(err, profile.ErrInvalidName) {
				t.Fatalf("Decode: %v, want ErrInvalidName", err)
			}
		})
	}
}

// stateDir is a state directory azc has written to: a first write makes
// it (Open does not).
func stateDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "azc")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestReadsCreateNothingAndTheFirstWriteMakesTheDirectory: a state
// directory that does not exist reads as an empty profile, and opening,
// reading, checking the lock and listing the temporary files create
// nothing; the first write makes it, 0700.
func TestReadsCreateNothingAndTheFirstWriteMakesTheDirectory(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "a", "azc")
	s, err := profile.Open(dir, profile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p, err := s.Load(); err != nil || len(p.Contexts) != 0 {
		t.Fatalf("Load = %v, %v; want an empty profile", p, err)
	}
	if _, err := s.View(); err != nil {
		t.Fatalf("View: %v", err)
	}
	if free, err := s.LockFree(); err != nil || !free {
		t.Fatalf("LockFree = %v, %v; want free", free, err)
	}
	_ = profile.CheckFiles(dir)
	if _, err := os.Lstat(filepath.Dir(dir)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("after the reads, %s: %v; want nothing made", filepath.Dir(dir), err)
	}
	if _, err := s.Update(func(p *profile.Profile) error {
		p.Contexts = append(p.Contexts, profile.Context{Name: "Dev", Account: "a@example.com", Tenant: profile.Tenant{ID: "t"}})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("after the first write, %s: %v, %v; want a directory, 0700", dir, fi, err)
	}
}

// TestADirectoryMadeAfterOpenIsCheckedByTheFirstWrite: a state directory
// missing when the Store was opened, and put in place by someone else
// before its first write (a symbolic link elsewhere, one others can
// write), is checked by that write as Open checks one it finds: the write
// went through the link into the unchecked directory.
func TestADirectoryMadeAfterOpenIsCheckedByTheFirstWrite(t *testing.T) {
	t.Parallel()
	for name, plant := range map[string]func(t *testing.T, dir string){
		"a symbolic link": func(t *testing.T, dir string) {
			elsewhere := filepath.Join(t.TempDir(), "elsewhere")
			if err := os.Mkdir(elsewhere, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(elsewhere, dir); err != nil {
				t.Fatal(err)
			}
		},
		"a directory others can write": func(t *testing.T, dir string) {
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, 0o777); err != nil {
				t.Fatal(err)
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "azc")
			s, err := profile.Open(dir, profile.Options{})
			if err != nil {
				t.Fatal(err)
			}
			plant(t, dir)
			_, err = s.Update(func(p *profile.Profile) error {
				p.Contexts = append(p.Contexts, profile.Context{Name: "Dev", Account: "a@example.com", Tenant: profile.Tenant{ID: "t"}})
				return nil
			})
			var ue *profile.UnsafePathError
			var ide *profile.InsecureDirError
			if !errors.As(err, &ue) && !errors.As(err, &ide) {
				t.Fatalf("the first write into %s: %v; want the state directory refused", name, err)
			}
			if _, err := os.Lstat(filepath.Join(dir, profile.FileName)); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("the refused write left %s: %v", profile.FileName, err)
			}
		})
	}
}

// TestAFailedOrIdleChangeOfANewInstallMakesNothing: on a new install (no
// state directory), a change that fails (a context that is not there, no
// previous context) or that leaves the profile empty (signing out or
// clearing with nothing there) makes neither the directory nor anything in
// it, as a read makes nothing; nor, in a state directory that holds no
// profile.json yet, the profile or its lock.
func TestAFailedOrIdleChangeOfANewInstallMakesNothing(t *testing.T) {
	t.Parallel()
	for name, change := range map[string]func(s *profile.Store) error{
		"an update that fails": func(s *profile.Store) error {
			_, err := s.Update(func(p *profile.Profile) error {
				_, err := p.SetDefault("Dev")
				return err
			})
			return err
		},
		"a switch to a context that is not there": func(s *profile.Store) error {
			_, err := s.SetDefault("Dev")
			return err
		},
		"a switch back with no previous context": func(s *profile.Store) error {
			_, err := s.SetDefault("-")
			return err
		},
		"an update that changes nothing": func(s *profile.Store) error {
			_, err := s.Update(func(p *profile.Profile) error {
				p.Contexts = nil
				return nil
			})
			if err != nil {
				return err
			}
			return errors.New("no error")
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "azc")
			s, err := profile.Open(dir, profile.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := change(s); err == nil {
				t.Fatal("the change succeeded")
			}
			if _, err := os.Lstat(dir); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("after the change, %s: %v; want nothing made", dir, err)
			}
		})
		t.Run(name+" in a directory without a profile", func(t *testing.T) {
			t.Parallel()
			s := openStore(t)
			if err := change(s); err == nil {
				t.Fatal("the change succeeded")
			}
			if names, err := os.ReadDir(filepath.Dir(s.Path())); err != nil || len(names) != 0 {
				t.Errorf("after the change, the state directory holds %v (%v); want nothing made", names, err)
			}
		})
	}
}
