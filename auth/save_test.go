package auth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/azcontext/azc/profile"
)

// TestASaveWhoseRecordFailsLeavesTheBlobsAsTheyWere: Save writes the
// sign-in's blob and then records its account and contexts; when the
// record refuses the sign-in for its name (a --context-name another
// context holds, exit 2), the blob it wrote is taken back: the account's earlier blob
// put back, or, for an account new to the store, the blob deleted. `azc
// login --service-principal … --context-name K`, K another account's
// context, said the name was in use and left the principal's blob, with
// its client secret, in credentials/ under no account (azc doctor's
// "unused credentials").
func TestASaveWhoseRecordFailsLeavesTheBlobsAsTheyWere(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	m := newTestManager(s, nil)
	ctx := context.Background()
	refused := fmt.Errorf("context \"K\": %w", profile.ErrNameTaken)
	record := func() error { return refused }

	blobs := newMemBlobs()
	res := spLogin(t, s, m, LoginOptions{SkipPopulation: true})
	if err := res.Save(ctx, blobs, record); !errors.Is(err, refused) {
		t.Fatalf("Save = %v, want the record's error", err)
	}
	if _, err := blobs.Get(res.Account.Key()); !errors.Is(err, ErrBlobNotFound) {
		t.Fatalf("the blob of an account new to the store after a failed record: %v, want none", err)
	}

	earlier := []byte("the account's earlier credentials")
	if err := blobs.Put(res.Account.Key(), earlier); err != nil {
		t.Fatal(err)
	}
	if err := res.Save(ctx, blobs, record); !errors.Is(err, refused) {
		t.Fatalf("Save = %v, want the record's error", err)
	}
	if got, err := blobs.Get(res.Account.Key()); err != nil || !bytes.Equal(got, earlier) {
		t.Fatalf("the account's blob after a failed record: %q, %v; want its earlier one", got, err)
	}

	// Another failure of the record may come after its write (the
	// shell's selection): the blob stays.
	if err := res.Save(ctx, blobs, func() error { return errors.New("session: write failed") }); err == nil {
		t.Fatal("Save = nil, want the record's error")
	}
	if got, err := blobs.Get(res.Account.Key()); err != nil || bytes.Equal(got, earlier) {
		t.Fatalf("the account's blob after a record that failed otherwise: %v; want the sign-in's", err)
	}
	if err := blobs.Put(res.Account.Key(), earlier); err != nil {
		t.Fatal(err)
	}
	if err := res.Save(ctx, blobs, func() error { return nil }); err != nil {
		t.Fatal(err)
	}
	if got, err := blobs.Get(res.Account.Key()); err != nil || bytes.Equal(got, earlier) {
		t.Fatalf("the account's blob after a recorded sign-in: %v; want the sign-in's", err)
	}
}
