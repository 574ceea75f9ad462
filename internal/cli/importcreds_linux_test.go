package cli

import (
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/azcontext/azc/profile"
)

// TestAnImportThatCannotStoreItsCredentialsChangesNoContext imports a
// context with credentials larger than the files the import may write
// (prlimit --fsize: the profile fits, the credential blob does not, as on
// a disk that fills between the two, or a process killed between them):
// the import fails and the profile is as it was, with no context whose
// credentials are missing (`azc token` would say "not signed in").
func TestAnImportThatCannotStoreItsCredentialsChangesNoContext(t *testing.T) {
	prlimit, err := exec.LookPath("prlimit")
	if err != nil {
		t.Skip("no prlimit")
	}
	t.Parallel()
	bin := buildAzc(t)
	dir := seed(t)
	before, err := os.ReadFile(filepath.Join(dir, profile.FileName))
	if err != nil {
		t.Fatal(err)
	}
	const key = "azurecloud|t1|alice@contoso.com"
	blob := base64.StdEncoding.EncodeToString([]byte(`{"version":1,"secret":"` + strings.Repeat("s", 64<<10) + `"}`))
	file := filepath.Join(t.TempDir(), "creds.json")
	if err := os.WriteFile(file, []byte(`{"kind": "azc.contexts", "version": 1,
		"contexts": [{"name": "Alice", "account": "`+key+`", "environment": "AzureCloud", "tenant": {"id": "t1"}}],
		"accounts": [{"id": "alice@contoso.com", "type": "user", "environment": "AzureCloud", "homeTenantId": "t1"}],
		"credentials": {"`+key+`": "`+blob+`"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	imp := azcCmd(bin, dir, "context", "import", file)
	imp.Args = append([]string{prlimit, "--fsize=32768"}, imp.Args...)
	imp.Path = prlimit
	if out, err := imp.CombinedOutput(); err == nil {
		t.Fatalf("the import succeeded with its credentials over the file size limit: %s", out)
	}
	after, err := os.ReadFile(filepath.Join(dir, profile.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(before) {
		t.Errorf("the failed import changed the profile: context Alice %v", loadProfile(t, dir).Context("Alice") != nil)
	}
}
