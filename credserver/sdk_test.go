package credserver_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/azcontext/azc/credserver"
)

// childEnvVar selects the credential TestAzidentityChild builds. The child
// runs in its own process because MSAL's managed identity cache is global to
// a process, and because the SDK reads its configuration from the real
// environment.
const childEnvVar = "AZC_CREDSERVER_TEST_CHILD"

// TestAzidentityClients runs the Go SDK's own managed identity clients
// against a Server, each in a child process whose environment holds only
// Server.Env (plus PATH and an empty HOME), and checks they get the served
// token with the served expiry.
func TestAzidentityClients(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		credential string
		legacy     bool
	}{
		{"ManagedIdentityCredential", false},
		{"DefaultAzureCredential", false},
		{"ManagedIdentityCredential", true},
		{"DefaultAzureCredential", true},
	} {
		t.Run(fmt.Sprintf("%s legacy=%v", tc.credential, tc.legacy), func(t *testing.T) {
			t.Parallel()
			src := newSource(t, tc.credential)
			src.expiresOn = time.Now().Add(time.Hour).Truncate(time.Second)
			s := start(t, credserver.Options{Source: src, LegacyMSI: tc.legacy, Now: time.Now})
			env := append([]string{
				childEnvVar + "=" + tc.credential,
				"PATH=" + os.Getenv("PATH"),
				"HOME=" + t.TempDir(),
			}, s.Env()...)
			cmd := exec.Command(os.Args[0], "-test.run=^TestAzidentityChild$", "-test.count=1", "-test.v")
			cmd.Env = env
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("child: %v\nstdout:\n%s\nstderr:\n%s", err, out, stderr.String())
			}
			got := map[string]string{}
			sc := bufio.NewScanner(bytes.NewReader(out))
			for sc.Scan() {
				if k, v, ok := strings.Cut(sc.Text(), "="); ok && (k == "TOKEN" || k == "EXPIRES") {
					got[k] = v
				}
			}
			if got["TOKEN"] != src.token {
				t.Errorf("the child got token %q, want the served one\nchild output:\n%s", got["TOKEN"], out)
			}
			if got["EXPIRES"] != strconv.FormatInt(src.expiresOn.Unix(), 10) {
				t.Errorf("the child's token expires at %s, want %d", got["EXPIRES"], src.expiresOn.Unix())
			}
			if asked := src.asked(); len(asked) != 1 || strings.TrimSuffix(asked[0], "/") != "https://management.azure.com" {
				t.Errorf("the source was asked for %q, want ARM once", asked)
			}
		})
	}
}

// TestAzidentityChild is the child half of TestAzidentityClients; it skips
// unless that test started it.
func TestAzidentityChild(t *testing.T) {
	which := os.Getenv(childEnvVar)
	if which == "" {
		t.Skip("runs only as the child of TestAzidentityClients")
	}
	var cred azcore.TokenCredential
	var err error
	switch which {
	case "ManagedIdentityCredential":
		cred, err = azidentity.NewManagedIdentityCredential(nil)
	case "DefaultAzureCredential":
		cred, err = azidentity.NewDefaultAzureCredential(nil)
	default:
		t.Fatalf("unknown credential %q", which)
	}
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{"https://management.azure.com/.default"}})
	if err != nil {
		t.Fatal(err)
	}
	// A second call must be served from the SDK's cache, not the server.
	if _, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{"https://management.azure.com/.default"}}); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("\nTOKEN=%s\nEXPIRES=%d\n", tok.Token, tok.ExpiresOn.Unix())
}
