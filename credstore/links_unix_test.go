//go:build unix

package credstore

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/azcontext/azc/profile"
)

// TestCheckNamesABlobWithAnotherName: a blob that is a hard link to a
// file elsewhere (or has one there) keeps, under that name, what it held
// once a write replaces it by rename: Check names it with its other names'
// count, and a blob of one name is not named.
func TestCheckNamesABlobWithAnotherName(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := Open(dir, Options{Backend: FixedKey("k", randomKey(t))})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"linked", "alone"} {
		if err := s.Put(k, []byte("v")); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Link(s.path("linked"), filepath.Join(t.TempDir(), "elsewhere")); err != nil {
		t.Fatal(err)
	}
	r, err := s.Check()
	if err != nil {
		t.Fatal(err)
	}
	var le *profile.LinkedError
	if len(r.Linked) != 1 || !errors.As(r.Linked[0], &le) || le.Path != s.path("linked") || le.Other != 1 {
		t.Fatalf("Check().Linked = %v, want the blob of linked, with 1 other name", r.Linked)
	}
	if len(r.Unsafe) != 0 || len(r.Damaged) != 0 || r.Blobs != 2 {
		t.Errorf("Check = %+v, want 2 blobs and nothing refused", r)
	}
}

// TestSealingAPlaintextBlobWithAnotherNameSaysTheCopyStays: a seal
// replaces the plaintext blob by rename, so its other name keeps the
// secrets in the clear, and no check can find it after: the seal says so
// (Options.Warn), naming the blob and how to find the copy.
func TestSealingAPlaintextBlobWithAnotherNameSaysTheCopyStays(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p, err := Open(dir, Options{Backend: Plaintext()})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Put("k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(t.TempDir(), "elsewhere")
	if err := os.Link(p.path("k"), other); err != nil {
		t.Fatal(err)
	}
	var warned []string
	s, err := Open(dir, Options{Backend: FixedKey("k", randomKey(t)), Warn: func(m string) { warned = append(warned, m) }})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get("k"); err != nil || string(got) != "v" {
		t.Fatalf("Get = %q, %v", got, err)
	}
	if r, err := s.Check(); err != nil || len(r.Plaintext) != 0 {
		t.Fatalf("Check after the read = %+v, %v; want the blob sealed", r, err)
	}
	fi, err := os.Stat(other)
	if err != nil {
		t.Fatal(err)
	}
	if len(warned) != 1 || !strings.Contains(warned[0], s.path("k")) || !strings.Contains(warned[0], "unencrypted") || !strings.Contains(warned[0], "-inum") {
		t.Fatalf("warnings = %q, want one naming %s, that its other name holds it unencrypted, and how to find that (inode %v)", warned, s.path("k"), fi.Sys())
	}
}
