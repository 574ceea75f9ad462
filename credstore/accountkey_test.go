package credstore

import (
	"context"
	"errors"
	"testing"
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
