package emulator_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/azcontext/azc/emulator"
)

func TestServePrintsOneJSONLineAndRunsUntilCancelled(t *testing.T) {
	t.Parallel()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	ctx, cancel := context.WithCancel(context.Background())
	out, w := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- emulator.Main(ctx, []string{"serve", "--config", "../examples/emulator-seed.json", "--ca-out", ca, "--impersonate"}, w, &stderr)
		w.Close()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("read: %v (stderr %s)", err, stderr.String())
	}
	var info emulator.ServeInfo
	if err := json.Unmarshal([]byte(line), &info); err != nil {
		t.Fatal(err)
	}
	if info.CAFile != ca || info.AuthorityHost != info.URL+"/" || info.HookURL != info.URL+"/_emulator" ||
		info.EnvironmentAddCommand != "azc environment add emulator --authority-host "+info.URL+"/ --arm-endpoint "+info.URL+"/ --arm-audience https://management.core.windows.net/ --ca-file "+ca {
		t.Fatalf("info %+v", info)
	}
	header, err := os.ReadFile(info.ManagedIdentityHeaderFile)
	if err != nil || len(header) < 16 || strings.Contains(line, string(header)) {
		t.Fatalf("identity header file: %v %q", err, header)
	}
	if !strings.HasPrefix(info.Proxy, "http://127.0.0.1:") {
		t.Fatalf("proxy %q, want http://127.0.0.1:PORT", info.Proxy)
	}
	pem, err := os.ReadFile(ca)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	for _, host := range []string{info.URL, strings.Replace(info.URL, "127.0.0.1", "localhost", 1)} {
		resp, err := c.Get(host + "/contoso.example/v2.0/.well-known/openid-configuration")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", host, resp.StatusCode)
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit code %d, stderr %s", code, stderr.String())
	}
	if _, err := os.Stat(info.ManagedIdentityHeaderFile); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the identity header file outlived the emulator: %v", err)
	}
}

// TestTheDefaultCADirectoryGoesWithTheEmulator: without --ca-out the CA is written to a
// new directory under the temp dir, which is removed when the emulator exits (its CA
// is of no use after that), so runs leave nothing behind.
func TestTheDefaultCADirectoryGoesWithTheEmulator(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	info, stop := startMain(t, "serve")
	if filepath.Dir(filepath.Dir(info.CAFile)) != tmp {
		t.Fatalf("CA file %s, want one in a new directory under %s", info.CAFile, tmp)
	}
	if _, err := os.Stat(info.CAFile); err != nil {
		t.Fatal(err)
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Fatalf("the emulator left %v in the temp dir", left)
	}
}

// TestTwoEmulatorsInOneDirectoryKeepTheirOwnIdentityHeaders: each emulator writes its
// own managed identity header file beside its CA, so a second one started with --ca-out
// in the same directory leaves the first one's endpoint working.
func TestTwoEmulatorsInOneDirectoryKeepTheirOwnIdentityHeaders(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var infos []emulator.ServeInfo
	for _, name := range []string{"a.pem", "b.pem"} {
		info, _ := startMain(t, "serve", "--ca-out", filepath.Join(dir, name))
		infos = append(infos, info)
	}
	if infos[0].ManagedIdentityHeaderFile == infos[1].ManagedIdentityHeaderFile {
		t.Fatalf("both emulators use %s", infos[0].ManagedIdentityHeaderFile)
	}
	for _, info := range infos {
		header, err := os.ReadFile(info.ManagedIdentityHeaderFile)
		if err != nil {
			t.Fatal(err)
		}
		pem, err := os.ReadFile(info.CAFile)
		if err != nil {
			t.Fatal(err)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
		req, _ := http.NewRequest(http.MethodGet, info.ManagedIdentity+"?api-version=2019-08-01&resource=https://management.azure.com", nil)
		req.Header.Set("X-IDENTITY-HEADER", string(header))
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s with the header from %s: %s", info.ManagedIdentity, info.ManagedIdentityHeaderFile, resp.Status)
		}
	}
}

func TestMainUsageErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		args []string
		code int
	}{
		{"no command", nil, 2},
		{"an unknown command", []string{"run"}, 2},
		{"an unknown flag", []string{"serve", "--nope"}, 2},
		{"a stray argument", []string{"serve", "extra"}, 2},
		{"a missing config", []string{"serve", "--config", "/does/not/exist.json"}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := emulator.Main(context.Background(), tc.args, &stdout, &stderr); code != tc.code || stdout.Len() != 0 {
				t.Fatalf("code %d stdout %q stderr %q", code, stdout.String(), stderr.String())
			}
		})
	}
}

// TestHelpIsPrintedOnStdout: asked for, the usage is the command's output (stdout, exit
// 0), so `azc-emulator --help | less` shows it; a usage mistake prints it on stderr.
func TestHelpIsPrintedOnStdout(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"serve", "--help"}, {"serve", "-h"}} {
		var stdout, stderr bytes.Buffer
		code := emulator.Main(context.Background(), args, &stdout, &stderr)
		if code != 0 || !strings.Contains(stdout.String(), "usage: azc-emulator serve") || stderr.Len() != 0 {
			t.Errorf("%q: code %d stdout %q stderr %q", args, code, stdout.String(), stderr.String())
		}
		if args[0] == "serve" && !strings.Contains(stdout.String(), "-rotate-refresh-tokens") {
			t.Errorf("%q does not list the flags: %q", args, stdout.String())
		}
	}
	var stdout, stderr bytes.Buffer
	if code := emulator.Main(context.Background(), []string{"serve", "--nope"}, &stdout, &stderr); code != 2 || stdout.Len() != 0 ||
		!strings.Contains(stderr.String(), "-nope") || !strings.Contains(stderr.String(), "usage: azc-emulator serve") {
		t.Errorf("an unknown flag: code %d stdout %q stderr %q", code, stdout.String(), stderr.String())
	}
}

// startMain runs emulator.Main with args until the test ends or stop is called, and
// returns the ServeInfo it printed; stop ends it and returns its exit code.
func startMain(t *testing.T, args ...string) (info emulator.ServeInfo, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, w := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- emulator.Main(ctx, args, w, io.Discard)
		w.Close()
	}()
	var once sync.Once
	var code int
	stop = func() int {
		once.Do(func() {
			cancel()
			code = <-done
		})
		return code
	}
	t.Cleanup(func() { stop() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, out)
	if err := json.Unmarshal([]byte(line), &info); err != nil {
		t.Fatal(err)
	}
	return info, stop
}

// serveMain runs `azc-emulator serve` with args until the test ends and returns its
// ServeInfo and a client that trusts its CA.
func serveMain(t *testing.T, args ...string) (emulator.ServeInfo, *http.Client) {
	t.Helper()
	info, _ := startMain(t, append([]string{"serve", "--ca-out", filepath.Join(t.TempDir(), "ca.pem")}, args...)...)
	pem, err := os.ReadFile(info.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	c := &http.Client{
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return info, c
}

func TestServeRotatesRefreshTokensOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	cfg := emulator.DefaultConfig()
	cfg.RotateRefreshTokens = true
	seed, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rotating := filepath.Join(t.TempDir(), "rotating.json")
	if err := os.WriteFile(rotating, seed, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		args      []string
		oldStatus int
	}{
		{"by default a redeemed refresh token stays valid", nil, http.StatusOK},
		{"--rotate-refresh-tokens refuses a redeemed one", []string{"--rotate-refresh-tokens"}, http.StatusBadRequest},
		{"a seed with rotateRefreshTokens refuses a redeemed one", []string{"--config", rotating}, http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			info, c := serveMain(t, tc.args...)
			post := func(url string, form url.Values) (*http.Response, map[string]any) {
				t.Helper()
				resp, err := c.PostForm(url, form)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				var m map[string]any
				_ = json.NewDecoder(resp.Body).Decode(&m)
				return resp, m
			}
			resp, err := c.Post(info.HookURL+"/interactive-user", "application/json", strings.NewReader(`{"upn":"`+emulator.DefaultUser+`"}`))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("set the interactive user: %s", resp.Status)
			}
			const verifier = "a-verifier-that-is-long-enough-for-pkce-0123456789"
			sum := sha256.Sum256([]byte(verifier))
			q := url.Values{"client_id": {emulator.AzurePowerShellClientID}, "response_type": {"code"}, "redirect_uri": {"http://localhost"},
				"scope": {"https://management.azure.com/.default offline_access"}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
			resp, err = c.Get(info.URL + "/organizations/oauth2/v2.0/authorize?" + q.Encode())
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			loc, _ := url.Parse(resp.Header.Get("Location"))
			if loc == nil || loc.Query().Get("code") == "" {
				t.Fatalf("authorize: %s, location %q", resp.Status, resp.Header.Get("Location"))
			}
			token := info.URL + "/organizations/oauth2/v2.0/token"
			_, m := post(token, url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "code_verifier": {verifier},
				"redirect_uri": {"http://localhost"}, "client_id": {emulator.AzurePowerShellClientID}, "scope": {"https://management.azure.com/.default offline_access"}})
			old, _ := m["refresh_token"].(string)
			refresh := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {old}, "client_id": {emulator.AzurePowerShellClientID}, "scope": {"https://management.azure.com/.default"}}
			if resp, m := post(token, refresh); resp.StatusCode != http.StatusOK || m["refresh_token"] == "" || m["refresh_token"] == old {
				t.Fatalf("first redemption: %s %v", resp.Status, m)
			}
			if resp, m := post(token, refresh); resp.StatusCode != tc.oldStatus {
				t.Fatalf("second redemption of the same token: %s %v", resp.Status, m)
			}
		})
	}
}
