package front_test

import (
	"os"
	"os/exec"
	"strconv"
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
	// the desktop's key store client (credstore/desktopkey), D-Bus and
	// the net package under it: `azc version` 0.5 ms and `context show`
	// 0.8 ms of a 7 ms hello world (docs/benchmarks.md); a command that
	// needs that key store goes to azc-full
	"github.com/zalando/go-keyring",
	"github.com/godbus/dbus/",
	"net",
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

// TestAzcPackagesDoNoWorkAtStart runs azc and azc-full with the runtime's
// trace of package initialisation and checks that no package of azc's
// allocates more than a few variables when a command starts (a regular
// expression compiled at package level took 0.2 ms of every `azc context
// show`): such work is done on first use.
func TestAzcPackagesDoNoWorkAtStart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds azc and azc-full")
	}
	t.Parallel()
	const most = 4096 // bytes a package of azc's may allocate at start
	dir := t.TempDir()
	for _, name := range []string{"azc", "azc-full"} {
		bin := build(t, dir, name, "github.com/azcontext/azc/cmd/"+name, "v1.0.0")
		cmd := exec.Command(bin, "version")
		cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1", "AZC_CONFIG_DIR="+t.TempDir())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s version: %v\n%s", name, err, out)
		}
		// init github.com/azcontext/azc/secret @1.3 ms, 0.001 ms clock, 88 bytes, 2 allocs
		seen := 0
		for _, line := range strings.Split(string(out), "\n") {
			f := strings.Fields(line)
			if len(f) < 10 || f[0] != "init" || f[8] != "bytes," {
				continue
			}
			seen++
			if !strings.HasPrefix(f[1], "github.com/azcontext/azc") {
				continue
			}
			if n, err := strconv.Atoi(f[7]); err != nil || n > most {
				t.Errorf("%s: package %s allocates %s bytes at start (at most %d): do that work on first use", name, f[1], f[7], most)
			}
		}
		if seen < 20 {
			t.Fatalf("%s: %d lines of the init trace read:\n%s", name, seen, out)
		}
	}
}
