package execute

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/profile"
)

func TestWriteAzConfig(t *testing.T) {
	t.Parallel()
	env := profile.Environment{Name: "emulator", AuthorityHost: "https://127.0.0.1:8443/", ARMEndpoint: "https://127.0.0.1:8443/", ARMAudience: "https://management.core.windows.net/"}
	user := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(user, []byte("[core]\noutput = table\n[cloud]\nname = AzureChinaCloud\n[defaults]\ngroup = rg\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		ctx    profile.Context
		wantID string
		want   string
	}{
		{"a context with a subscription", profile.Context{Tenant: profile.Tenant{ID: "t1"}, Subscription: &profile.Subscription{ID: "s1", Name: "Prod", State: "Warned"}}, "s1", "Prod"},
		{"a tenant-level context", profile.Context{Tenant: profile.Tenant{ID: "t1"}}, "t1", azTenantLevelName},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := writeAzConfig(dir, &tc.ctx, env, user); err != nil {
				t.Fatal(err)
			}
			var p azProfile
			data, err := os.ReadFile(filepath.Join(dir, "azureProfile.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &p); err != nil {
				t.Fatal(err)
			}
			if len(p.Subscriptions) != 1 || p.InstallationID == "" {
				t.Fatalf("profile %s", data)
			}
			a := p.Subscriptions[0]
			if a.ID != tc.wantID || a.Name != tc.want || a.TenantID != "t1" || !a.IsDefault || a.EnvironmentName != "emulator" ||
				a.User != (azUser{Name: "systemAssignedIdentity", Type: "servicePrincipal", AssignedIdentityInfo: "MSI"}) {
				t.Errorf("account %+v", a)
			}
			cfg, _ := os.ReadFile(filepath.Join(dir, "config"))
			if want := "[core]\noutput = table\n[defaults]\ngroup = rg\n[cloud]\nname = emulator\n"; string(cfg) != want {
				t.Errorf("config %q, want %q", cfg, want)
			}
			clouds, _ := os.ReadFile(filepath.Join(dir, "clouds.config"))
			for _, line := range []string{"[emulator]", "endpoint_resource_manager = https://127.0.0.1:8443/", "endpoint_active_directory = https://127.0.0.1:8443",
				"endpoint_active_directory_resource_id = https://management.core.windows.net/", "subscription = " + tc.wantID} {
				if !strings.Contains(string(clouds), line+"\n") {
					t.Errorf("clouds.config lacks %q:\n%s", line, clouds)
				}
			}
		})
	}
	t.Run("a built-in cloud is not registered", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		if err := writeAzConfig(dir, &profile.Context{Tenant: profile.Tenant{ID: "t"}}, profile.BuiltinEnvironments()[0], ""); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, "clouds.config")); !os.IsNotExist(err) {
			t.Errorf("clouds.config written for a built-in cloud: %v", err)
		}
	})
}

// TestTheUsersCloudSectionGoesWhateverFollowsItsHeader: the user's [cloud]
// section is left out of the child's config however its header line ends.
// The az CLI's configparser takes a header from the first '[' to the last
// ']' of the line and reads past what follows ("[cloud] # mine" is the
// section cloud): kept, it made a second [cloud] beside azc's, and the
// child's az failed on every command with DuplicateSectionError.
func TestTheUsersCloudSectionGoesWhateverFollowsItsHeader(t *testing.T) {
	t.Parallel()
	env := profile.Environment{Name: "emulator", AuthorityHost: "https://127.0.0.1:8443/", ARMEndpoint: "https://127.0.0.1:8443/", ARMAudience: "https://management.core.windows.net/"}
	for _, header := range []string{"[cloud] # set by hand", "[cloud]\t; a comment", "  [cloud]  ", "[cloud]x"} {
		user := filepath.Join(t.TempDir(), "config")
		if err := os.WriteFile(user, []byte("[core]\noutput = table\n"+header+"\nname = AzureChinaCloud\n[defaults]\ngroup = rg\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if err := writeAzConfig(dir, &profile.Context{Tenant: profile.Tenant{ID: "t"}}, env, user); err != nil {
			t.Fatal(err)
		}
		cfg, err := os.ReadFile(filepath.Join(dir, "config"))
		if err != nil {
			t.Fatal(err)
		}
		if want := "[core]\noutput = table\n[defaults]\ngroup = rg\n[cloud]\nname = emulator\n"; string(cfg) != want {
			t.Errorf("user header %q: config %q, want %q", header, cfg, want)
		}
	}
}

// TestAzConfigValuesKeepTheirPercentSigns: az reads its config and
// clouds.config with configparser's interpolation, where a '%' starts a
// reference: the values azc writes there have theirs doubled, so that az
// reads them as they are; section names, which az does not interpolate,
// are written as they are. An environment named "lab%1" made every az
// command under exec fail with InterpolationSyntaxError.
func TestAzConfigValuesKeepTheirPercentSigns(t *testing.T) {
	t.Parallel()
	env := profile.Environment{Name: "lab%1", AuthorityHost: "https://127.0.0.1:8443/", ARMEndpoint: "https://127.0.0.1:8443/a%20b/", ARMAudience: "https://management.core.windows.net/"}
	dir := t.TempDir()
	c := profile.Context{Tenant: profile.Tenant{ID: "t"}, Subscription: &profile.Subscription{ID: "s%1", Name: "Prod"}}
	if err := writeAzConfig(dir, &c, env, ""); err != nil {
		t.Fatal(err)
	}
	cfg, _ := os.ReadFile(filepath.Join(dir, "config"))
	if want := "[cloud]\nname = lab%%1\n"; string(cfg) != want {
		t.Errorf("config %q, want %q", cfg, want)
	}
	clouds, _ := os.ReadFile(filepath.Join(dir, "clouds.config"))
	for _, line := range []string{"[lab%1]", "endpoint_resource_manager = https://127.0.0.1:8443/a%%20b/", "subscription = s%%1"} {
		if !strings.Contains(string(clouds), line+"\n") {
			t.Errorf("clouds.config lacks %q:\n%s", line, clouds)
		}
	}
}

// TestWriteAzConfigRefusesALineBreak: an environment whose name or ARM
// audience holds a line break (from `environment add`, an import file or
// a hand edit) is refused, naming the environment: written into az's INI
// files, "emu\n[extension]\nindex_url = http://evil.example/" became a
// setting of the child's az CLI (where it installs extensions from).
func TestWriteAzConfigRefusesALineBreak(t *testing.T) {
	t.Parallel()
	ok := profile.Environment{Name: "emulator", AuthorityHost: "https://127.0.0.1:8443/", ARMEndpoint: "https://127.0.0.1:8443/", ARMAudience: "https://management.core.windows.net/"}
	for _, tc := range []struct {
		name string
		edit func(e *profile.Environment)
	}{
		{"a name", func(e *profile.Environment) { e.Name = "emu\n[extension]\nindex_url = http://evil.example/" }},
		{"a name with a carriage return", func(e *profile.Environment) { e.Name = "emu\r[core]" }},
		{"an audience", func(e *profile.Environment) { e.ARMAudience = "https://x/\n[core]\ncollect_telemetry = no" }},
	} {
		env := ok
		tc.edit(&env)
		dir := t.TempDir()
		err := writeAzConfig(dir, &profile.Context{Tenant: profile.Tenant{ID: "t"}}, env, "")
		if err == nil || !strings.Contains(err.Error(), "line break") || !strings.Contains(err.Error(), strconv.Quote(env.Name)) {
			t.Errorf("%s: writeAzConfig = %v, want an error naming environment %q and the line break", tc.name, err, env.Name)
		}
		for _, f := range []string{"config", "clouds.config"} {
			if data, err := os.ReadFile(filepath.Join(dir, f)); err == nil && (strings.Contains(string(data), "[core]") || strings.Contains(string(data), "[extension]")) {
				t.Errorf("%s: %s holds %q", tc.name, f, data)
			}
		}
	}
}

// TestWriteAzConfigRefusesACloudCalledDEFAULT: az's configparser reads a
// section [DEFAULT] as the defaults of every other section, not as a
// section: a custom environment of that name, written as it was, left the
// child's az without its cloud ("Please run 'az login'"). It is refused,
// naming it, as `environment add` and an import refuse it; "default" and
// "Default" are clouds like any other.
func TestWriteAzConfigRefusesACloudCalledDEFAULT(t *testing.T) {
	t.Parallel()
	env := profile.Environment{Name: "DEFAULT", AuthorityHost: "https://127.0.0.1:8443/", ARMEndpoint: "https://127.0.0.1:8443/", ARMAudience: "https://management.core.windows.net/"}
	err := writeAzConfig(t.TempDir(), &profile.Context{Tenant: profile.Tenant{ID: "t"}}, env, "")
	if !errors.Is(err, profile.ErrAzDefaults) || !strings.Contains(err.Error(), `environment "DEFAULT"`) {
		t.Errorf("writeAzConfig of environment DEFAULT = %v, want a refusal naming it", err)
	}
	for _, name := range []string{"default", "Default"} {
		env.Name = name
		if err := writeAzConfig(t.TempDir(), &profile.Context{Tenant: profile.Tenant{ID: "t"}}, env, ""); err != nil {
			t.Errorf("writeAzConfig of environment %s: %v", name, err)
		}
	}
}

// TestWriteAzConfigRefusesANameAzStrips: az's configparser strips the
// value of [cloud] name as Python's str.strip does, which also takes the
// separators U+001C to U+001F off its ends, where the section header of
// clouds.config keeps them: an environment "lab\x1f" left az under exec
// with "The cloud 'lab' is not registered" and no account. It is refused,
// naming it; within the name such a character is kept as it is.
func TestWriteAzConfigRefusesANameAzStrips(t *testing.T) {
	t.Parallel()
	env := profile.Environment{AuthorityHost: "https://127.0.0.1:8443/", ARMEndpoint: "https://127.0.0.1:8443/", ARMAudience: "https://management.core.windows.net/"}
	for _, name := range []string{"lab\x1f", "\x1clab", "lab\x1d\x1e"} {
		env.Name = name
		err := writeAzConfig(t.TempDir(), &profile.Context{Tenant: profile.Tenant{ID: "t"}}, env, "")
		if err == nil || !strings.Contains(err.Error(), profile.QuoteShort(name)) {
			t.Errorf("writeAzConfig of environment %q = %v, want a refusal naming it", name, err)
		}
	}
	env.Name = "la\x1fb"
	if err := writeAzConfig(t.TempDir(), &profile.Context{Tenant: profile.Tenant{ID: "t"}}, env, ""); err != nil {
		t.Errorf("writeAzConfig of environment %q: %v", env.Name, err)
	}
}

// TestTheWayOutOfACloudCalledDEFAULTIsAnotherName: a profile may hold an
// environment called DEFAULT (`environment add` took the name once). Its
// name is no line break that an edit of profile.json takes out: its
// accounts' keys and its contexts name it too. The refusal says what
// works and keeps the sign-ins: `environment add` of it spelled
// otherwise (names compare regardless of case), which renames it.
func TestTheWayOutOfACloudCalledDEFAULTIsAnotherName(t *testing.T) {
	t.Parallel()
	env := profile.Environment{Name: "DEFAULT", AuthorityHost: "https://127.0.0.1:8443/", ARMEndpoint: "https://127.0.0.1:8443/", ARMAudience: "https://management.core.windows.net/"}
	err := writeAzConfig(t.TempDir(), &profile.Context{Tenant: profile.Tenant{ID: "t"}}, env, "")
	_, hints := cmdutil.Classify(err)
	if err == nil || strings.Contains(err.Error(), "profile.json") || len(hints) != 1 ||
		!strings.Contains(hints[0], "azc environment add Default") {
		t.Errorf("writeAzConfig of environment DEFAULT = %v, hints %q; want no edit of profile.json, and a hint to add it again as Default", err, hints)
	}
}

// TestCABundle: the bundle is the parent's roots, then the CA; the next
// exec with the same files reuses it, and one whose parent trusts other
// roots gets a bundle of its own.
func TestCABundle(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ca := write("ca.pem", "CA\n")
	parent := write("parent.pem", "PARENT")
	other := write("other.pem", "OTHER\n")
	bundles := filepath.Join(dir, "bundles")
	trusting := func(roots string) func(string) string {
		return func(k string) string { return map[string]string{"REQUESTS_CA_BUNDLE": roots}[k] }
	}
	bundle, err := caBundle(bundles, trusting(parent), ca)
	if err != nil || bundle == "" {
		t.Fatalf("caBundle = %q, %v", bundle, err)
	}
	if got, _ := os.ReadFile(bundle); string(got) != "PARENT\nCA\n" {
		t.Errorf("bundle %q, want the parent's roots, then the CA", got)
	}
	if again, err := caBundle(bundles, trusting(parent), ca); err != nil || again != bundle {
		t.Errorf("the same files again: %q, %v; want %q reused", again, err, bundle)
	}
	otherBundle, err := caBundle(bundles, trusting(other), ca)
	if err != nil || otherBundle == bundle {
		t.Fatalf("other roots: %q, %v; want a bundle other than %q", otherBundle, err, bundle)
	}
	if got, _ := os.ReadFile(otherBundle); string(got) != "OTHER\nCA\n" {
		t.Errorf("bundle %q, want the other roots, then the CA", got)
	}
	if got, _ := os.ReadFile(bundle); string(got) != "PARENT\nCA\n" {
		t.Errorf("the first bundle became %q", got)
	}
	if _, err := caBundle(bundles, trusting(parent), filepath.Join(dir, "missing.pem")); err == nil {
		t.Error("a missing CA file is not an error")
	}
	// A CA file's byte order mark would sit mid-bundle, before its BEGIN
	// line, where a child's PEM reader (Go's) skips the certificate.
	bom := write("bom.pem", "\xef\xbb\xbfCA\n")
	if b, err := caBundle(bundles, trusting(parent), bom); err != nil {
		t.Fatal(err)
	} else if got, _ := os.ReadFile(b); string(got) != "PARENT\nCA\n" {
		t.Errorf("bundle of a CA file with a byte order mark %q, want it left out", got)
	}
}

// TestABuiltInCloudIsTerraformsWhateverItsSpelling: a context names its
// cloud in any case ("azurecloud" in a hand-edited or imported profile);
// the environment it finds is the built-in one, whose ARM_ENVIRONMENT is
// Terraform's (execserve's test checks its hosts).
func TestABuiltInCloudIsTerraformsWhateverItsSpelling(t *testing.T) {
	for name, want := range map[string]string{"azurecloud": "public", "AZURECHINACLOUD": "china", "AzureUSGovernment": "usgovernment"} {
		env, err := profile.New().Environment(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := armEnvironment(env); got != want {
			t.Errorf("armEnvironment(%q) = %q, want %q", name, got, want)
		}
	}
}
