//go:build linux

// Tests that unmodified tools sign in to `azc-emulator serve --impersonate` as they would
// to the public cloud, with nothing but HTTPS_PROXY and the emulator's CA: Debian's az
// CLI, MSAL Python, @azure/identity on Node, and azc with its built-in AzureCloud. They
// run real processes; each peer that is missing skips its test, unless
// AZC_REQUIRE_PEERS=1.
package main_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/internal/ptytest"
)

// bin holds the binaries TestMain builds.
var bin struct{ dir, emulator, azc string }

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "azc-impersonate-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin.dir = dir
	bin.emulator, bin.azc = filepath.Join(dir, "azc-emulator"), filepath.Join(dir, "azc")
	// azc hands login and exec to azc-full, which it finds beside itself.
	out, err := exec.Command("go", "build", "-o", dir+string(filepath.Separator), "github.com/azcontext/azc/cmd/azc-emulator",
		"github.com/azcontext/azc/cmd/azc", "github.com/azcontext/azc/cmd/azc-full").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building azc-emulator, azc and azc-full: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// needPeer skips the test when a peer is missing, or fails it under AZC_REQUIRE_PEERS=1.
func needPeer(t *testing.T, ok bool, what string) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv("AZC_REQUIRE_PEERS") == "1" {
		t.Fatalf("%s is missing and AZC_REQUIRE_PEERS=1", what)
	}
	t.Skipf("%s is missing; install it to run this test", what)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// certAppID is a service principal that signs in with a certificate, seeded beside the
// default world.
const certAppID = "99999999-9999-4999-8999-999999999999"

// emu is one `azc-emulator serve --impersonate` process.
type emu struct {
	info   emulator.ServeInfo
	dir    string
	bundle string // the system roots and the emulator's CA, for REQUESTS_CA_BUNDLE and SSL_CERT_FILE
	cert   string // certAppID's certificate and key (PEM)
	client *http.Client
	stderr *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func startEmulator(t *testing.T) *emu {
	t.Helper()
	dir := t.TempDir()
	e := &emu{dir: dir, stderr: &lockedBuffer{}}
	certPEM, keyPEM := selfSigned(t)
	e.cert = filepath.Join(dir, "sp.pem")
	if err := os.WriteFile(e.cert, append(certPEM, keyPEM...), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := emulator.DefaultConfig()
	cfg.Apps = append(cfg.Apps, emulator.App{AppID: certAppID, DisplayName: "cert-sp", Tenant: emulator.DefaultHomeTenantID, Certificates: []string{string(certPEM)}})
	seed, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	seedFile := filepath.Join(dir, "seed.json")
	if err := os.WriteFile(seedFile, seed, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin.emulator, "serve", "--impersonate", "--config", seedFile, "--ca-out", filepath.Join(dir, "ca.pem"))
	cmd.Stderr = e.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("azc-emulator printed no line: %v; stderr: %s", err, e.stderr)
	}
	if err := json.Unmarshal([]byte(line), &e.info); err != nil || e.info.Proxy == "" {
		t.Fatalf("serve info %q: %v", line, err)
	}
	ca, err := os.ReadFile(e.info.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	roots, _ := os.ReadFile("/etc/ssl/certs/ca-certificates.crt") // none: the bundle is the CA alone
	e.bundle = filepath.Join(dir, "bundle.pem")
	if err := os.WriteFile(e.bundle, append(append(roots, '\n'), ca...), 0o644); err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	e.client = &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	return e
}

func selfSigned(t *testing.T) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "cert-sp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk})
}

// hook calls one of the emulator's test hooks directly (not through the proxy).
func (e *emu) hook(t *testing.T, method, path, body string) map[string]any {
	t.Helper()
	req, err := http.NewRequest(method, e.info.HookURL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("hook %s %s: %s %v", method, path, resp.Status, err)
	}
	return m
}

// approveNext plays the user of a device code flow: it approves the next code issued, as
// upn, unless ctx ends first.
func (e *emu) approveNext(t *testing.T, ctx context.Context, upn string) {
	t.Helper()
	go func() {
		for ctx.Err() == nil {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.info.HookURL+"/devicecodes?wait=1m", nil)
			if err != nil {
				return
			}
			resp, err := e.client.Do(req)
			if err != nil {
				return
			}
			var p struct{ Pending []string }
			err = json.NewDecoder(resp.Body).Decode(&p)
			resp.Body.Close()
			if err != nil || len(p.Pending) == 0 {
				continue
			}
			body := fmt.Sprintf(`{"userCode":%q,"upn":%q}`, p.Pending[0], upn)
			if r, err := e.client.Post(e.info.HookURL+"/devicecode/approve", "application/json", strings.NewReader(body)); err == nil {
				r.Body.Close()
			}
			return
		}
	}()
}

type result struct {
	stdout, stderr string
	err            error
}

// run runs a program with exactly env (plus PATH and HOME) and stdin.
func run(t *testing.T, env []string, stdin string, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return result{out.String(), errb.String(), err}
}

func must(t *testing.T, r result, what string) string {
	t.Helper()
	if r.err != nil {
		t.Fatalf("%s: %v\nstdout: %s\nstderr: %s", what, r.err, r.stdout, r.stderr)
	}
	return r.stdout
}

// baseEnv is what every tool gets: a PATH, a HOME of its own, and the proxy.
func (e *emu) baseEnv(t *testing.T, extra ...string) []string {
	home := filepath.Join(t.TempDir(), "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	return append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "HTTPS_PROXY=" + e.info.Proxy}, extra...)
}

func TestAzCLIThroughTheProxy(t *testing.T) {
	t.Parallel()
	needPeer(t, exists("/usr/bin/az"), "Debian's az CLI (/usr/bin/az, apt-get install azure-cli)")
	e := startEmulator(t)
	// Nothing but the proxy and the CA bundle: no az cloud register, no configuration.
	env := e.baseEnv(t, "REQUESTS_CA_BUNDLE="+e.bundle)
	az := func(stdin string, args ...string) string {
		t.Helper()
		return must(t, run(t, env, stdin, "/usr/bin/az", args...), "az "+strings.Join(args, " "))
	}
	type account struct {
		ID, Name, TenantID string
		User               struct{ Name, Type string }
	}
	var accounts []account
	out := az("", "login", "--service-principal", "-u", emulator.DefaultServicePrincipalID, "-p", emulator.DefaultServicePrincipalSecret,
		"--tenant", emulator.DefaultHomeTenantID, "-o", "json")
	if err := json.Unmarshal([]byte(out), &accounts); err != nil || !slices.ContainsFunc(accounts, func(a account) bool {
		return a.ID == emulator.DefaultSubscriptionID && a.User.Name == emulator.DefaultServicePrincipalID
	}) {
		t.Fatalf("az login --service-principal: %v %s", err, out)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e.approveNext(t, ctx, emulator.DefaultUser)
	az("", "login", "--use-device-code", "-o", "none")
	accounts = nil
	out = az("", "account", "list", "--all", "-o", "json")
	if err := json.Unmarshal([]byte(out), &accounts); err != nil {
		t.Fatal(err)
	}
	var userSubs []string
	for _, a := range accounts {
		if a.User.Name == emulator.DefaultUser {
			userSubs = append(userSubs, a.ID)
		}
	}
	if !slices.Contains(userSubs, emulator.DefaultSubscriptionID) || !slices.Contains(userSubs, emulator.DefaultGuestSubscriptionID) {
		t.Fatalf("az account list after the device code: %s", out)
	}

	az("", "account", "set", "--subscription", emulator.DefaultSubscriptionID)
	var group struct{ ID, Location string }
	if err := json.Unmarshal([]byte(az("", "group", "create", "-n", "rg-azcli", "-l", "West Europe", "-o", "json")), &group); err != nil ||
		group.ID != "/subscriptions/"+emulator.DefaultSubscriptionID+"/resourceGroups/rg-azcli" || group.Location != "westeurope" {
		t.Fatalf("az group create: %v %+v", err, group)
	}
	if out := az("", "group", "list", "--query", "[].name", "-o", "tsv"); strings.TrimSpace(out) != "rg-azcli" {
		t.Fatalf("az group list: %q", out)
	}
	az("", "group", "delete", "-n", "rg-azcli", "--yes")
	if out := az("", "group", "list", "--query", "[].name", "-o", "tsv"); strings.TrimSpace(out) != "" {
		t.Fatalf("az group list after delete: %q", out)
	}
}

// TestAzCLISignsInWithABrowserThroughTheProxy: `az login` opens the sign-in page in
// the browser BROWSER names, which hands it to the emulator's open-url hook; MSAL Python
// then checks that the id_token carries the nonce its authorization request sent.
func TestAzCLISignsInWithABrowserThroughTheProxy(t *testing.T) {
	t.Parallel()
	_, curlErr := exec.LookPath("curl")
	needPeer(t, exists("/usr/bin/az") && curlErr == nil, "Debian's az CLI (/usr/bin/az, apt-get install azure-cli) and curl (the stand-in browser)")
	e := startEmulator(t)
	e.hook(t, http.MethodPut, "/interactive-user", `{"upn":"`+emulator.DefaultUser+`"}`)
	// webbrowser waits for the browser to exit, and az reads the answer at its redirect
	// URI only after that: the browser hands the page on in the background.
	browser := filepath.Join(e.dir, "browser")
	script := "#!/bin/sh\ncurl -fsS --noproxy '*' --cacert " + e.info.CAFile + ` -d "{\"url\":\"$1\"}" ` + e.info.HookURL + "/open-url >/dev/null 2>&1 &\n"
	if err := os.WriteFile(browser, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	env := e.baseEnv(t, "REQUESTS_CA_BUNDLE="+e.bundle, "BROWSER="+browser)
	out := must(t, run(t, env, "", "/usr/bin/az", "login", "-o", "json"), "az login (browser)")
	var accounts []struct {
		ID   string
		User struct{ Name string }
	}
	if err := json.Unmarshal([]byte(out), &accounts); err != nil || !slices.ContainsFunc(accounts, func(a struct {
		ID   string
		User struct{ Name string }
	}) bool {
		return a.ID == emulator.DefaultSubscriptionID && a.User.Name == emulator.DefaultUser
	}) {
		t.Fatalf("az login (browser): %v %s", err, out)
	}
}

// TestAzCLIRegistersTheEmulatorAsACloud: az cloud register reads the emulator's
// /metadata/endpoints, and MSAL Python's instance discovery of its address goes to
// login.microsoftonline.com, which the proxy answers.
func TestAzCLIRegistersTheEmulatorAsACloud(t *testing.T) {
	t.Parallel()
	needPeer(t, exists("/usr/bin/az"), "Debian's az CLI (/usr/bin/az, apt-get install azure-cli)")
	e := startEmulator(t)
	env := e.baseEnv(t, "REQUESTS_CA_BUNDLE="+e.bundle)
	az := func(args ...string) string {
		t.Helper()
		return must(t, run(t, env, "", "/usr/bin/az", args...), "az "+strings.Join(args, " "))
	}
	az("cloud", "register", "--name", "emulator", "--endpoint-resource-manager", e.info.ARMEndpoint)
	az("cloud", "set", "--name", "emulator")
	var accounts []struct{ ID, CloudName string }
	out := az("login", "--service-principal", "-u", emulator.DefaultServicePrincipalID, "-p", emulator.DefaultServicePrincipalSecret,
		"--tenant", emulator.DefaultHomeTenantID, "-o", "json")
	if err := json.Unmarshal([]byte(out), &accounts); err != nil || len(accounts) == 0 || accounts[0].CloudName != "emulator" {
		t.Fatalf("az login to the registered cloud: %v %s", err, out)
	}
}

// flows reads the JSON lines the MSAL Python and Node scripts print.
func flows(t *testing.T, out string) map[string]string {
	t.Helper()
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]string
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		got[m["flow"]] = m["tid"]
	}
	return got
}

func TestMSALPythonThroughTheProxy(t *testing.T) {
	t.Parallel()
	ok := exists("/usr/bin/python3") && exec.Command("/usr/bin/python3", "-c", "import msal").Run() == nil
	needPeer(t, ok, "Debian's MSAL Python (/usr/bin/python3 with python3-msal)")
	e := startEmulator(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e.approveNext(t, ctx, emulator.DefaultUser)
	out := must(t, run(t, e.baseEnv(t, "REQUESTS_CA_BUNDLE="+e.bundle), "", "/usr/bin/python3", "testdata/msal_flows.py",
		emulator.DefaultHomeTenantID, emulator.DefaultServicePrincipalID, emulator.DefaultServicePrincipalSecret, emulator.DefaultHomeTenantDomain), "msal_flows.py")
	got := flows(t, out)
	if got["client_credentials"] != emulator.DefaultHomeTenantID || got["client_credentials_cached"] != emulator.DefaultHomeTenantID ||
		got["device_code"] != emulator.DefaultHomeTenantID || got["family_refresh_token"] != emulator.DefaultHomeTenantID {
		t.Fatalf("MSAL Python flows: %s", out)
	}
}

func TestNodeIdentityThroughTheProxy(t *testing.T) {
	t.Parallel()
	modules, err := filepath.Abs("../../interop/node/node_modules")
	if err != nil {
		t.Fatal(err)
	}
	_, nodeErr := exec.LookPath("node")
	needPeer(t, nodeErr == nil && exists(filepath.Join(modules, "@azure/identity")), "Node with interop/node's modules (npm ci in interop/node)")
	e := startEmulator(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e.approveNext(t, ctx, emulator.DefaultUser)
	out := must(t, run(t, e.baseEnv(t, "NODE_EXTRA_CA_CERTS="+e.info.CAFile, "NODE_PATH="+modules), "", "node", "testdata/identity_flows.cjs",
		emulator.DefaultHomeTenantID, emulator.DefaultServicePrincipalID, emulator.DefaultServicePrincipalSecret, certAppID, e.cert), "identity_flows.cjs")
	got := flows(t, out)
	if got["client_secret"] != emulator.DefaultHomeTenantID || got["certificate"] != emulator.DefaultHomeTenantID || got["device_code"] != emulator.DefaultHomeTenantID {
		t.Fatalf("@azure/identity flows: %s", out)
	}
}

// TestAzcAzureCloudThroughTheProxy signs azc in to its built-in AzureCloud (the default
// environment: login.microsoftonline.com with instance discovery, management.azure.com)
// with every kind of account, through the proxy, with SSL_CERT_FILE holding the system
// roots and the emulator's CA.
func TestAzcAzureCloudThroughTheProxy(t *testing.T) {
	t.Parallel()
	_, curlErr := exec.LookPath("curl")
	needPeer(t, curlErr == nil && exists("/usr/bin/python3"), "curl (the stand-in browser calls the emulator's open-url hook with it) and /usr/bin/python3 (the child of azc exec)")
	e := startEmulator(t)
	// The browser: xdg-open hands the sign-in page to the emulator's hook, which signs in
	// as the interactive user and posts the answer back to azc's redirect listener.
	browserDir := filepath.Join(e.dir, "browser")
	if err := os.Mkdir(browserDir, 0o755); err != nil {
		t.Fatal(err)
	}
	xdgOpen := "#!/bin/sh\nexec curl -fsS --noproxy '*' --cacert " + e.info.CAFile + ` -d "{\"url\":\"$1\"}" ` + e.info.HookURL + "/open-url >/dev/null\n"
	if err := os.WriteFile(filepath.Join(browserDir, "xdg-open"), []byte(xdgOpen), 0o755); err != nil {
		t.Fatal(err)
	}
	env := e.baseEnv(t, "SSL_CERT_FILE="+e.bundle, "AZC_CONFIG_DIR="+filepath.Join(e.dir, "azc"), "NO_COLOR=1")
	env[0] = "PATH=" + browserDir + string(os.PathListSeparator) + os.Getenv("PATH")
	azc := func(extra []string, stdin string, args ...string) string {
		t.Helper()
		return must(t, run(t, append(slices.Clone(env), extra...), stdin, bin.azc, args...), "azc "+strings.Join(args, " "))
	}

	// Browser: azc opens one only with a terminal on stderr.
	e.hook(t, http.MethodPut, "/interactive-user", `{"upn":"`+emulator.DefaultUser+`"}`)
	master, slave := ptytest.Open(t)
	cmd := exec.Command(bin.azc, "login", "-o", "json")
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, slave
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	var tty bytes.Buffer
	ttyDone := make(chan struct{})
	go func() { _, _ = io.Copy(&tty, master); close(ttyDone) }()
	werr := cmd.Wait()
	master.Close()
	<-ttyDone
	if werr != nil || !strings.Contains(out.String(), `"id": "`+emulator.DefaultUser+`"`) {
		t.Fatalf("azc login (browser): %v\nstdout: %s\nterminal: %s", werr, out.String(), tty.String())
	}
	if !strings.Contains(tty.String(), "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize?") {
		t.Fatalf("azc did not open the public cloud's sign-in page: %s", tty.String())
	}

	// Device code, as the guest user.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e.approveNext(t, ctx, emulator.DefaultGuestUser)
	azc(nil, "", "login", "--device-code", "-o", "none")
	// Service principal, secret and certificate.
	azc(nil, emulator.DefaultServicePrincipalSecret+"\n", "login", "--service-principal", "--client-id", emulator.DefaultServicePrincipalID,
		"--client-secret-file", "-", "--tenant", emulator.DefaultHomeTenantID, "-o", "none")
	azc(nil, "", "login", "--service-principal", "--client-id", certAppID, "--certificate", e.cert, "--tenant", emulator.DefaultHomeTenantDomain, "-o", "none")
	// Managed identity: the emulator's App Service endpoint.
	header, err := os.ReadFile(e.info.ManagedIdentityHeaderFile)
	if err != nil {
		t.Fatal(err)
	}
	azc([]string{"IDENTITY_ENDPOINT=" + e.info.ManagedIdentity, "IDENTITY_HEADER=" + string(header)}, "", "login", "--identity", "-o", "none")

	// Every sign-in went to the emulator, through the proxy: nothing else answers for the
	// public cloud here.
	if n := e.hook(t, http.MethodGet, "/counts?route=token", "")["count"].(float64); n < 5 {
		t.Fatalf("the emulator answered %v token requests for five sign-ins", n)
	}
	var contexts []struct {
		Name, Environment string
		Account           struct{ ID string }
	}
	list := azc(nil, "", "context", "list", "-o", "json")
	if err := json.Unmarshal([]byte(list), &contexts); err != nil {
		t.Fatalf("context list: %v: %s", err, list)
	}
	accounts := map[string]string{}
	for _, c := range contexts {
		accounts[c.Account.ID] = c.Name
		if c.Environment != "AzureCloud" {
			t.Errorf("context %q is in %q, want AzureCloud", c.Name, c.Environment)
		}
	}
	for _, want := range []string{emulator.DefaultUser, emulator.DefaultGuestUser, emulator.DefaultServicePrincipalID, certAppID, "systemAssignedIdentity"} {
		if accounts[want] == "" {
			t.Errorf("no context for %s: %s", want, list)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	for account, claim := range map[string]string{emulator.DefaultUser: "upn", certAppID: "appid"} {
		var tok struct{ AccessToken, Tenant string }
		if err := json.Unmarshal([]byte(azc(nil, "", "token", "-c", accounts[account], "-o", "json")), &tok); err != nil {
			t.Fatal(err)
		}
		claims := jwtClaims(t, tok.AccessToken)
		if claims[claim] != account || claims["tid"] != tok.Tenant || claims["iss"] != "https://sts.windows.net/"+tok.Tenant+"/" {
			t.Errorf("azc token -c %q: tenant %s, claims %v", accounts[account], tok.Tenant, claims)
		}
	}

	// exec: a child gets the context's token from azc's credential server.
	child := `import json, os, urllib.request
req = urllib.request.Request(os.environ["IDENTITY_ENDPOINT"] + "?api-version=2019-08-01&resource=https://management.azure.com/",
                             headers={"X-IDENTITY-HEADER": os.environ["IDENTITY_HEADER"]})
print(json.load(urllib.request.urlopen(req))["access_token"])`
	got := azc(nil, "", "exec", "-c", accounts[emulator.DefaultUser], "--", "/usr/bin/python3", "-c", child)
	if claims := jwtClaims(t, strings.TrimSpace(got)); claims["upn"] != emulator.DefaultUser {
		t.Fatalf("the child's token: %v", claims)
	}

	// The managed identity's token in the child of an exec of the user is not the user's:
	// IDENTITY_ENDPOINT there is the exec's server, which names the account it serves. In
	// an exec of the managed identity itself, its token comes from the server.
	mi := []string{"IDENTITY_ENDPOINT=" + e.info.ManagedIdentity, "IDENTITY_HEADER=" + string(header)}
	r := run(t, append(slices.Clone(env), mi...), "", bin.azc, "exec", "-c", accounts[emulator.DefaultUser], "--",
		bin.azc, "token", "-c", accounts["systemAssignedIdentity"], "-o", "json")
	if r.err == nil || !strings.Contains(r.stderr, "outside that azc exec") {
		t.Fatalf("azc token -c %q in an exec of %s: %v\nstdout of %d bytes\nstderr: %s", accounts["systemAssignedIdentity"], emulator.DefaultUser, r.err, len(r.stdout), r.stderr)
	}
	var tok struct{ AccessToken string }
	if err := json.Unmarshal([]byte(azc(mi, "", "exec", "-c", accounts["systemAssignedIdentity"], "--", bin.azc, "token", "-o", "json")), &tok); err != nil {
		t.Fatal(err)
	}
	if claims := jwtClaims(t, tok.AccessToken); claims["upn"] != nil {
		t.Fatalf("azc token in an exec of the managed identity: a user's token (%v)", claims["upn"])
	}
}

func jwtClaims(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT (%d parts)", len(parts))
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
