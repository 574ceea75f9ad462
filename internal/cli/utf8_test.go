package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/azcontext/azc/internal/cli/cmdutil"
)

// TestContextSetRefusesTextThatIsNotUTF8: a property or storage account
// that is not UTF-8 is refused, exit 2, as a name is, and nothing is
// written: JSON holds UTF-8 only, so "\xff" was saved as U+FFFD, another
// value than the one given, and the command said it had updated the
// context.
func TestContextSetRefusesTextThatIsNotUTF8(t *testing.T) {
	t.Parallel()
	fixture, err := os.ReadFile(filepath.Join("testdata", "fixture.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"context", "set", "--property", "team=a\xffb"},
		{"context", "set", "--property", "\xff=x"},
		{"context", "set", "--storage-account", "st\xff"},
	} {
		dir := filepath.Join(t.TempDir(), "azc")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "profile.json"), fixture, 0o600); err != nil {
			t.Fatal(err)
		}
		ios, _, _, errOut := cmdutil.Test()
		env := map[string]string{"AZC_CONFIG_DIR": dir}
		f := cmdutil.NewFactory(ios, func(k string) string { return env[k] }, "v1")
		code := Run(context.Background(), f, args)
		if code != cmdutil.ExitUsage || !strings.Contains(errOut.String(), "not UTF-8") {
			t.Errorf("azc %q: exit %d, stderr %q; want exit %d saying it is not UTF-8", args, code, errOut, cmdutil.ExitUsage)
		}
		if got, _ := os.ReadFile(filepath.Join(dir, "profile.json")); string(got) != string(fixture) {
			t.Errorf("azc %q changed the profile", args)
		}
	}
}

// TestContextSetRefusesAStorageAccountExecCannotExport: a storage account
// holding a control character (profile.CheckExported) is refused, exit 2,
// and nothing is written: one holding a NUL was saved, and every `azc
// exec` under the context then failed with exit 126, "environment
// variable contains NUL".
func TestContextSetRefusesAStorageAccountExecCannotExport(t *testing.T) {
	t.Parallel()
	fixture, err := os.ReadFile(filepath.Join("testdata", "fixture.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, account := range []string{"st\x00ore", "st\x1b[31more", "st\nore"} {
		dir := filepath.Join(t.TempDir(), "azc")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "profile.json"), fixture, 0o600); err != nil {
			t.Fatal(err)
		}
		ios, _, _, errOut := cmdutil.Test()
		env := map[string]string{"AZC_CONFIG_DIR": dir}
		f := cmdutil.NewFactory(ios, func(k string) string { return env[k] }, "v1")
		code := Run(context.Background(), f, []string{"context", "set", "--storage-account", account})
		if code != cmdutil.ExitUsage || !strings.Contains(errOut.String(), "holds a control character") {
			t.Errorf("--storage-account %q: exit %d, stderr %q; want exit %d saying it holds a control character", account, code, errOut, cmdutil.ExitUsage)
		}
		if got, _ := os.ReadFile(filepath.Join(dir, "profile.json")); string(got) != string(fixture) {
			t.Errorf("--storage-account %q changed the profile", account)
		}
	}
}
