package auth

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/azcontext/azc/profile"
)

// TestAnEnvironmentsCAFileIsReadUpToTheCap: the CA file a custom
// environment names is read only up to profile.MaxFileSize; a larger one
// (a sparse file here, /dev/zero in the field) is refused with its path,
// never read whole (which ended in "fatal error: out of memory").
func TestAnEnvironmentsCAFileIsReadUpToTheCap(t *testing.T) {
	t.Parallel()
	big := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, profile.MaxFileSize+1); err != nil {
		t.Fatal(err)
	}
	m := New(Config{})
	_, err := m.httpClient(profile.Environment{Name: "lab", AuthorityHost: "https://login.lab.test/", ARMEndpoint: "https://arm.lab.test/", CAFile: big})
	var tl *profile.TooLargeError
	if !errors.As(err, &tl) || tl.Path != big {
		t.Fatalf("httpClient with a CA file over the cap: %v, want a *profile.TooLargeError naming %s", err, big)
	}
}
