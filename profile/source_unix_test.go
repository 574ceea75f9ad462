//go:build unix

package profile_test

import (
	"errors"
	"os"
	"testing"

	"github.com/azcontext/azc/profile"
)

// TestViewOfAFileTruncatedInPlaceFails: an editor that truncates
// profile.json while a View maps it makes reads fault; the View reports
// an error instead of crashing.
func TestViewOfAFileTruncatedInPlaceFails(t *testing.T) {
	t.Parallel()
	s := storeWith(t, 50)
	v, err := s.View()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(s.Path(), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Context(3); err == nil {
		t.Fatal("Context after truncation: no error")
	}
	if _, err := v.Find("Contoso Workload 00007"); err == nil {
		t.Fatal("Find after truncation: no error")
	}
	if _, err := v.Profile(); err == nil {
		t.Fatal("Profile after truncation: no error")
	}
	var ce *profile.CorruptError
	if _, err := s.View(); !errors.As(err, &ce) {
		t.Fatalf("View of the empty file = %v, want a *CorruptError", err)
	}
}
