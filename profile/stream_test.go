package profile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// storeWith is a Store whose profile.json holds data.
func storeWith(t *testing.T, data []byte) *Store {
	t.Helper()
	dir := stateDir(t)
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.Path(), data, 0o600); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestViewKeepingStreamsWhatEncodeWrites: a file in Encode's layout is
// streamed, keeping the names and the contexts asked for; every other
// file, and a reference that is no exact name, is read whole; both give
// View's answers.
func TestViewKeepingStreamsWhatEncodeWrites(t *testing.T) {
	t.Parallel()
	p := benchProfile(200)
	encoded := mustEncode(p)
	oneLine := []byte(strings.ReplaceAll(strings.ReplaceAll(string(encoded), "\n", ""), "  ", ""))
	for _, tc := range []struct {
		name     string
		data     []byte
		ref      string
		streamed bool
	}{
		{"encoded, default", encoded, "", true},
		{"encoded, a name in another case", encoded, "CONTOSO WORKLOAD 0007", true},
		{"encoded, a subscription id", encoded, "00000007-0000", false},
		{"encoded, no such context", encoded, "nothing", false},
		{"one line", oneLine, "", false},
		{"a byte order mark", append([]byte("\xef\xbb\xbf"), encoded...), "", false},
		{"a blank line at the end", append(encoded, '\n'), "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := storeWith(t, tc.data).ViewKeeping(tc.ref, "")
			if err != nil {
				t.Fatal(err)
			}
			if streamed := v.reread != nil; streamed != tc.streamed {
				t.Errorf("streamed = %v, want %v", streamed, tc.streamed)
			}
			if tc.streamed && len(v.text) >= len(tc.data)/5 {
				t.Errorf("the View keeps %d bytes of a %d-byte file", len(v.text), len(tc.data))
			}
			checkView(t, p, v, tc.ref)
		})
	}
}

// TestViewKeepingRefusesWhatViewRefuses: names the same under SameName (σ
// and ς), a bad name, a newer version and a truncated file give View's
// error, in Encode's layout too.
func TestViewKeepingRefusesWhatViewRefuses(t *testing.T) {
	t.Parallel()
	two := func(a, b string) []byte {
		return mustEncode(&Profile{Version: 1, DefaultContext: a, Contexts: []Context{{Name: a, Tenant: Tenant{ID: "t"}}, {Name: b, Tenant: Tenant{ID: "u"}}}})
	}
	newer := mustEncode(&Profile{Version: 1, Contexts: []Context{{Name: "a"}}})
	newer = []byte(strings.Replace(string(newer), `"version": 1`, `"version": 2`, 1))
	encoded := mustEncode(benchProfile(5))
	for name, data := range map[string][]byte{
		"σ and ς":   two("σ", "ς"),
		"Prod/prod": two("Prod", "prod"),
		"padded":    two("a", " b"),
		"newer":     newer,
		"truncated": encoded[:len(encoded)-3],
	} {
		t.Run(name, func(t *testing.T) {
			s := storeWith(t, data)
			_, want := s.View()
			_, got := s.ViewKeeping("")
			var ce *CorruptError
			if want == nil || !errors.As(got, &ce) || got.Error() != want.Error() {
				t.Fatalf("ViewKeeping error = %v, want View's %v", got, want)
			}
		})
	}
}

// TestViewKeepingRereadsOnlyTheSameFile: what the View did not keep is
// read again from the file it streamed, and not from one that replaced
// it since.
func TestViewKeepingRereadsOnlyTheSameFile(t *testing.T) {
	t.Parallel()
	p := benchProfile(5)
	s := storeWith(t, mustEncode(p))
	v, err := s.ViewKeeping("")
	if err != nil {
		t.Fatal(err)
	}
	c, err := v.Context(0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&p.Contexts[0], c); diff != "" {
		t.Fatalf("Context(0) differs (-want +got):\n%s", diff)
	}
	v, err = s.ViewKeeping("")
	if err != nil {
		t.Fatal(err)
	}
	p.Generation++
	if _, err := s.Update(func(p *Profile) error { p.Contexts = p.Contexts[1:]; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Context(0); err == nil || !strings.Contains(err.Error(), "was replaced") {
		t.Fatalf("Context(0) of a replaced file: error %v", err)
	}
	if c, err := v.Default(); err != nil || c.Name != p.DefaultContext {
		t.Fatalf("Default() = %v, %v: the kept context", c, err)
	}
}

// TestViewColumnsKeepsEveryContextsColumns: the View `azc context list`
// reads keeps every context's Columns as it streams the file: they answer
// once the file is replaced, where a View that did not keep them reads it
// again and fails.
func TestViewColumnsKeepsEveryContextsColumns(t *testing.T) {
	t.Parallel()
	p := benchProfile(50)
	s := storeWith(t, mustEncode(p))
	v, err := s.ViewColumns("")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update(func(p *Profile) error { p.Contexts = p.Contexts[1:]; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Context(1); err == nil || !strings.Contains(err.Error(), "was replaced") {
		t.Fatalf("Context(1) of a replaced file: error %v: the View kept what it should not", err)
	}
	checkColumns(t, p, v)
}

// TestViewColumnsKeepsSharedTextsOnce: the columns contexts share (an
// account's key, a tenant's ID and domain) are kept once, not once per
// context, and every context answers its own columns, past the number of
// texts kept once too (sharedMax), with empty and missing columns.
func TestViewColumnsKeepsSharedTextsOnce(t *testing.T) {
	t.Parallel()
	p := benchProfile(1000)
	for i := range sharedMax {
		// a tenant of its own each, two contexts in it
		for j := range 2 {
			c := p.Contexts[len(p.Contexts)-1-2*i-j]
			c.Tenant = Tenant{ID: fmt.Sprintf("tenant-%04d", i), DefaultDomain: fmt.Sprintf("t%d.example", i)}
			if i%7 == 0 {
				c.Tenant.DefaultDomain, c.Subscription = "", nil
			}
			p.Contexts[len(p.Contexts)-1-2*i-j] = c
		}
	}
	s := storeWith(t, mustEncode(p))
	v, err := s.ViewColumns("")
	if err != nil {
		t.Fatal(err)
	}
	checkColumns(t, p, v)
	each := 0 // the columns' text, kept once per context
	for _, c := range p.Contexts {
		each += len(c.Name) + len(c.Account) + len(c.Tenant.ID) + len(c.Tenant.DefaultDomain)
		if c.Subscription != nil {
			each += len(c.Subscription.ID) + len(c.Subscription.Name)
		}
	}
	if len(v.text) > each*2/3 {
		t.Errorf("the columns kept take %d bytes, kept once per context %d: the shared ones are kept again", len(v.text), each)
	}
}

// TestSetDefaultStreamsTheFile: `azc use NAME` (Settings, then SetDefault)
// on a file in Encode's layout never holds it whole.
func TestSetDefaultStreamsTheFile(t *testing.T) {
	t.Parallel()
	s := storeWith(t, mustEncode(benchProfile(200)))
	if _, err := s.Settings(); err != nil {
		t.Fatal(err)
	}
	c, err := s.SetDefault("contoso workload 0007")
	if err != nil || c.Name != "Contoso Workload 0007" {
		t.Fatalf("SetDefault = %+v, %v", c, err)
	}
	if s.lastText != "" || s.lastView != nil {
		t.Errorf("SetDefault read the file whole")
	}
	p, err := s.Load()
	if err != nil || p.DefaultContext != c.Name || len(p.Contexts) != 200 {
		t.Fatalf("Load() = default %q, %d contexts, %v", p.DefaultContext, len(p.Contexts), err)
	}
}

// TestStreamViewTakesAStaleSize: the size streamView is given is the open
// file's at its stat; a program that rewrites profile.json in place (an
// editor saving over it) can make the text read longer than that. A size
// smaller than the header read ends in the same answers, never a panic.
func TestStreamViewTakesAStaleSize(t *testing.T) {
	t.Parallel()
	p := benchProfile(20)
	for i := range 40 {
		p.Accounts = append(p.Accounts, Account{ID: fmt.Sprintf("guest%d@fabrikam.com", i), Type: UserAccount, Environment: "AzureCloud"})
	}
	data := mustEncode(p)
	for _, size := range []int64{0, 100, int64(len(data)) / 2} {
		v, err := streamView(bytes.NewReader(data), size, make([]byte, 32<<10), []string{""}, false, nil)
		if err != nil || v == nil {
			t.Fatalf("size %d: streamView = %v, %v; want the View of the file", size, v, err)
		}
		if c, err := v.Default(); err != nil || c.Name != p.DefaultContext {
			t.Errorf("size %d: Default = %+v, %v; want %s", size, c, err, p.DefaultContext)
		}
	}
}

// TestSetDefaultOverAFileChangedInPlace: `azc use` streams profile.json
// under the lock, then reads the chosen context's line again and copies
// the contexts array from the same open file. A program that rewrites the
// file in place meanwhile (an editor; no azc writer does) is reported with
// the path, never a panic ("a skimmed context does not skim again"), and
// nothing is written: neither another context made the default nor a
// file that mixes the two.
func TestSetDefaultOverAFileChangedInPlace(t *testing.T) {
	t.Parallel()
	p := benchProfile(20)
	edited := *p
	edited.PreviousContext = p.Contexts[7].Name // the contexts move down a line's worth
	for _, tc := range []struct {
		name string
		now  []byte
	}{
		{"the contexts moved", mustEncode(&edited)},
		{"the file cut short", mustEncode(p)[:200]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := storeWith(t, mustEncode(p))
			st, err := s.readStreamed()
			if err != nil || st == nil {
				t.Fatalf("readStreamed = %v, %v", st, err)
			}
			defer st.f.Close()
			i := st.view.NameIndex(p.Contexts[3].Name)
			f, err := os.OpenFile(s.Path(), os.O_WRONLY|os.O_TRUNC, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.Write(tc.now); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := s.switchStreamed(nil, st, i); err == nil || !strings.Contains(err.Error(), s.Path()+" was changed in place") {
				t.Fatalf("switchStreamed over a file changed in place = %v, want the path and what happened", err)
			}
			if got, err := os.ReadFile(s.Path()); err != nil || !bytes.Equal(got, tc.now) {
				t.Fatalf("profile.json after the refused switch: %v\n%s", err, got)
			}
		})
	}
}

// keptAfterView decodes s's profile through a View and returns the
// decoding the Store kept of it.
func keptAfterView(t *testing.T, s *Store) *Profile {
	t.Helper()
	v, err := s.View()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Profile(); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lastFull == nil {
		t.Fatal("the Store kept no decoding of the file its View decoded")
	}
	return s.lastFull
}

// TestUpdateStartsFromTheViewsDecoding: an Update after a View's Profile,
// of the same file, starts from the Store's copy of that decoding instead
// of decoding the file again (10,000 contexts: 75 ms), and a file replaced
// meanwhile is decoded afresh.
func TestUpdateStartsFromTheViewsDecoding(t *testing.T) {
	t.Parallel()
	s := storeWith(t, mustEncode(benchProfile(3)))
	kept := keptAfterView(t, s)
	// A mark only the Store's copy holds shows where Update started.
	kept.Contexts[0].StorageAccount = "kept-copy"
	var seen string
	if _, err := s.Update(func(p *Profile) error {
		seen = p.Contexts[0].StorageAccount
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if seen != "kept-copy" {
		t.Errorf("Update decoded the file again (saw %q)", seen)
	}

	replaced := benchProfile(3)
	replaced.Contexts[0].StorageAccount = "replaced"
	if err := os.WriteFile(s.Path()+".new", mustEncode(replaced), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(s.Path()+".new", s.Path()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update(func(p *Profile) error {
		seen = p.Contexts[0].StorageAccount
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if seen != "replaced" {
		t.Errorf("Update over a replaced file saw %q, want its own decoding", seen)
	}
}

// TestAnUpdateOverAReplacedFileLeavesTheKeptDecodingAlone: an Update that
// finds the file replaced under the lock reads it again and changes what
// it read; the Store's kept decoding of the first file, which another
// goroutine may be cloning, stays as it was.
func TestAnUpdateOverAReplacedFileLeavesTheKeptDecodingAlone(t *testing.T) {
	t.Parallel()
	first := mustEncode(benchProfile(4))
	s := storeWith(t, first)
	kept := keptAfterView(t, s)
	s.testOnlyEarlyRead = func() {
		s.testOnlyEarlyRead = nil
		other := benchProfile(4)
		other.Contexts[3].StorageAccount = "another writer's"
		if err := os.WriteFile(s.Path()+".new", mustEncode(other), 0o600); err != nil {
			t.Error(err)
		}
		if err := os.Rename(s.Path()+".new", s.Path()); err != nil {
			t.Error(err)
		}
	}
	runs := 0
	if _, err := s.Update(func(p *Profile) error {
		runs++
		for i := range p.Contexts {
			c := &p.Contexts[i]
			c.Subscription.Name = "changed"
			if c.Properties == nil {
				c.Properties = map[string]string{}
			}
			c.Properties["k"] = "v"
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if runs != 2 {
		t.Fatalf("fn ran %d times, want 2 (the file was replaced before the lock)", runs)
	}
	want, err := Decode(first)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, kept); diff != "" {
		t.Errorf("the kept decoding changed (-first file +kept):\n%s", diff)
	}
}

// TestSetDefaultDecodesBeforeTheLock: a reference that is not an exact
// name (a subscription id, a prefix) needs the whole profile decoded, and
// that happens before SetDefault takes the lock, not under it (at 10,000
// contexts, decoding under the lock would hold profile.lock over 100 ms),
// whether the reference resolves or not.
func TestSetDefaultDecodesBeforeTheLock(t *testing.T) {
	t.Parallel()
	p := benchProfile(4)
	s := storeWith(t, mustEncode(p))
	for _, ref := range []string{p.Contexts[1].Subscription.ID, "Contoso", "nothing of that name"} {
		decoded := false
		s.testOnlyEarlyRead = func() { // the last call is the one just before the lock
			s.mu.Lock()
			v := s.lastView
			s.mu.Unlock()
			decoded = v != nil && v.full != nil
		}
		_, err := s.SetDefault(ref)
		s.testOnlyEarlyRead = nil
		if ref == p.Contexts[1].Subscription.ID && err != nil {
			t.Fatal(err)
		}
		if !decoded {
			t.Errorf("SetDefault(%q): the profile was not decoded before the lock", ref)
		}
	}
}

// TestSetDefaultStreamedWritesWhatUpdateDecodes: `azc use NAME` streams a
// file in Encode's layout and, when the header begins as Encode writes
// it, writes the new default and generation before "settings" and the
// rest of the old header after them. A hand-edited header that repeats
// one of those members after "settings" (in any case: encoding/json
// matches keys ignoring case) is refused by both, as Decode refuses it,
// and left as it is; one that adds a member the header does not have, or
// holds such a name deeper (an unknown member's), is written so that it
// decodes as Update's file does.
func TestSetDefaultStreamedWritesWhatUpdateDecodes(t *testing.T) {
	t.Parallel()
	base := mustEncode(benchProfile(5))
	const settings = "\n  \"settings\": {},\n"
	for _, extra := range []string{
		`"defaultContext": "Contoso Workload 0002"`,
		`"DefaultContext": "Contoso Workload 0002"`,
		`"previousContext": ""`,
		`"PREVIOUSCONTEXT": "Contoso Workload 0004"`,
		`"generation": 0`,
		`"Generation": 0`,
		`"version": 1`,
		`"unknown": {"defaultContext": "x"}`,
	} {
		t.Run(extra, func(t *testing.T) {
			t.Parallel()
			old := bytes.Replace(base, []byte(settings), []byte(settings+"  "+extra+",\n"), 1)
			if bytes.Equal(old, base) {
				t.Fatal("no settings line to add after")
			}
			const ref = "Contoso Workload 0003"
			want, _, err := updateSetDefault(t, old, ref)
			key := strings.ToLower(extra[:strings.Index(extra, ":")])
			if strings.Contains(strings.ToLower(string(base)), "\n  "+key+":") {
				var dk *DuplicateKeyError
				if !errors.As(err, &dk) {
					t.Fatalf("Update: %v, want a *DuplicateKeyError", err)
				}
				s := storeWith(t, old)
				if _, err := s.SetDefault(ref); !errors.As(err, &dk) {
					t.Fatalf("SetDefault: %v, want a *DuplicateKeyError", err)
				}
				if data, err := os.ReadFile(s.Path()); err != nil || !bytes.Equal(data, old) {
					t.Fatalf("SetDefault changed the file it refused (%v)", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			s := storeWith(t, old)
			if c, err := s.SetDefault(ref); err != nil || c.Name != ref {
				t.Fatalf("SetDefault = %+v, %v", c, err)
			}
			got, err := s.Load()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(mustDecode(t, want), got); diff != "" {
				t.Fatalf("the file SetDefault wrote decodes differently (-Update +SetDefault):\n%s", diff)
			}
		})
	}
}

// TestSettingsSeesMembersAfterTheContexts: Settings reads the header of
// a file in Encode's layout without its contexts. A file whose header
// members are as Encode lays them out but that has a member after the
// contexts array (appended by jq, Python or PowerShell, which add a new
// key last) is not in that layout: its settings, there after the
// contexts, are what Decode gives: read from the header alone, Settings
// would say autosave is on where Decode says off, and `azc use` would
// switch the user's default where it refuses without a session. The same
// member in the header as well is refused by both.
func TestSettingsSeesMembersAfterTheContexts(t *testing.T) {
	t.Parallel()
	p := benchProfile(5)
	base := string(mustEncode(p))
	accounts := string(mustEncode(&Profile{Version: 1, Accounts: p.Accounts}))
	accounts = accounts[strings.Index(accounts, `  "accounts"`):strings.LastIndex(accounts, "\n}")]
	for name, tail := range map[string]string{
		"settings":                `  "settings": {"autosave": false}`,
		"Settings":                `  "Settings": {"autosave": false}`,
		"settings, then accounts": "  \"settings\": {\"autosave\": false},\n" + accounts,
		"settings on the ] line":  `"settings": {"autosave": false}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sep := ",\n"
			if !strings.HasPrefix(tail, " ") {
				sep = ", "
			}
			// The header's members that tail gives, taken out of it.
			head := strings.Replace(base, "\n  \"settings\": {},\n", "\n", 1)
			if strings.Contains(tail, `"accounts"`) {
				head = strings.Replace(head, accounts+",\n", "", 1)
			}
			text := strings.TrimSuffix(head, "\n}\n") + sep + tail + "\n}\n"
			want, err := Decode([]byte(text))
			if err != nil {
				t.Fatalf("Decode: %v\n%s", err, text)
			}
			s := storeWith(t, []byte(text))
			got, err := s.Settings()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want.Settings, got); diff != "" {
				t.Fatalf("Settings differ from Decode's (-Decode +Settings):\n%s", diff)
			}
			twice := strings.TrimSuffix(base, "\n}\n") + sep + tail + "\n}\n"
			var dk *DuplicateKeyError
			if _, err := Decode([]byte(twice)); !errors.As(err, &dk) {
				t.Fatalf("Decode of the header's settings and another after the contexts: %v, want a *DuplicateKeyError", err)
			}
			if _, err := storeWith(t, []byte(twice)).Settings(); !errors.As(err, &dk) {
				t.Fatalf("Settings of the header's settings and another after the contexts: %v, want a *DuplicateKeyError", err)
			}
		})
	}
}

// FuzzStreamedStore holds the Store's reads and writes that take part of
// a file in Encode's layout (Settings, the streamed SetDefault) to Decode:
// Settings gives Decode's settings, and SetDefault fails when Update
// would and otherwise writes a file that decodes as Update's does.
func FuzzStreamedStore(f *testing.F) {
	viewSeeds(f)
	base := string(mustEncode(benchProfile(3)))
	f.Add([]byte(strings.Replace(base, "\n  \"settings\": {},\n", "\n  \"settings\": {},\n  \"DefaultContext\": \"Contoso Workload 0000\",\n", 1)), "Contoso Workload 0002")
	f.Add([]byte(strings.TrimSuffix(base, "\n}\n")+",\n  \"settings\": {\"autosave\": false}\n}\n"), "Contoso Workload 0002")
	f.Fuzz(func(t *testing.T, data []byte, ref string) {
		p, err := Decode(data)
		inputs := [][]byte{data}
		if err == nil {
			inputs = append(inputs, mustEncode(p))
		}
		for k, old := range inputs {
			want, _, werr := updateSetDefault(t, old, ref)
			s := storeWith(t, old)
			set, serr := s.Settings()
			if pp, err := Decode(old); err == nil && (serr != nil || !cmp.Equal(set, pp.Settings)) {
				t.Fatalf("input %d: Settings = %+v, %v; Decode's %+v", k, set, serr, pp.Settings)
			}
			_, gerr := s.SetDefault(ref)
			if (werr == nil) != (gerr == nil) {
				t.Fatalf("input %d: SetDefault error %v, Update's %v", k, gerr, werr)
			}
			if werr != nil {
				continue
			}
			got, err := s.Load()
			if err != nil {
				t.Fatalf("input %d: Load after SetDefault: %v", k, err)
			}
			wp := mustDecode(t, old)
			if want != nil {
				wp = mustDecode(t, want)
			}
			// SetDefault copies the contexts as they are, an empty
			// properties object too, which Update's encoding drops. A
			// switch to the context that is already the default writes
			// nothing, where Update rewrites a file not in Encode's
			// own spelling (members it drops): the same profile but
			// for the generation.
			opts := []cmp.Option{emptyProperties}
			if now, err := os.ReadFile(s.Path()); err == nil && bytes.Equal(now, old) {
				opts = append(opts, cmpopts.IgnoreFields(Profile{}, "Generation"))
			}
			if diff := cmp.Diff(wp, got, opts...); diff != "" {
				t.Fatalf("input %d: SetDefault's file decodes differently (-Update +SetDefault):\n%s", k, diff)
			}
		}
	})
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
