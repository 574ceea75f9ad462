package profile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTheBackupIsOfferedOnlyWhenItReads: a profile that does not parse
// offers profile.json.bak as "the last good copy" only when the backup
// itself decodes: offered, a damaged backup would have the cp of the
// hint replace one unusable profile with another.
func TestTheBackupIsOfferedOnlyWhenItReads(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		backup string
		offer  bool
	}{
		"a backup that reads":      {`{"version":1,"contexts":[{"name":"a"}]}`, true},
		"a backup that is damaged": {`{"version":1,"contexts":[`, false},
		"an empty backup":          {``, false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := stateDir(t)
			s, err := Open(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, FileName), []byte("{"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, BackupName), []byte(tc.backup), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err = s.Load()
			var ce *CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("Load: %v, want a *CorruptError", err)
			}
			if got := strings.Contains(ce.Hint(), "cp "); got != tc.offer {
				t.Errorf("hint %q: offers the backup %v, want %v", ce.Hint(), got, tc.offer)
			}
		})
	}
}
