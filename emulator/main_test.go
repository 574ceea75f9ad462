package emulator_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
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
		done <- emulator.Main(ctx, []string{"serve", "--config", "../examples/emulator-seed.json", "--ca-out", ca}, w, &stderr)
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
