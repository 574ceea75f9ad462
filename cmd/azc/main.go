// Command azc keeps named Azure contexts (account, tenant, subscription,
// cloud) and switches between them per user or per shell. It runs the
// commands on the start-up budget itself (context show and list, use, the
// prompt, a warm token) and hands every other invocation to azc-full, which
// it finds beside itself or on PATH.
package main

import (
	"os"

	"github.com/azcontext/azc/internal/cli/front"
)

// version is set at link time: -ldflags "-X main.version=v1.2.3".
var version = ""

func main() {
	os.Exit(front.Main(version, os.Args[1:]))
}
