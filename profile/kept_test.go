package profile

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// change is a change a command makes to a profile, picked at random but
// made the same way on every run of an Update's fn.
type change struct {
	kind, i   int
	name, val string
}

var errRefused = errors.New("refused")

func randomChange(r *rand.Rand) change {
	return change{kind: r.IntN(10), i: r.IntN(1 << 20), name: fmt.Sprintf("Renamed %d", r.IntN(6)), val: strconv.Itoa(r.IntN(4))}
}

// apply makes c in p, in place where a command would (the maps, pointers
// and slices of the contexts and accounts p holds).
func (c change) apply(p *Profile) error {
	var ctx *Context
	if n := len(p.Contexts); n > 0 {
		ctx = &p.Contexts[c.i%n]
	}
	switch c.kind {
	case 0: // a sign-in: an account and a context, new or of an identity p holds
		a := p.UpsertAccount(Account{ID: fmt.Sprintf("user%d@contoso.com", c.i%4), Type: UserAccount, HomeTenantID: "t" + c.val, Tenants: []string{"t" + c.val}})
		name := ""
		if c.i%3 == 0 {
			name = c.name
		}
		_, err := p.UpsertContext(Context{
			Name: name, Account: a.Key(), Tenant: Tenant{ID: "t" + c.val},
			Subscription: &Subscription{ID: strconv.Itoa(c.i % 7), Name: c.name, TenantID: "t" + c.val},
			Properties:   map[string]string{"k": c.val},
		}, UpsertOptions{MakeDefault: c.i%2 == 0, Force: c.i%5 == 0})
		return err
	case 1:
		if ctx != nil {
			_, err := p.RenameContext(ctx.Name, c.name, c.i%2 == 0)
			return err
		}
	case 2:
		if ctx != nil {
			_, err := p.RemoveContext(ctx.Name)
			return err
		}
	case 3:
		if ctx != nil {
			ref := ctx.Name
			if c.i%4 == 0 {
				ref = "-"
			}
			_, err := p.SetDefault(ref)
			return err
		}
	case 4:
		return p.SetEnvironment(Environment{Name: "Stack" + c.val, AuthorityHost: "https://login.example/", ARMEndpoint: "https://arm.example/" + c.name})
	case 5:
		if ctx != nil {
			if ctx.Properties == nil {
				ctx.Properties = map[string]string{}
			}
			ctx.Properties["k"+c.val] = c.name
			if ctx.Subscription != nil {
				ctx.Subscription.Name += c.val
			}
		}
	case 6:
		if p.Settings.Autosave == nil {
			on := c.i%2 == 0
			p.Settings.Autosave = &on
		} else {
			*p.Settings.Autosave = !*p.Settings.Autosave
		}
	case 7:
		if n := len(p.Accounts); n > 0 {
			a := &p.Accounts[c.i%n]
			if len(a.Tenants) > 0 {
				a.Tenants[0] += c.val
			}
			a.Tenants = append(a.Tenants, "t"+c.val)
		}
	case 8:
		return errRefused
	}
	return nil
}

// TestTheKeptDecodingChangesNoWrite: a Store used as the commands and Go
// programs use one (views whose profiles their callers change, loads,
// settings, updates whose fn changes the profile in place, switches),
// while another writer replaces the file, also between an Update's first
// read and its lock, and a program rewrites it in place with the same
// size and time, writes byte for byte what Decode, the change and Encode
// make of the file under the lock; and the decoding the Store keeps is
// always its text's, whatever its callers do with what they got.
func TestTheKeptDecodingChangesNoWrite(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	start := benchProfile(12)
	start.Contexts[0].Properties = map[string]string{"k": "v"}
	start.Accounts[0].Tenants = []string{"t0", "t9"}
	s := storeWith(t, mustEncode(start))
	other, err := Open(filepath.Dir(s.Path()), Options{}) // another process's
	if err != nil {
		t.Fatal(err)
	}
	file := func() string {
		b, err := os.ReadFile(s.Path())
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	decoded := func() *Profile {
		p, err := Decode([]byte(file()))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	mark := func(p *Profile) { scribble(reflect.ValueOf(p).Elem()) }
	// replace has another writer replace the file.
	replace := func() {
		if r.IntN(4) == 0 {
			data := append([]byte("\xef\xbb\xbf"), strings.TrimPrefix(file(), "\xef\xbb\xbf")...)
			if err := os.WriteFile(s.Path()+".new", data, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(s.Path()+".new", s.Path()); err != nil {
				t.Fatal(err)
			}
			return
		}
		if _, err := other.Update(randomChange(r).apply); err != nil && !errors.Is(err, errRefused) &&
			!errors.Is(err, ErrNameTaken) && !errors.Is(err, ErrNoPrevious) {
			t.Fatal(err)
		}
	}
	// rewriteInPlace changes the file where it is, keeping its size and
	// modification time: the Store cannot tell it from the file it read.
	rewriteInPlace := func() {
		fi, err := os.Stat(s.Path())
		if err != nil {
			t.Fatal(err)
		}
		text := file()
		i := strings.Index(text, `"generation": `) + len(`"generation": `)
		i += strings.IndexByte(text[i:], ',') - 1 // the last digit
		text = text[:i] + strconv.Itoa(int(text[i]-'0'+5)%10) + text[i+1:]
		text = strings.Replace(text, `"Enabled"`, `"Warned!"`, 1)
		if err := os.WriteFile(s.Path(), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(s.Path(), fi.ModTime(), fi.ModTime()); err != nil {
			t.Fatal(err)
		}
	}

	// recent are the last decodings the Store kept: one a command's
	// goroutine took may be cloned by another for a while after the
	// Store dropped it.
	var recent []keptDecoding
	var views []pendingView
	fromKept, replacedEarly := 0, 0
	for step := range 250 {
		switch r.IntN(8) {
		case 0:
			// Views' profiles, decoded now or some steps later (as by a
			// goroutine that had the View when the file was replaced), in
			// any order.
			v, err := s.View()
			if err != nil {
				t.Fatal(err)
			}
			views = append(views, pendingView{v, decoded()})
			r.Shuffle(len(views), func(i, j int) { views[i], views[j] = views[j], views[i] })
			for len(views) > 0 && r.IntN(3) > 0 {
				pv := views[len(views)-1]
				views = views[:len(views)-1]
				p, err := pv.v.Profile()
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(pv.want, p); diff != "" {
					t.Fatalf("step %d: a View's profile (-file +view):\n%s", step, diff)
				}
				mark(p)
			}
		case 1:
			p, err := s.Load()
			if err != nil {
				t.Fatal(err)
			}
			mark(p)
			set, err := s.Settings()
			if err != nil {
				t.Fatal(err)
			}
			mark(&Profile{Settings: set})
		case 2:
			replace()
		case 3:
			want := decoded()
			ref := "-"
			if n := len(want.Contexts); n > 0 && r.IntN(3) > 0 {
				ref = want.Contexts[r.IntN(n)].Name
			}
			old := file()
			c, werr := want.SetDefault(ref)
			got, gerr := s.SetDefault(ref)
			if (werr == nil) != (gerr == nil) || werr == nil && c.Name != got.Name {
				t.Fatalf("step %d: SetDefault(%q) = %v, %v; want %v, %v", step, ref, got.Name, gerr, c.Name, werr)
			}
			checkWrote(t, step, old, want, werr, file())
		default:
			ch := randomChange(r)
			if r.IntN(5) == 0 {
				rewriteInPlace()
			}
			if r.IntN(2) == 0 {
				// a View's profile first, as `azc context set` reads
				v, err := s.View()
				if err != nil {
					t.Fatal(err)
				}
				p, err := v.Profile()
				if err != nil {
					t.Fatal(err)
				}
				mark(p)
			}
			s.mu.Lock()
			if s.lastFull != nil {
				fromKept++
				recent = append(recent, keptDecoding{s.lastFull, s.lastText})
			}
			s.mu.Unlock()
			under := file()
			if r.IntN(3) == 0 {
				replacedEarly++
				s.testOnlyEarlyRead = func() {
					s.testOnlyEarlyRead = nil
					replace()
					under = file()
				}
			}
			got, gerr := s.Update(ch.apply)
			want, err := Decode([]byte(under))
			if err != nil {
				t.Fatal(err)
			}
			werr := ch.apply(want)
			if (werr == nil) != (gerr == nil) {
				t.Fatalf("step %d: Update's error %v; want %v", step, gerr, werr)
			}
			checkWrote(t, step, under, want, werr, file())
			if gerr == nil {
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("step %d: Update's profile (-want +got):\n%s", step, diff)
				}
				mark(got)
			}
		}
		s.mu.Lock()
		if s.lastFull != nil && (len(recent) == 0 || recent[len(recent)-1].p != s.lastFull) {
			recent = append(recent, keptDecoding{s.lastFull, s.lastText})
		}
		s.mu.Unlock()
		recent = recent[max(0, len(recent)-4):]
		for _, k := range recent {
			checkKept(t, step, k)
		}
	}
	if fromKept < 30 || replacedEarly < 20 {
		t.Errorf("of 250 steps, %d Updates started from a kept decoding, %d found the file replaced before the lock", fromKept, replacedEarly)
	}
}

// checkWrote checks that the file is now what Update writes over old when
// the change made of it want (its error werr): old when werr is not nil
// or nothing changed but the generation, else want encoded.
func checkWrote(t *testing.T, step int, old string, want *Profile, werr error, now string) {
	t.Helper()
	wantText := old
	if werr == nil {
		c, err := encodeChange(want, "", old)
		if err != nil {
			t.Fatal(err)
		}
		if c != nil {
			wantText = string(c.head) + c.raw + c.tail
		}
	}
	if now != wantText {
		t.Fatalf("step %d: the file is\n%s\nwant\n%s", step, now, wantText)
	}
}

// pendingView is a View whose profile is yet to be decoded, and the
// profile of the file it views.
type pendingView struct {
	v    *View
	want *Profile
}

// keptDecoding is a decoding the Store kept and the text it decoded.
type keptDecoding struct {
	p    *Profile
	text string
}

// checkKept checks that k is still its text's decoding.
func checkKept(t *testing.T, step int, k keptDecoding) {
	t.Helper()
	want, err := Decode([]byte(k.text))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, k.p); diff != "" {
		t.Fatalf("step %d: a kept decoding is not its text's (-text +kept):\n%s", step, diff)
	}
}

// TestAWriteLeavesTheStoreNothingOfTheFileItReplaced: after a write, the
// Store holds neither the text nor the decoding of the file it replaced,
// which no later read can use (the write made profile.json a new file), so
// that a Go program that keeps its Store does not keep them (10,000
// contexts: 9 MB).
func TestAWriteLeavesTheStoreNothingOfTheFileItReplaced(t *testing.T) {
	t.Parallel()
	for _, write := range []struct {
		name string
		do   func(*Store) error
	}{
		{"an Update", func(s *Store) error {
			_, err := s.Update(func(p *Profile) error { p.Contexts[0].StorageAccount = "x"; return nil })
			return err
		}},
		{"a switch by name", func(s *Store) error {
			_, err := s.SetDefault("Contoso Workload 0000")
			return err
		}},
		{"a switch by subscription", func(s *Store) error {
			_, err := s.SetDefault("00000000-0000")
			return err
		}},
	} {
		t.Run(write.name, func(t *testing.T) {
			t.Parallel()
			s := storeWith(t, mustEncode(benchProfile(3)))
			v, err := s.View()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := v.Profile(); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Settings(); err != nil {
				t.Fatal(err)
			}
			before, err := os.ReadFile(s.Path())
			if err != nil {
				t.Fatal(err)
			}
			if err := write.do(s); err != nil {
				t.Fatal(err)
			}
			if after, err := os.ReadFile(s.Path()); err != nil || string(after) == string(before) {
				t.Fatalf("nothing written (%v)", err)
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.lastText != "" || s.lastFull != nil || s.lastView != nil {
				t.Errorf("the Store keeps the replaced file: text %d bytes, decoding %t, view %t", len(s.lastText), s.lastFull != nil, s.lastView != nil)
			}
		})
	}
}

// TestASecondRunWritesWhatItMade: fn that runs again under the lock (another
// writer replaced the file before it) may give a context a map or a
// subscription of the caller's that it fills afresh on every run; the file
// is what the second run made, not what the first run encoded.
func TestASecondRunWritesWhatItMade(t *testing.T) {
	t.Parallel()
	s := storeWith(t, mustEncode(benchProfile(3)))
	other, err := Open(filepath.Dir(s.Path()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.testOnlyEarlyRead = func() {
		s.testOnlyEarlyRead = nil
		if _, err := other.Update(func(p *Profile) error {
			_, err := p.UpsertContext(Context{Name: "added", Account: "a", Tenant: Tenant{ID: "t"}}, UpsertOptions{})
			return err
		}); err != nil {
			t.Error(err)
		}
	}
	props, sub := map[string]string{}, &Subscription{ID: "s", TenantID: "t"}
	runs := 0
	got, err := s.Update(func(p *Profile) error {
		runs++
		props["contexts"] = strconv.Itoa(len(p.Contexts))
		sub.Name = strconv.Itoa(len(p.Contexts))
		p.Contexts[0].Properties, p.Contexts[0].Subscription = props, sub
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if runs != 2 {
		t.Fatalf("fn ran %d times, want 2 (the file was replaced before the lock)", runs)
	}
	data, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	written, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, written); diff != "" {
		t.Errorf("the file is not what the second run made (-made +file):\n%s", diff)
	}
}

// TestLoadKeepsItsDecodingForTheUpdate: a Load keeps the decoding of the
// file it read, which the Update that follows takes instead of decoding
// the file again; what the caller does with the loaded profile changes
// neither.
func TestLoadKeepsItsDecodingForTheUpdate(t *testing.T) {
	t.Parallel()
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update(func(p *Profile) error {
		_, err := p.UpsertContext(Context{Name: "a", Account: "k", Tenant: Tenant{ID: "t"}, Properties: map[string]string{"x": "1"}}, UpsertOptions{})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	loaded, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	kept := s.lastFull
	s.mu.Unlock()
	if kept == nil {
		t.Fatal("Load kept no decoding")
	}
	loaded.Contexts[0].Properties["x"] = "changed by the caller"
	loaded.Contexts[0].Name = "renamed by the caller"
	var seen *Context
	if _, err := s.Update(func(p *Profile) error {
		c := p.Contexts[0]
		seen = &c
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if seen.Name != "a" || seen.Properties["x"] != "1" {
		t.Errorf("the Update saw %+v, want the file's context", *seen)
	}
	s.mu.Lock()
	same := s.lastFull == kept
	s.mu.Unlock()
	if !same {
		t.Error("the Update decoded the file again instead of taking Load's decoding")
	}
}
