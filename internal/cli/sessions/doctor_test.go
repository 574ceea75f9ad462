package sessions

import (
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/session"
)

// TestDoctorReportsEveryProblemOfTheCredentialFiles: `azc doctor` names
// each credential file that azc refuses, each blob it cannot read, and
// each blob left unencrypted, all of them: a file refused hid the
// plaintext blobs, and a damaged blob was reported as good.
func TestDoctorReportsEveryProblemOfTheCredentialFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	plain, err := credstore.Open(dir, credstore.Options{Backend: credstore.Plaintext()})
	if err != nil {
		t.Fatal(err)
	}
	if err := plain.Put("azurecloud|t|plain@example.com", []byte("cache")); err != nil {
		t.Fatal(err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	cs, err := credstore.Open(dir, credstore.Options{Backend: credstore.FixedKey("test-key", key)})
	if err != nil {
		t.Fatal(err)
	}
	if err := cs.Put("azurecloud|t|sealed@example.com", []byte("cache")); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(cs.Dir(), strings.Repeat("01", 32)+".lock")
	if err := os.Symlink(filepath.Join(dir, "elsewhere"), link); err != nil {
		t.Fatal(err)
	}
	damaged := filepath.Join(cs.Dir(), strings.Repeat("cd", 32))
	if err := os.WriteFile(damaged, []byte("not a blob"), 0o600); err != nil {
		t.Fatal(err)
	}
	var got []Check
	credentialFiles(cs, func(name, status, format string, a ...any) {
		got = append(got, Check{Name: name, Status: status, Detail: fmt.Sprintf(format, a...)})
	})
	for _, want := range []struct{ status, detail string }{
		{"fail", link + " is a symbolic link"},
		{"fail", damaged + ": credential blob is corrupt"},
		{"warn", "1 of 3 blobs are unencrypted"},
	} {
		found := false
		for _, c := range got {
			found = found || c.Name == "credential files" && c.Status == want.status && strings.Contains(c.Detail, want.detail)
		}
		if !found {
			t.Errorf("doctor's credential files %+v: no %s line with %q", got, want.status, want.detail)
		}
	}
}

// TestDoctorReportsADamagedSessionBlob: a blob of the session's store that
// azc cannot read (an account's tokens from a sign-in in this shell) fails
// doctor's "session files" check, naming it; it said every file was fine.
func TestDoctorReportsADamagedSessionBlob(t *testing.T) {
	t.Parallel()
	rt := t.TempDir()
	sess, _, err := session.New(rt, os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	damaged := filepath.Join(sess.Dir(), "credentials", strings.Repeat("ef", 32))
	if err := os.WriteFile(damaged, []byte("azcb"), 0o600); err != nil {
		t.Fatal(err)
	}
	var got []Check
	sessionFiles(sess, func(name, status, format string, a ...any) {
		got = append(got, Check{Name: name, Status: status, Detail: fmt.Sprintf(format, a...)})
	})
	found := false
	for _, c := range got {
		found = found || c.Name == "session files" && c.Status == "fail" && strings.Contains(c.Detail, damaged)
	}
	if !found {
		t.Errorf("doctor's session files %+v: no fail line naming %s", got, damaged)
	}
}
