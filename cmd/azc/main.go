// Command azc keeps named Azure contexts (account, tenant, subscription,
// cloud) and switches between them per user or per shell.
package main

import (
	"os"

	"github.com/azcontext/azc/internal/cli"
)

// version is set at link time: -ldflags "-X main.version=v1.2.3".
var version = ""

func main() {
	os.Exit(cli.Main(version, os.Args[1:]))
}
