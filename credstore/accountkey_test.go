package credstore

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/azcontext/azc/profile"
)

// TestKeysTheSameUnderTheNameRuleNameOneBlob: a blob is named by the
// profile.NameKey of its key, so a key spelt by strings.ToLower
// (lower case, ſ kept) reads the blob written under the account's key, and
// takes the same lock; keys the rule tells apart (İ and i) are two blobs.
func TestKeysTheSameUnderTheNameRuleNameOneBlob(t *testing.T) {
	t.Parallel()
	s := openFixed(t, t.TempDir(), randomKey(t))
	if err := s.Put("azurecloud|t1|sam@x", []byte("sam")); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"azurecloud|t1|\u017fam@x", "AzureCloud|T1|SAM@X"} {
		if got, err := s.Get(k); err != nil || string(got) != "sam" {
			t.Errorf("Get(%+q) = %q, %v; want the blob of sam@x", k, got, err)
		}
		if s.LockPath(k) != s.LockPath("azurecloud|t1|sam@x") {
			t.Errorf("%+q has another lock than sam@x's", k)
		}
	}
	if err := s.Put("azurecloud|t1|i@x", []byte("i")); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get("azurecloud|t1|\u0130@x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(İ@x) = %q, %v; want not found: İ and i are two accounts", got, err)
	}
	if err := s.Delete("azurecloud|t1|\u017fam@x"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("azurecloud|t1|sam@x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Delete(ſam@x) left sam@x's blob: %v", err)
	}
	// LockKeys takes one lock for two spellings of a key: the second
	// would wait for the first forever.
	unlock, err := LockKeys(context.Background(), s, []string{"azurecloud|t1|sam@x", "azurecloud|t1|\u017fam@x"})
	if err != nil {
		t.Fatal(err)
	}
	unlock()
}

// lockOrder is a Locker that takes the locks of a real store and records
// the order it was asked for them in.
type lockOrder struct {
	s     *Store
	order []string
}

func (l *lockOrder) Lock(ctx context.Context, key string) (func(), error) {
	l.order = append(l.order, key)
	return l.s.Lock(ctx, key)
}

// TestLockKeysLocksInOneOrder: LockKeys takes the locks of its keys in
// the order of their blob names, whatever order it is given them in, so
// that two commands locking the same accounts cannot each hold one the
// other waits for; and it takes one lock for two spellings of one key
// however far apart they are given (the second would wait for the first
// until the lock timeout).
func TestLockKeysLocksInOneOrder(t *testing.T) {
	t.Parallel()
	s, err := Open(t.TempDir(), Options{Backend: FixedKey("k", randomKey(t)), LockTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{"azurecloud|t1|zed@x", "azurecloud|t1|amy@x", "azurecloud|t1|\u017fam@x", "azurecloud|t1|bob@x", "azurecloud|t1|sam@x"}
	reversed := slices.Clone(keys)
	slices.Reverse(reversed)
	for _, given := range [][]string{keys, reversed} {
		l := &lockOrder{s: s}
		unlock, err := LockKeys(context.Background(), l, given)
		if err != nil {
			t.Fatalf("LockKeys(%q): %v", given, err)
		}
		unlock()
		want := []string{"amy", "bob", "sam", "zed"}
		var got []string
		for _, k := range l.order {
			got = append(got, profile.NameKey(strings.TrimSuffix(strings.TrimPrefix(k, "azurecloud|t1|"), "@x")))
		}
		if !slices.Equal(got, want) {
			t.Errorf("LockKeys(%q) locked %q, want %q: one lock a blob, in the order of the blob names", given, l.order, want)
		}
	}
}
