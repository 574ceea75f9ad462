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

// manRenderer is what rendering man pages takes: cobra/doc and the markdown
// renderer under it, whose package initialisation (regular expressions,
// maps) every start of azc-full would pay. The pages are rendered at
// development time (internal/cli/mangen) and embedded.
var manRenderer = []string{
	"github.com/spf13/cobra/doc",
	"github.com/cpuguy83/go-md2man/",
	"github.com/russross/blackfriday/",
}

// TestAzcLinksNothingHeavy checks that cmd/azc stays light.
func TestAzcLinksNothingHeavy(t *testing.T) {
	for _, d := range linked(t, "github.com/azcontext/azc/cmd/azc", heavy) {
		t.Errorf("azc links %s", d)
	}
}

// TestAzcFullLinksNoManRenderer checks that azc-full writes its man pages
// without rendering them.
func TestAzcFullLinksNoManRenderer(t *testing.T) {
	for _, d := range linked(t, "github.com/azcontext/azc/cmd/azc-full", manRenderer) {
		t.Errorf("azc-full links %s", d)
	}
}

// linked lists the packages of pkg's build that are in banned: a path, or
// every package under a path that ends in "/".
func linked(t *testing.T, pkg string, banned []string) []string {
	t.Helper()
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", pkg).Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 20 {
		t.Fatalf("go list printed only %d packages", len(deps))
	}
	var found []string
	for _, d := range deps {
		for _, h := range banned {
			if d == h || (strings.HasSuffix(h, "/") && strings.HasPrefix(d, h)) {
				found = append(found, d)
			}
		}
	}
	return found
}
