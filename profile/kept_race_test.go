package profile

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestOneStoreSharedByGoroutinesKeepsItsDecoding: goroutines sharing one
// Store read (views and their profiles, loads, settings, ViewKeeping),
// switch and update it, changing in place every profile they get, while
// another process's Store replaces the file: every write keeps every
// other (each writer's contexts are all there in the end), every View's
// profile is its text's, and every decoding the Store kept stays its
// text's.
func TestOneStoreSharedByGoroutinesKeepsItsDecoding(t *testing.T) {
	if testing.Short() {
		t.Skip("stress test")
	}
	t.Parallel()
	s := storeWith(t, mustEncode(benchProfile(100)))
	other, err := Open(filepath.Dir(s.Path()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	const writers, writes = 3, 10
	mark := func(p *Profile) { scribble(reflect.ValueOf(p).Elem()) }
	var readers sync.WaitGroup
	errs := make(chan error, 100)
	fail := func(err error) {
		select {
		case errs <- err:
		default:
		}
	}
	done := make(chan struct{})
	var keptMu sync.Mutex
	kept := map[*Profile]string{}
	for g := range 4 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			r := rand.New(rand.NewPCG(uint64(g), 7))
			for {
				select {
				case <-done:
					return
				default:
				}
				switch r.IntN(6) {
				case 0, 1:
					v, err := s.View()
					if err != nil {
						fail(err)
						return
					}
					p, err := v.Profile()
					if err != nil {
						fail(err)
						return
					}
					if v.text != "" {
						want, err := Decode([]byte(v.text))
						if err != nil {
							fail(err)
							return
						}
						if diff := cmp.Diff(want, p); diff != "" {
							fail(fmt.Errorf("a View's profile is not its text's:\n%s", diff))
							return
						}
					}
					mark(p)
				case 2:
					p, err := s.Load()
					if err != nil {
						fail(err)
						return
					}
					mark(p)
				case 3:
					set, err := s.Settings()
					if err != nil {
						fail(err)
						return
					}
					mark(&Profile{Settings: set})
				case 4:
					v, err := s.ViewKeeping("")
					if err != nil {
						fail(err)
						return
					}
					if p, err := v.Profile(); err == nil {
						mark(p)
					}
				case 5:
					s.mu.Lock()
					if s.lastFull != nil {
						keptMu.Lock()
						kept[s.lastFull] = s.lastText
						keptMu.Unlock()
					}
					s.mu.Unlock()
				}
			}
		}()
	}
	var writing sync.WaitGroup
	for g := range writers {
		writing.Add(1)
		go func() {
			defer writing.Done()
			r := rand.New(rand.NewPCG(uint64(g), 9))
			for k := range writes {
				name := fmt.Sprintf("writer %d %d", g, k)
				var err error
				switch {
				case g == 0 && k%3 == 0:
					// another process
					_, err = other.Update(func(p *Profile) error {
						_, err := p.UpsertContext(Context{Name: name, Account: "a", Tenant: Tenant{ID: name}}, UpsertOptions{})
						return err
					})
				case k%4 == 1:
					_, err = s.SetDefault(fmt.Sprintf("Contoso Workload %04d", r.IntN(100)))
				default:
					var got *Profile
					got, err = s.Update(func(p *Profile) error {
						for i := range p.Contexts {
							c := &p.Contexts[i]
							if c.Properties == nil {
								c.Properties = map[string]string{}
							}
							c.Properties["by"] = name
							if c.Subscription != nil {
								c.Subscription.Name += "!"
							}
						}
						_, err := p.UpsertContext(Context{Name: name, Account: "a", Tenant: Tenant{ID: name}}, UpsertOptions{MakeDefault: true})
						return err
					})
					if err == nil {
						mark(got)
					}
				}
				if err != nil {
					fail(err)
					return
				}
			}
		}()
	}
	writing.Wait()
	close(done)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	p, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	for g := range writers {
		for k := range writes {
			byOther, switches := g == 0 && k%3 == 0, k%4 == 1
			if name := fmt.Sprintf("writer %d %d", g, k); (byOther || !switches) && p.Context(name) == nil {
				t.Errorf("the write of %q was lost", name)
			}
		}
	}
	for k, text := range kept {
		want, err := Decode([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		if !cmp.Equal(want, k) {
			t.Error("a decoding the Store kept is not its text's")
		}
	}
}
