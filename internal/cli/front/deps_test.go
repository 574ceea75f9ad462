package front_test

import (
	"os/exec"
	"strings"
	"testing"
)

// heavy are the packages whose start-up cost azc must not pay: they belong
// to azc-full (docs/architecture.md, "Two binaries"). cobra's package
// inits alone cost azc about 0.7 ms.
var heavy = []string{
	"github.com/spf13/cobra",
	"github.com/spf13/pflag",
	"text/template",
	"github.com/AzureAD/microsoft-authentication-library-for-go/",
	"github.com/Azure/azure-sdk-for-go/",
	"github.com/azcontext/azc/auth",
	"github.com/azcontext/azc/credserver",
	"net/http",
	"crypto/tls",
}

// TestAzcLinksNothingHeavy checks that cmd/azc stays light.
func TestAzcLinksNothingHeavy(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", "github.com/azcontext/azc/cmd/azc").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 20 {
		t.Fatalf("go list printed only %d packages", len(deps))
	}
	for _, d := range deps {
		for _, h := range heavy {
			if d == h || (strings.HasSuffix(h, "/") && strings.HasPrefix(d, h)) {
				t.Errorf("azc links %s", d)
			}
		}
	}
}
