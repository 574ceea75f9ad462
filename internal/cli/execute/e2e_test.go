//go:build unix

package execute_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/emulator/emulatortest"
)

// bin holds the binaries TestMain builds: azc itself, and tokenprobe, a Go
// program that knows nothing of azc and uses the Azure SDK's own
// credentials.
var bin struct{ azc, probe string }

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "azc-exec-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin.azc = filepath.Join(dir, "azc")
	bin.probe = filepath.Join(dir, "tokenprobe")
	// azc hands exec and login to azc-full, which it finds beside itself.
	out, err := exec.Command("go", "build", "-o", dir+string(filepath.Separator),
		"github.com/azcontext/azc/cmd/azc", "github.com/azcontext/azc/cmd/azc-full", "./testdata/tokenprobe").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building azc, azc-full and tokenprobe: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// identity is one signed-in service principal and the context it got.
type identity struct {
	tenant, appID, context, subscription string
}

// world is an emulator, an azc state directory with the emulator added as
// an environment, and service principals signed in to it through the real
// `azc login`.
type world struct {
	emu    *emulator.Server
	dir    string
	caFile string
	env    []string
	ids    []identity
	// wrap, when set, changes every azc command the world runs before it
	// starts (denyKeyctl).
	wrap func(*exec.Cmd)
}

// newWorld starts an emulator with n extra tenants, each with its own
// service principal and subscription "Sub i", and signs every one of them
// in with `azc login --service-principal`.
func newWorld(t *testing.T, n int, tweaks ...func(*emulator.Config)) *world {
	t.Helper()
	return newWorldWrapped(t, n, nil, tweaks...)
}

// newWorldWrapped is newWorld with every azc command, the sign-ins
// included, changed by wrap before it starts (world.wrap).
func newWorldWrapped(t *testing.T, n int, wrap func(*exec.Cmd), tweaks ...func(*emulator.Config)) *world {
	t.Helper()
	cfg := emulator.DefaultConfig()
	var ids []identity
	for i := 1; i <= n; i++ {
		id := identity{
			tenant:       fmt.Sprintf("%08d-0000-4000-8000-00000000e%03d", i, i),
			appID:        fmt.Sprintf("%08d-0000-4000-8000-00000000a%03d", i, i),
			context:      fmt.Sprintf("Sub %d", i),
			subscription: fmt.Sprintf("%08d-0000-4000-8000-00000000b%03d", i, i),
		}
		cfg.Tenants = append(cfg.Tenants, emulator.Tenant{ID: id.tenant, DefaultDomain: fmt.Sprintf("t%d.test", i)})
		cfg.Apps = append(cfg.Apps, emulator.App{AppID: id.appID, DisplayName: fmt.Sprintf("sp-%d", i), Tenant: id.tenant, Secrets: []string{fmt.Sprintf("secret-%d", i)}})
		// "Other i" comes first, so a tool that takes the first
		// subscription it finds acts on the wrong one.
		cfg.Subscriptions = append(cfg.Subscriptions, emulator.Subscription{
			ID: fmt.Sprintf("%08d-0000-4000-8000-00000000c%03d", i, i), Name: fmt.Sprintf("Other %d", i), State: "Enabled", Tenant: id.tenant,
			Principals: []string{id.appID},
		}, emulator.Subscription{
			ID: id.subscription, Name: id.context, State: "Enabled", Tenant: id.tenant,
			Principals: []string{id.appID},
		})
		ids = append(ids, id)
	}
	for _, tweak := range tweaks {
		tweak(cfg)
	}
	emu := emulatortest.Start(t, cfg)
	dir := t.TempDir()
	w := &world{emu: emu, dir: dir, caFile: filepath.Join(dir, "ca.pem"), ids: ids, wrap: wrap}
	if err := emu.WriteCAFile(w.caFile); err != nil {
		t.Fatal(err)
	}
	w.env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + filepath.Join(dir, "home"),
		"AZC_CONFIG_DIR=" + filepath.Join(dir, "azc"),
		"NO_COLOR=1",
	}
	w.mustAzc(t, nil, "environment", "add", "emulator", "--authority-host", emu.AuthorityHost(),
		"--arm-endpoint", emu.ARMEndpoint(), "--arm-audience", emu.ARMAudience(), "--ca-file", w.caFile, "-o", "none")
	for i, id := range ids {
		w.mustAzc(t, strings.NewReader(fmt.Sprintf("secret-%d\n", i+1)), "login", "--service-principal",
			"--client-id", id.appID, "--client-secret-file", "-", "--tenant", id.tenant, "--environment", "emulator")
	}
	return w
}

type result struct {
	stdout, stderr string
	code           int
}

// azc runs the azc binary in the world with extra environment entries.
func (w *world) azc(t *testing.T, stdin *strings.Reader, extraEnv []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin.azc, args...)
	cmd.Env = append(append([]string(nil), w.env...), extraEnv...)
	if w.wrap != nil {
		w.wrap(cmd)
	}
	if stdin != nil {
		cmd.Stdin = stdin
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("running azc %q: %v", args, err)
	}
	return result{out.String(), errOut.String(), cmd.ProcessState.ExitCode()}
}

func (w *world) mustAzc(t *testing.T, stdin *strings.Reader, args ...string) result {
	t.Helper()
	r := w.azc(t, stdin, nil, args...)
	if r.code != 0 {
		t.Fatalf("azc %q: exit %d\nstdout:\n%s\nstderr:\n%s", args, r.code, r.stdout, r.stderr)
	}
	return r
}

func (w *world) echoURL() string { return w.emu.URL() + emulator.EchoPath }

// claims is what the emulator's echo endpoint says about a token.
type claims struct {
	TID   string `json:"tid"`
	AppID string `json:"appid"`
	IDTyp string `json:"idtyp"`
}

func parseClaims(t *testing.T, out string) claims {
	t.Helper()
	var c claims
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &c); err != nil {
		t.Fatalf("child output %q is not the echoed claims: %v", out, err)
	}
	return c
}

func (id identity) check(t *testing.T, c claims) {
	t.Helper()
	if c.TID != id.tenant || c.AppID != id.appID {
		t.Errorf("the child acted as tenant %s, app %s; want the context's tenant %s, app %s", c.TID, c.AppID, id.tenant, id.appID)
	}
}

// hostile returns credential variables of another identity that a user
// may have in the shell azc exec starts from; none may win over the context.
func hostile() []string {
	return []string{
		"AZURE_CLIENT_ID=99999999-9999-4999-8999-999999999999",
		"AZURE_CLIENT_SECRET=other-secret",
		"AZURE_TENANT_ID=99999999-9999-4999-8999-999999999998",
		"MSI_ENDPOINT=http://127.0.0.1:9/other",
		"IDENTITY_ENDPOINT=http://127.0.0.1:9/other",
		"IDENTITY_HEADER=other",
		// The az CLI reads [cloud] name of its configuration from here.
		"AZURE_CLOUD_NAME=AzureChinaCloud",
	}
}

// requirePeer skips a test whose peer tool is missing, unless
// AZC_REQUIRE_PEERS=1 (CI) makes that a failure.
func requirePeer(t *testing.T, err error, what string) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("AZC_REQUIRE_PEERS") == "1" {
		t.Fatalf("%s is required (AZC_REQUIRE_PEERS=1) but unusable: %v", what, err)
	}
	t.Skipf("skipping: %s is unusable here (%v); set AZC_REQUIRE_PEERS=1 to make this a failure", what, err)
}

func TestGoSDKCredentialsGetTheContextsIdentity(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 1)
	id := w.ids[0]
	for _, cred := range []string{"mi", "dac"} {
		for _, legacy := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s legacy=%v", cred, legacy), func(t *testing.T) {
				args := []string{"exec", "-c", id.context}
				if legacy {
					args = append(args, "--legacy-msi")
				}
				args = append(args, "--", bin.probe, "-cred", cred, "-echo", w.echoURL(), "-ca", w.caFile)
				r := w.azc(t, nil, hostile(), args...)
				if r.code != 0 {
					t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
				}
				id.check(t, parseClaims(t, r.stdout))
			})
		}
	}
}

func TestPythonManagedIdentityCredentialGetsTheContextsIdentity(t *testing.T) {
	t.Parallel()
	const python = "/usr/bin/python3"
	err := exec.Command(python, "-c", "import azure.identity").Run()
	requirePeer(t, err, "Debian's python3 with python3-azure ("+python+" -c 'import azure.identity')")
	w := newWorld(t, 1)
	id := w.ids[0]
	r := w.azc(t, nil, hostile(), "exec", "-c", id.context, "--", python, "testdata/tokenprobe.py", w.echoURL(), w.caFile)
	if r.code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	id.check(t, parseClaims(t, r.stdout))
}

// TestAzCLIActsOnTheContextWithNoLogin runs Debian's az CLI 2.45 under
// plain `azc exec -c CTX -- az …`, with no `az login`, no cloud
// registration and no CA setting of its own: az must report the context's
// subscription and tenant (not the first subscription the identity sees),
// its token must be the context's identity's, and `az rest` must reach ARM
// with it.
func TestAzCLIActsOnTheContextWithNoLogin(t *testing.T) {
	t.Parallel()
	az, err := exec.LookPath("az")
	requirePeer(t, err, "the az CLI (Debian's azure-cli)")
	w := newWorld(t, 1)
	id := w.ids[0]
	// Telemetry off: az would send it to the internet, which tests never reach.
	quiet := []string{"AZURE_CORE_COLLECT_TELEMETRY=0"}
	run := func(args ...string) string {
		t.Helper()
		r := w.azc(t, nil, append(hostile(), quiet...), append([]string{"exec", "-c", id.context, "--", az}, args...)...)
		if r.code != 0 {
			t.Fatalf("az %q: exit %d\nstdout:\n%s\nstderr:\n%s", args, r.code, r.stdout, r.stderr)
		}
		if r.stderr != "" {
			t.Errorf("az %q wrote to stderr: %s", args, r.stderr)
		}
		return r.stdout
	}

	var acct struct {
		ID, TenantID, EnvironmentName string
		User                          struct{ Type string }
	}
	if err := json.Unmarshal([]byte(run("account", "show", "-o", "json")), &acct); err != nil {
		t.Fatal(err)
	}
	if acct.ID != id.subscription || acct.TenantID != id.tenant || acct.EnvironmentName != "emulator" {
		t.Errorf("az account show: subscription %s, tenant %s, cloud %s; want the context's %s, %s, emulator", acct.ID, acct.TenantID, acct.EnvironmentName, id.subscription, id.tenant)
	}

	var tok struct {
		AccessToken, Subscription, Tenant string
	}
	if err := json.Unmarshal([]byte(run("account", "get-access-token", "-o", "json")), &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("az account get-access-token: %v", err)
	}
	if tok.Subscription != id.subscription || tok.Tenant != id.tenant {
		t.Errorf("az account get-access-token: subscription %s, tenant %s; want %s, %s", tok.Subscription, tok.Tenant, id.subscription, id.tenant)
	}
	id.check(t, w.echo(t, tok.AccessToken))

	var sub struct{ SubscriptionID, TenantID string }
	out := run("rest", "--method", "get", "--url", w.emu.ARMEndpoint()+"subscriptions/"+id.subscription+"?api-version=2022-12-01", "-o", "json")
	if err := json.Unmarshal([]byte(out), &sub); err != nil {
		t.Fatal(err)
	}
	if sub.SubscriptionID != id.subscription || sub.TenantID != id.tenant {
		t.Errorf("az rest to ARM: %s", out)
	}
	id.check(t, parseClaims(t, run("rest", "--method", "get", "--url", w.echoURL(), "-o", "json")))
}

// TestAnAccountWithNoCachedTokenIsServed: with tokens of 5 minutes, which
// no cache serves, exec gets the token it checks the sign-in with, and the
// child its tokens, from the identity provider.
func TestAnAccountWithNoCachedTokenIsServed(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 1, func(cfg *emulator.Config) { cfg.TokenLifetime = emulator.Duration(5 * time.Minute) })
	id := w.ids[0]
	r := w.azc(t, nil, hostile(), "exec", "-c", id.context, "--", bin.probe, "-cred", "mi", "-echo", w.echoURL(), "-ca", w.caFile)
	if r.code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	id.check(t, parseClaims(t, r.stdout))
}

// TestThePrivateAzConfigDirIsRemoved: the directory az wrote into while
// CMD ran is gone when azc exec returns.
func TestThePrivateAzConfigDirIsRemoved(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 1)
	r := w.azc(t, nil, nil, "exec", "-c", w.ids[0].context, "--", "sh", "-c", `echo "$AZURE_CONFIG_DIR"; test -s "$AZURE_CONFIG_DIR/azureProfile.json" && test -s "$REQUESTS_CA_BUNDLE"`)
	if r.code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	dir := strings.TrimSpace(r.stdout)
	if dir == "" || strings.HasPrefix(dir, w.dir) {
		t.Fatalf("AZURE_CONFIG_DIR=%q is not a private directory", dir)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the private AZURE_CONFIG_DIR %s outlived the child: %v", dir, err)
	}
}

// TestThePrivateAzConfigDirIsTheChildsWhateverTheUmask: the private
// AZURE_CONFIG_DIR is 0700 under a umask that takes the owner's own bits
// (0277), which made it 0500: az could write nothing there.
func TestThePrivateAzConfigDirIsTheChildsWhateverTheUmask(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 1)
	w.wrap = func(cmd *exec.Cmd) {
		cmd.Args = append([]string{"sh", "-c", `umask 0277 && exec "$0" "$@"`}, cmd.Args...)
		cmd.Path = "/bin/sh"
	}
	r := w.azc(t, nil, nil, "exec", "-c", w.ids[0].context, "--", "sh", "-c", `ls -ld "$AZURE_CONFIG_DIR"`)
	if r.code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	if mode, _, _ := strings.Cut(r.stdout, " "); mode != "drwx------" {
		t.Errorf("the private AZURE_CONFIG_DIR under umask 0277: %s, want mode drwx------", strings.TrimSpace(r.stdout))
	}
}

// TestThePrivateAzConfigDirIsInTheRuntimeDir: the private AZURE_CONFIG_DIR
// goes in $XDG_RUNTIME_DIR when that is the user's own (a per-user tmpfs
// that logout empties), else in the temporary directory, and is removed
// after the child either way. It is an absolute path, which a child that
// changes directory (a script's cd) still finds: a relative
// XDG_RUNTIME_DIR, which the XDG specification says to ignore, is ignored,
// and a relative TMPDIR is made absolute (both gave the child a relative
// AZURE_CONFIG_DIR).
func TestThePrivateAzConfigDirIsInTheRuntimeDir(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 1)
	own := t.TempDir()
	shared := t.TempDir()
	if err := os.Chmod(shared, 0o777); err != nil {
		t.Fatal(err)
	}
	wd, err := os.Getwd() // azc's working directory: the test's
	if err != nil {
		t.Fatal(err)
	}
	relative := func(t *testing.T, dir string) string {
		t.Helper()
		rel, err := filepath.Rel(wd, dir)
		if err != nil || filepath.IsAbs(rel) {
			t.Skipf("no relative path from %s to %s: %v", wd, dir, err)
		}
		return rel
	}
	for _, tc := range []struct {
		name     string
		runtime  string // XDG_RUNTIME_DIR; "" unset
		want     string // "tmp": the TMPDIR given
		relative bool   // XDG_RUNTIME_DIR and TMPDIR given relative to azc's working directory
	}{
		{"the user's own runtime dir", own, own, false},
		{"no runtime dir", "", "tmp", false},
		{"a runtime dir others can write to", shared, "tmp", false},
		{"a runtime dir that does not exist", filepath.Join(own, "missing"), "tmp", false},
		{"a relative runtime dir and TMPDIR", own, "tmp", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			tmpEnv, runtime := tmp, tc.runtime
			if tc.relative {
				tmpEnv, runtime = relative(t, tmp), relative(t, runtime)
			}
			env := []string{"TMPDIR=" + tmpEnv}
			if runtime != "" {
				env = append(env, "XDG_RUNTIME_DIR="+runtime)
			}
			r := w.azc(t, nil, env, "exec", "-c", w.ids[0].context, "--", "sh", "-c", `echo "$AZURE_CONFIG_DIR"; test -s "$AZURE_CONFIG_DIR/azureProfile.json"`)
			if r.code != 0 {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			want := tc.want
			if want == "tmp" {
				want = tmp
			}
			dir := strings.TrimSpace(r.stdout)
			if !filepath.IsAbs(dir) {
				t.Errorf("AZURE_CONFIG_DIR=%s is relative: a child that changes directory loses it", dir)
			}
			if filepath.Dir(dir) != want {
				t.Errorf("AZURE_CONFIG_DIR=%s; want a directory in %s", dir, want)
			}
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the private AZURE_CONFIG_DIR %s outlived the child: %v", dir, err)
			}
		})
	}
}

// armProbe is what the ARM probes print: the subscription
// $AZURE_SUBSCRIPTION_ID as ARM describes it, and the subscriptions listed.
type armProbe struct {
	SubscriptionID string   `json:"subscriptionId"`
	TenantID       string   `json:"tenantId"`
	Listed         []string `json:"listed"`
}

// checkARMProbe runs an ARM probe under `azc exec -c CTX` with another
// identity's variables in azc's environment: the probe must have read the
// context's subscription in the context's tenant through ARM, listed the
// subscriptions the context's identity sees, and written nothing to stderr
// (no SDK warning).
func (w *world) checkARMProbe(t *testing.T, probe ...string) {
	t.Helper()
	id := w.ids[0]
	r := w.azc(t, nil, hostile(), append([]string{"exec", "-c", id.context, "--"}, probe...)...)
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if r.stderr != "" {
		t.Errorf("the probe wrote to stderr:\n%s", r.stderr)
	}
	var got armProbe
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("probe printed %q: %v", r.stdout, err)
	}
	if got.SubscriptionID != id.subscription || got.TenantID != id.tenant {
		t.Errorf("the probe read subscription %s in tenant %s; want the context's %s in %s", got.SubscriptionID, got.TenantID, id.subscription, id.tenant)
	}
	if len(got.Listed) != 2 {
		t.Errorf("the probe listed %v; want the 2 subscriptions of the context's identity", got.Listed)
	}
}

func TestGoARMClientActsOnTheContext(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 1)
	w.checkARMProbe(t, bin.probe, "-arm", w.emu.ARMEndpoint())
}

// TestAUsersContextIsServed: a user signed in with the device code (no
// managed identity, so no selector names it) is served to an SDK under
// exec like a service principal.
func TestAUsersContextIsServed(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 0)
	w.emu.OnDeviceCode(func(code string) { _ = w.emu.ApproveDeviceCode(code, emulator.DefaultUser) })
	w.mustAzc(t, nil, "login", "--environment", "emulator", "--device-code", "-o", "none")
	r := w.azc(t, nil, hostile(), "exec", "-c", "Contoso Prod", "--", bin.probe, "-arm", w.emu.ARMEndpoint())
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	var got armProbe
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.SubscriptionID != "5a5a5a5a-0000-4000-8000-000000000002" || got.TenantID != emulator.DefaultHomeTenantID {
		t.Errorf("the probe read %+v; want Contoso Prod in %s", got, emulator.DefaultHomeTenantID)
	}
}

func TestPythonARMClientsActOnTheContext(t *testing.T) {
	t.Parallel()
	const python = "/usr/bin/python3"
	err := exec.Command(python, "-c", "import azure.identity, azure.mgmt.resource, azure.mgmt.subscription").Run()
	requirePeer(t, err, "Debian's python3 with python3-azure ("+python+" -c 'import azure.identity, azure.mgmt.resource, azure.mgmt.subscription')")
	w := newWorld(t, 1)
	w.checkARMProbe(t, python, "testdata/armprobe.py", w.emu.ARMEndpoint())
}

func TestNodeARMClientsActOnTheContext(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat("../../../interop/node/node_modules/@azure/arm-subscriptions")
	}
	requirePeer(t, err, "node with interop/node's packages (`npm ci` in interop/node)")
	probe, err := filepath.Abs("../../../interop/node/armprobe.js")
	if err != nil {
		t.Fatal(err)
	}
	w := newWorld(t, 1)
	w.checkARMProbe(t, node, probe, w.emu.ARMEndpoint())
}

// echo shows token to the emulator's echo endpoint.
func (w *world) echo(t *testing.T, token string) claims {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, w.echoURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := w.emu.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var c claims
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("echo: status %d, %v", resp.StatusCode, err)
	}
	return c
}

// TestConcurrentExecsServeOnlyTheirOwnIdentity runs 8 execs at once, each
// under a context of a different service principal in a different tenant.
func TestConcurrentExecsServeOnlyTheirOwnIdentity(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 8)
	var wg sync.WaitGroup
	results := make([]result, len(w.ids))
	for i, id := range w.ids {
		wg.Go(func() {
			results[i] = w.azc(t, nil, nil, "exec", "-c", id.context, "--", bin.probe, "-cred", "dac", "-echo", w.echoURL(), "-ca", w.caFile)
		})
	}
	wg.Wait()
	for i, id := range w.ids {
		if results[i].code != 0 {
			t.Errorf("%s: exit %d\nstderr:\n%s", id.context, results[i].code, results[i].stderr)
			continue
		}
		id.check(t, parseClaims(t, results[i].stdout))
	}
}

func TestTheServerLivesExactlyAsLongAsTheChild(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 1)
	id := w.ids[0]
	r := w.azc(t, nil, nil, "exec", "-c", id.context, "--", "sh", "-c", `echo "$IDENTITY_ENDPOINT"; exit 7`)
	if r.code != 7 {
		t.Fatalf("exit %d, want the child's 7\nstderr:\n%s", r.code, r.stderr)
	}
	if r.stderr != "" {
		t.Errorf("azc added to a failing child's stderr: %q", r.stderr)
	}
	u, err := url.Parse(strings.TrimSpace(r.stdout))
	if err != nil || u.Hostname() != "127.0.0.1" {
		t.Fatalf("the child saw IDENTITY_ENDPOINT=%q (%v)", r.stdout, err)
	}
	if conn, err := net.Dial("tcp", u.Host); err == nil {
		conn.Close()
		t.Fatal("the credential server still accepts connections after the child exited")
	}
}

func TestNoServerExportsOnlyTheContextsVariables(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 1)
	id := w.ids[0]
	r := w.azc(t, nil, hostile(), "exec", "-c", id.context, "--no-server", "--", "env")
	if r.code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		k, v, _ := strings.Cut(line, "=")
		got[k] = v
	}
	// AZC_HANDED_OVER: azc's mark on its hand-over to azc-full, which an
	// azc run by the child must not inherit.
	for _, k := range []string{"IDENTITY_ENDPOINT", "IDENTITY_HEADER", "MSI_ENDPOINT", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_ID", "ARM_USE_MSI", "AZC_HANDED_OVER"} {
		if v, ok := got[k]; ok {
			t.Errorf("the child got %s=%q", k, v)
		}
	}
	if got["AZURE_TENANT_ID"] != id.tenant || got["ARM_TENANT_ID"] != id.tenant || got["AZC_CONTEXT"] != id.context || got["AZURE_SUBSCRIPTION_ID"] == "" {
		t.Errorf("the child's context variables are wrong: %v", got)
	}
}

// TestTheChildLosesOtherCredentials: with a server, the credential,
// storage-key and cloud variables of azc's environment do not reach the
// child unless --keep-env names them, and AZURE_TENANT_ID is not set
// (Python's DefaultAzureCredential would warn about it).
func TestTheChildLosesOtherCredentials(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 1)
	id := w.ids[0]
	parent := append(hostile(), "ARM_ACCESS_KEY=k", "ARM_SAS_TOKEN=s", "AZURE_STORAGE_KEY=k",
		"AZURE_STORAGE_CONNECTION_STRING=c", "AZURE_STORAGE_SAS_TOKEN=s", "ARM_USE_CLI=true",
		"AZURE_AUTHORITY_HOST=https://login.other.example/", "ARM_ENVIRONMENT=usgovernment",
		"ARM_CLIENT_SECRET=s", "AZURE_CLIENT_CERTIFICATE_PATH=p", "ARM_OIDC_TOKEN=t", "KEEP_ME=1")
	r := w.azc(t, nil, parent, "exec", "-c", id.context, "--keep-env", "AZURE_STORAGE_SAS_TOKEN", "--", "env")
	if r.code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		k, v, _ := strings.Cut(line, "=")
		got[k] = v
	}
	for _, kv := range parent {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "KEEP_ME", "AZURE_STORAGE_SAS_TOKEN":
			if got[k] != v {
				t.Errorf("the child lost %s", k)
			}
		default:
			if got[k] == v {
				t.Errorf("the child got the parent's %s", k)
			}
		}
	}
	if v, ok := got["AZURE_TENANT_ID"]; ok {
		t.Errorf("the child got AZURE_TENANT_ID=%s beside a server", v)
	}
	if got["ARM_TENANT_ID"] != id.tenant || got["AZURE_SUBSCRIPTION_ID"] != id.subscription || got["MSI_SECRET"] == "" || got["IDENTITY_HEADER"] != got["MSI_SECRET"] {
		t.Errorf("the child's context and server variables are wrong: %v", got)
	}
}

func TestACommandThatDoesNotExistExits127(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 1)
	r := w.azc(t, nil, nil, "exec", "-c", w.ids[0].context, "--", "azc-no-such-command")
	if r.code != 127 || !strings.Contains(r.stderr, "azc: error:") {
		t.Errorf("exit %d, stderr %q; want 127 and an error line", r.code, r.stderr)
	}
}

// TestSignalsReachTheChildThroughAzc sends TERM, USR1 and USR2 to the azc
// process: the child's trap must run, and azc must end with the child's
// exit code. (The Go runtime swallowed USR1 and USR2, which programs take
// as "reopen your logs" or "reload".)
func TestSignalsReachTheChildThroughAzc(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 1)
	for _, tc := range []struct {
		sig  syscall.Signal
		name string
	}{{syscall.SIGTERM, "TERM"}, {syscall.SIGUSR1, "USR1"}, {syscall.SIGUSR2, "USR2"}} {
		sig, name := tc.sig, tc.name
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// The child waits in short sleeps, after each of which the
			// shell runs a pending trap. A blocking "read" loses a signal
			// that arrives after the shell's last look for pending traps
			// but before its read(2) starts: the handler has run, and the
			// read then blocks for good (dash, with TERM sent 60 µs after
			// "ready": 1 hang in 300; through azc about 1 run in 100 hung
			// this test).
			cmd := exec.Command(bin.azc, "exec", "-c", w.ids[0].context, "--", "sh", "-c",
				fmt.Sprintf(`trap 'echo got %[1]s; exit 42' %[1]s; echo ready; while :; do sleep 0.05; done`, name))
			cmd.Env = w.env
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, len("ready\n"))
			if _, err := io.ReadFull(stdout, buf); err != nil || string(buf) != "ready\n" {
				_ = cmd.Process.Kill()
				t.Fatalf("read %q, %v; stderr %s", buf, err, stderr.String())
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			rest, err := io.ReadAll(stdout)
			if err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()
			if string(rest) != "got "+name+"\n" || cmd.ProcessState.ExitCode() != 42 {
				t.Errorf("child printed %q, azc exited %d; want \"got %s\" and 42; stderr %s", rest, cmd.ProcessState.ExitCode(), name, stderr.String())
			}
		})
	}
}

// TestAProgramThatCannotRunIsNamedPlainly: the error names the program and
// why, with no package name of azc's or os/exec's in it.
func TestAProgramThatCannotRunIsNamedPlainly(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 1)
	for _, tc := range []struct{ program, want string }{
		{"nosuchprog-azc", `azc: error: "nosuchprog-azc" not found in the program's PATH`},
		{"./nosuchprog-azc", `azc: error: "./nosuchprog-azc" cannot be run: `},
	} {
		r := w.azc(t, nil, nil, "exec", "-c", w.ids[0].context, "--", tc.program)
		if r.code != 127 || !strings.HasPrefix(r.stderr, tc.want) {
			t.Errorf("azc exec -- %s: exit %d, stderr %q; want 127 and %q", tc.program, r.code, r.stderr, tc.want)
		}
		for _, leak := range []string{"childproc", "credserver", "exec:"} {
			if strings.Contains(r.stderr, leak) {
				t.Errorf("azc exec -- %s names %q: %q", tc.program, leak, r.stderr)
			}
		}
	}
}

// TestTheProvidersRefusalReachesTheTerminalEscapedAndShort: a token the
// child asks for is refused by the identity provider with a description
// that holds terminal commands (retitle the window, clear the screen) and
// runs to 1 MiB. azc's warning shows it with every control character spelled
// out, on one line of bounded length.
func TestTheProvidersRefusalReachesTheTerminalEscapedAndShort(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 1)
	desc := "\x1b]0;owned\a\x1b[2Jrefused " + strings.Repeat("A", 1<<20)
	w.emu.SetFault(emulator.RouteToken, emulator.Fault{Status: http.StatusBadRequest, Description: desc})
	// The ARM token is cached since the sign-in; the other spelling of
	// ARM's audience is not, so the child's request reaches the provider.
	r := w.azc(t, nil, nil, "exec", "-c", w.ids[0].context, "--", bin.probe, "-cred", "mi",
		"-scope", "https://management.azure.com/.default", "-echo", w.echoURL(), "-ca", w.caFile)
	if r.code == 0 {
		t.Fatal("the child got a token the provider refused")
	}
	i := strings.Index(r.stderr, "azc: warning:")
	if i < 0 {
		t.Fatalf("no warning on stderr: %s", quotedPrefix(r.stderr))
	}
	warning, _, _ := strings.Cut(r.stderr[i:], "\n")
	if strings.ContainsAny(r.stderr, "\x1b\a") {
		t.Errorf("stderr carries the provider's control characters raw: %s", quotedPrefix(r.stderr))
	}
	if !strings.Contains(warning, `\x1b]0;owned\a\x1b[2Jrefused`) {
		t.Errorf("the warning does not show the provider's text escaped: %s", quotedPrefix(warning))
	}
	if len(warning) > 2048 {
		t.Errorf("the warning is %d bytes long, want at most 2048", len(warning))
	}
}

// quotedPrefix is the start of s, quoted, for a failure message.
func quotedPrefix(s string) string { return fmt.Sprintf("%.300q", s) }

// TestASignalDuringTheStartEndsAzcAndLeavesNothing sends TERM, HUP, QUIT
// and INT to azc exec while it waits for the token it checks the sign-in
// with, before the child exists: azc must stop waiting, run no child,
// remove the private AZURE_CONFIG_DIR it has made, print no goroutine dump
// and exit 128+N as a shell does. (TERM and HUP ended the process on the
// spot, leaving the directory in the temporary directory; QUIT also dumped
// every goroutine's stack on stderr.)
func TestASignalDuringTheStartEndsAzcAndLeavesNothing(t *testing.T) {
	t.Parallel()
	// Tokens of 5 minutes, which no cache serves: the start asks the
	// identity provider, which holds the request open.
	w := newWorld(t, 1, func(cfg *emulator.Config) { cfg.TokenLifetime = emulator.Duration(5 * time.Minute) })
	w.emu.SetFault(emulator.RouteToken, emulator.Fault{Hang: true})
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			tmp := t.TempDir()
			before := w.emu.Count(emulator.RouteToken, "")
			cmd := exec.Command(bin.azc, "exec", "-c", w.ids[0].context, "--", "sh", "-c", "echo the child ran")
			cmd.Env = append(append([]string(nil), w.env...), "TMPDIR="+tmp)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Wait until azc has made the private directory and is waiting
			// for the identity provider.
			for w.emu.Count(emulator.RouteToken, "") == before || !hasPrivateDir(t, tmp) {
				time.Sleep(5 * time.Millisecond)
			}
			// USR1, which asks a running program for something, has no
			// one to ask yet and must not end the start.
			if err := cmd.Process.Signal(syscall.SIGUSR1); err != nil {
				t.Fatal(err)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()
			ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
			if ws.Signaled() || ws.ExitStatus() != 128+int(sig) {
				t.Errorf("azc ended with %v; want exit code %d", cmd.ProcessState, 128+int(sig))
			}
			if stdout.Len() != 0 {
				t.Errorf("the child ran: %q", stdout.String())
			}
			if strings.Contains(stderr.String(), "goroutine") {
				t.Errorf("azc dumped its goroutines: %s", quotedPrefix(stderr.String()))
			}
			if hasPrivateDir(t, tmp) {
				t.Errorf("the private AZURE_CONFIG_DIR outlived azc in %s", tmp)
			}
		})
	}
}

// hasPrivateDir reports whether dir holds an exec's private
// AZURE_CONFIG_DIR with its azureProfile.json written.
func hasPrivateDir(t *testing.T, dir string) bool {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "azc-exec-*", "azureProfile.json"))
	if err != nil {
		t.Fatal(err)
	}
	return len(m) > 0
}

// TestThePrivateDirOfAKilledExecIsRemovedByTheNext: an azc exec killed
// with SIGKILL cannot remove its private AZURE_CONFIG_DIR. The next exec
// that makes its own in the same place an hour or more after the last
// sweep removes it, and leaves the directory of an exec still running and
// one that is no exec's (no lock: an older azc's, or one being made).
// (The killed exec's directory stayed in the temporary directory for
// good.)
func TestThePrivateDirOfAKilledExecIsRemovedByTheNext(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 1)
	ctxName := w.ids[0].context
	tmp := t.TempDir()
	env := append(append([]string(nil), w.env...), "TMPDIR="+tmp)
	start := func(script string) (*exec.Cmd, io.WriteCloser, string) {
		t.Helper()
		cmd := exec.Command(bin.azc, "exec", "-c", ctxName, "--", "sh", "-c", script)
		cmd.Env = env
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err != nil {
			_ = cmd.Process.Kill()
			t.Fatalf("the child printed %q: %v", line, err)
		}
		return cmd, stdin, strings.TrimSpace(line)
	}
	live, liveIn, liveDir := start(`echo "$AZURE_CONFIG_DIR"; cat >/dev/null`)
	defer func() { liveIn.Close(); _ = live.Wait() }()
	killed, killedIn, line := start(`echo "$AZURE_CONFIG_DIR $$"; exec cat >/dev/null`)
	killedDir, pid, _ := strings.Cut(line, " ")
	if err := killed.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = killed.Wait()
	killedIn.Close() // the orphaned child's stdin: it ends
	if _, err := os.Stat(killedDir); err != nil {
		t.Fatalf("the killed exec's directory %s (child %s) is not there to be removed: %v", killedDir, pid, err)
	}
	other := filepath.Join(tmp, "azc-exec-not-locked")
	if err := os.Mkdir(other, 0o700); err != nil {
		t.Fatal(err)
	}

	run := func() {
		t.Helper()
		if r := w.azc(t, nil, []string{"TMPDIR=" + tmp}, "exec", "-c", ctxName, "--", "true"); r.code != 0 {
			t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
		}
	}
	// An exec swept a moment ago: this one does not look. (An exec sweeps
	// once its child has run: neither above has ended.)
	stamp := filepath.Join(w.dir, "azc", "exec-sweep")
	if err := os.WriteFile(stamp, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	run()
	if _, err := os.Stat(killedDir); err != nil {
		t.Fatalf("an exec within the hour of the last sweep removed %s: %v", killedDir, err)
	}
	hourAgo := time.Now().Add(-time.Hour)
	if err := os.Chtimes(stamp, hourAgo, hourAgo); err != nil {
		t.Fatal(err)
	}
	run()
	if _, err := os.Stat(killedDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the killed exec's directory %s is still there: %v", killedDir, err)
	}
	for _, dir := range []string{liveDir, other} {
		if _, err := os.Stat(dir); err != nil {
			t.Errorf("%s was removed: %v", dir, err)
		}
	}
}

// TestAnExecThatFailsBeforeItsCommandStartsLeavesNoSweepRecord: `azc
// exec --private-az-config` whose CMD cannot be found (or whose context
// does not exist) fails before CMD starts, and leaves nothing: no private
// directory and no exec-sweep record in the state directory, which an
// exec whose child ran writes. (The record was written by an exec whose
// CMD was not found.)
func TestAnExecThatFailsBeforeItsCommandStartsLeavesNoSweepRecord(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 1)
	tmp := t.TempDir()
	stamp := filepath.Join(w.dir, "azc", "exec-sweep")
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"exec", "-c", w.ids[0].context, "--private-az-config", "--", "azc-no-such-command"}, 127},
		{[]string{"exec", "-c", "no such context", "--private-az-config", "--", "true"}, 1},
	} {
		r := w.azc(t, nil, []string{"TMPDIR=" + tmp}, tc.args...)
		if r.code != tc.code {
			t.Errorf("azc %q: exit %d, want %d\nstderr:\n%s", tc.args, r.code, tc.code, r.stderr)
		}
		if _, err := os.Lstat(stamp); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("azc %q left %s: %v", tc.args, stamp, err)
		}
		if m, _ := filepath.Glob(filepath.Join(tmp, "azc-exec-*")); len(m) > 0 {
			t.Errorf("azc %q left %s", tc.args, m)
		}
	}
	// one whose child runs, and fails, sweeps
	if r := w.azc(t, nil, []string{"TMPDIR=" + tmp}, "exec", "-c", w.ids[0].context, "--private-az-config", "--", "false"); r.code != 1 {
		t.Fatalf("exec -- false: exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	if _, err := os.Lstat(stamp); err != nil {
		t.Errorf("an exec whose child ran left no %s: %v", stamp, err)
	}
}

// TestAContextWhoseTenantTheProviderRefusesSaysWhatToCheck: a context
// whose tenant the identity provider does not know (a hand edit, a tenant
// deleted since) fails exec's start with the hint `azc token` gives for
// it, to check the tenant, not with the provider's refusal alone.
func TestAContextWhoseTenantTheProviderRefusesSaysWhatToCheck(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 1)
	path := filepath.Join(w.dir, "azc", "profile.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const gone = "99999999-9999-4999-8999-999999999999"
	edited := strings.ReplaceAll(string(data), `"tenant":{"id":"`+w.ids[0].tenant+`"`, `"tenant":{"id":"`+gone+`"`)
	if edited == string(data) {
		t.Fatal("the profile has no context of the tenant to edit")
	}
	if err := os.WriteFile(path, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	want := w.azc(t, nil, nil, "token", "-c", w.ids[0].context)
	r := w.azc(t, nil, nil, "exec", "-c", w.ids[0].context, "--", "true")
	if r.code != 1 || !strings.Contains(r.stderr, "azc: hint: check the tenant") || !strings.Contains(want.stderr, "azc: hint: check the tenant") {
		t.Errorf("exec: exit %d, stderr:\n%s\ntoken: exit %d, stderr:\n%s", r.code, r.stderr, want.code, want.stderr)
	}
}

// TestAChildWhoseContextIsSignedOutMeanwhileIsToldSo: the context's account
// signed out in another shell while the child runs, a token the child asks
// for then (one no cache holds) is refused with 400 and a description
// that says the account is signed out and how to sign in again, which
// the child's SDK shows; azc says why on its stderr. It was a 500
// token_unavailable, "see azc's error output", which SDKs retry first.
func TestAChildWhoseContextIsSignedOutMeanwhileIsToldSo(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 1)
	id := w.ids[0]
	script := `AZC_CONFIG_DIR="$1" "$2" logout "$3" -o none || exit 9; exec "$4" -cred mi -scope "$5" -echo "$6" -ca "$7"`
	r := w.azc(t, nil, nil, "exec", "-c", id.context, "--", "sh", "-c", script, "sh",
		filepath.Join(w.dir, "azc"), bin.azc, id.appID, bin.probe, w.emu.ARMEndpoint()+"/.default", w.echoURL(), w.caFile)
	if r.code != 1 {
		t.Fatalf("exit %d, want the probe's 1\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"400", "interaction_required", "not signed in any more", "sign in again with `azc login`"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("the child's error does not say %q:\n%s", want, r.stderr)
		}
	}
	if !strings.Contains(r.stderr, "azc: warning: exec: ") {
		t.Errorf("azc did not say why on its stderr:\n%s", r.stderr)
	}
}

// children lists the processes whose parent is pid, with the programs
// they run (Linux's /proc).
func children(t *testing.T, pid int) map[int]string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	files, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]string{}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			continue // the thread ended
		}
		for _, f := range strings.Fields(string(data)) {
			child, _ := strconv.Atoi(f)
			exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", child))
			out[child] = exe
		}
	}
	return out
}

// running reports whether pid is a process that has not exited (a zombie
// has).
func running(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// pid (comm) state ...: comm may hold spaces and parentheses
	i := bytes.LastIndexByte(data, ')')
	return i >= 0 && i+2 < len(data) && data[i+2] != 'Z'
}

// startExec starts `azc exec -c CONTEXT -- sh -c 'echo $$; SCRIPT'` in w
// and returns it once the child runs, with the child's pid and the pid of
// the azc-full serving it beside the child.
func startExec(t *testing.T, w *world, extraEnv []string, script string) (cmd *exec.Cmd, child, server int) {
	t.Helper()
	cmd = exec.Command(bin.azc, "exec", "-c", w.ids[0].context, "--", "sh", "-c", `echo $$; `+script)
	cmd.Env = append(append([]string(nil), w.env...), extraEnv...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the child's pid: %v; stderr: %s", err, stderr.String())
	}
	if child, err = strconv.Atoi(strings.TrimSpace(line)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(child, syscall.SIGKILL) })
	for pid, exe := range children(t, cmd.Process.Pid) {
		if filepath.Base(exe) == "azc-full" {
			server = pid
		}
	}
	return cmd, child, server
}

// TestTheAzcBinaryServesFromAzcFullBesideTheChild: in the plain form,
// `azc exec` runs the child itself (its parent is azc, not azc-full) while
// an azc-full it started serves the credentials, and nothing of either is
// left once azc returns.
func TestTheAzcBinaryServesFromAzcFullBesideTheChild(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 1)
	cmd, child, server := startExec(t, w, nil, "exec sleep 60")
	if exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", cmd.Process.Pid)); exe != bin.azc {
		t.Errorf("azc became %s", exe)
	}
	if server == 0 {
		t.Fatalf("no azc-full serves beside the child: azc's children are %v", children(t, cmd.Process.Pid))
	}
	if got := children(t, cmd.Process.Pid); got[child] == "" {
		t.Errorf("the child %d is not azc's: azc's children are %v", child, got)
	}
	_ = cmd.Process.Signal(syscall.SIGTERM) // reaches the child, which ends
	if err := cmd.Wait(); err == nil || cmd.ProcessState.ExitCode() != 128+int(syscall.SIGTERM) {
		t.Errorf("azc ended with %v; want the child's end by TERM", cmd.ProcessState)
	}
	if running(server) {
		t.Errorf("the server %d outlived azc", server)
	}
}

// TestKillingAzcEndsItsServer: an azc exec killed with SIGKILL cannot stop
// its server; the server sees its standard input end and exits by itself.
func TestKillingAzcEndsItsServer(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 1)
	cmd, child, server := startExec(t, w, nil, "exec sleep 60")
	if server == 0 {
		t.Fatalf("no azc-full serves beside the child: azc's children are %v", children(t, cmd.Process.Pid))
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for running(server) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if running(server) {
		t.Errorf("the server %d outlived the azc killed with SIGKILL", server)
	}
	// the orphaned child holds azc's stderr, which Wait reads to its end
	_ = syscall.Kill(child, syscall.SIGKILL)
	_ = cmd.Wait()
}

// TestAServerThatEndsEarlyIsReported: when the azc-full serving a child
// ends while the child runs (here one that is no server at all), azc says
// so at once, and still leaves with the child's exit code.
func TestAServerThatEndsEarlyIsReported(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 1)
	fake := filepath.Join(t.TempDir(), "azc-full")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	r := w.azc(t, nil, []string{"AZC_FULL=" + fake}, "exec", "-c", w.ids[0].context, "--", "sh", "-c", "sleep 2; exit 5")
	if r.code != 5 {
		t.Errorf("exit %d, want the child's 5\nstderr:\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "azc: warning: exec: the credential server ended before the program did") {
		t.Errorf("azc did not say the server ended:\n%s", r.stderr)
	}
}

// TestThePortOfAServerThatEndedStaysAzcs: once the server azc started has
// ended before the child, azc holds its port and closes every connection
// to it as it comes: the child's requests fail at once, and no other
// process can listen on the port and be sent them, secret included. The
// server may end before it serves (a broken install), or be killed after
// it served, which left the socket azc shares with it non-blocking.
func TestThePortOfAServerThatEndedStaysAzcs(t *testing.T) {
	t.Parallel()
	fake := filepath.Join(t.TempDir(), "azc-full")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		env  []string
		// end ends the server at u once it has started, when it does not
		// end by itself
		end func(t *testing.T, u *url.URL, server int)
	}{
		{name: "one that never serves", env: []string{"AZC_FULL=" + fake}},
		{name: "one killed after it served", end: func(t *testing.T, u *url.URL, server int) {
			if server == 0 {
				t.Fatal("no azc-full serves beside the child")
			}
			resp, err := (&http.Client{Timeout: 30 * time.Second}).Get(u.String())
			if err != nil {
				t.Fatalf("the server does not answer: %v", err)
			}
			resp.Body.Close()
			if err := syscall.Kill(server, syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, 1)
			endpoint := filepath.Join(t.TempDir(), "endpoint")
			cmd, child, server := startExec(t, w, append(tc.env, "ENDPOINT_FILE="+endpoint), `echo "$IDENTITY_ENDPOINT" >"$ENDPOINT_FILE"; exec sleep 60`)
			var line []byte
			for deadline := time.Now().Add(10 * time.Second); len(line) == 0 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
				line, _ = os.ReadFile(endpoint)
			}
			u, err := url.Parse(strings.TrimSpace(string(line)))
			if err != nil || u.Hostname() != "127.0.0.1" {
				t.Fatalf("the child saw IDENTITY_ENDPOINT=%q (%v)", line, err)
			}
			if tc.end != nil {
				tc.end(t, u, server)
			}
			// refused reports whether a connection to the port is closed
			// within wait
			refused := func(wait time.Duration) bool {
				conn, err := net.Dial("tcp", u.Host)
				if err != nil {
					t.Fatalf("connecting to the ended server's port: %v", err)
				}
				defer conn.Close()
				_ = conn.SetReadDeadline(time.Now().Add(wait))
				_, err = conn.Read(make([]byte, 1))
				return errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)
			}
			closed := false
			for deadline := time.Now().Add(10 * time.Second); !closed && time.Now().Before(deadline); {
				closed = refused(200 * time.Millisecond)
			}
			if !closed {
				t.Fatal("a connection to the ended server's port is not closed at once")
			}
			// and every one after it, not only one that came before azc
			// began to refuse
			for i := range 3 {
				if !refused(5 * time.Second) {
					t.Fatalf("connection %d after the first to the ended server's port is not closed", i+1)
				}
			}
			if ln, err := net.Listen("tcp4", u.Host); err == nil {
				ln.Close()
				t.Error("another program can listen on the ended server's port while the child runs")
			}
			_ = syscall.Kill(child, syscall.SIGTERM)
			if err := cmd.Wait(); cmd.ProcessState.ExitCode() != 128+int(syscall.SIGTERM) {
				t.Errorf("azc ended with %v (%v); want the child's end by TERM", cmd.ProcessState, err)
			}
		})
	}
}

// TestAStoppedServerDoesNotHoldAzc: a server stopped (SIGSTOP, a debugger,
// a job-control stop of its own process group) while the child runs must
// not keep azc from ending with the child: TERM alone stays pending in a
// stopped process, which azc would wait for for good.
func TestAStoppedServerDoesNotHoldAzc(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 1)
	cmd, _, server := startExec(t, w, nil, "exec sleep 60")
	if server == 0 {
		t.Fatalf("no azc-full serves beside the child: azc's children are %v", children(t, cmd.Process.Pid))
	}
	if err := syscall.Kill(server, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(server, syscall.SIGKILL) })
	_ = cmd.Process.Signal(syscall.SIGTERM) // reaches the child, which ends
	ended := make(chan error, 1)
	go func() { ended <- cmd.Wait() }()
	select {
	case <-ended:
	case <-time.After(20 * time.Second):
		t.Fatal("azc did not end with its child while its server was stopped")
	}
	if code := cmd.ProcessState.ExitCode(); code != 128+int(syscall.SIGTERM) {
		t.Errorf("azc ended with %v; want the child's end by TERM", cmd.ProcessState)
	}
	if running(server) {
		t.Errorf("the server %d outlived azc", server)
	}
}

// TestBothPathsGiveTheChildTheSameVariables: the plain form that azc runs
// itself and the same exec run by azc-full alone give the child the same
// variables (their values differ only where they are random: the port,
// path, secret and private directory).
func TestBothPathsGiveTheChildTheSameVariables(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 1)
	names := func(bin string) []string {
		cmd := exec.Command(bin, "exec", "-c", w.ids[0].context, "--", "env")
		cmd.Env = append([]string(nil), w.env...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s exec -- env: %v", bin, err)
		}
		var names []string
		for _, kv := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			name, _, _ := strings.Cut(kv, "=")
			names = append(names, name)
		}
		slices.Sort(names)
		return names
	}
	viaAzc, viaFull := names(bin.azc), names(filepath.Join(filepath.Dir(bin.azc), "azc-full"))
	if !slices.Equal(viaAzc, viaFull) {
		t.Errorf("the child's variables differ:\nazc:      %q\nazc-full: %q", viaAzc, viaFull)
	}
	for _, want := range []string{"IDENTITY_ENDPOINT", "MSI_ENDPOINT", "AZURE_CONFIG_DIR"} {
		if !slices.Contains(viaAzc, want) {
			t.Errorf("the child of the plain form has no %s", want)
		}
	}
}

// TestNodeKeepsTheCAsItWasToldToTrust: a user behind a TLS-inspecting
// proxy has NODE_EXTRA_CA_CERTS name the proxy's CA. Node reads one such
// file, so the child's must hold that CA and the environment's both: with
// the environment's alone, Node in the child would trust the custom cloud
// and no longer the proxy every other HTTPS request goes through (Python
// and Go get a bundle of the parent's roots and the environment's CA).
func TestNodeKeepsTheCAsItWasToldToTrust(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 1)
	corp := filepath.Join(w.dir, "corp-proxy-ca.pem")
	corpPEM := "-----BEGIN CERTIFICATE-----\nY29ycC1wcm94eS1jYQ==\n-----END CERTIFICATE-----\n"
	if err := os.WriteFile(corp, []byte(corpPEM), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, form := range [][]string{{"exec"}, {"exec", "--legacy-msi=false"}} {
		args := append(append([]string(nil), form...), "-c", w.ids[0].context, "--", "sh", "-c", `cat "$NODE_EXTRA_CA_CERTS"`)
		r := w.azc(t, nil, []string{"NODE_EXTRA_CA_CERTS=" + corp}, args...)
		if r.code != 0 {
			t.Fatalf("azc %q: exit %d, stderr %s", args, r.code, r.stderr)
		}
		if !strings.Contains(r.stdout, corpPEM) {
			t.Errorf("azc %q: the child's NODE_EXTRA_CA_CERTS lost the CA of the parent's NODE_EXTRA_CA_CERTS; it holds:\n%s", args, r.stdout)
		}
		if !strings.Contains(r.stdout, strings.TrimSpace(string(w.emu.CACertPEM()))) {
			t.Errorf("azc %q: the child's NODE_EXTRA_CA_CERTS does not hold the environment's CA", args)
		}
	}
}

// TestAnHTTPProxyGetsNoneOfTheServersRequests: a user behind a proxy has
// HTTP_PROXY set. Python's requests (azure-identity, the az CLI) and curl
// send http:// requests through it unless NO_PROXY names the host, loopback
// included: the child's token requests, secret and all, would go to the
// proxy and fail. The child's NO_PROXY and no_proxy name the server's
// address, after what the parent's held.
func TestAnHTTPProxyGetsNoneOfTheServersRequests(t *testing.T) {
	t.Parallel()
	var proxied sync.Map
	proxy := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		proxied.Store(r.URL.String(), true)
		rw.WriteHeader(http.StatusBadGateway)
	}))
	t.Cleanup(proxy.Close)
	w := newWorld(t, 1)
	id := w.ids[0]
	withProxy := []string{"HTTP_PROXY=" + proxy.URL, "http_proxy=" + proxy.URL, "ALL_PROXY=" + proxy.URL}
	t.Run("curl", func(t *testing.T) {
		_, err := exec.LookPath("curl")
		requirePeer(t, err, "curl")
		script := `curl -sS -f -o /dev/null -H "X-IDENTITY-HEADER: $IDENTITY_HEADER" "$IDENTITY_ENDPOINT?api-version=2019-08-01&resource=` + w.emu.ARMAudience() + `" && printf '%s\n%s\n' "$NO_PROXY" "$no_proxy"`
		for _, tc := range []struct {
			parent []string
			want   string
		}{
			{nil, "127.0.0.1\n127.0.0.1\n"},
			{[]string{"NO_PROXY=corp.example", "no_proxy=.corp.example"}, "corp.example,127.0.0.1\n.corp.example,127.0.0.1\n"},
		} {
			r := w.azc(t, nil, append(slices.Clone(withProxy), tc.parent...), "exec", "-c", id.context, "--", "sh", "-c", script)
			if r.code != 0 || r.stdout != tc.want {
				t.Errorf("with %q: exit %d, NO_PROXY and no_proxy %q, want %q\nstderr:\n%s", tc.parent, r.code, r.stdout, tc.want, r.stderr)
			}
		}
	})
	t.Run("Python azure-identity", func(t *testing.T) {
		const python = "/usr/bin/python3"
		err := exec.Command(python, "-c", "import azure.identity").Run()
		requirePeer(t, err, "Debian's python3 with python3-azure ("+python+" -c 'import azure.identity')")
		r := w.azc(t, nil, withProxy, "exec", "-c", id.context, "--", python, "testdata/tokenprobe.py", w.echoURL(), w.caFile)
		if r.code != 0 {
			t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
		}
		id.check(t, parseClaims(t, r.stdout))
	})
	proxied.Range(func(u, _ any) bool {
		t.Errorf("the proxy was sent %s", u)
		return true
	})
}
