package profile

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzStoreDecodes holds every way a Store decodes profile.json whole to
// Decode, nil and empty apart: Load, a View's Profile (of a fresh Store,
// and of one whose kept decoding it shares), ViewKeeping's Profile, and
// the profile an Update's fn gets, from its first read and from its read
// under the lock of a file another writer made after it (over an earlier
// file in Encode's layout, over one outside it, and over none); and each
// fails when Decode does, with Decode's error.
func FuzzStoreDecodes(f *testing.F) {
	viewSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, _ string) {
		want, werr := Decode(data)
		check := func(what string, got *Profile, gerr error) {
			t.Helper()
			var ce *CorruptError
			if werr != nil {
				if !errors.As(gerr, &ce) || ce.Err.Error() != werr.Error() {
					t.Fatalf("%s: error %v, want a CorruptError of Decode's %v", what, gerr, werr)
				}
				return
			}
			if gerr != nil {
				t.Fatalf("%s: %v", what, gerr)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("%s differs (-Decode +Store):\n%s", what, diff)
			}
		}
		viewProfile := func(s *Store) (*Profile, error) {
			v, err := s.View()
			if err != nil {
				return nil, err
			}
			return v.Profile()
		}
		// the profile fn gets on its last run, which refuses the change
		firstRun := func(s *Store) (*Profile, error) {
			var got *Profile
			_, err := s.Update(func(p *Profile) error {
				got = p.Clone()
				return errRefused
			})
			if errors.Is(err, errRefused) {
				err = nil
			}
			return got, err
		}

		s := storeWith(t, data)
		p, err := viewProfile(s)
		check("a fresh Store's View's Profile", p, err)
		s = storeWith(t, data)
		p, err = s.Load()
		check("Load", p, err)
		p, err = viewProfile(s) // the kept decoding's
		check("a View's Profile after Load", p, err)
		p, err = firstRun(s)
		check("an Update's first read", p, err)
		s = storeWith(t, data)
		if v, err := s.ViewKeeping(""); err != nil {
			check("ViewKeeping", nil, err)
		} else {
			p, err = v.Profile()
			check("ViewKeeping's Profile", p, err)
		}

		for _, early := range []string{string(mustEncode(benchProfile(3))), `{"version":1}`, ""} {
			s := storeWith(t, []byte(early))
			if early == "" {
				if err := os.Remove(s.Path()); err != nil {
					t.Fatal(err)
				}
			}
			s.testOnlyEarlyRead = func() {
				s.testOnlyEarlyRead = nil
				if err := os.WriteFile(s.Path()+".new", data, 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Rename(s.Path()+".new", s.Path()); err != nil {
					t.Fatal(err)
				}
			}
			p, err := firstRun(s)
			check(fmt.Sprintf("an Update's read under the lock after %.20q", early), p, err)
		}
	})
}
