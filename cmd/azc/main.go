// Command azc keeps named Azure contexts (account, tenant, subscription,
// cloud) and switches between them per user or per shell. It is the light
// half of azc: sign-in, token refresh, ARM lists and exec run in azc-full,
// which azc finds beside itself or on PATH and hands those commands to.
package main

import (
	"os"

	"github.com/azcontext/azc/internal/cli"
	"github.com/azcontext/azc/internal/cli/light"
	_ "github.com/azcontext/azc/internal/oneproc"
)

// version is set at link time: -ldflags "-X main.version=v1.2.3".
var version = ""

func main() {
	os.Exit(cli.Main(cli.Binary{Commands: light.Commands, Fast: light.Fast}, version, os.Args[1:]))
}
